"""An empty seat no reserve fits exactly: the panel page names the closest reserve, who can be seated anyway."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from deliberatie import jobs
from deliberatie.burgerraad import privacy, selection, services
from deliberatie.burgerraad.models import Aanmelding, Burgerraad, BurgerraadStatus, DeelnemerStatus
from deliberatie.extensions import db
from deliberatie.models import AuditEntry
from deliberatie.models.job import Job
from tests.burgerraad.conftest import with_pool
from tests.helpers import in_turn, postgres_only, race

REFUSED = repr(services.NotAllowedNow())  # how race() reports a service's refusal


@pytest.fixture
def drawn(world):
    """A drawn panel of six with exactly three men and three women; the other quotas are loose."""
    burgerraad = with_pool(world, n=40, panel_size=6, letters=40, codes_per_letter=1)
    for vraag in burgerraad.vragen:
        for quotum in vraag.waarden:
            quotum.min_count, quotum.max_count = (3, 3) if vraag.name == "geslacht" else (0, 6)
    db.session.commit()
    selection.commit_inputs(burgerraad, actor=world["organisator"])
    db.session.commit()
    jobs.run(selection.start_draw(burgerraad, seed=31415, actor=world["organisator"]).id)
    return burgerraad.id


def _rows(burgerraad_id, status):
    rows = db.session.scalars(select(Aanmelding).where(Aanmelding.burgerraad_id == burgerraad_id,
                                                       Aanmelding.status == status)).all()
    return sorted(rows, key=lambda a: (a.reserve_rank or 0, a.anon_id))


def _empty_seat(client, burgerraad_id):
    """Take the men off the reserve list, then let a man drop out: no reserve keeps the quotas.

    Returns the first woman on the reserve list (the closest: every woman breaks the same two quotas).
    """
    for reserve in _rows(burgerraad_id, DeelnemerStatus.RESERVE):
        if reserve.answers["geslacht"] == "man":
            reserve.status, reserve.reserve_rank = DeelnemerStatus.POOL, None
    man = next(a for a in _rows(burgerraad_id, DeelnemerStatus.PANEL) if a.answers["geslacht"] == "man")
    woman = _rows(burgerraad_id, DeelnemerStatus.RESERVE)[0]
    man_id, woman_ids = man.id, (woman.id, woman.anon_id)
    db.session.commit()
    page = client.post(f"/burgerraad/{burgerraad_id}/panel/{man_id}/afgehaakt", follow_redirects=True)
    assert "Geen reserve past binnen de quota. De plek blijft leeg." in page.text
    assert len(_rows(burgerraad_id, DeelnemerStatus.PANEL)) == 5
    db.session.commit()
    return woman_ids


def _seat_url(burgerraad_id, aanmelding_id):
    return f"/burgerraad/{burgerraad_id}/panel/{aanmelding_id}/plaatsen"


def test_empty_seat_shows_the_closest_reserve_who_can_be_seated(client, auth, world, drawn):
    auth.login("org@example.org")
    full = client.get(f"/burgerraad/{drawn}/panel").text
    assert "Lege plek" not in full and "/plaatsen" not in full
    woman_id, woman_anon = _empty_seat(client, drawn)
    page = client.get(f"/burgerraad/{drawn}/panel").text
    assert "Het panel heeft nu 5 van de 6 leden." in page
    assert f"Reservelid {woman_anon} past het best." in page
    assert "geslacht = man: 2 in het panel, het quotum is 3 tot en met 3" in page
    assert "geslacht = vrouw: 4 in het panel, het quotum is 3 tot en met 3" in page
    assert page.count("in het panel, het quotum is") == 2  # leeftijd and wijk still hold
    assert f'action="{_seat_url(drawn, woman_id)}"' in page and "Plaats toch dit reservelid" in page

    response = client.post(_seat_url(drawn, woman_id), follow_redirects=True)
    assert f"Reservelid {woman_anon} zit nu in het panel. Niet alle quota kloppen." in response.text
    assert "Lege plek" not in response.text
    panel = _rows(drawn, DeelnemerStatus.PANEL)
    assert len(panel) == 6 and woman_anon in {a.anon_id for a in panel}
    assert db.session.get(Aanmelding, woman_id).reserve_rank is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "burgerraad.reserve_seated"))
    details = json.loads(entry.details)
    assert entry.actor == "org@example.org" and entry.subject == f"burgerraad:{drawn}"
    assert details["replacement"] == woman_anon and details["quotas_met"] is False and details["deviation"] == 2
    assert details["off"] == ["geslacht=man 2 (3..3)", "geslacht=vrouw 4 (3..3)"]
    db.session.commit()
    # the seat is taken now: a second click is refused and changes nothing
    assert client.post(_seat_url(drawn, woman_id)).status_code == 409
    assert len(_rows(drawn, DeelnemerStatus.PANEL)) == 6


def test_full_panel_and_other_reserves_are_refused(client, auth, world, drawn):
    auth.login("org@example.org")
    first = _rows(drawn, DeelnemerStatus.RESERVE)[0].id
    db.session.commit()
    assert client.post(_seat_url(drawn, first)).status_code == 409  # no empty seat
    woman_id, _ = _empty_seat(client, drawn)
    second = _rows(drawn, DeelnemerStatus.RESERVE)[1].id
    member = next(a.id for a in _rows(drawn, DeelnemerStatus.PANEL))
    db.session.commit()
    assert client.post(_seat_url(drawn, second)).status_code == 409  # not the closest
    assert client.post(_seat_url(drawn, member)).status_code == 409  # already on the panel
    assert client.post(_seat_url(drawn, 999_999)).status_code == 404
    assert len(_rows(drawn, DeelnemerStatus.PANEL)) == 5
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "burgerraad.reserve_seated")) is None
    db.session.commit()
    # after the purge there is no burgerraad in the GELOOT state and no pool to seat from
    privacy.purge(db.session.get(Burgerraad, drawn), actor=world["organisator"])
    db.session.commit()
    assert client.post(_seat_url(drawn, woman_id)).status_code == 404


def test_only_organisers_of_the_traject(client, auth, world, drawn):
    auth.login("org@example.org")
    woman_id, _ = _empty_seat(client, drawn)
    auth.logout()
    response = client.post(_seat_url(drawn, woman_id))
    assert response.status_code == 302 and "/auth/inloggen" in response.headers["Location"]
    for who in ("ina@example.org", "raad@example.org", "ander@example.org"):
        auth.login(who)
        assert client.post(_seat_url(drawn, woman_id)).status_code == 403, who
        assert "Lege plek" not in client.get(f"/burgerraad/{drawn}/panel").text
        auth.logout()
    assert len(_rows(drawn, DeelnemerStatus.PANEL)) == 5
    db.session.commit()
    auth.login("beheer@example.org")
    assert client.post(_seat_url(drawn, woman_id)).status_code == 302
    assert len(_rows(drawn, DeelnemerStatus.PANEL)) == 6


def test_csrf_token_is_required(app, client, auth, world, drawn):
    auth.login("org@example.org")
    woman_id, _ = _empty_seat(client, drawn)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(_seat_url(drawn, woman_id)).status_code == 400
    assert len(_rows(drawn, DeelnemerStatus.PANEL)) == 5
    db.session.commit()
    page = client.get(f"/burgerraad/{drawn}/panel").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(_seat_url(drawn, woman_id), data={"csrf_token": token}).status_code == 302
    assert len(_rows(drawn, DeelnemerStatus.PANEL)) == 6


def test_a_reserve_who_fits_is_offered_without_toch(client, auth, world, drawn):
    auth.login("org@example.org")
    _empty_seat(client, drawn)
    ranks = [a.reserve_rank for a in _rows(drawn, DeelnemerStatus.RESERVE)]
    man = next(a for a in _rows(drawn, DeelnemerStatus.POOL) if a.answers["geslacht"] == "man")
    man.status, man.reserve_rank = DeelnemerStatus.RESERVE, max(ranks) + 1  # last on the list, but he fits
    man_id, man_anon = man.id, man.anon_id
    db.session.commit()
    page = client.get(f"/burgerraad/{drawn}/panel").text
    assert f"Reservelid {man_anon} past binnen de quota." in page and "Plaats dit reservelid" in page
    assert "Plaats toch" not in page and "het quotum is" not in page
    response = client.post(_seat_url(drawn, man_id), follow_redirects=True)
    assert f"Reservelid {man_anon} zit nu in het panel." in response.text and "Niet alle quota" not in response.text
    details = json.loads(db.session.scalar(select(AuditEntry.details).where(
        AuditEntry.action == "burgerraad.reserve_seated")))
    assert details["quotas_met"] is True and details["off"] == []


@pytest.mark.postgres
def test_two_organisers_at_once_fill_the_seat_once(app, client, auth, database, world, drawn):
    postgres_only(database)
    auth.login("org@example.org")
    woman_id, _ = _empty_seat(client, drawn)
    n = 4

    def seat(_, barrier):
        burgerraad, member = db.session.get(Burgerraad, drawn), db.session.get(Aanmelding, woman_id)
        barrier.wait(timeout=30)
        selection.seat_closest_reserve(burgerraad, member, actor=None)

    assert race(app, n, seat) == [REFUSED] * (n - 1) + ["stored"]
    assert len(_rows(drawn, DeelnemerStatus.PANEL)) == 6
    assert len(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "burgerraad.reserve_seated")).all()) == 1


@pytest.mark.postgres
def test_two_members_dropping_out_at_once_get_different_reserves(app, database, world, drawn):
    postgres_only(database)
    men = [a.id for a in _rows(drawn, DeelnemerStatus.PANEL) if a.answers["geslacht"] == "man"][:2]
    db.session.commit()
    replacements = []

    def drop(i, barrier):
        burgerraad, member = db.session.get(Burgerraad, drawn), db.session.get(Aanmelding, men[i])
        barrier.wait(timeout=30)
        replacement = selection.drop_out(burgerraad, member, actor=None)
        replacements.append(replacement.anon_id if replacement is not None else None)

    assert race(app, len(men), drop) == ["stored"] * len(men)
    assert None not in replacements and len(set(replacements)) == 2  # the second took the next man
    panel = _rows(drawn, DeelnemerStatus.PANEL)
    assert len(panel) == 6 and set(replacements) <= {a.anon_id for a in panel}


@pytest.mark.postgres
def test_two_seeds_entered_at_once_start_one_draw(app, database, world):
    postgres_only(database)
    burgerraad = with_pool(world, n=40, panel_size=6, letters=40, codes_per_letter=1)
    selection.commit_inputs(burgerraad, actor=world["organisator"])
    burgerraad_id = burgerraad.id
    db.session.commit()
    seeds = (1, 2)

    def enter(i, barrier):
        row = db.session.get(Burgerraad, burgerraad_id)
        barrier.wait(timeout=30)
        selection.start_draw(row, seed=seeds[i], actor=None)

    assert race(app, 2, enter) == [REFUSED, "stored"]
    assert db.session.get(Burgerraad, burgerraad_id).draw_seed in seeds
    assert db.session.query(Job).filter(Job.kind == selection.DRAW_JOB).count() == 1
    assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "burgerraad.seed")).all()) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("step", ["drop_out", "seat"])
def test_a_purge_at_the_same_moment_makes_a_panel_change_refuse_cleanly(app, client, auth, database, world,
                                                                          drawn, step):
    """The purge deletes the pool while an organiser marks a drop-out or seats a reserve: no 500.

    Without the lock on the burgerraad's row a drop-out updated deleted rows (a 500); seating was
    refused only by chance (it found no pool left), so that case guards against a regression.
    """
    postgres_only(database)
    if step == "seat":
        auth.login("org@example.org")
        member_id, _ = _empty_seat(client, drawn)
        service = selection.seat_closest_reserve
    else:
        member_id = _rows(drawn, DeelnemerStatus.PANEL)[0].id
        service = selection.drop_out
    db.session.commit()

    def purge():
        privacy.purge(db.session.get(Burgerraad, drawn), actor=None)

    def change():  # loads what was committed before the purge, as a request that started first
        service(db.session.get(Burgerraad, drawn), db.session.get(Aanmelding, member_id), actor=None)

    assert in_turn(app, purge, change) == ["stored", REFUSED]
    assert db.session.get(Burgerraad, drawn).status is BurgerraadStatus.GEWIST
    assert db.session.query(Aanmelding).filter_by(burgerraad_id=drawn).count() == 0
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-1] == "burgerraad.purged"  # and nothing of the refused step


@pytest.mark.postgres
def test_the_daily_purge_and_a_seed_at_the_same_moment_never_purge_a_queued_draw(app, database, world):
    """The daily purge skips a burgerraad whose draw is queued: also when the seed comes in as it runs."""
    postgres_only(database)
    burgerraad = with_pool(world, n=40, panel_size=6, letters=40, codes_per_letter=1)
    services.derive_quotas(burgerraad, panel_size=6, tolerance=1.0, actor=None)
    selection.commit_inputs(burgerraad, actor=world["organisator"])
    burgerraad_id, later = burgerraad.id, burgerraad.term_ends_on + timedelta(days=1)
    db.session.commit()
    purged = []

    def seed():  # its draw job is not committed yet while the purge looks for one
        selection.start_draw(db.session.get(Burgerraad, burgerraad_id), seed=7, actor=None)

    def purge():
        purged.extend(b.id for b in privacy.purge_expired(later))

    assert in_turn(app, seed, purge) == ["stored", "stored"]
    burgerraad = db.session.get(Burgerraad, burgerraad_id)
    assert purged == [] and burgerraad.status is BurgerraadStatus.VASTGELEGD and burgerraad.draw_seed == 7
    assert db.session.query(Aanmelding).filter_by(burgerraad_id=burgerraad_id).count() == 40
    assert db.session.query(Job).filter(Job.kind == selection.DRAW_JOB).count() == 1


def test_no_reserve_left_says_so(client, auth, world, drawn):
    auth.login("org@example.org")
    for reserve in _rows(drawn, DeelnemerStatus.RESERVE):
        reserve.status, reserve.reserve_rank = DeelnemerStatus.POOL, None
    member = _rows(drawn, DeelnemerStatus.PANEL)[0].id
    db.session.commit()
    client.post(f"/burgerraad/{drawn}/panel/{member}/afgehaakt")
    page = client.get(f"/burgerraad/{drawn}/panel").text
    assert "Het panel heeft nu 5 van de 6 leden." in page
    assert "Er is geen reservelid meer dat kan invallen." in page and "/plaatsen" not in page


def test_a_reserve_who_drops_out_leaves_the_list_and_is_never_seated(client, auth, world, drawn):
    auth.login("org@example.org")
    page = client.get(f"/burgerraad/{drawn}/panel").text
    reserves = _rows(drawn, DeelnemerStatus.RESERVE)
    man = next(a for a in _rows(drawn, DeelnemerStatus.PANEL) if a.answers["geslacht"] == "man")
    men = [r for r in reserves if r.answers["geslacht"] == "man"]
    first, others = men[0], {r.anon_id: r.reserve_rank for r in reserves if r is not men[0]}
    first_id, first_anon, first_rank, man_id = first.id, first.anon_id, first.reserve_rank, man.id
    next_man = men[1].anon_id
    db.session.commit()
    url = f"/burgerraad/{drawn}/panel/{first_id}/afgehaakt"
    assert f'action="{url}"' in page and "Afgehaakt: van de reservelijst halen" in page
    response = client.post(url, follow_redirects=True)
    assert f"Reservelid {first_anon} staat niet meer op de reservelijst." in response.text
    db.session.expire_all()
    gone = db.session.get(Aanmelding, first_id)
    assert gone.status is DeelnemerStatus.AFGEHAAKT and gone.reserve_rank is None
    assert {r.anon_id: r.reserve_rank for r in _rows(drawn, DeelnemerStatus.RESERVE)} == others  # order kept
    details = json.loads(db.session.scalar(select(AuditEntry.details).where(
        AuditEntry.action == "burgerraad.reserve_dropped_out")))
    assert details == {"dropout": first_anon, "rank": first_rank}
    assert len(_rows(drawn, DeelnemerStatus.PANEL)) == 6  # the panel is untouched
    db.session.commit()
    assert client.post(url).status_code == 409  # not twice
    # a man on the panel drops out: the next man on the list replaces him, not the one who left
    response = client.post(f"/burgerraad/{drawn}/panel/{man_id}/afgehaakt", follow_redirects=True)
    assert f"vervangen door reserve {next_man}." in response.text
    db.session.expire_all()
    assert db.session.get(Aanmelding, first_id).status is DeelnemerStatus.AFGEHAAKT
