"""The voting pages' per-process copy of an open wijkbudget (deliberatie/wijkbudget/snapshot.py).

What must hold: a change made in this process shows at once; a change made by another
process shows within the copy's lifetime; submitting a ballot never trusts the copy
(the database decides, in the statement that uses the code); the shared page parts carry
nothing of the visitor.
"""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text, update

from deliberatie.extensions import db
from deliberatie.models import Traject, TrajectStatus
from deliberatie.wijkbudget import snapshot
from deliberatie.wijkbudget.models import CodeStatus, Phase, Wijkbudget, WijkbudgetBallot, WijkbudgetCode
from tests.conftest import guarded_app

from .helpers import hidden_fields, make_wijkbudget

CLOSED = "Stemmen kan nu niet"


def _ballots():
    return db.session.scalar(select(func.count()).select_from(WijkbudgetBallot))


def _unused():
    return db.session.scalar(select(func.count()).select_from(WijkbudgetCode).where(
        WijkbudgetCode.status == CodeStatus.UNUSED))


def _to_confirm_page(client, world):
    wb = world["wb"]
    assert client.post(f"/wijkbudget/{wb}/stemmen", data={"code": world["codes"][0]}).status_code == 302
    page = client.post(f"/wijkbudget/{wb}/stembiljet", data={"project": [world["projects"]["Bankjes"]]})
    assert "Bevestig mijn stem" in page.text
    return page.text


def _elsewhere(sql, **params):
    """A change the way another process makes it: committed, but unseen by this process's ORM events."""
    db.session.execute(text(sql), params)
    db.session.commit()


def _later(monkeypatch, seconds):
    """Move this process's clock for the copies ``seconds`` ahead."""
    now = snapshot.time.monotonic()
    monkeypatch.setattr(snapshot.time, "monotonic", lambda: now + seconds)


def test_copy_is_kept_only_while_open_and_public_and_matches_the_database(app, world):
    wijkbudget = db.session.get(Wijkbudget, world["wb"])
    copy = snapshot.open_wijkbudget(app, wijkbudget.id)
    assert copy is not None and copy is snapshot.open_wijkbudget(app, wijkbudget.id)  # kept, not re-read
    for name in ("id", "title", "budget_cents", "ballot_type", "max_choices", "phase", "code_salt",
                 "voting_starts_on", "voting_ends_on", "ask_statistics", "rule", "explanation"):
        assert getattr(copy, name) == getattr(wijkbudget, name), name
    assert [(p.id, p.title, p.cost_cents, p.description) for p in copy.projects] == \
        [(p.id, p.title, p.cost_cents, p.description) for p in wijkbudget.projects]
    assert [o.id for o in copy.traject.organisatoren] == [o.id for o in wijkbudget.traject.organisatoren]
    traject = db.session.get(Traject, world["traject"])
    preparing = make_wijkbudget(traject, phase=Phase.VOORBEREIDING)
    db.session.commit()
    assert snapshot.open_wijkbudget(app, preparing.id) is None
    traject.status = TrajectStatus.CONCEPT
    db.session.commit()
    assert snapshot.open_wijkbudget(app, wijkbudget.id) is None
    assert snapshot.open_wijkbudget(app, 10**6) is None


@pytest.mark.parametrize("how", ["object", "bulk update"])
def test_closing_in_this_process_shows_at_once(client, world, how):
    wb = world["wb"]
    assert client.post(f"/wijkbudget/{wb}/stemmen", data={"code": world["codes"][0]}).status_code == 302
    assert 'name="project"' in client.get(f"/wijkbudget/{wb}/stembiljet").text  # the copy is made
    if how == "object":
        db.session.get(Wijkbudget, wb).phase = Phase.GESLOTEN
    else:
        db.session.execute(update(Wijkbudget).where(Wijkbudget.id == wb).values(phase=Phase.GESLOTEN))
    db.session.commit()
    page = client.get(f"/wijkbudget/{wb}/stembiljet").text
    assert CLOSED in page and "Het stemmen is gesloten." in page and 'name="project"' not in page


@pytest.mark.parametrize("change", ["phase", "period"])
def test_confirm_checks_the_database_not_the_copy(client, world, monkeypatch, change):
    wb = world["wb"]
    page = _to_confirm_page(client, world)
    if change == "phase":
        _elsewhere("UPDATE wijkbudget SET phase = 'gesloten' WHERE id = :id", id=wb)
    else:
        yesterday = date.today() - timedelta(days=1)
        _elsewhere("UPDATE wijkbudget SET voting_starts_on = :d, voting_ends_on = :d WHERE id = :id",
                   d=yesterday, id=wb)
    # This process has not noticed yet (that is what the copy's lifetime bounds) ...
    assert 'name="project"' in client.get(f"/wijkbudget/{wb}/stembiljet").text
    # ... but the ballot is refused, nothing is stored and the code stays unused.
    unused = _unused()
    response = client.post(f"/wijkbudget/{wb}/bevestigen", data=hidden_fields(page))
    assert response.status_code == 200 and CLOSED in response.text
    assert ("Het stemmen is gesloten." in response.text) == (change == "phase")  # told from the database
    assert _ballots() == 0 and _unused() == unused
    # The refusal dropped the copy: the next page is read afresh.
    assert CLOSED in client.get(f"/wijkbudget/{wb}/stembiljet").text


def test_changes_made_elsewhere_show_within_the_copy_lifetime(app, client, world, monkeypatch):
    wb = world["wb"]
    assert client.post(f"/wijkbudget/{wb}/stemmen", data={"code": world["codes"][0]}).status_code == 302
    assert 'name="project"' in client.get(f"/wijkbudget/{wb}/stembiljet").text
    _elsewhere("UPDATE traject SET status = 'concept' WHERE id = :id", id=world["traject"])
    _later(monkeypatch, snapshot.DEFAULT_SECONDS + 0.1)
    assert client.get(f"/wijkbudget/{wb}/stembiljet").status_code == 404  # a concept traject is not public


def test_snapshot_can_be_switched_off(app, client, world, statements):
    app.config["WIJKBUDGET_SNAPSHOT_SECONDS"] = 0
    wb = world["wb"]
    assert client.post(f"/wijkbudget/{wb}/stemmen", data={"code": world["codes"][0]}).status_code == 302
    statements.clear()
    assert 'name="project"' in client.get(f"/wijkbudget/{wb}/stembiljet").text
    assert any("FROM wijkbudget" in s for s in statements)  # read from the database every time


def test_ballot_from_the_copy_follows_the_language(client, world):
    wb = world["wb"]
    assert client.post(f"/wijkbudget/{wb}/stemmen", data={"code": world["codes"][0]}).status_code == 302
    dutch = client.get(f"/wijkbudget/{wb}/stembiljet").text
    english = client.get(f"/wijkbudget/{wb}/stembiljet?lang=en").text
    dutch_again = client.get(f"/wijkbudget/{wb}/stembiljet?lang=nl").text
    assert "Zeg ik liever niet" in dutch and "I prefer not to say" not in dutch
    assert "I prefer not to say" in english and "Zeg ik liever niet" not in english
    assert ">Projects<" in english and ">Projecten<" in dutch_again
    assert dutch_again.count('name="project"') == english.count('name="project"') == 4


def test_an_error_fills_the_ballot_in_again_not_the_shared_blank_one(client, world):
    wb, ids = world["wb"], world["projects"]
    assert client.post(f"/wijkbudget/{wb}/stemmen", data={"code": world["codes"][0]}).status_code == 302
    assert " checked" not in client.get(f"/wijkbudget/{wb}/stembiljet").text
    chosen = [ids["Bankjes"], ids["Moestuin"], ids["Lantaarns"]]  # max_choices=2 in the world fixture
    page = client.post(f"/wijkbudget/{wb}/stembiljet", data={"project": chosen})
    assert page.status_code == 422 and page.text.count(" checked") == 3
    assert " checked" not in client.get(f"/wijkbudget/{wb}/stembiljet").text


def test_pages_from_the_copy_differ_only_in_each_visitors_csrf_token(database):
    """Two voters' ballot pages (CSRF on): the shared parts carry nothing of either visitor."""
    app = guarded_app(database, WTF_CSRF_ENABLED=True)
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    with app.app_context():
        db.create_all()
        from deliberatie.wijkbudget import codes
        from tests.factories import make_gemeente, make_traject

        wb = make_wijkbudget(make_traject(make_gemeente()))
        plain = codes.generate_codes(wb, 2)
        db.session.commit()
        pages = []
        for code in plain:
            client = app.test_client()
            form = client.get(f"/wijkbudget/{wb.id}/stemmen").text
            assert client.post(f"/wijkbudget/{wb.id}/stemmen", data={
                "code": code, "csrf_token": token.search(form).group(1)}).status_code == 302
            page = client.get(f"/wijkbudget/{wb.id}/stembiljet").text
            pages.append((token.search(page).group(1), page))
        (first_token, first), (second_token, second) = pages
        assert first_token != second_token
        assert first.replace(first_token, "TOKEN") == second.replace(second_token, "TOKEN")
        db.session.remove()
        db.engine.dispose()
