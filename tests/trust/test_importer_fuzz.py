"""Every importer fed random and half-valid files: only clear input errors, never a crash.

The readers are called directly (fast, many cases); the two upload pages that
save an import (wijkbudget projects, statistiek population) are also driven
through the test client on SQLite and PostgreSQL: never a 500, and the
database holds either the whole import or nothing of it.

Case counts per run are the ``max_examples`` below (printed by
``pytest --hypothesis-show-statistics``).
"""

import csv
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberatie.core.errors import InputError

READER_CASES = int(os.environ.get("TRUST_FUZZ_CASES", "100"))
WEB_CASES = 8

# Cells: numbers, words, separators, quotes, odd unicode, formula starts, empty.
CELL = st.one_of(
    st.integers(-10**12, 10**12).map(str),
    st.decimals(-10**6, 10**6, places=2, allow_nan=False).map(str),
    st.sampled_from(["", " ", "Noord", "noord", "WK999901", "geslacht", "man", "vrouw", "leeftijd", "0-14",
                     "65+", "15-24", "alle inwoners", "€ 1.000,00", "1.000,50", "12,5", "-1", "1e9", "NaN",
                     "=SUM(A1)", '"', '""', ";", ",", "\t", "\r", "\n", "\x00", "é", "\u202e", "😀"]),
    st.text(max_size=12),
)


def csv_text(headers, delimiter=","):
    """CSV text with one of the given header rows (or random ones) and random rows."""
    header = st.one_of(st.sampled_from(headers), st.lists(CELL, min_size=0, max_size=6))
    rows = st.lists(st.lists(CELL, min_size=0, max_size=7), max_size=8)

    def build(parts):
        head, body, sep = parts
        out = io.StringIO()
        writer = csv.writer(out, delimiter=sep, lineterminator="\n")
        writer.writerow(head)
        writer.writerows(body)
        return out.getvalue()

    return st.tuples(header, rows, st.sampled_from([delimiter, ",", ";", "\t"])).map(build)


def files(headers, delimiter=","):
    """Bytes: mostly CSV with plausible headers, sometimes raw bytes or another encoding."""
    text = csv_text(headers, delimiter)
    return st.one_of(
        text.map(lambda t: t.encode("utf-8")),
        text.map(lambda t: "\ufeff".encode() + t.encode("utf-8")),
        text.map(lambda t: t.encode("utf-16")),
        st.binary(max_size=200),
    )


@dataclass(frozen=True)
class FakeWijk:
    id: int
    name: str
    cbs_code: str


WIJKEN = (FakeWijk(1, "Noord", "WK999901"), FakeWijk(2, "Zuid", "WK999902"))


@pytest.fixture(scope="module")
def request_context():
    """Readers with Dutch messages need an app and a request (Flask-Babel)."""
    from deliberatie import create_app
    from deliberatie.config import TestConfig

    app = create_app(TestConfig("sqlite://"))
    with app.test_request_context():
        yield app


FUZZ = settings(max_examples=READER_CASES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- the readers ------------------------------------------------------------------------------

@FUZZ
@given(data=files([["titel", "kosten"], ["titel", "kosten", "omschrijving", "wijk"], ["Titel", "Kosten"]], ";"))
def test_wijkbudget_projects_csv(request_context, data):
    from deliberatie.wijkbudget.imports import ImportErrors, read_projects_csv

    try:
        rows = read_projects_csv(data, WIJKEN)
    except ImportErrors as error:
        assert error.problems and all(str(p) for p in error.problems)
        return
    assert rows and all(r["title"] and isinstance(r["cost_cents"], int) and r["cost_cents"] >= 0 for r in rows)
    assert "\x00" not in repr(rows)  # PostgreSQL cannot store it


@FUZZ
@given(data=files([["adres_id", "wijk"], ["adres_id", "wijk", "straat"], ["id", "wijk"]]))
def test_burgerraad_addresses_csv(request_context, data):
    from deliberatie.burgerraad.letters import read_addresses

    addresses, errors = read_addresses(data, {"noord": 1, "wk999901": 1, "zuid": 2})
    assert not (addresses and errors), "a file with errors must not yield addresses"
    assert all(e.row >= 1 and e.code for e in errors)
    assert all(wijk in (1, 2) and address and "\x00" not in address for address, wijk in addresses)


@FUZZ
@given(data=files([["wijk", "variable", "category", "count", "base"], ["wijk", "variable", "category", "count"]]))
def test_statistiek_population_csv(request_context, data):
    from deliberatie.statistiek.population import ImportErrors, parse_population_file

    try:
        per_wijk, skipped = parse_population_file(data, WIJKEN)
    except ImportErrors as error:
        assert error.problems
        assert all(isinstance(p, (InputError, str)) for p in error.problems)
        return
    assert per_wijk and skipped >= 0
    assert set(per_wijk) <= set(WIJKEN)
    assert "\x00" not in repr(per_wijk)


def test_a_nul_character_in_any_uploaded_csv_is_refused(request_context):
    from deliberatie.burgerraad.letters import read_addresses
    from deliberatie.statistiek.population import ImportErrors, parse_population_file

    addresses, errors = read_addresses(b"adres_id,wijk\n0363\x0001,Noord\n", {"noord": 1})
    assert not addresses and [e.code for e in errors] == ["not_utf8"]
    with pytest.raises(ImportErrors):
        parse_population_file(b"wijk,variable,category,count\n,geslacht,vrouw\x00,10\n,geslacht,man,9\n", WIJKEN)


@FUZZ
@given(lines=csv_text([["wijk", "variable", "category", "count", "base"]]).map(str.splitlines))
def test_core_population_reader(lines):
    from deliberatie.core.weighting.margins import read_population_csv

    try:
        read_population_csv(lines)
    except InputError as error:
        assert error.code.startswith("population.")


PB_SECTIONS = st.lists(st.sampled_from([
    "META", "key;value", "description;x", "num_projects;2", "num_votes;1", "budget;100", "vote_type;approval",
    "rule;greedy", "vote_type;cumulative", "max_sum_points;10", "PROJECTS", "project_id;cost;name",
    "p1;60;A", "p2;50;B", "p3;-5;C", "p1;abc;D", "VOTES", "voter_id;vote", "v1;p1,p2", "v2;p9", "v1;p1",
    "voter_id;vote;points", "v3;p1,p2;5,5", "v4;p1;x", "", ";;;", "\ufeffMETA"]), max_size=25)


@FUZZ
@given(text=st.one_of(PB_SECTIONS.map("\n".join), st.text(max_size=300)))
def test_pabulib_reader(text):
    from deliberatie.core.budget.pabulib import parse_pb

    try:
        parse_pb(text, file="fuzz.pb")
    except InputError as error:
        assert error.code.startswith("pb.") and error.params.get("file") == "fuzz.pb"


@settings(max_examples=READER_CASES // 2, deadline=None)
@given(votes=files([["timestamp", "datetime", "comment-id", "voter-id", "vote"]]),
       comments=st.one_of(st.none(), files([["timestamp", "datetime", "comment-id", "author-id", "agrees",
                                                  "disagrees", "moderated", "comment-body"]])))
def test_polis_export_reader(votes, comments):
    from deliberatie.core.opinions import read_conversation

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "votes.csv").write_bytes(votes)
        if comments is not None:
            Path(folder, "comments.csv").write_bytes(comments)
        try:
            read_conversation(folder)
        except InputError as error:
            assert error.code.startswith("opinions.")


def test_polis_export_reader_non_utf8():
    """Found by this fuzzing (a UnicodeDecodeError escaped), fixed in 6d98189."""
    from deliberatie.core.opinions import read_conversation

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "votes.csv").write_bytes(b"\x80")
        with pytest.raises(InputError):
            read_conversation(folder)


QUOTA_HEADERS = [["category", "value", "min", "max"], ["category", "value", "min", "max", "min_flex", "max_flex"]]


@FUZZ
@given(quotas=csv_text(QUOTA_HEADERS), people=csv_text([["id", "geslacht", "leeftijd"], ["id", "geslacht"]]))
def test_sortition_readers(quotas, people):
    from deliberatie.core.sortition.instance import parse_people, parse_quotas

    try:
        parsed = parse_quotas(quotas)
    except InputError as error:
        assert error.code.startswith("sortition.")
        return
    try:
        parse_people(people, parsed)
    except InputError as error:
        assert error.code.startswith("sortition.")


# --- through the web: no 500, nothing half-saved ----------------------------------------------

WEB = settings(max_examples=WEB_CASES, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _count(table, **where):
    from deliberatie.extensions import db

    t = db.metadata.tables[table]
    query = sa.select(sa.func.count()).select_from(t)
    for column, value in where.items():
        query = query.where(t.c[column] == value)
    return db.session.scalar(query)


@pytest.fixture
def organiser_world(app, client):
    from datetime import date, timedelta

    from deliberatie.extensions import db
    from deliberatie.models import Role
    from deliberatie.wijkbudget import codes
    from deliberatie.wijkbudget.models import BallotType, Wijkbudget
    from tests.factories import make_gemeente, make_traject, make_user

    gemeente = make_gemeente()
    organiser = make_user(Role.ORGANISATOR, email="org@example.org")
    make_user(Role.BEHEERDER, email="beheer@example.org")
    traject = make_traject(gemeente, organisator=organiser)
    wijkbudget = Wijkbudget(traject=traject, title="Fuzz", budget_cents=10_000_00, ballot_type=BallotType.APPROVAL,
                            voting_starts_on=date.today(), voting_ends_on=date.today() + timedelta(days=3),
                            code_salt=codes.new_salt(), wijken=list(gemeente.wijken))
    db.session.add(wijkbudget)
    db.session.commit()
    return dict(wijkbudget=wijkbudget.id, gemeente=gemeente, wijken=list(gemeente.wijken))


def _login(client, email):
    response = client.post("/auth/inloggen", data={"email": email, "password": "wachtwoord-123"})
    assert response.status_code == 302


@WEB
@given(data=files([["titel", "kosten"], ["titel", "kosten", "wijk"]], ";"))
def test_project_import_page_all_or_nothing(app, client, organiser_world, data):
    from deliberatie.wijkbudget.imports import ImportErrors, read_projects_csv

    _login(client, "org@example.org")
    wb = organiser_world["wijkbudget"]
    before = _count("wijkbudget_project", wijkbudget_id=wb)
    with app.test_request_context():
        try:
            expected = len(read_projects_csv(data, organiser_world["wijken"]))
        except ImportErrors:
            expected = 0
    response = client.post(f"/wijkbudget/{wb}/projecten/importeren",
                           data={"file": (io.BytesIO(data), "projecten.csv")}, content_type="multipart/form-data")
    assert response.status_code in (200, 302, 422)
    assert _count("wijkbudget_project", wijkbudget_id=wb) == before + expected
    assert (response.status_code == 302) == (expected > 0)


@WEB
@given(data=files([["wijk", "variable", "category", "count", "base"]]))
def test_population_import_page_all_or_nothing(app, client, organiser_world, data):
    from deliberatie.extensions import db

    _login(client, "beheer@example.org")
    table = db.metadata.tables["wijk_populatie"]
    snapshot = sorted(tuple(r) for r in db.session.execute(sa.select(table)).all())
    db.session.rollback()
    response = client.post("/statistiek/bevolking/importeren",
                           data={"file": (io.BytesIO(data), "bevolking.csv")}, content_type="multipart/form-data")
    assert response.status_code in (200, 302, 422)
    after = sorted(tuple(r) for r in db.session.execute(sa.select(table)).all())
    db.session.rollback()
    if response.status_code != 302:
        assert after == snapshot, "a rejected population file changed the figures"
