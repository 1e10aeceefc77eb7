"""Accounts: login, logout and password reset (registration: tests/test_registration.py)."""

import re

import pytest

from deliberatie.extensions import db
from deliberatie.models import Role, User
from tests.factories import PASSWORD, make_user
from tests.held_mail import break_mail, hold_mail


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


def _reset_link(client, app, email):
    client.post("/auth/wachtwoord-vergeten", data={"email": email})
    body = app.extensions["deliberatie.outbox"][-1].get_content()
    link = next(line for line in body.splitlines() if "/wachtwoord-herstellen/" in line)
    return link[link.index("/auth/"):].strip()


def _signed_in(client):
    return "Uitloggen" in client.get("/").text


def test_password_reset_signs_out_every_other_device(app, auth):
    """Someone who knows the old password, or has a device with "stay signed in", is out after a reset."""
    make_user(email="ina@example.org")
    db.session.commit()
    laptop, stolen_phone = app.test_client(), app.test_client()
    assert laptop.post("/auth/inloggen", data={"email": "ina@example.org", "password": PASSWORD}).status_code == 302
    stolen_phone.post("/auth/inloggen", data={"email": "ina@example.org", "password": PASSWORD, "remember": "y"})
    assert _signed_in(laptop) and _signed_in(stolen_phone)
    # The remember cookie alone (the browser was closed) signs the phone in again.
    stolen_phone.delete_cookie("session")
    assert _signed_in(stolen_phone)

    path = _reset_link(app.test_client(), app, "ina@example.org")
    assert app.test_client().post(path, data={"password": "nieuw-wachtwoord", "confirm": "nieuw-wachtwoord"}
                                  ).status_code == 302

    assert not _signed_in(laptop)
    assert laptop.get("/privacy/mijn-gegevens").status_code == 302
    assert not _signed_in(stolen_phone)
    stolen_phone.delete_cookie("session")
    assert not _signed_in(stolen_phone)
    # Signing in with the new password works as before, and stays signed in.
    assert auth.login("ina@example.org", "nieuw-wachtwoord").status_code == 302
    assert _signed_in(auth._client) and _signed_in(auth._client)


def test_session_without_a_valid_account_id_is_anonymous(app, client):
    user = make_user(email="ina@example.org")
    db.session.commit()
    for forged in (str(user.id), f"{user.id}.", f"{user.id}.0000", "x.y", "", "99999999999999999999", "\u00b2.ab"):
        with client.session_transaction() as session:
            session["_user_id"] = forged
            session["_fresh"] = True
        assert not _signed_in(client), forged


def test_logout_forgets_codes_kept_in_the_session_but_not_the_language(client, auth, app):
    """On a shared computer the next person must not continue with a letter code or stemcode."""
    make_user(email="ina@example.org")
    db.session.commit()
    auth.login("ina@example.org")
    with client.session_transaction() as session:
        session["lang"] = "en"
        session["burgerraad.invitation"] = "ABCD-EFGH"
    auth.logout()
    with client.session_transaction() as session:
        assert "burgerraad.invitation" not in session
        assert "_user_id" not in session
        assert session.get("lang") == "en"


def test_logout_also_ends_stay_signed_in(client, app):
    make_user(email="ina@example.org")
    db.session.commit()
    client.post("/auth/inloggen", data={"email": "ina@example.org", "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None
    client.post("/auth/uitloggen")
    assert client.get_cookie("remember_token") is None
    assert not _signed_in(client)


def test_password_reset_mail_failure_answers_as_for_an_unknown_address(client, app, monkeypatch):
    """An SMTP error must not turn into a 500 that only existing accounts get."""
    break_mail(monkeypatch)
    make_user(email="ina@example.org")
    db.session.commit()
    known = client.post("/auth/wachtwoord-vergeten", data={"email": "ina@example.org"})
    unknown = client.post("/auth/wachtwoord-vergeten", data={"email": "niemand@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]


@pytest.mark.parametrize("path,expected", [
    ("/auth/inloggen", {"email": "username", "password": "current-password"}),
    ("/auth/registreren", {"name": "nickname", "email": "email"}),
    ("/auth/wachtwoord-vergeten", {"email": "email"}),
])
def test_account_fields_say_what_they_hold(client, app, path, expected):
    """WCAG 1.3.5: browsers and password managers fill (and offer to save) the right values."""
    html = client.get(path).text
    for field, token in expected.items():
        assert re.search(rf'<input[^>]*autocomplete="{token}"[^>]*id="{field}"|'
                         rf'<input[^>]*id="{field}"[^>]*autocomplete="{token}"', html), (field, token)


def test_reset_and_delete_password_fields_autocomplete(client, app):
    make_user(email="ina@example.org")
    db.session.commit()
    path = _reset_link(client, app, "ina@example.org")
    html = client.get(path).text
    assert html.count('autocomplete="new-password"') == 2
    client.post("/auth/inloggen", data={"email": "ina@example.org", "password": PASSWORD})
    assert 'autocomplete="current-password"' in client.get("/privacy/mijn-gegevens").text


def test_password_reset_answers_as_fast_for_a_known_address(client, app, monkeypatch):
    """Waiting for the mail server only for known addresses would tell, by the time taken, who has an account."""
    server = hold_mail(monkeypatch, app)
    make_user(email="ina@example.org")
    db.session.commit()
    response = client.post("/auth/wachtwoord-vergeten", data={"email": "ina@example.org"})
    assert response.status_code == 302 and not server.delivered.is_set()  # answered while the server holds
    server.release.set()
    assert server.delivered.wait(timeout=10)  # and the mail still goes out
    assert server.sent[0]["To"] == "ina@example.org"


def test_create_admin_holds_to_the_password_and_address_rules(runner, app):
    """The most powerful account must not get a password the registration form would refuse."""
    result = runner.invoke(args=["create-admin", "baas@example.org"], input="kort\nkort\n")
    assert result.exit_code != 0 and "10" in result.output
    result = runner.invoke(args=["create-admin", "geen-adres"], input="lang-genoeg-12\nlang-genoeg-12\n")
    assert result.exit_code != 0
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
    result = runner.invoke(args=["create-admin", "Baas@Example.org"], input="lang-genoeg-12\nlang-genoeg-12\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(User.role).filter_by(email="baas@example.org")) is Role.BEHEERDER


def test_passwords_are_hashed_at_production_cost(monkeypatch):
    """The suite hashes with a tiny scrypt work factor (tests/conftest.py); the app uses werkzeug's full one."""
    import werkzeug.security

    from deliberatie.auth import services
    from deliberatie.models import user as user_module

    for module in (user_module, services):
        monkeypatch.setattr(module, "generate_password_hash", werkzeug.security.generate_password_hash)
    services._dummy_hash.cache_clear()
    try:
        account = User(email="ina@example.org")
        account.set_password(PASSWORD)
        hashes = {"account": account.password_hash, "unknown address": services._dummy_hash()}
    finally:
        services._dummy_hash.cache_clear()
    for what, stored in hashes.items():
        method, n, r, p = stored.split("$")[0].split(":")
        assert method == "scrypt" and int(n) >= 2**15 and (r, p) == ("8", "1"), f"{what}: {stored.split('$')[0]}"
    assert account.check_password(PASSWORD) and not account.check_password("verkeerd-wachtwoord")
