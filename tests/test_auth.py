"""Accounts: registration, login, logout and password reset."""

from deliberatie.extensions import db
from deliberatie.models import Role, User
from tests.factories import PASSWORD, make_user


def test_register_creates_inwoner_with_hashed_password(client, app):
    response = client.post("/auth/registreren", data={
        "name": "Sam", "email": "Sam@Example.org", "password": "lang-genoeg-1", "confirm": "lang-genoeg-1"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).filter_by(email="sam@example.org"))
    assert user.role is Role.INWONER
    assert user.password_hash.startswith("scrypt:")
    assert "lang-genoeg-1" not in user.password_hash
    assert client.get("/").status_code == 200
    assert b"Uitloggen" in client.get("/").data


def test_register_rejects_duplicate_short_and_mismatched(client, app):
    make_user(email="taken@example.org")
    db.session.commit()
    response = client.post("/auth/registreren", data={
        "email": "TAKEN@example.org", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 200
    assert "Er is al een account met dit e-mailadres." in response.text
    response = client.post("/auth/registreren", data={
        "email": "new@example.org", "password": "kort", "confirm": "anders"})
    assert "Minstens 10 tekens" in response.text or "10" in response.text
    assert "De wachtwoorden zijn niet gelijk." in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_login_logout(client, auth, app):
    make_user(email="ina@example.org")
    db.session.commit()
    response = auth.login("ina@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert b"Uitloggen" in client.get("/").data
    assert auth.logout().status_code == 302
    assert b"Inloggen" in client.get("/").data


def test_login_wrong_password_and_unknown_email_look_the_same(client, auth, app):
    make_user(email="ina@example.org")
    db.session.commit()
    wrong = auth.login("ina@example.org", "verkeerd-wachtwoord")
    unknown = auth.login("niemand@example.org", "verkeerd-wachtwoord")
    assert wrong.status_code == unknown.status_code == 200
    assert "Het e-mailadres of het wachtwoord klopt niet." in wrong.text
    assert "Het e-mailadres of het wachtwoord klopt niet." in unknown.text


def test_inactive_account_cannot_login(client, auth, app):
    make_user(email="weg@example.org", active=False)
    db.session.commit()
    assert auth.login("weg@example.org").status_code == 200


def test_login_next_only_same_site(client, auth, app):
    make_user(email="ina@example.org")
    db.session.commit()
    response = client.post("/auth/inloggen?next=https://evil.example/x",
                           data={"email": "ina@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/auth/uitloggen")
    response = client.post("/auth/inloggen?next=/trajecten/1",
                           data={"email": "ina@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/trajecten/1"


def test_logout_requires_post(client):
    assert client.get("/auth/uitloggen").status_code == 405


def test_password_reset_flow_link_works_once(client, auth, app):
    make_user(email="ina@example.org")
    db.session.commit()
    response = client.post("/auth/wachtwoord-vergeten", data={"email": "ina@example.org"})
    assert response.status_code == 302
    outbox = app.extensions["deliberatie.outbox"]
    assert len(outbox) == 1 and outbox[0]["To"] == "ina@example.org"
    link = next(line for line in outbox[0].get_content().splitlines() if "/wachtwoord-herstellen/" in line)
    path = link[link.index("/auth/"):].strip()
    response = client.post(path, data={"password": "nieuw-wachtwoord", "confirm": "nieuw-wachtwoord"})
    assert response.status_code == 302
    assert auth.login("ina@example.org", PASSWORD).status_code == 200  # old one refused
    assert auth.login("ina@example.org", "nieuw-wachtwoord").status_code == 302
    # The same link cannot be used again: the password it was bound to has changed.
    response = client.get(path)
    assert response.status_code == 302 and "wachtwoord-vergeten" in response.headers["Location"]


def test_password_reset_unknown_email_reveals_nothing(client, app):
    response = client.post("/auth/wachtwoord-vergeten", data={"email": "niemand@example.org"})
    assert response.status_code == 302
    assert not app.extensions.get("deliberatie.outbox")


def test_password_reset_forged_token_refused(client):
    response = client.get("/auth/wachtwoord-herstellen/not-a-token")
    assert response.status_code == 302 and "wachtwoord-vergeten" in response.headers["Location"]
