"""Secret ballot and one code, one ballot; export, hooks and demo data."""

import threading
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from deliberatie import components
from deliberatie.core.budget import read_pb
from deliberatie.core.budget.rules import count
from deliberatie.extensions import db
from deliberatie.models import Role, Traject, User
from deliberatie.wijkbudget import codes, voting
from deliberatie.wijkbudget.models import (CodeStatus, Phase, Wijkbudget, WijkbudgetBallot, WijkbudgetChoice,
                                           WijkbudgetCode)

from .helpers import vote


def test_ballot_tables_hold_no_reference_to_codes_or_voters(app, world):
    inspector = sa.inspect(db.engine)
    for table in ("wijkbudget_ballot", "wijkbudget_choice", "wijkbudget_receipt"):
        columns = {c["name"]: c for c in inspector.get_columns(table)}
        assert not any(word in name for name in columns for word in ("code", "voter", "user", "account", "ip"))
        targets = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert targets <= {"wijkbudget", "wijkbudget_ballot", "wijkbudget_project"}, table
        assert not any(isinstance(c["type"], sa.DateTime) for c in columns.values()), table
    code_columns = {c["name"] for c in inspector.get_columns("wijkbudget_code")}
    assert code_columns == {"id", "wijkbudget_id", "code_hash", "status", "used_on"}


def test_ballot_ids_are_random_not_sequential(client, world):
    ids = world["projects"]
    for code in world["codes"][:3]:
        assert vote(client, world["wb"], code, {"project": [ids["Bankjes"]]}).status_code == 302
    ballot_ids = list(db.session.scalars(select(WijkbudgetBallot.id)))
    assert len(ballot_ids) == 3 and all(len(b) == 32 and int(b, 16) >= 0 for b in ballot_ids)
    assert db.session.scalar(select(func.count()).select_from(WijkbudgetCode).where(
        WijkbudgetCode.status == CodeStatus.USED)) == 3
    assert set(db.session.scalars(select(WijkbudgetCode.used_on).where(WijkbudgetCode.used_on.is_not(None)))) \
        == {date.today()}


@pytest.mark.postgres
def test_concurrent_submissions_with_one_code_store_one_ballot(app, database, world):
    """Many simultaneous submissions of the same code, each in its own session: exactly one ballot."""
    if database[2] is None:
        pytest.skip("PostgreSQL only: SQLite lets one writer in at a time, so there is no race to test")
    wb_id, code, pid = world["wb"], world["codes"][0], int(world["projects"]["Bankjes"])
    n = 10
    barrier = threading.Barrier(n)
    outcomes = []

    def submit():
        with app.app_context():
            try:
                wb = db.session.get(Wijkbudget, wb_id)
                digest = codes.code_hash(wb, code)
                barrier.wait(timeout=30)
                voting.submit_ballot(wb, digest, voting.Choice(values=((pid, 1),)), today=date.today())
                db.session.commit()
                outcomes.append("stored")
            except codes.CodeRejected:
                db.session.rollback()
                outcomes.append("rejected")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    assert sorted(outcomes) == ["rejected"] * (n - 1) + ["stored"]
    assert db.session.scalar(select(func.count()).select_from(WijkbudgetBallot)) == 1
    assert db.session.scalar(select(func.count()).select_from(WijkbudgetChoice)) == 1
    status = db.session.scalar(select(WijkbudgetCode.status).where(
        WijkbudgetCode.code_hash == codes.code_hash(db.session.get(Wijkbudget, wb_id), code)))
    assert status is CodeStatus.USED


def test_export_writes_pabulib_with_anonymous_voters(client, runner, world, tmp_path):
    ids = world["projects"]
    for code, chosen in zip(world["codes"], [["Speeltuin"], ["Bankjes", "Moestuin"], ["Speeltuin", "Bankjes"]]):
        assert vote(client, world["wb"], code, {"project": [ids[t] for t in chosen]}).status_code == 302
    target = tmp_path / "noord.pb"
    result = runner.invoke(args=["wijkbudget", "export", str(world["wb"]), "-o", str(target)])
    assert result.exit_code == 0, result.output
    election = read_pb(target)
    assert election.budget == 20000 and election.vote_type == "approval"
    assert sorted(b.voter_id for b in election.ballots) == ["1", "2", "3"]
    assert {p.id: p.cost for p in election.projects}[ids["Speeltuin"]] == 12000
    outcome = count(election, rule="greedy")
    assert set(outcome.selected) == {ids["Speeltuin"], ids["Bankjes"]}
    missing = runner.invoke(args=["wijkbudget", "export", "999", "-o", str(target)])
    assert missing.exit_code != 0 and "no wijkbudget" in missing.output


def test_hooks_links_outcome_and_participants(app, client, auth, world):
    ids = world["projects"]
    vote(client, world["wb"], world["codes"][0], {"project": [ids["Bankjes"]], "geslacht": "vrouw", "leeftijd": "65+"})
    vote(client, world["wb"], world["codes"][1], {"project": [ids["Speeltuin"]]})
    traject = db.session.get(Traject, world["traject"])
    wb = db.session.get(Wijkbudget, world["wb"])
    with app.test_request_context():
        from flask_login import AnonymousUserMixin

        anonymous = AnonymousUserMixin()
        links = dict(components.traject_links(app, traject, anonymous))
        assert any(url.endswith(f"/wijkbudget/{wb.id}/stemmen") for url in links.values())
        assert not any("beheer" in url or "nieuw" in url for url in links.values())
        org = db.session.scalar(select(User).where(User.role == Role.ORGANISATOR, User.email == "org@example.org"))
        org_urls = [url for _, url in components.traject_links(app, traject, org)]
        assert f"/wijkbudget/{wb.id}/beheer" in org_urls and f"/wijkbudget/nieuw/{traject.id}" in org_urls
        assert components.outcome_summaries(app, traject) == []
        [group] = components.participant_groups(app, traject)
        assert group.key == f"wijkbudget-{wb.id}-voters" and group.records == ({"geslacht": "vrouw", "leeftijd": "65+"},)
        wb.phase = Phase.GESLOTEN
        from deliberatie.wijkbudget.counting import count_votes
        from deliberatie.models.types import utcnow

        count_votes(wb, org, rule="greedy", now=utcnow())
        wb.phase = Phase.GEPUBLICEERD
        db.session.commit()
        [summary] = components.outcome_summaries(app, traject)
        rows = dict(summary.rows)
        assert set(rows["Gekozen projecten"].split(", ")) == {"Speeltuin", "Bankjes"} and rows["Stemmen"] == "2"
        assert summary.url.endswith(f"/wijkbudget/{wb.id}/uitslag")


def test_demo_seed_is_idempotent_and_gives_working_codes(app, client, world):
    from deliberatie.wijkbudget import demo

    traject = db.session.get(Traject, world["traject"])
    users = {Role.ORGANISATOR: db.session.scalar(select(User).where(User.email == "org@example.org"))}
    first = demo.seed(traject, users, date.today())
    db.session.commit()
    second = demo.seed(traject, users, date.today())
    db.session.commit()
    assert len(first) == 3 and first == second
    wb = db.session.scalar(select(Wijkbudget).where(Wijkbudget.title == demo.TITLE))
    assert len(wb.projects) == 10 and wb.budget_cents == 50_000_00 and wb.phase is Phase.STEMMEN
    ballots = db.session.scalar(select(func.count()).select_from(WijkbudgetBallot).where(
        WijkbudgetBallot.wijkbudget_id == wb.id))
    used = db.session.scalar(select(func.count()).select_from(WijkbudgetCode).where(
        WijkbudgetCode.wijkbudget_id == wb.id, WijkbudgetCode.status == CodeStatus.USED))
    assert ballots == used == demo.BALLOTS
    pid = str(wb.projects[0].id)
    assert vote(client, wb.id, first[0], {"project": [pid]}).status_code == 302
    third = demo.seed(traject, users, date.today())
    assert first[0] not in third and first[1:] == third[:2]


def test_storage_order_forgets_the_order_of_voting(client, auth, world):
    """After closing, rows come back in the order of their random keys, not in the order of voting."""
    ids = world["projects"]
    for code in world["codes"]:
        assert vote(client, world["wb"], code, {"project": [ids["Bankjes"]]}).status_code == 302
    auth.login("org@example.org")
    assert client.post(f"/wijkbudget/{world['wb']}/fase", data={"action": "close"}).status_code == 302
    with db.engine.connect() as conn:
        stored = [row[0] for row in conn.execute(sa.text("SELECT id FROM wijkbudget_ballot"))]
        choices = [row[0] for row in conn.execute(sa.text("SELECT ballot_id FROM wijkbudget_choice"))]
    assert len(stored) == len(world["codes"]) and stored == sorted(stored) and choices == sorted(choices)
