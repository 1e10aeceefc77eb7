"""Registration verifies the address first and does not tell who has an account (issue #8).

Name and address first: the same page for every address, and a mail, with a link to
choose a password for a new address, a pointer to login and password reset for a
known one. Nothing is stored until the link is used.
"""

import re

import pytest
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from deliberatie.auth import services
from deliberatie.extensions import db
from deliberatie.models import Role, User
from tests.factories import PASSWORD, make_user
from tests.held_mail import break_mail, hold_mail
from tests.helpers import postgres_only, race
from tests.registration import LINK, link_in, mails_to, register, registration_link

DAY = 24 * 60 * 60


def _accounts():
    return db.session.scalar(db.select(db.func.count()).select_from(User))


def _signed_in(client):
    return "Uitloggen" in client.get("/").text


def _token(path):
    return path.removeprefix(LINK)


def test_register_asks_only_name_and_address_and_stores_nothing(client, app):
    page = client.get("/auth/registreren").text
    assert 'id="email"' in page and 'id="name"' in page and 'type="password"' not in page
    response = client.post("/auth/registreren", data={"name": "Sam", "email": "Sam@Example.org"})
    assert response.status_code == 200
    assert "Controleer uw e-mail" in response.text and "sam@example.org" in response.text
    assert "24 uur" in response.text
    assert _accounts() == 0 and not _signed_in(client)
    mail, = mails_to(app, "sam@example.org")
    assert "24 uur" in mail.get_content()
    assert link_in(mail).startswith(LINK)


def test_register_answers_the_same_for_a_new_and_a_taken_address(client, app):
    make_user(email="taken@example.org")
    db.session.commit()
    new = client.post("/auth/registreren", data={"name": "A", "email": "new@example.org"})
    taken = client.post("/auth/registreren", data={"name": "A", "email": "TAKEN@example.org"})
    assert new.status_code == taken.status_code == 200
    assert new.text.replace("new@example.org", "ADRES") == taken.text.replace("taken@example.org", "ADRES")
    assert "al een account" not in taken.text
    assert _accounts() == 1
    # Each address gets one mail: a link for the new one, login and reset for the taken one.
    new_mail, = mails_to(app, "new@example.org")
    taken_mail, = mails_to(app, "taken@example.org")
    assert LINK in new_mail.get_content()
    body = taken_mail.get_content()
    assert "al een account" in body and LINK not in body
    assert link_in(taken_mail, "/auth/inloggen") == "/auth/inloggen"
    assert link_in(taken_mail, "/auth/wachtwoord-vergeten") == "/auth/wachtwoord-vergeten"


def test_register_computes_no_password_hash_on_either_path(client, app, monkeypatch):
    """A hash (0.1 s of scrypt) on one path only would tell by the time taken who has an account."""
    from deliberatie.models import user as user_module

    make_user(email="taken@example.org")
    db.session.commit()
    hashes = []
    for module in (user_module, services):
        for name in ("generate_password_hash", "check_password_hash"):
            real = getattr(module, name)
            monkeypatch.setattr(module, name, lambda *a, _real=real, **k: hashes.append(1) or _real(*a, **k))
    for address in ("new@example.org", "taken@example.org"):
        response = client.post("/auth/registreren", data={"email": address})
        assert response.status_code == 200 and "Controleer uw e-mail" in response.text
    assert hashes == []
    client.post("/auth/inloggen", data={"email": "taken@example.org", "password": PASSWORD})
    assert hashes  # the counter does count


def test_register_mail_failure_answers_as_for_a_new_address(client, app, monkeypatch):
    """An SMTP error must not turn into a 500 that only one kind of address gets."""
    break_mail(monkeypatch)
    make_user(email="taken@example.org")
    db.session.commit()
    new = client.post("/auth/registreren", data={"email": "new@example.org"})
    taken = client.post("/auth/registreren", data={"email": "taken@example.org"})
    assert new.status_code == taken.status_code == 200 and "Controleer uw e-mail" in new.text
    assert new.text.replace("new@example.org", "X") == taken.text.replace("taken@example.org", "X")


def test_register_refuses_a_malformed_address_on_the_form(client, app):
    response = client.post("/auth/registreren", data={"email": "geen-adres"})
    assert response.status_code == 200 and "Controleer uw e-mail" not in response.text
    assert not app.extensions.get("deliberatie.outbox")


def test_the_link_creates_the_account_and_signs_in(client, app):
    path = registration_link(client, app, "Sam@Example.org", name=" Sam ")
    assert _accounts() == 0
    page = client.get(path)
    assert page.status_code == 200 and "sam@example.org" in page.text
    assert page.text.count('autocomplete="new-password"') == 2
    # The password rules of before.
    refused = client.post(path, data={"password": "kort", "confirm": "anders"})
    assert refused.status_code == 200
    assert "Minstens 10 tekens" in refused.text and "De wachtwoorden zijn niet gelijk." in refused.text
    assert _accounts() == 0
    response = client.post(path, data={"password": "lang-genoeg-1", "confirm": "lang-genoeg-1"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    user = db.session.scalar(db.select(User))
    assert (user.email, user.name, user.role) == ("sam@example.org", "Sam", Role.INWONER)
    assert user.password_hash.startswith("scrypt:") and "lang-genoeg-1" not in user.password_hash
    home = client.get("/").text
    assert "Welkom! Uw account is aangemaakt." in home and "Uitloggen" in home
    client.post("/auth/uitloggen")
    assert client.post("/auth/inloggen", data={"email": "sam@example.org", "password": "lang-genoeg-1"}
                       ).status_code == 302


@pytest.mark.parametrize("age, works", [(DAY - 5, True), (DAY + 5, False)])
def test_the_link_holds_for_24_hours(client, app, monkeypatch, age, works):
    path = registration_link(client, app, "sam@example.org")
    now = TimestampSigner.get_timestamp(None)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + age)
    page = client.get(path)
    response = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    if works:
        assert page.status_code == 200 and response.status_code == 302
        assert _accounts() == 1
        return
    assert page.status_code == response.status_code == 410
    assert "verlopen" in response.text and 'href="/auth/registreren"' in response.text
    assert _accounts() == 0 and not _signed_in(client)


def _tampered(token):
    payload, rest = token.split(".", 1)
    swapped = "A" if payload[5] != "A" else "B"
    return payload[:5] + swapped + payload[6:] + "." + rest


def test_a_tampered_or_foreign_token_is_refused(client, app):
    token = _token(registration_link(client, app, "sam@example.org"))
    secret = app.config["SECRET_KEY"]
    forged = {
        "tampered": _tampered(token),
        "garbage": "not-a-token",
        "other key": URLSafeTimedSerializer("another-key", salt=services._REGISTER_SALT).dumps(
            {"email": "sam@example.org", "name": "", "next": ""}),
        "reset salt": URLSafeTimedSerializer(secret, salt=services._RESET_SALT).dumps(
            {"email": "sam@example.org", "name": "", "next": ""}),
        "no address": URLSafeTimedSerializer(secret, salt=services._REGISTER_SALT).dumps({"name": "x"}),
        "not a dict": URLSafeTimedSerializer(secret, salt=services._REGISTER_SALT).dumps(["sam@example.org"]),
    }
    for what, bad in forged.items():
        for response in (client.get(LINK + bad), client.post(LINK + bad, data={"password": PASSWORD,
                                                                                  "confirm": PASSWORD})):
            assert response.status_code == 400, what
            assert "Deze link werkt niet" in response.text and 'href="/auth/registreren"' in response.text
    assert _accounts() == 0
    assert client.post(LINK + token, data={"password": PASSWORD, "confirm": PASSWORD}).status_code == 302


def test_the_link_used_twice_makes_one_account(client, app):
    path = registration_link(client, app, "sam@example.org")
    assert client.post(path, data={"password": PASSWORD, "confirm": PASSWORD}).status_code == 302
    client.post("/auth/uitloggen")
    again = client.get(path)
    assert again.status_code == 409 and "Er is al een account met dit e-mailadres." in again.text
    assert 'href="/auth/inloggen"' in again.text and 'href="/auth/wachtwoord-vergeten"' in again.text
    response = client.post(path, data={"password": "een-ander-wachtwoord", "confirm": "een-ander-wachtwoord"})
    assert response.status_code == 409 and not _signed_in(client)
    assert _accounts() == 1
    # The first password still holds; the second did not replace it.
    assert client.post("/auth/inloggen", data={"email": "sam@example.org", "password": "een-ander-wachtwoord"}
                       ).status_code == 200
    assert client.post("/auth/inloggen", data={"email": "sam@example.org", "password": PASSWORD}
                       ).status_code == 302


def test_the_link_opened_again_by_its_signed_in_account_goes_on(client, app):
    """A second click on the mailed link (or a double-submitted form) after the account was made."""
    path = registration_link(client, app, "sam@example.org", next="/trajecten/1")
    assert client.post(path, data={"password": PASSWORD, "confirm": PASSWORD}).status_code == 302
    for again in (client.get(path), client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})):
        assert again.status_code == 303 and again.headers["Location"] == "/trajecten/1"
    assert _accounts() == 1
    # Signed in as somebody else, the link is still "already registered", and changes nothing.
    client.post("/auth/uitloggen")
    other = make_user(email="other@example.org")
    db.session.commit()
    assert client.post("/auth/inloggen", data={"email": other.email, "password": PASSWORD}).status_code == 302
    assert client.get(path).status_code == 409
    assert _signed_in(client) and _accounts() == 2


def test_an_account_made_meanwhile_is_not_doubled(client, app):
    path = registration_link(client, app, "sam@example.org")
    make_user(email="sam@example.org")
    db.session.commit()
    response = client.post(path, data={"password": "lang-genoeg-1", "confirm": "lang-genoeg-1"})
    assert response.status_code == 409 and "Er is al een account met dit e-mailadres." in response.text
    assert _accounts() == 1 and not _signed_in(client)


def test_the_unique_address_decides_when_both_lookups_found_nothing(client, app, monkeypatch):
    """Two requests that both looked before either wrote: the database's unique key refuses the second, no 500."""
    path = registration_link(client, app, "sam@example.org")
    make_user(email="sam@example.org")
    db.session.commit()
    monkeypatch.setattr(services, "find_user", lambda email: None)
    response = client.post(path, data={"password": "lang-genoeg-1", "confirm": "lang-genoeg-1"})
    assert response.status_code == 409 and "Er is al een account met dit e-mailadres." in response.text
    assert _accounts() == 1 and not _signed_in(client)


def test_one_link_confirmed_twice_at_once_makes_one_account(app, database):
    postgres_only(database)
    path = registration_link(app.test_client(), app, "sam@example.org")
    statuses = [None, None]

    def confirm(i, barrier):
        client = app.test_client()
        barrier.wait(timeout=10)
        statuses[i] = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD}).status_code

    assert race(app, 2, confirm) == ["stored", "stored"]
    assert sorted(statuses) == [302, 409]
    assert _accounts() == 1


def test_registering_from_the_login_page_returns_to_where_one_came_from(client, app):
    """A resident sent to log in (to support a pitch, say) who has no account yet lands back there."""
    page = client.get("/auth/inloggen?next=/trajecten/1").text
    assert 'href="/auth/registreren?next=/trajecten/1"' in page or \
        'href="/auth/registreren?next=%2Ftrajecten%2F1"' in page
    response = register(client, app, "new@example.org", next="/trajecten/1")
    assert response.status_code == 302 and response.headers["Location"] == "/trajecten/1"
    client.post("/auth/uitloggen")
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        client.post("/auth/uitloggen")
        response = register(client, app, f"other-{len(evil)}@example.org", next=evil)
        assert response.status_code == 302 and response.headers["Location"] == "/", evil


def test_accented_address_typed_two_ways_is_one_account(client, app):
    """"é" may arrive precomposed or as "e" plus an accent (pasted from some systems): the same address."""
    composed, decomposed = "Jos\u00e9@example.org", "Jose\u0301@example.org"
    assert register(client, app, decomposed).status_code == 302
    client.post("/auth/uitloggen")
    response = client.post("/auth/registreren", data={"email": composed})
    assert response.status_code == 200
    mail = app.extensions["deliberatie.outbox"][-1]
    assert mail["To"] == "jos\u00e9@example.org" and "al een account" in mail.get_content()
    assert LINK not in mail.get_content()
    assert _accounts() == 1
    assert client.post("/auth/inloggen", data={"email": composed, "password": PASSWORD}).status_code == 302


def test_the_password_page_tells_password_managers_which_account(client, app):
    """WCAG 1.3.5 and password managers: the new password is saved under the address."""
    html = client.get(registration_link(client, app, "sam@example.org")).text
    assert re.search(r'<input[^>]*autocomplete="username"[^>]*value="sam@example.org"|'
                     r'<input[^>]*value="sam@example.org"[^>]*autocomplete="username"', html)
    for field in ("password", "confirm"):
        assert re.search(rf'<input[^>]*autocomplete="new-password"[^>]*id="{field}"|'
                         rf'<input[^>]*id="{field}"[^>]*autocomplete="new-password"', html), field


def test_register_mail_goes_out_without_making_the_answer_wait(client, app, monkeypatch):
    """As for the password reset: the mail server's time must not show in the answer."""
    server = hold_mail(monkeypatch, app)
    response = client.post("/auth/registreren", data={"email": "sam@example.org"})
    assert response.status_code == 200 and not server.delivered.is_set()  # answered while the server holds
    server.release.set()
    assert server.delivered.wait(timeout=10)
    assert server.sent[0]["To"] == "sam@example.org"
