"""The resident's side: codes, ballot limits, period, confirm step, receipts, rate limit."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from deliberatie.extensions import db
from deliberatie.models import Traject
from deliberatie.wijkbudget import codes
from deliberatie.wijkbudget.models import (BallotType, CodeStatus, Wijkbudget, WijkbudgetBallot,
                                           WijkbudgetCode, WijkbudgetReceipt)
from tests.conftest import guarded_app

from .helpers import hidden_fields, make_wijkbudget, vote

SAME_MESSAGE = "Met deze code kunt u niet stemmen."


def _ballots():
    return db.session.scalar(select(func.count()).select_from(WijkbudgetBallot))


def test_vote_counts_once_and_receipt_reveals_nothing(client, world):
    wb, ids = world["wb"], world["projects"]
    response = vote(client, wb, world["codes"][0], {"project": [ids["Bankjes"], ids["Moestuin"]]})
    assert response.status_code == 302
    receipt_page = client.get(response.headers["Location"])
    page = receipt_page.text
    assert "Uw stem is meegeteld" in page and receipt_page.headers["Cache-Control"] == "no-store"
    assert "Bankjes" not in page and "Moestuin" not in page
    assert _ballots() == 1
    ballot = db.session.scalar(select(WijkbudgetBallot))
    assert sorted(str(c.project_id) for c in ballot.choices) == sorted([ids["Bankjes"], ids["Moestuin"]])
    receipt = db.session.scalar(select(WijkbudgetReceipt))
    assert receipt.id != ballot.id and receipt.id in response.headers["Location"]


def test_a_voter_checks_a_kept_receipt_number_later(client, world):
    wb, ids = world["wb"], world["projects"]
    location = vote(client, wb, world["codes"][0], {"project": [ids["Bankjes"]]}).headers["Location"]
    number = location.rsplit("/", 1)[1]
    assert f"/wijkbudget/{wb}/bewijs" in client.get(f"/wijkbudget/{wb}").text  # linked from the overview
    page = client.get(f"/wijkbudget/{wb}/bewijs")
    assert page.status_code == 200 and 'name="nummer"' in page.text and "csrf_token" not in page.text
    # typed in lower case and with spaces around it, as people copy numbers
    found = client.get(f"/wijkbudget/{wb}/bewijs", query_string={"nummer": f"  {number.lower()} "})
    assert found.status_code == 302 and found.headers["Location"].endswith(location)
    unknown = client.get(f"/wijkbudget/{wb}/bewijs", query_string={"nummer": "ABCD-EFGH-JKLM"})
    assert unknown.status_code == 404 and "kennen we niet" in unknown.text and 'href="#nummer"' in unknown.text
    empty = client.get(f"/wijkbudget/{wb}/bewijs", query_string={"nummer": ""})
    assert empty.status_code == 422 and "Vul het nummer van uw ontvangstbewijs in." in empty.text


@pytest.mark.parametrize("kind", ["wrong", "used", "revoked"])
def test_wrong_used_and_revoked_codes_get_the_same_message(client, world, kind):
    wb, ids = world["wb"], world["projects"]
    code = world["codes"][0]
    if kind == "wrong":
        code = "ABCD-EFGH-JKLM-NPQR"
    elif kind == "used":
        assert vote(client, wb, code, {"project": [ids["Bankjes"]]}).status_code == 302
    else:
        codes.revoke_code(db.session.get(Wijkbudget, wb), code)
        db.session.commit()
    response = client.post(f"/wijkbudget/{wb}/stemmen", data={"code": code})
    assert response.status_code == 200 and SAME_MESSAGE in response.text
    assert "gebruikt" not in response.text and "ingetrokken" not in response.text
    assert _ballots() == (1 if kind == "used" else 0)


@pytest.mark.parametrize("kind", ["wrong", "used"])
def test_qr_link_with_a_bad_code_shows_the_code_page_and_the_same_message(client, world, kind):
    wb, ids = world["wb"], world["projects"]
    code = "ABCD-EFGH-JKLM-NPQR" if kind == "wrong" else world["codes"][0]
    if kind == "used":
        assert vote(client, wb, code, {"project": [ids["Bankjes"]]}).status_code == 302
    response = client.get(f"/wijkbudget/{wb}/stemmen?code={code}")
    assert response.status_code == 200 and SAME_MESSAGE in response.text
    assert f'value="{code}"' in response.text and "Bekijk uw keuze" not in response.text


def test_qr_link_opens_the_ballot_and_the_vote_counts(client, world):
    wb, ids = world["wb"], world["projects"]
    ballot = client.get(f"/wijkbudget/{wb}/stemmen?code={world['codes'][2]}")
    assert ballot.status_code == 200 and "Bekijk uw keuze" in ballot.text
    assert ballot.headers["Cache-Control"] == "no-store"
    confirm = client.post(f"/wijkbudget/{wb}/stembiljet", data={"project": [ids["Moestuin"]]})
    assert "Bevestig mijn stem" in confirm.text
    done = client.post(f"/wijkbudget/{wb}/bevestigen", data=hidden_fields(confirm.text))
    assert done.status_code == 302 and "/bewijs/" in done.headers["Location"] and _ballots() == 1


def test_codes_are_typed_forgivingly(client, world):
    code = world["codes"][1].lower().replace("-", " ")
    response = client.post(f"/wijkbudget/{world['wb']}/stemmen", data={"code": code})
    assert response.status_code == 302


def test_approval_limits_are_checked_on_the_server(client, world):
    wb, ids = world["wb"], world["projects"]
    client.post(f"/wijkbudget/{wb}/stemmen", data={"code": world["codes"][0]})
    response = client.post(f"/wijkbudget/{wb}/stembiljet", data={"project": list(ids.values())[:3]})
    assert response.status_code == 422
    assert "U hebt 3 projecten gekozen. U mag er hoogstens 2 kiezen." in response.text
    assert 'checked' in response.text  # the choice is kept
    assert _ballots() == 0


def test_confirm_resubmits_nothing_once_used(client, world):
    """Posting the confirm form twice (double click, back button) stores one ballot."""
    wb, ids = world["wb"], world["projects"]
    client.post(f"/wijkbudget/{wb}/stemmen", data={"code": world["codes"][0]})
    page = client.post(f"/wijkbudget/{wb}/stembiljet", data={"project": [ids["Bankjes"]]}).text
    fields = hidden_fields(page)
    assert client.post(f"/wijkbudget/{wb}/bevestigen", data=fields).status_code == 302
    second = client.post(f"/wijkbudget/{wb}/bevestigen", data=fields)
    assert second.status_code == 302 and second.headers["Location"].endswith(f"/wijkbudget/{wb}/stemmen")
    assert _ballots() == 1


def test_change_button_returns_to_the_ballot(client, world):
    wb, ids = world["wb"], world["projects"]
    client.post(f"/wijkbudget/{wb}/stemmen", data={"code": world["codes"][0]})
    page = client.post(f"/wijkbudget/{wb}/stembiljet", data={"project": [ids["Bankjes"]]}).text
    fields = hidden_fields(page)
    fields["change"] = "1"
    response = client.post(f"/wijkbudget/{wb}/bevestigen", data=fields)
    assert response.status_code == 200 and "Bekijk uw keuze" in response.text
    assert _ballots() == 0


def _other_wijkbudget(world, **options):
    traject = db.session.get(Traject, world["traject"])
    wb = make_wijkbudget(traject, **options)
    plain = codes.generate_codes(wb, 2)
    db.session.commit()
    return wb.id, {p.title: str(p.id) for p in wb.projects}, plain


def test_knapsack_over_budget_and_under_minimum(client, world):
    wb, ids, plain = _other_wijkbudget(world, ballot_type=BallotType.KNAPSACK, min_share_percent=50)
    client.post(f"/wijkbudget/{wb}/stemmen", data={"code": plain[0]})
    over = client.post(f"/wijkbudget/{wb}/stembiljet",
                       data={"project": [ids["Speeltuin"], ids["Lantaarns"], ids["Moestuin"]]})
    assert over.status_code == 422
    assert "U hebt voor €\u00a028.000 gekozen, dat is €\u00a08.000 meer dan het budget van €\u00a020.000." in over.text
    under = client.post(f"/wijkbudget/{wb}/stembiljet", data={"project": [ids["Bankjes"]]})
    assert under.status_code == 422 and "Kies projecten voor minstens €\u00a010.000." in under.text
    ok = client.post(f"/wijkbudget/{wb}/stembiljet", data={"project": [ids["Speeltuin"], ids["Bankjes"]]})
    assert ok.status_code == 200 and "Samen: €\u00a016.000 van €\u00a020.000." in ok.text


def test_cumulative_points_must_add_up(client, world):
    wb, ids, plain = _other_wijkbudget(world, ballot_type=BallotType.CUMULATIVE, points=10)
    client.post(f"/wijkbudget/{wb}/stemmen", data={"code": plain[0]})
    data = {f"points-{ids['Bankjes']}": "6", f"points-{ids['Speeltuin']}": "5"}
    response = client.post(f"/wijkbudget/{wb}/stembiljet", data=data)
    assert response.status_code == 422 and "U hebt 11 punten verdeeld. U mag er hoogstens 10 verdelen." in response.text
    bad = client.post(f"/wijkbudget/{wb}/stembiljet", data={f"points-{ids['Bankjes']}": "-2"})
    assert bad.status_code == 422 and "heel aantal punten" in bad.text
    data[f"points-{ids['Speeltuin']}"] = "4"
    page = client.post(f"/wijkbudget/{wb}/stembiljet", data=data).text
    assert client.post(f"/wijkbudget/{wb}/bevestigen", data=hidden_fields(page)).status_code == 302
    ballot = db.session.scalar(select(WijkbudgetBallot))
    assert sorted(c.value for c in ballot.choices) == [4, 6]


def test_ranking_needs_distinct_places(client, world):
    wb, ids, plain = _other_wijkbudget(world, ballot_type=BallotType.RANKING, max_choices=3, rule="mes-add1")
    client.post(f"/wijkbudget/{wb}/stemmen", data={"code": plain[0]})
    dup = client.post(f"/wijkbudget/{wb}/stembiljet", data={f"rank-{ids['Bankjes']}": "1", f"rank-{ids['Moestuin']}": "1"})
    assert dup.status_code == 422 and "Elke plaats" in dup.text
    page = client.post(f"/wijkbudget/{wb}/stembiljet",
                       data={f"rank-{ids['Bankjes']}": "2", f"rank-{ids['Moestuin']}": "1"}).text
    assert client.post(f"/wijkbudget/{wb}/bevestigen", data=hidden_fields(page)).status_code == 302
    ballot = db.session.scalar(select(WijkbudgetBallot))
    assert {str(c.project_id): c.value for c in ballot.choices} == {ids["Moestuin"]: 1, ids["Bankjes"]: 2}


@pytest.mark.parametrize("offset", [-10, 10])
def test_voting_outside_the_period_is_refused(client, world, offset):
    today = date.today()
    wb, ids, plain = _other_wijkbudget(world, voting_starts_on=today + timedelta(days=offset),
                                       voting_ends_on=today + timedelta(days=offset + 1) if offset > 0
                                       else today + timedelta(days=offset))
    if offset < 0:
        db.session.get(Wijkbudget, wb).voting_starts_on = today + timedelta(days=offset - 1)
        db.session.commit()
    response = client.post(f"/wijkbudget/{wb}/stemmen", data={"code": plain[0]})
    assert response.status_code == 200 and "Stemmen kan nu niet" in response.text
    assert db.session.scalar(select(WijkbudgetCode.status).where(WijkbudgetCode.wijkbudget_id == wb).limit(1)) \
        is CodeStatus.UNUSED


def test_period_ending_between_code_and_confirm_is_refused(client, world):
    wb, ids = world["wb"], world["projects"]
    client.post(f"/wijkbudget/{wb}/stemmen", data={"code": world["codes"][0]})
    page = client.post(f"/wijkbudget/{wb}/stembiljet", data={"project": [ids["Bankjes"]]}).text
    row = db.session.get(Wijkbudget, wb)
    row.voting_starts_on = row.voting_ends_on = date.today() - timedelta(days=1)
    db.session.commit()
    response = client.post(f"/wijkbudget/{wb}/bevestigen", data=hidden_fields(page))
    assert "Stemmen kan nu niet" in response.text and _ballots() == 0


@pytest.fixture
def limited(database):
    """A client of an app with rate limits on, and a wijkbudget open for voting (SQLite leg only)."""
    app = guarded_app(database, RATELIMIT_ENABLED=True)
    with app.app_context():
        db.create_all()
        from tests.factories import make_gemeente, make_traject

        wb = make_wijkbudget(make_traject(make_gemeente()))
        db.session.commit()
        yield app.test_client(), f"/wijkbudget/{wb.id}/stemmen"
        db.session.remove()
        db.engine.dispose()


def test_code_entry_is_rate_limited(limited):
    client, path = limited
    statuses = [client.post(path, data={"code": f"WRONG-{i}"}).status_code for i in range(11)]
    plain_page = client.get(path).status_code  # no code checked: not limited
    assert statuses[:10] == [200] * 10 and statuses[10] == 429 and plain_page == 200
    refused = client.post(path, data={"code": "WRONG"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "Te veel pogingen" in refused.text


def test_qr_links_have_their_own_wider_limit(limited):
    """Guessing through ``?code=`` links is limited too, more widely: neighbours share addresses."""
    client, path = limited
    statuses = [client.get(f"{path}?code=WRONG-{i}").status_code for i in range(61)]
    typed = client.post(path, data={"code": "WRONG"}).status_code  # typing has its own budget
    assert statuses[:60] == [200] * 60 and statuses[60] == 429 and typed == 200
