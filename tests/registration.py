"""Registering as a resident does: name and address first, then the password through the e-mailed link."""

from urllib.parse import quote

from tests.factories import PASSWORD

LINK = "/auth/registreren/"


def mails_to(app, address):
    return [mail for mail in app.extensions.get("deliberatie.outbox", []) if mail["To"] == address]


def link_in(mail, marker=LINK):
    """The path of the first link in ``mail`` that contains ``marker``."""
    for line in mail.get_content().splitlines():
        if marker in line:
            return line[line.index("/auth/"):].strip()
    raise AssertionError(f"no link with {marker!r} in:\n{mail.get_content()}")


def registration_link(client, app, email, name="", next=None):
    """Ask for an account for ``email``; the path of the link the mail brings."""
    url = "/auth/registreren" + (f"?next={quote(next, safe='')}" if next else "")
    response = client.post(url, data={"name": name, "email": email})
    assert response.status_code == 200, response.status_code
    return link_in(app.extensions["deliberatie.outbox"][-1])


def register(client, app, email, password=PASSWORD, name="", next=None):
    """The whole registration; the answer to choosing the password (302 and signed in when it worked)."""
    path = registration_link(client, app, email, name=name, next=next)
    return client.post(path, data={"password": password, "confirm": password})
