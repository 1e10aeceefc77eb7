"""Steuncodes: residents without an account support pitches with the code from a letter."""

import csv
import io
import json
import math
import re
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from deliberatie import codes as shared_codes
from deliberatie.audit import entries_for
from deliberatie.extensions import db
from deliberatie.models import Role, Traject
from deliberatie.pitches import ranking, services, steuncodes
from deliberatie.pitches.models import Pitch, PitchRonde, PitchStatus, Steun, Steuncode
from tests.conftest import guarded_app
from tests.factories import make_gemeente, make_traject
from tests.helpers import fast_user as make_user, postgres_only, race

from tests.wijkbudget.pdf_letters import check_structure, joined, read_pages

from .helpers import BEHEER, INA, ORG, OTHER_ORG, PIET, RAAD, make_people

CODE_SHAPE = re.compile(rf"^[{shared_codes.ALPHABET}]{{4}}(-[{shared_codes.ALPHABET}]{{4}}){{3}}$")
WRONG = "Met deze steuncode kunt u deze pitch niet steunen."
ALREADY = "Met deze steuncode is deze pitch al gesteund."


def _ronde(traject, organisator, threshold):
    return services.save_ronde(traject, organisator, dict(
        support_threshold=threshold, jury_weight=60, public_weight=40, event_on=date.today(), event_place="",
        criteria=[("Haalbaarheid", 10)]))


def _pitch(traject, initiator, title):
    return services.submit_pitch(traject, initiator, dict(title=title, problem="p", plan="q", cost_cents=100,
                                                          dragers="wij"))


@pytest.fixture
def world(app):
    gemeente = make_gemeente()
    people = make_people()
    organisator, ina = people[ORG], people[INA]
    traject = make_traject(gemeente, organisator, title="Pitches Noord")
    ronde = _ronde(traject, organisator, threshold=3)
    pitch = _pitch(traject, ina, "Speeltuin")
    second = _pitch(traject, ina, "Bankjes")
    elsewhere = make_traject(gemeente, organisator, title="Pitches Zuid")
    other_ronde = _ronde(elsewhere, organisator, threshold=3)
    codes = steuncodes.generate(ronde, organisator, 4)
    foreign = steuncodes.generate(other_ronde, organisator, 1)
    db.session.commit()
    return dict(traject=traject.id, ronde=ronde.id, pitch=pitch.id, second=second.id, codes=codes,
                foreign=foreign[0], elsewhere=elsewhere.id)


def _support(client, pitch_id, code, **kwargs):
    return client.post(f"/pitches/{pitch_id}/steuncode", data={"code": code}, **kwargs)


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- making codes -------------------------------------------------------------------------------------


def test_generated_codes_are_unique_random_and_only_hashed(app, world):
    ronde = db.session.get(PitchRonde, world["ronde"])
    actor = ronde.traject.organisatoren[0]
    codes = steuncodes.generate(ronde, actor, 300)
    db.session.commit()
    assert len(codes) == len(set(codes)) == 300
    assert all(CODE_SHAPE.match(c) for c in codes)
    bits = shared_codes.LENGTH * math.log2(len(shared_codes.ALPHABET))
    assert bits >= 64 and not set(shared_codes.ALPHABET) & set("01IO")
    symbols = "".join(shared_codes.normalise(c) for c in codes)
    assert set(symbols) == set(shared_codes.ALPHABET)  # 4,800 draws: every symbol turns up
    rows = db.session.scalars(select(Steuncode).where(Steuncode.ronde_id == ronde.id).order_by(Steuncode.id)).all()
    assert len(rows) == 304  # the fixture's four and these
    hashes = {shared_codes.salted_hash(ronde.code_salt, c) for c in codes + world["codes"]}
    assert {r.code_hash for r in rows} == hashes
    # Rows in the order of their hashes, so an id says nothing about a code's place in the letters.
    batch = [r.code_hash for r in rows[4:]]
    assert batch == sorted(batch)
    # No plain code anywhere in the round's or the codes' tables.
    stored = json.dumps([list(map(str, row)) for table in ("pitches_steuncode", "pitches_ronde")
                         for row in db.session.execute(sa.text(f"SELECT * FROM {table}"))])
    assert not any(shared_codes.normalise(c) in stored or c in stored for c in codes + world["codes"])
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("pitches_steuncode")}
    assert columns == {"id", "ronde_id", "code_hash"}


def test_generation_is_audited_and_keeps_earlier_codes_valid(app, world):
    ronde = db.session.get(PitchRonde, world["ronde"])
    salt = ronde.code_salt
    steuncodes.generate(ronde, ronde.traject.organisatoren[0], 2)
    db.session.commit()
    assert ronde.code_salt == salt
    assert steuncodes.find(ronde, world["codes"][0]).ronde_id == ronde.id
    entries = [e for e in entries_for(world["traject"]) if e.action == "pitches.steuncodes"]
    assert [json.loads(e.details)["count"] for e in entries] == [4, 2]
    assert json.loads(entries[-1].details)["total"] == 6 and entries[-1].actor == ORG
    assert not any(c in e.details for e in entries for c in world["codes"])


def test_organiser_makes_codes_sees_them_once_and_downloads_csv(client, auth, world):
    auth.login(ORG)
    page = client.get(f"/pitches/traject/{world['traject']}/steuncodes")
    assert page.status_code == 200 and "Er zijn 4 steuncodes gemaakt." in page.text
    made = client.post(f"/pitches/traject/{world['traject']}/steuncodes", data={"count": "5"})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    shown = re.findall(r"<code>([A-Z0-9-]+)</code>", made.text)
    assert len(shown) == 5 and all(CODE_SHAPE.match(c) for c in shown)
    assert _count(Steuncode) == 4 + 5 + 1
    # The download takes back only codes of this round: not another round's, not made-up ones.
    posted = " ".join(shown + [world["foreign"], "AAAA-BBBB-CCCC-DDDD"])
    download = client.post(f"/pitches/traject/{world['traject']}/steuncodes/download", data={"codes": posted})
    assert download.status_code == 200 and download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert download.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(download.text), delimiter=";"))
    assert rows[0] == ["volgnummer", "steuncode", "steunlink"]
    assert [r[1] for r in rows[1:]] == shown and [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    assert all(r[2].endswith(f"/pitches/traject/{world['traject']}") for r in rows[1:])
    assert "Aantal steuncodes" in client.post(f"/pitches/traject/{world['traject']}/steuncodes",
                                               data={"count": "0"}).text
    assert _count(Steuncode) == 10


def test_organiser_downloads_the_codes_as_letters(client, auth, world):
    auth.login(ORG)
    made = client.post(f"/pitches/traject/{world['traject']}/steuncodes", data={"count": "3"})
    shown = re.findall(r"<code>([A-Z0-9-]+)</code>", made.text)
    assert f'action="/pitches/traject/{world["traject"]}/steuncodes/brieven"' in made.text
    posted = " ".join(shown + [world["foreign"], "AAAA-BBBB-CCCC-DDDD"])
    download = client.post(f"/pitches/traject/{world['traject']}/steuncodes/brieven", data={"codes": posted})
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Cache-Control"] == "no-store"
    check_structure(download.data)
    pages = read_pages(download.data)
    assert len(pages) == len(shown)  # only this round's codes: not another round's, not made-up ones
    link = f"http://localhost/pitches/traject/{world['traject']}"
    for code, (text, qrs) in zip(shown, pages):
        assert code in text and world["foreign"] not in text and link in joined(text)
        assert "Een plan met 3 steunbetuigingen komt op de agenda." in " ".join(text.split())
        assert "Steun een plan: Pitches Noord" in text
        assert qrs == [link]
    auth.logout()
    auth.login(OTHER_ORG)  # an organiser of another traject gets nothing, not even with valid codes
    other = client.post(f"/pitches/traject/{world['traject']}/steuncodes/brieven", data={"codes": posted})
    assert other.status_code == 403


def test_a_traject_without_round_gets_no_codes(client, auth, world):
    traject = db.session.get(Traject, world["traject"])
    bare = make_traject(traject.gemeente, traject.organisatoren[0], title="Zonder ronde")
    db.session.commit()
    auth.login(ORG)
    response = client.post(f"/pitches/traject/{bare.id}/steuncodes", data={"count": "3"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/pitches/traject/{bare.id}/ronde")
    assert _count(Steuncode) == 5


# who -> status for (generation page, generation post, download)
ROLES = {None: (302, 302, 302), INA: (403, 403, 403), PIET: (403, 403, 403), RAAD: (403, 403, 403),
         OTHER_ORG: (403, 403, 403), ORG: (200, 200, 200), BEHEER: (200, 200, 200)}


@pytest.mark.parametrize("who", list(ROLES))
def test_only_organisers_of_the_traject_make_codes(client, auth, world, who):
    if who:
        auth.login(who)
    base = f"/pitches/traject/{world['traject']}/steuncodes"
    got = (client.get(base).status_code, client.post(base, data={"count": "2"}).status_code,
           client.post(base + "/download", data={"codes": " ".join(world["codes"])}).status_code)
    assert got == ROLES[who]
    assert _count(Steuncode) == 5 + (2 if got[1] == 200 else 0)
    if who is None:
        assert client.get(base).headers["Location"].startswith("/auth/inloggen?next=")


# --- supporting with a code -----------------------------------------------------------------------------


def test_code_support_counts_like_an_account_and_puts_the_pitch_on_the_agenda(app, client, auth, world):
    pitch_url = f"/pitches/{world['pitch']}"
    page = client.get(pitch_url).text
    assert "Steunen met een steuncode" in page and 'name="code"' in page
    auth.login(PIET)
    assert "Steunen met een steuncode" not in client.get(pitch_url).text  # an account holder uses the button
    assert client.post(f"{pitch_url}/steun").status_code == 302
    auth.logout()
    first = _support(client, world["pitch"], world["codes"][0].lower().replace("-", " "), follow_redirects=True)
    assert "uw steun voor deze pitch is meegeteld" in first.text
    assert db.session.get(Pitch, world["pitch"]).on_agenda_at is None
    assert not app.extensions.get("deliberatie.outbox")
    assert "2 inwoners steunen deze pitch." in client.get(pitch_url).text
    assert _support(client, world["pitch"], world["codes"][1]).status_code == 302  # the third: threshold 3
    pitch = db.session.get(Pitch, world["pitch"])
    db.session.refresh(pitch)
    assert pitch.on_agenda_at is not None
    outbox = app.extensions["deliberatie.outbox"]
    assert [m["To"] for m in outbox] == [INA] and "agenda" in outbox[0]["Subject"]
    agenda = [e for e in entries_for(world["traject"]) if e.action == "pitches.agenda"]
    assert len(agenda) == 1 and json.loads(agenda[0].details)["support"] == 3
    # A fourth support changes no agenda and sends no second mail.
    assert _support(client, world["pitch"], world["codes"][2]).status_code == 302
    assert len(app.extensions["deliberatie.outbox"]) == 1
    # The same code supports another pitch of the round once as well.
    assert _support(client, world["second"], world["codes"][0]).status_code == 302
    assert services.support_count(db.session.get(Pitch, world["second"])) == 1
    # Code supports name the code's row, not the code, and no account.
    rows = db.session.scalars(select(Steun).where(Steun.user_id.is_(None))).all()
    assert len(rows) == 4 and all(r.steuncode_id is not None for r in rows)
    ranked = {r.pitch.id: r.support for r in ranking.ranking(db.session.get(Traject, world["traject"]))}
    assert ranked == {world["pitch"]: 4, world["second"]: 1}


def test_wrong_foreign_and_double_codes(client, world):
    url = f"/pitches/{world['pitch']}/steuncode"
    wrong = client.post(url, data={"code": "AAAA-BBBB-CCCC-DDDD"})
    foreign = client.post(url, data={"code": world["foreign"]})
    assert wrong.status_code == foreign.status_code == 200
    assert WRONG in wrong.text and wrong.headers["Cache-Control"] == "no-store"
    assert "Uw steuncode: " + WRONG in wrong.text  # in the error summary as well as at the field
    assert f'href="/auth/inloggen?next=/pitches/{world["pitch"]}"' in wrong.text  # back to the page, not the POST
    # Another round's code gets exactly the answer a made-up code gets.
    assert wrong.text.replace("AAAA-BBBB-CCCC-DDDD", "X") == foreign.text.replace(world["foreign"], "X")
    assert "Vul uw steuncode in." in client.post(url, data={"code": " "}).text
    assert _count(Steun) == 0
    assert client.post(url, data={"code": world["codes"][3]}).status_code == 302
    again = client.post(url, data={"code": world["codes"][3].replace("-", "")}, follow_redirects=True)
    assert ALREADY in again.text and WRONG not in again.text
    assert _count(Steun) == 1


def test_database_refuses_a_second_support_and_a_row_without_or_with_two_supporters(app, world):
    ronde = db.session.get(PitchRonde, world["ronde"])
    pitch = db.session.get(Pitch, world["pitch"])
    row = steuncodes.find(ronde, world["codes"][0])
    steuncodes.support_with_code(pitch, world["codes"][0])
    db.session.commit()
    with pytest.raises(services.ServiceError) as error:
        steuncodes.support_with_code(pitch, world["codes"][0])
    assert error.value.code == "code_already_counted"
    db.session.rollback()
    user_id = db.session.scalar(sa.text("SELECT id FROM user_account WHERE email = :e"), {"e": PIET})
    for bad in (dict(steuncode_id=row.id), dict(), dict(steuncode_id=row.id, user_id=user_id)):
        with pytest.raises(sa.exc.IntegrityError):
            db.session.add(Steun(pitch_id=pitch.id, **bad))
            db.session.flush()
        db.session.rollback()
    assert _count(Steun) == 1


def test_no_code_support_for_a_rejected_pitch_or_a_closed_traject(client, auth, world):
    auth.login(ORG)
    assert client.post(f"/pitches/{world['pitch']}/status",
                       data={"status": "afgewezen", "reason": "Buiten de kaders."}).status_code == 302
    auth.logout()
    assert db.session.get(Pitch, world["pitch"]).status is PitchStatus.AFGEWEZEN
    assert "Steunen met een steuncode" not in client.get(f"/pitches/{world['pitch']}").text
    refused = _support(client, world["pitch"], world["codes"][0], follow_redirects=True)
    assert "Deze pitch kunt u niet meer steunen." in refused.text
    assert _count(Steun) == 0


def test_status_news_goes_to_accounts_only(app, client, auth, world):
    auth.login(PIET)
    client.post(f"/pitches/{world['pitch']}/steun")
    auth.logout()
    _support(client, world["pitch"], world["codes"][0])
    auth.login(ORG)
    assert client.post(f"/pitches/{world['pitch']}/status",
                       data={"status": "in_behandeling", "reason": "We kijken ernaar."}).status_code == 302
    assert sorted(m["To"] for m in app.extensions["deliberatie.outbox"]) == [INA, PIET]


def test_no_code_form_before_codes_exist(client, world):
    traject = db.session.get(Traject, world["elsewhere"])
    pitch = _pitch(traject, traject.organisatoren[0], "Zonder codes")
    ronde = services.ronde_for(traject)
    ronde.code_salt = None
    db.session.execute(sa.delete(Steuncode).where(Steuncode.ronde_id == ronde.id))
    db.session.commit()
    assert "Steunen met een steuncode" not in client.get(f"/pitches/{pitch.id}").text
    assert WRONG in _support(client, pitch.id, world["foreign"]).text


def test_signed_in_residents_support_with_their_account_not_also_with_a_letter(client, auth, world):
    """One support per resident: nobody counts twice through account and letter, not even the initiator."""
    assert "Steunen met een steuncode" in client.get(f"/pitches/{world['pitch']}").text
    for who in (PIET, INA):  # a resident who can support, and the initiator who may not
        auth.login(who)
        assert "Steunen met een steuncode" not in client.get(f"/pitches/{world['pitch']}").text
        response = _support(client, world["pitch"], world["codes"][0], follow_redirects=True)
        assert "steun met uw account" in response.text
        auth.logout()
    assert _count(Steun, Steun.pitch_id == world["pitch"]) == 0
    assert _support(client, world["pitch"], world["codes"][0]).status_code == 302  # signed out, the code works
    assert _count(Steun, Steun.pitch_id == world["pitch"]) == 1


# --- concurrency (PostgreSQL) ---------------------------------------------------------------------------


@pytest.mark.postgres
def test_concurrent_submissions_of_one_code_store_one_support(app, database, world):
    postgres_only(database)
    n = 8

    def work(_i, barrier):
        pitch = db.session.get(Pitch, world["pitch"])
        barrier.wait(timeout=30)
        steuncodes.support_with_code(pitch, world["codes"][0])

    assert race(app, n, work) == ["code_already_counted"] * (n - 1) + ["stored"]
    assert _count(Steun) == 1


@pytest.mark.postgres
def test_concurrent_supports_cross_the_threshold_exactly_once(app, database, world):
    """Four codes at once on a threshold of three: on the agenda, one audit entry, one mail."""
    postgres_only(database)

    def work(i, barrier):
        pitch = db.session.get(Pitch, world["pitch"])
        barrier.wait(timeout=30)
        steuncodes.support_with_code(pitch, world["codes"][i])

    assert race(app, 4, work) == ["stored"] * 4
    assert _count(Steun) == 4
    assert db.session.get(Pitch, world["pitch"]).on_agenda_at is not None
    agenda = [e for e in entries_for(world["traject"]) if e.action == "pitches.agenda"]
    assert len(agenda) == 1 and json.loads(agenda[0].details)["support"] == 3
    assert [m["To"] for m in app.extensions["deliberatie.outbox"]] == [INA]


# --- rate limit and CSRF (SQLite: they do not depend on the database) -------------------------------


@pytest.fixture
def guarded(database):
    app = guarded_app(database, RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        organisator = make_user(Role.ORGANISATOR, ORG)
        traject = make_traject(make_gemeente(), organisator)
        ronde = _ronde(traject, organisator, threshold=5)
        pitch = _pitch(traject, organisator, "Bankjes")
        code, = steuncodes.generate(ronde, organisator, 1)
        db.session.commit()
        yield app, pitch.id, code
        db.session.remove()
        db.engine.dispose()


def test_code_support_is_rate_limited_and_needs_the_csrf_token(guarded):
    app, pitch_id, code = guarded
    client = app.test_client()
    page = client.get(f"/pitches/{pitch_id}").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    # Without the token even a good code changes nothing.
    assert client.post(f"/pitches/{pitch_id}/steuncode", data={"code": code}).status_code == 400
    assert _count(Steun) == 0
    statuses = [client.post(f"/pitches/{pitch_id}/steuncode",
                            data={"code": f"GUES-S{i:03d}", "csrf_token": token}).status_code for i in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    assert _count(Steun) == 0
