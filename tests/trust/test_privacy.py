"""AVG: a resident's own data (download, delete), the burgerraad purge, and a backup round trip.

"No personal data left" is checked from the outside: every text column of
every table is searched for the person's name, e-mail, phone and address id.
"""

import json
import os
import shutil
import subprocess
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from deliberatie import audit
from deliberatie.extensions import db
from deliberatie.models import Role
from tests.factories import PASSWORD, make_gemeente, make_traject, make_user
from tests.registration import register

NAME = "Zoë Privacytest-Uniek"
EMAIL = "zoe.privacytest-uniek@example.org"


@pytest.fixture
def papp(app):
    """The app (the privacy blueprint is part of it)."""
    return app


def traces(*needles):
    """(table, column) pairs whose text contains one of ``needles`` (case-insensitive)."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text))]
        if not columns:
            continue
        hits = db.session.execute(sa.select(*[
            sa.func.count().filter(sa.or_(*[sa.func.lower(c).contains(n.lower()) for n in needles]))
            for c in columns]).select_from(table)).one()
        found += [(table.name, c.name) for c, hit in zip(columns, hits) if hit]
    return found


@pytest.fixture
def resident(papp):
    """A resident who pitched, supported a pitch and answered stellingen; an organiser's pitch beside it."""
    from deliberatie.minderheidsstandpunten.models import Deelnemer
    from deliberatie.pitches.models import Pitch, Steun

    gemeente = make_gemeente()
    organiser = make_user(Role.ORGANISATOR, email="org@example.org")
    traject = make_traject(gemeente, organisator=organiser)
    user = make_user(Role.INWONER, email=EMAIL)
    user.name = NAME
    own = Pitch(traject_id=traject.id, initiator_id=user.id, title="Bankje bij de vijver", problem="Geen bank.",
                plan="Een bank.", cost_cents=800_00)
    other = Pitch(traject_id=traject.id, initiator_id=organiser.id, title="Boom", problem="Kaal.", plan="Boom.",
                  cost_cents=300_00)
    db.session.add_all([own, other])
    db.session.flush()
    db.session.add_all([Steun(pitch_id=other.id, user_id=user.id),
                        Deelnemer(traject_id=traject.id, pseudonym="p-" + uuid.uuid4().hex[:8], user_id=user.id,
                                  leeftijd="25-44")])
    audit.record(organiser, "test.setup", f"traject:{traject.id}", traject_id=traject.id)
    db.session.commit()
    return dict(user=user.id, own_pitch=own.id, other_pitch=other.id, traject=traject.id)


def _login(client, email, password=PASSWORD):
    assert client.post("/auth/inloggen", data={"email": email, "password": password}).status_code == 302


def test_anonymous_is_sent_to_login(papp, client):
    for url in ("/privacy/mijn-gegevens", "/privacy/mijn-gegevens.json"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/inloggen" in response.headers["Location"]
    assert "/auth/inloggen" in client.post("/privacy/mijn-gegevens/verwijderen").headers["Location"]


def test_download_has_everything_linked_and_no_password_hash(papp, client, resident):
    _login(client, EMAIL)
    assert client.get("/privacy/mijn-gegevens").status_code == 200
    response = client.get("/privacy/mijn-gegevens.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["email"] == EMAIL and data["account"]["name"] == NAME
    assert "password_hash" not in json.dumps(data)
    linked = data["linked"]
    assert [p["id"] for p in linked["pitches_pitch"]] == [resident["own_pitch"]]
    assert [s["pitch_id"] for s in linked["pitches_steun"]] == [resident["other_pitch"]]
    assert linked["minderheidsstandpunten_deelnemer"][0]["leeftijd"] == "25-44"


def test_wrong_password_deletes_nothing(papp, client, resident):
    from deliberatie.models import User

    _login(client, EMAIL)
    response = client.post("/privacy/mijn-gegevens/verwijderen", data={"password": "niet-het-wachtwoord"})
    assert response.status_code == 302
    assert db.session.get(User, resident["user"]) is not None


def test_delete_leaves_no_personal_data(papp, client, resident):
    from deliberatie.pitches.models import Pitch

    _login(client, EMAIL)
    response = client.post("/privacy/mijn-gegevens/verwijderen", data={"password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert traces(EMAIL, NAME, "privacytest-uniek") == []
    accounts = db.metadata.tables["user_account"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(accounts).where(
        accounts.c.id == resident["user"])) == 0
    # What the resident wrote for everyone stays, without their name; what was only theirs is gone.
    own = db.session.get(Pitch, resident["own_pitch"])
    assert own is not None and own.initiator_id is None
    steun = db.metadata.tables["pitches_steun"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(steun)) == 0
    deelnemer = db.metadata.tables["minderheidsstandpunten_deelnemer"]
    assert db.session.scalar(sa.select(deelnemer.c.user_id)) is None
    assert audit.verify() == []
    assert [e.action for e in audit.entries_for(resident["traject"])] == ["test.setup"]
    # Signed out, and the account cannot sign in again.
    assert client.get("/privacy/mijn-gegevens").status_code == 302
    assert client.post("/auth/inloggen", data={"email": EMAIL, "password": PASSWORD}).status_code == 200


def test_staff_cannot_delete_themselves_here(papp, client, resident):
    from deliberatie.models import User

    _login(client, "org@example.org")
    assert client.get("/privacy/mijn-gegevens").status_code == 200
    assert client.post("/privacy/mijn-gegevens/verwijderen", data={"password": PASSWORD}).status_code == 403
    assert db.session.scalar(sa.select(User).filter_by(email="org@example.org")) is not None


# --- the burgerraad purge, from the outside -------------------------------------------------------

def test_burgerraad_purge_leaves_no_pool_data(app, runner):
    from deliberatie.burgerraad.models import (Burgerraad, BurgerraadAanmelding, BurgerraadStatus,
                                               BurgerraadUitnodiging, DeelnemerStatus)
    from deliberatie.models.types import utcnow

    gemeente = make_gemeente()
    traject = make_traject(gemeente, organisator=make_user(Role.ORGANISATOR))
    wijk = gemeente.wijken[0]
    raad = Burgerraad(traject_id=traject.id, status=BurgerraadStatus.GELOOT,
                      term_ends_on=date.today() - timedelta(days=1), commitment="c" * 64)
    db.session.add(raad)
    db.session.flush()
    people = []
    for i in range(4):
        letter = BurgerraadUitnodiging(burgerraad_id=raad.id, address_id=f"ADRES-UNIEK-{i}", wijk_id=wijk.id,
                                       code=f"PURGE-CODE-{i}")
        db.session.add(letter)
        db.session.flush()
        person = (f"Poolpersoon Uniek{i}", f"pool.uniek{i}@example.org", f"06-9999000{i}")
        people.append(person)
        db.session.add(BurgerraadAanmelding(
            burgerraad_id=raad.id, uitnodiging_id=letter.id, anon_id=f"A{i}", answers_json='{"geslacht": "vrouw"}',
            name=person[0], email=person[1], phone=person[2], consent_at=utcnow(),
            status=DeelnemerStatus.PANEL if i < 2 else DeelnemerStatus.POOL))
    db.session.commit()
    needles = [v for person in people for v in person] + ["ADRES-UNIEK", "PURGE-CODE"]
    assert len(traces(*needles)) >= 4  # the search finds them before the purge

    result = runner.invoke(args=["burgerraad", "purge-expired"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert traces(*needles) == []
    raad = db.session.get(Burgerraad, raad.id)
    assert raad.status is BurgerraadStatus.GEWIST and raad.commitment == "c" * 64  # the draw record stays
    stats = json.loads(raad.stats_json)
    assert stats["registrations"] == 4 and stats["panel"]["geslacht"] == {"vrouw": 2}
    assert audit.verify() == []


def test_thematafels_purge_forgets_names_and_accounts_after_retention(app, runner):
    """Names on the table lists (sign-ups and walk-ins) go 30 days after the event; statistics stay."""
    from deliberatie.thematafels import services
    from deliberatie.thematafels.models import Aanmelding

    gemeente = make_gemeente()
    organiser = make_user(Role.ORGANISATOR)
    traject = make_traject(gemeente, organisator=organiser)
    event = services.create_event(traject, organiser, dict(
        kind="burgertop", title="Burgertop", description="", held_on=date.today(), place="Wijkhuis",
        themes=[("Groen", 1), ("Verkeer", 1)], capacity=4))
    names = [f"Tafelgast Uniek{i}" for i in range(4)]
    for i, name in enumerate(names[:3]):
        services.sign_up(event, make_user(Role.INWONER), dict(
            name=name, first=event.themas[i % 2].id, second=None, geslacht=("man", "vrouw")[i % 2],
            leeftijd="25-44", wijk="Noord"))
    services.run_seating(event, organiser, seed=1)
    services.add_walk_in(event, organiser, dict(name=names[3], first=event.themas[0].id, geslacht="vrouw"))
    db.session.commit()
    assert len(traces(*names)) == 1  # the search finds them before the purge

    retention_day = (services.retention_ends_on(event)).isoformat()
    assert runner.invoke(args=["purge-expired", "--today", retention_day]).exit_code == 0
    db.session.expire_all()
    assert len(traces(*names)) == 1  # on the last day of retention the names are still needed

    after = (services.retention_ends_on(event) + timedelta(days=1)).isoformat()
    result = runner.invoke(args=["purge-expired", "--today", after])
    assert result.exit_code == 0 and "purged: 1" in result.output, result.output
    db.session.expire_all()
    assert traces(*names) == []
    people = db.session.scalars(sa.select(Aanmelding).where(Aanmelding.event_id == event.id)).all()
    assert len(people) == 4 and all(a.user_id is None and a.name == "" for a in people)
    assert sorted(r["geslacht"] for r in services.statistics_records(event)) == ["man", "man", "vrouw", "vrouw"]
    assert runner.invoke(args=["purge-expired", "--today", after]).output.strip() == "purged: 0"  # idempotent
    assert audit.verify() == []


# --- backup and restore ---------------------------------------------------------------------------

def test_pg_dump_restore_keeps_ballots_and_audit_chain(app, database):
    url, _options, schema = database
    if schema is None:
        pytest.skip("pg_dump round trip runs on the PostgreSQL leg")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore not installed")
    from deliberatie.wijkbudget import codes, counting, services, voting

    gemeente = make_gemeente()
    organiser = make_user(Role.ORGANISATOR)
    traject = make_traject(gemeente, organisator=organiser)
    data = dict(title="Back-up", budget="1000", voting_starts_on=date.today(),
                voting_ends_on=date.today() + timedelta(days=1), min_age=12, ballot_type="approval",
                min_choices=1, max_choices=2, rule="greedy", explanation="", ask_statistics=False, wijken=[])
    wb = services.create_wijkbudget(traject, organiser, data)
    services.add_projects(wb, [dict(title=t, description="", cost_cents=c, wijk_id=None)
                               for t, c in (("A", 400_00), ("B", 500_00), ("C", 300_00))])
    db.session.refresh(wb)
    services.change_phase(wb, organiser, "open", now=None)
    ids = [p.id for p in wb.projects]
    for i, code in enumerate(codes.generate_codes(wb, 9)):
        choice = voting.Choice(values=tuple((pid, 1) for pid in sorted({ids[i % 3], ids[(i * 2) % 3]})))
        voting.submit_ballot(wb, codes.code_hash(wb, code), choice, today=date.today())
    services.change_phase(wb, organiser, "close", now=None)
    counting.count_votes(wb, organiser, rule="greedy", now=None)
    db.session.commit()
    before = _snapshot()
    assert before["ballots"] == 9 and before["audit"] >= 4

    target = f"deliberatie_restore_{uuid.uuid4().hex[:8]}"
    engine_url = sa.engine.make_url(url)
    conn = dict(host=engine_url.host or "127.0.0.1", port=str(engine_url.port or 5432),
                user=engine_url.username or "postgres")
    env = {**os.environ, **({"PGPASSWORD": engine_url.password} if engine_url.password else {})}
    common = ["-h", conn["host"], "-p", conn["port"], "-U", conn["user"]]
    dump = subprocess.run(["pg_dump", *common, "-Fc", "-n", schema, engine_url.database],
                          capture_output=True, env=env, check=True).stdout
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{target}"'))
    try:
        subprocess.run(["pg_restore", *common, "-d", target, "--no-owner"], input=dump, env=env, check=True,
                       capture_output=True)
        restored = sa.create_engine(engine_url.set(database=target),
                                    connect_args={"options": f"-csearch_path={schema}"})
        with restored.connect() as c:
            after = _snapshot(c)
            chain = [tuple(r) for r in c.execute(sa.text("SELECT id, prev_hash, hash FROM audit_entry ORDER BY id"))]
        restored.dispose()
        assert after == before
        assert chain == [tuple(r) for r in db.session.execute(
            sa.text("SELECT id, prev_hash, hash FROM audit_entry ORDER BY id"))]
        # and the restored chain verifies with the app's own check
        from deliberatie import create_app
        from deliberatie.config import TestConfig

        other = create_app(TestConfig(str(engine_url.set(database=target).render_as_string(hide_password=False)),
                                      {"connect_args": {"options": f"-csearch_path={schema}"}}))
        with other.app_context():
            try:
                assert audit.verify() == []
            finally:
                db.session.remove()  # return the connection before closing the pool
                db.engine.dispose()
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
        admin.dispose()


def _snapshot(connection=None):
    run = (connection or db.session).execute
    return {
        "ballots": run(sa.text("SELECT count(*) FROM wijkbudget_ballot")).scalar_one(),
        "choices": sorted(tuple(r) for r in run(sa.text(
            "SELECT b.id, c.project_id, c.value FROM wijkbudget_choice c JOIN wijkbudget_ballot b "
            "ON b.id = c.ballot_id"))),
        "used_codes": run(sa.text("SELECT count(*) FROM wijkbudget_code WHERE status = 'used'")).scalar_one(),
        "result": run(sa.text("SELECT result_json FROM wijkbudget")).scalar_one(),
        "audit": run(sa.text("SELECT count(*) FROM audit_entry")).scalar_one(),
    }


def test_download_lists_the_audit_entries_one_made_and_only_those(papp, client, resident):
    """The log keeps an official's e-mail with each act (it has no foreign key): part of their data too."""
    other = make_user(Role.BEHEERDER, email="beheer@example.org")
    audit.record(other, "test.other", "traject:1")
    db.session.commit()
    _login(client, "org@example.org")
    data = client.get("/privacy/mijn-gegevens.json").get_json()
    entries = data["linked"]["audit_entry"]
    assert [(e["actor"], e["action"]) for e in entries] == [("org@example.org", "test.setup")]
    assert "audit_entry" in client.get("/privacy/mijn-gegevens").text
    client.post("/auth/uitloggen")
    _login(client, EMAIL)
    assert "audit_entry" not in client.get("/privacy/mijn-gegevens.json").get_json()["linked"]


def test_an_account_with_someone_elses_address_downloads_none_of_their_burgerraad_data(papp, client):
    """Accounts made before registration verified the address (issue #8) never proved it, and a mailbox
    may be shared: an account's address does not show that its holder is the one who registered for a burgerraad.

    So the download must not hand out what a burgerraad registration with that address holds
    (name, phone, answers); a registrant asks the gemeente for it.
    """
    from deliberatie.burgerraad.models import (Burgerraad, BurgerraadAanmelding, BurgerraadStatus,
                                               BurgerraadUitnodiging)
    from deliberatie.models.types import utcnow

    gemeente = make_gemeente()
    traject = make_traject(gemeente, organisator=make_user(Role.ORGANISATOR))
    raad = Burgerraad(traject_id=traject.id, status=BurgerraadStatus.AANMELDEN,
                      term_ends_on=date.today() + timedelta(days=365))
    db.session.add(raad)
    db.session.flush()
    letter = BurgerraadUitnodiging(burgerraad_id=raad.id, address_id="ADRES-BUUR", wijk_id=gemeente.wijken[0].id,
                                   code="BUUR-CODE")
    db.session.add(letter)
    db.session.flush()
    db.session.add(BurgerraadAanmelding(
        burgerraad_id=raad.id, uitnodiging_id=letter.id, anon_id="B1", answers_json='{"opleiding": "laag"}',
        name="Buurvrouw Geheim", email="buur@example.org", phone="06-12345678", consent_at=utcnow()))
    db.session.commit()

    assert register(client, papp, "BUUR@example.org").status_code == 302
    download = client.get("/privacy/mijn-gegevens.json").text
    page = client.get("/privacy/mijn-gegevens").text
    for secret in ("Buurvrouw Geheim", "06-12345678", "opleiding", "burgerraad_aanmelding"):
        assert secret not in download and secret not in page, secret


def test_former_organiser_in_the_audit_log_cannot_delete_here(papp, client, resident):
    """The log keeps their e-mail with each act, so "we erase your e-mail address" would not be true:
    like staff, a beheerder ends such an account."""
    from deliberatie.models import User

    organiser = db.session.scalar(sa.select(User).filter_by(email="org@example.org"))
    organiser.role = Role.INWONER  # demoted after acting for the gemeente
    db.session.commit()
    _login(client, "org@example.org")
    page = client.get("/privacy/mijn-gegevens").text
    assert "Verwijder mijn account" not in page and "Vraag een beheerder" in page
    assert client.post("/privacy/mijn-gegevens/verwijderen", data={"password": PASSWORD}).status_code == 403
    assert db.session.scalar(sa.select(User).filter_by(email="org@example.org")) is not None
