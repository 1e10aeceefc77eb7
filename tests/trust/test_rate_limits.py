"""Rate limits on every door a guesser would use, and codes that cannot be told apart.

The per-route tests of the components check their own limits; this module
checks the set as a whole (login, registration, password reset, stemcode
entry) and that a wrong and a used stemcode get the same answer.
"""

from datetime import date, timedelta

import pytest

from deliberatie.extensions import db
from tests.conftest import guarded_app


@pytest.fixture
def limited_app(database):
    app = guarded_app(database, RATELIMIT_ENABLED=True)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("path, data, allowed", [
    ("/auth/inloggen", {"email": "x@example.org", "password": "fout"}, 10),
    ("/auth/registreren", {"email": "not-an-email"}, 10),
    ("/auth/registreren/bad-token", {"password": "x"}, 10),  # the link's password form
    ("/auth/wachtwoord-vergeten", {"email": "not-an-email"}, 5),
    ("/auth/wachtwoord-herstellen/bad-token", {"password": "x"}, None),  # a bad token never gets a form
])
def test_account_doors_are_rate_limited(limited_app, path, data, allowed):
    client = limited_app.test_client()
    codes = [client.post(path, data=data).status_code for _ in range(12)]
    if allowed is None:
        assert 500 not in codes
        return
    assert 429 not in codes[:allowed] and codes[allowed] == 429, codes


def test_an_ipv6_client_cannot_hop_through_its_64_to_escape_a_limit(limited_app):
    client = limited_app.test_client()
    data = {"email": "x@example.org", "password": "fout"}
    codes = [client.post("/auth/inloggen", data=data,
                         environ_base={"REMOTE_ADDR": f"2001:db8:1:2::{i + 1:x}"}).status_code for i in range(11)]
    assert 429 not in codes[:10] and codes[10] == 429, codes
    # another household (another /64) is not held back
    other = client.post("/auth/inloggen", data=data, environ_base={"REMOTE_ADDR": "2001:db8:1:3::1"})
    assert other.status_code != 429


def test_stemcodes_cannot_be_enumerated(limited_app):
    """Wrong and used codes give the same page; the 11th guess per minute is refused."""
    from deliberatie.models import Role
    from deliberatie.wijkbudget import codes, voting
    from deliberatie.wijkbudget.models import BallotType, Phase, Wijkbudget, WijkbudgetProject
    from tests.factories import make_gemeente, make_traject, make_user

    gemeente = make_gemeente()
    traject = make_traject(gemeente, organisator=make_user(Role.ORGANISATOR))
    wb = Wijkbudget(traject=traject, title="Raden", budget_cents=100_00, ballot_type=BallotType.APPROVAL,
                    voting_starts_on=date.today() - timedelta(days=1), voting_ends_on=date.today() + timedelta(days=1),
                    code_salt=codes.new_salt(), phase=Phase.STEMMEN,
                    projects=[WijkbudgetProject(title="P", cost_cents=50_00, position=1)])
    db.session.add(wb)
    db.session.flush()
    used, = codes.generate_codes(wb, 1)
    voting.submit_ballot(wb, codes.code_hash(wb, used), voting.Choice(values=((wb.projects[0].id, 1),)),
                         today=date.today())
    db.session.commit()
    client = limited_app.test_client()
    url = f"/wijkbudget/{wb.id}/stemmen"
    wrong = client.post(url, data={"code": "AAAA-BBBB-CCCC-DDDD"})
    again = client.post(url, data={"code": used})
    assert wrong.status_code == again.status_code == 200
    assert wrong.text.replace("AAAA-BBBB-CCCC-DDDD", "X") == again.text.replace(used, "X")
    statuses = [client.post(url, data={"code": f"GUES-S{i:03d}"}).status_code for i in range(9)]
    assert statuses[:8] == [200] * 8 and statuses[8] == 429
