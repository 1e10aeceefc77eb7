"""Account management is for beheerders only, and never removes the last one."""

import pytest

from deliberatie.extensions import db
from deliberatie.models import Role, User
from tests.factories import make_user


@pytest.fixture
def people(app):
    ids = {role: make_user(role, f"{role.value}@example.org").id for role in Role}
    db.session.commit()
    return ids


@pytest.mark.parametrize("role,status", [(Role.INWONER, 403), (Role.ORGANISATOR, 403),
                                         (Role.RAADSLID, 403), (Role.BEHEERDER, 200)])
def test_accounts_page_roles(client, auth, people, role, status):
    auth.login(f"{role.value}@example.org")
    assert client.get("/beheer/accounts").status_code == status
    assert client.get(f"/beheer/accounts/{people[Role.INWONER]}").status_code == status
    response = client.post(f"/beheer/accounts/{people[Role.INWONER]}", data={"role": "beheerder", "active": "y"})
    assert response.status_code == (302 if status == 200 else 403)


def test_anonymous_redirected(client, people):
    assert client.get("/beheer/accounts").headers["Location"].startswith("/auth/inloggen")


def test_beheerder_changes_role_and_deactivates(client, auth, people):
    auth.login("beheerder@example.org")
    client.post(f"/beheer/accounts/{people[Role.INWONER]}", data={"role": "organisator"})
    user = db.session.get(User, people[Role.INWONER])
    db.session.refresh(user)
    assert user.role is Role.ORGANISATOR and user.active is False


def test_last_beheerder_cannot_be_demoted(client, auth, people):
    auth.login("beheerder@example.org")
    response = client.post(f"/beheer/accounts/{people[Role.BEHEERDER]}", data={"role": "inwoner", "active": "y"})
    assert response.status_code == 200
    assert "Er moet minstens één actieve beheerder blijven." in response.text
    user = db.session.get(User, people[Role.BEHEERDER])
    db.session.refresh(user)
    assert user.role is Role.BEHEERDER


def test_unknown_account_404_and_bad_role_rejected(client, auth, people):
    auth.login("beheerder@example.org")
    assert client.get("/beheer/accounts/999").status_code == 404
    response = client.post(f"/beheer/accounts/{people[Role.INWONER]}", data={"role": "keizer"})
    assert response.status_code == 200 and "Niet alles is goed ingevuld" in response.text
