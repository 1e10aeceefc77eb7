"""Account management is for beheerders only, and never removes the last one."""

import json

import pytest

from deliberatie import audit
from deliberatie.extensions import db
from deliberatie.models import AuditEntry, Role, User
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


@pytest.mark.postgres
def test_two_beheerders_demoting_each_other_at_once_leave_one(app, database):
    """Each sees the other as the remaining beheerder; without a lock both demotions would be saved."""
    import threading

    if database[2] is None:
        pytest.skip("PostgreSQL only: SQLite lets one writer in at a time, so there is no race to test")
    from deliberatie.beheer import services

    a = make_user(Role.BEHEERDER, "a@example.org").id
    b = make_user(Role.BEHEERDER, "b@example.org").id
    db.session.commit()
    first_saved, release = threading.Event(), threading.Event()
    outcomes = {}

    def demote(target, name, hold):
        with app.app_context():
            try:
                services.update_account(db.session.get(User, target), role=Role.INWONER, active=True)
                if hold:
                    first_saved.set()
                    release.wait(timeout=30)
                db.session.commit()
                outcomes[name] = "stored"
            except services.LastBeheerder:
                db.session.rollback()
                outcomes[name] = "refused"
            finally:
                db.session.remove()

    first = threading.Thread(target=demote, args=(b, "a demotes b", True))
    second = threading.Thread(target=demote, args=(a, "b demotes a", False))
    first.start()
    assert first_saved.wait(timeout=30)
    second.start()
    second.join(timeout=1)  # waits for the first transaction (with the fix)
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert outcomes == {"a demotes b": "stored", "b demotes a": "refused"}
    db.session.expire_all()
    assert db.session.get(User, a).role is Role.BEHEERDER


def test_role_and_active_changes_are_in_the_audit_log(client, auth, people):
    """Who made whom an organiser (and so able to open and count votes) is on record."""
    auth.login("beheerder@example.org")
    client.post(f"/beheer/accounts/{people[Role.INWONER]}", data={"role": "organisator", "active": "y"})
    client.post(f"/beheer/accounts/{people[Role.RAADSLID]}", data={"role": "raadslid"})
    client.post(f"/beheer/accounts/{people[Role.ORGANISATOR]}", data={"role": "organisator", "active": "y"})
    client.post(f"/beheer/accounts/{people[Role.BEHEERDER]}", data={"role": "inwoner", "active": "y"})  # refused
    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.actor, e.action, e.subject) for e in entries] == [
        ("beheerder@example.org", "beheer.account", f"user:{people[Role.INWONER]}"),
        ("beheerder@example.org", "beheer.account", f"user:{people[Role.RAADSLID]}"),
    ]
    assert json.loads(entries[0].details) == {"role": ["inwoner", "organisator"], "active": [True, True]}
    assert json.loads(entries[1].details) == {"role": ["raadslid", "raadslid"], "active": [True, False]}
    assert audit.verify() == []


def test_beheerder_who_gives_up_the_role_lands_on_a_page_they_may_see(client, auth, people):
    make_user(Role.BEHEERDER, "tweede@example.org")
    db.session.commit()
    auth.login("beheerder@example.org")
    response = client.post(f"/beheer/accounts/{people[Role.BEHEERDER]}", data={"role": "organisator", "active": "y"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "is opgeslagen" in response.text
    assert client.get("/beheer/accounts").status_code == 403  # the change took effect at once


def test_deactivated_account_is_signed_out_everywhere_at_once(app, client, auth, people):
    resident = app.test_client()
    resident.post("/auth/inloggen", data={"email": "inwoner@example.org", "password": "wachtwoord-123",
                                          "remember": "y"})
    assert "Uitloggen" in resident.get("/").text
    auth.login("beheerder@example.org")
    client.post(f"/beheer/accounts/{people[Role.INWONER]}", data={"role": "inwoner"})
    assert "Uitloggen" not in resident.get("/").text
    assert resident.get("/privacy/mijn-gegevens").status_code == 302
    resident.delete_cookie("session")  # the "stay signed in" cookie does not bring it back
    assert "Uitloggen" not in resident.get("/").text


def test_an_ended_staff_account_is_deleted_and_its_acts_stay_on_record(client, auth, people):
    """AVG: a former organiser's account goes (name, address, password, memberships); the audit log keeps
    what was done with it, chained as before, plus who deleted it."""
    from deliberatie.models import Traject
    from deliberatie.models.traject import traject_organisator
    from tests.factories import make_gemeente, make_traject

    organiser = db.session.get(User, people[Role.ORGANISATOR])
    traject = make_traject(make_gemeente(), organisator=organiser)
    audit.record(organiser, "wijkbudget.open", f"traject:{traject.id}")
    db.session.commit()
    organiser_id = organiser.id
    auth.login("beheerder@example.org")
    page = f"/beheer/accounts/{organiser_id}"
    delete = page + "/verwijderen"
    # Still active: no delete form, and a forged request is refused.
    assert "Account definitief verwijderen" not in client.get(page).text
    client.post(delete, data={"confirm": "y"})
    assert db.session.get(User, organiser_id) is not None
    # Ended, but not confirmed: nothing happens.
    client.post(page, data={"role": "organisator"})  # "active" unticked
    assert "Account definitief verwijderen" in client.get(page).text
    response = client.post(delete, data={})
    assert response.status_code == 302 and response.headers["Location"] == page
    db.session.expire_all()
    assert db.session.get(User, organiser_id) is not None
    response = client.post(delete, data={"confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"] == "/beheer/accounts"
    db.session.expire_all()
    assert db.session.get(User, organiser_id) is None
    assert db.session.execute(db.select(traject_organisator)).all() == []
    assert db.session.get(Traject, traject.id) is not None
    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor) for e in entries][-3:] == [
        ("wijkbudget.open", "organisator@example.org"),
        ("beheer.account", "beheerder@example.org"),
        ("privacy.account_deleted", "beheerder@example.org")]
    assert audit.verify() == []
    assert client.post(delete, data={"confirm": "y"}).status_code == 404

