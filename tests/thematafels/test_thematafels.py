"""Thematafels through the client: every route and role, the event journey, the unhappy paths."""

import csv
import io
from datetime import date, timedelta

import pytest

from deliberatie.audit import entries_for
from deliberatie.extensions import db
from deliberatie.models import Role, TrajectStatus
from deliberatie.thematafels.models import (Aanmelding, Choice, EventStatus, Idee, Tafel, ThematafelEvent)
from deliberatie.thematafels import services
from tests.factories import make_gemeente, make_traject
from tests.helpers import fast_user as make_user, in_turn, postgres_only, race

ORG, OTHER_ORG, INA, RAAD, BEHEER, VOORZITTER = ("org@example.org", "ander@example.org", "ina@example.org",
                                                 "raad@example.org", "beheer@example.org", "tafel@example.org")


@pytest.fixture
def world(app):
    gemeente = make_gemeente()
    organisator = make_user(Role.ORGANISATOR, ORG)
    make_user(Role.ORGANISATOR, OTHER_ORG)
    make_user(Role.INWONER, INA)
    make_user(Role.RAADSLID, RAAD)
    make_user(Role.BEHEERDER, BEHEER)
    voorzitter = make_user(Role.INWONER, VOORZITTER)
    traject = make_traject(gemeente, organisator)
    event = services.create_event(traject, organisator, dict(
        kind="burgertop", title="Burgertop Centrum", description="", held_on=date.today() + timedelta(days=7),
        place="Wijkhuis", themes=[("Groen", 2), ("Verkeer", 1)], capacity=3))
    event.tafels[0].voorzitter = voorzitter
    concept = make_traject(gemeente, organisator, status=TrajectStatus.CONCEPT, title="Geheim")
    hidden = services.create_event(concept, organisator, dict(
        kind="anders", title="Verborgen", held_on=date.today(), place="X", themes=[("A", 1)], capacity=2))
    db.session.commit()
    return dict(traject=traject.id, event=event.id, tafel=event.tafels[0].id, other_tafel=event.tafels[1].id,
                themas=[t.id for t in event.themas], hidden=hidden.id, gemeente=gemeente)


def event_of(world):
    return db.session.get(ThematafelEvent, world["event"])


def seat_people(world, n=6):
    event = event_of(world)
    for i in range(n):
        user = make_user(Role.INWONER, f"deelnemer{i}@example.org")
        services.sign_up(event, user, dict(name=f"Deelnemer {i}", first=world["themas"][i % 2],
                                           second=world["themas"][(i + 1) % 2], geslacht=("man", "vrouw")[i % 2],
                                           leeftijd="25-44", wijk="Noord"))
    services.run_seating(event, None, seed=1)
    db.session.commit()


def read_csv(text):
    """The harvest CSV as Dutch Excel reads it: a byte order mark, then cells between semicolons."""
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";"))


def login(auth, who):
    if who:
        auth.login(who)


PUBLIC = ["/thematafels/traject/{traject}", "/thematafels/{event}", "/thematafels/{event}/oogst",
          "/thematafels/{event}/oogst/afdruk", "/thematafels/{event}/oogst.csv"]
MANAGE = ["/thematafels/traject/{traject}/nieuw", "/thematafels/{event}/voorzitters",
          "/thematafels/{event}/indelen", "/thematafels/{event}/inloper", "/thematafels/{event}/tafellijsten"]
TABLE = "/thematafels/{event}/tafel/{tafel}"
SIGN_UP = "/thematafels/{event}/aanmelden"
POSTS = ["/thematafels/{event}/idee/{idee}/argument", "/thematafels/{event}/idee/{idee}/stemmen",
         "/thematafels/{event}/plenair", "/thematafels/{event}/afsluiten", "/thematafels/{event}/idee/{idee}/pitch",
         "/thematafels/{event}/idee/{idee}/stelling",
         "/thematafels/{event}/indelen", "/thematafels/{event}/inloper", "/thematafels/{event}/voorzitters",
         "/thematafels/traject/{traject}/nieuw", "/thematafels/{event}/tafel/{tafel}/notitie",
         "/thematafels/{event}/tafel/{tafel}/idee"]

# who -> (public, manage, table page, sign-up page)
EXPECTED = {None: (200, 302, 302, 302), INA: (200, 403, 403, 200), RAAD: (200, 403, 403, 200),
            OTHER_ORG: (200, 403, 403, 200), VOORZITTER: (200, 403, 200, 200), ORG: (200, 200, 200, 200),
            BEHEER: (200, 200, 200, 200)}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_every_route_for_every_role(client, auth, world, who):
    event = event_of(world)
    idee = services.add_idea(event.tafels[1], {"title": "Iets"})
    db.session.commit()
    ids = dict(world, idee=idee.id)
    login(auth, who)
    public, manage, table, sign_up = EXPECTED[who]
    for path in PUBLIC:
        assert client.get(path.format(**ids)).status_code == public, path
    for path in MANAGE:
        response = client.get(path.format(**ids))
        expected = 200 if who == VOORZITTER and path.endswith("tafellijsten") else manage
        assert response.status_code == expected, path
        if expected == 302:
            assert response.headers["Location"].startswith("/auth/inloggen?next=")
    assert client.get(TABLE.format(**ids)).status_code == table
    assert client.get(SIGN_UP.format(**ids)).status_code == sign_up
    if manage != 200:
        for path in POSTS:
            if who == VOORZITTER and "/tafel/" in path:
                continue  # his own table: allowed, tested in the journey
            status = client.post(path.format(**ids), data={}).status_code
            assert status == (302 if who is None else 403), path


def test_voorzitter_only_for_own_table(client, auth, world):
    auth.login(VOORZITTER)
    assert client.get(f"/thematafels/{world['event']}/tafel/{world['other_tafel']}").status_code == 403
    assert client.post(f"/thematafels/{world['event']}/tafel/{world['other_tafel']}/notitie",
                       data={"text": "x"}).status_code == 403


def test_concept_traject_event_hidden(client, auth, world):
    for who in (None, INA, OTHER_ORG):
        login(auth, who)
        assert client.get(f"/thematafels/{world['hidden']}").status_code == 404
        assert client.get(f"/thematafels/{world['hidden']}/oogst").status_code == 404
    auth.logout()
    auth.login(ORG)
    assert client.get(f"/thematafels/{world['hidden']}").status_code == 200


def test_create_event_and_bad_theme_lines(client, auth, world):
    auth.login(ORG)
    path = f"/thematafels/traject/{world['traject']}/nieuw"
    form = {"kind": "klimaattafel", "title": "Klimaattafel", "held_on": date.today().isoformat(), "place": "Bieb",
            "themes": "Energie | 2\nGroen\n", "capacity": "6"}
    response = client.post(path, data=dict(form, themes="Energie | veel\nEnergie"))
    assert response.status_code == 200 and "Regel 1 klopt niet" in response.text
    response = client.post(path, data=dict(form, capacity="1"))
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count()).select_from(ThematafelEvent)) == 2
    response = client.post(path, data=form)
    assert response.status_code == 302
    event = db.session.scalar(db.select(ThematafelEvent).filter_by(title="Klimaattafel"))
    assert [(t.name, len(t.tafels)) for t in event.themas] == [("Energie", 2), ("Groen", 1)]
    assert event.capacity == 18
    assert entries_for(world["traject"])[-1].action == "thematafels.create"


def test_sign_up_change_and_rules(client, auth, world):
    auth.login(INA)
    path = f"/thematafels/{world['event']}/aanmelden"
    groen, verkeer = world["themas"]
    response = client.post(path, data={"name": "Ina", "first": groen, "second": groen})
    assert response.status_code == 200 and "Kies bij de tweede keus een ander thema." in response.text
    assert client.post(path, data={"name": "", "first": groen}).status_code == 200
    assert client.post(path, data={"name": "Ina", "first": groen, "second": verkeer, "leeftijd": "65+",
                                   "geslacht": "vrouw", "wijk": "Noord"}).status_code == 302
    assert client.post(path, data={"name": "Ina B.", "first": verkeer, "second": ""}).status_code == 302
    rows = db.session.scalars(db.select(Aanmelding)).all()
    assert len(rows) == 1 and rows[0].name == "Ina B." and rows[0].first_thema_id == verkeer
    assert rows[0].second_thema_id is None and rows[0].leeftijd is None
    assert "U bent aangemeld" in client.get(f"/thematafels/{world['event']}").text


def test_sign_up_page_states_retention_and_purged_lists_say_so(app, client, auth, world):
    from flask_babel import format_date

    event = event_of(world)
    auth.login(INA)
    page = client.get(f"/thematafels/{event.id}/aanmelden").text
    with app.test_request_context():
        ends = format_date(event.held_on + timedelta(days=services.RETENTION_DAYS), "long")
    assert f"We bewaren hem tot en met {ends}, 30 dagen na de bijeenkomst" in page
    auth.logout()
    seat_people(world, n=4)
    services.purge_expired(event.held_on + timedelta(days=services.RETENTION_DAYS + 1))
    db.session.commit()
    auth.login(ORG)
    lists = client.get(f"/thematafels/{event.id}/tafellijsten").text
    assert lists.count("(naam gewist)") == 4 and "Deelnemer 0" not in lists


def test_sign_up_refused_when_full_or_seated(client, auth, world):
    event = event_of(world)
    for i in range(event.capacity):
        services.sign_up(event, make_user(Role.INWONER, f"vol{i}@example.org"),
                         {"name": f"P{i}", "first": world["themas"][0]})
    db.session.commit()
    auth.login(INA)
    response = client.post(f"/thematafels/{world['event']}/aanmelden",
                           data={"name": "Ina", "first": world["themas"][0]}, follow_redirects=True)
    assert "Alle plaatsen zijn bezet." in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Aanmelding)) == event.capacity
    auth.logout()
    auth.login(ORG)
    warning = "Na het indelen is het aanmelden gesloten"
    assert warning in client.get(f"/thematafels/{world['event']}/indelen").text  # there is no way back
    services.run_seating(event_of(world), None, seed=3)
    db.session.commit()
    assert warning not in client.get(f"/thematafels/{world['event']}/indelen").text
    auth.logout()
    auth.login(INA)
    assert client.get(f"/thematafels/{world['event']}/aanmelden").status_code == 403


def test_seating_through_the_client_is_reproducible_and_explained(client, auth, world):
    seat_people(world)
    first = {a.id: a.tafel_id for a in db.session.scalars(db.select(Aanmelding))}
    auth.login(ORG)
    assert client.post(f"/thematafels/{world['event']}/indelen", data={"seed": "1"}).status_code == 302
    db.session.expire_all()
    again = {a.id: a.tafel_id for a in db.session.scalars(db.select(Aanmelding))}
    assert again == first
    page = client.get(f"/thematafels/{world['event']}/tafellijsten").text
    assert "kregen hun eerste keus" in page and "Deelnemer 0" in page and "Startgetal van de loting: 1" in page
    for tafel in db.session.scalars(db.select(Tafel)):
        assert len(tafel.gasten) <= tafel.capacity
    assert entries_for(world["traject"])[-1].action == "thematafels.seat"


def test_walk_ins_fill_free_seats_then_refused(client, auth, world):
    seat_people(world, n=6)
    before = {a.id: a.tafel_id for a in db.session.scalars(db.select(Aanmelding))}
    auth.login(ORG)
    path = f"/thematafels/{world['event']}/inloper"
    for i in range(3):
        response = client.post(path, data={"name": f"Inloper {i}", "first": world["themas"][1]})
        assert response.status_code == 302
    response = client.post(path, data={"name": "Te laat", "first": world["themas"][1]}, follow_redirects=True)
    assert "Alle plaatsen zijn bezet." in response.text
    db.session.expire_all()
    rows = db.session.scalars(db.select(Aanmelding)).all()
    assert {a.id: a.tafel_id for a in rows if a.id in before} == before
    walk_ins = [a for a in rows if a.walk_in]
    assert len(walk_ins) == 3 and all(a.tafel_id for a in walk_ins)
    assert {a.choice for a in walk_ins} <= {Choice.FIRST, Choice.SECOND, Choice.OTHER}


def test_walk_in_before_seating_refused(client, auth, world):
    auth.login(ORG)
    response = client.post(f"/thematafels/{world['event']}/inloper",
                           data={"name": "Vroeg", "first": world["themas"][0]}, follow_redirects=True)
    assert "Deel eerst de tafels in" in response.text


def test_set_voorzitter_unknown_email(client, auth, world):
    auth.login(ORG)
    path = f"/thematafels/{world['event']}/voorzitters"
    response = client.post(path, data={"tafel": world["other_tafel"], "email": "niemand@example.org"})
    assert "Er is geen actief account" in response.text
    assert client.post(path, data={"tafel": world["other_tafel"], "email": INA}).status_code == 302
    assert db.session.get(Tafel, world["other_tafel"]).voorzitter.email == INA


def test_event_journey_sign_up_to_harvest(client, auth, world):
    """Sign-up, seating, a facilitator on the phone, plenary vote, harvest, CSV, idea to pitch."""
    seat_people(world)
    auth.login(VOORZITTER)
    base = f"/thematafels/{world['event']}"
    tafel = f"{base}/tafel/{world['tafel']}"
    assert client.post(f"{tafel}/notitie", data={"text": "Veel zorgen over hitte."}).status_code == 302
    assert client.post(f"{tafel}/idee", data={"title": "Geveltuinen", "description": "Tegels eruit"}).status_code == 302
    assert client.post(f"{tafel}/idee", data={"title": "Boom per straat"}).status_code == 302
    ideas = db.session.scalars(db.select(Idee).order_by(Idee.id)).all()
    gevel, boom = ideas
    assert client.post(f"{base}/idee/{gevel.id}/argument", data={"side": "voor", "text": "Koeler"}).status_code == 302
    assert client.post(f"{base}/idee/{gevel.id}/argument", data={"side": "tegen", "text": "Onderhoud"}).status_code == 302
    assert client.post(f"{base}/idee/{gevel.id}/stemmen", data={f"idee{gevel.id}-votes": "5",
                       f"idee{gevel.id}-dissent": "Twee mensen vrezen voor parkeerplekken."}).status_code == 302
    assert client.post(f"{base}/idee/{boom.id}/stemmen", data={f"idee{boom.id}-votes": "7"}).status_code == 302
    response = client.post(f"{base}/idee/{boom.id}/stemmen", data={f"idee{boom.id}-votes": "-2"}, follow_redirects=True)
    assert "Vul het aantal stippen in" in response.text
    page = client.get(tafel).text
    assert "Veel zorgen over hitte." in page and "Onderhoud" in page
    auth.logout()
    auth.login(ORG)
    client.post(f"{base}/plenair", data={f"votes_{gevel.id}": "12", f"votes_{boom.id}": "3"})
    harvest = client.get(f"{base}/oogst").text
    assert harvest.index("Geveltuinen") < harvest.index("Boom per straat")
    assert "Twee mensen vrezen voor parkeerplekken." in harvest
    rows = read_csv(client.get(f"{base}/oogst.csv").text)
    assert [r["idee"] for r in rows] == ["Geveltuinen", "Boom per straat"]
    assert rows[0]["argumenten_tegen"] == "Onderhoud" and rows[0]["stemmen_plenair"] == "12"
    assert "Ranglijst van de ideeën" in client.get(f"{base}/oogst/afdruk").text
    response = client.post(f"{base}/idee/{gevel.id}/pitch")
    assert response.status_code == 302 and response.headers["Location"].startswith("/pitches/")
    assert client.get(response.headers["Location"]).status_code == 200
    assert client.post(f"{base}/idee/{gevel.id}/pitch").headers["Location"] == response.headers["Location"]
    assert client.post(f"{base}/afsluiten").status_code == 302
    assert event_of(world).status is EventStatus.AFGEROND
    auth.logout()
    auth.login(VOORZITTER)
    assert client.get(tafel).status_code == 403  # closed events no longer take table input


def test_harvest_ranks_by_share_of_table_dots_after_plenary(world):
    event = event_of(world)
    small, big = event.tafels[0], event.tafels[2]
    a = services.add_idea(small, {"title": "Drie van vier"})
    b = services.add_idea(small, {"title": "Een van vier"})
    c = services.add_idea(big, {"title": "Vijf van tien"})
    d = services.add_idea(big, {"title": "Ook vijf van tien"})
    for idee, votes in ((a, 3), (b, 1), (c, 5), (d, 5)):
        services.record_table_vote(idee, votes, "")
    assert [r.idee.title for r in services.harvest(event)] == ["Drie van vier", "Vijf van tien",
                                                               "Ook vijf van tien", "Een van vier"]
    services.record_plenary_votes(event, None, {b.id: 1})
    assert services.harvest(event)[0].idee.title == "Een van vier"


def test_hooks_give_links_groups_and_summaries(app, world):
    from deliberatie import components
    from deliberatie.models import Traject

    seat_people(world)
    event = event_of(world)
    idee = services.add_idea(event.tafels[0], {"title": "Bankjes"})
    services.record_table_vote(idee, 4, "")
    db.session.commit()
    traject = db.session.get(Traject, world["traject"])
    with app.test_request_context():
        groups = [g for g in components.participant_groups(app, traject) if g.key.startswith("thematafels")]
        assert len(groups) == 1 and len(groups[0].records) == 6
        assert all("name" not in r and r["wijk"] == "Noord" for r in groups[0].records)
        summaries = [s for s in components.outcome_summaries(app, traject) if "Oogst" in s.title]
        assert summaries[0].rows[0][0] == "1. Bankjes"
        from flask_login import AnonymousUserMixin
        links = components.traject_links(app, traject, AnonymousUserMixin())
        assert any("Burgertop Centrum" in label for label, _url in links)


def test_idea_becomes_a_statement_once(client, auth, world):
    mhs = pytest.importorskip("deliberatie.minderheidsstandpunten.models")
    event = event_of(world)
    idee = services.add_idea(event.tafels[0], {"title": "Meer bankjes op het plein"})
    db.session.commit()
    auth.login(ORG)
    path = f"/thematafels/{world['event']}/idee/{idee.id}/stelling"
    assert client.post(path).status_code == 302
    stelling = db.session.scalar(db.select(mhs.Stelling))
    assert stelling.text == "Meer bankjes op het plein" and stelling.traject_id == world["traject"]
    assert "al een stelling" in client.post(path, follow_redirects=True).text
    assert db.session.scalar(db.select(db.func.count()).select_from(mhs.Stelling)) == 1
    assert "als stelling voorgelegd" in client.get(f"/thematafels/{world['event']}/oogst").text


def test_csv_cells_never_start_a_formula(world):
    event = event_of(world)
    idee = services.add_idea(event.tafels[0], {"title": "=HYPERLINK(\"http://x\")", "description": "+31 6"})
    services.add_argument(idee, "voor", "@iedereen")
    rows = read_csv(services.harvest_csv(event))
    assert rows[0]["idee"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["toelichting"] == "'+31 6" and rows[0]["argumenten_voor"] == "'@iedereen"


def test_csv_opens_in_dutch_excel(client, world):
    """Excel in Dutch needs the BOM for UTF-8, semicolons between cells and a decimal comma."""
    event = event_of(world)
    idee = services.add_idea(event.tafels[0], {"title": "Ideeën; groen", "description": "regel één\nregel twee"})
    other = services.add_idea(event.tafels[0], {"title": "Café"})
    services.record_table_vote(idee, 3, "")
    services.record_table_vote(other, 1, "")
    db.session.commit()
    response = client.get(f"/thematafels/{world['event']}/oogst.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte order mark
    text = response.data.decode("utf-8")
    assert text.splitlines()[0].lstrip("\ufeff").split(";")[:3] == ["rang", "idee", "toelichting"]
    assert text.count("\r\n") == 3  # header and two rows; the newline inside a cell stays a bare one
    rows = read_csv(text)
    assert [r["idee"] for r in rows] == ["Ideeën; groen", "Café"]
    assert rows[0]["toelichting"] == "regel één\nregel twee"
    assert [r["aandeel_tafel"] for r in rows] == ["0,750", "0,250"]


def test_a_closed_event_keeps_its_harvest_even_for_organisers(client, auth, world):
    """After "afsluiten" the harvest is final: no table input and no plenary votes, from anyone."""
    event = event_of(world)
    idee = services.add_idea(event.tafels[0], {"title": "Geveltuinen"})
    services.record_table_vote(idee, 4, "")
    services.record_plenary_votes(event, None, {idee.id: 9})
    services.close_event(event, None)
    db.session.commit()
    auth.login(ORG)
    base = f"/thematafels/{world['event']}"
    tafel = f"{base}/tafel/{world['tafel']}"
    for path, data in ((f"{tafel}/notitie", {"text": "Te laat"}), (f"{tafel}/idee", {"title": "Nog een"}),
                       (f"{base}/idee/{idee.id}/argument", {"side": "tegen", "text": "Later bedacht"}),
                       (f"{base}/idee/{idee.id}/stemmen", {f"idee{idee.id}-votes": "40"}),
                       (f"{base}/plenair", {f"votes_{idee.id}": "0"})):
        response = client.post(path, data=data, follow_redirects=True)
        assert "De bijeenkomst is afgesloten." in response.text, path
    db.session.expire_all()
    idee = db.session.get(Idee, idee.id)
    assert (idee.votes, idee.plenary_votes, idee.arguments) == (4, 9, [])
    assert db.session.scalar(db.select(db.func.count()).select_from(Idee)) == 1
    assert not db.session.get(Tafel, world["tafel"]).notities
    assert [e.action for e in entries_for(world["traject"])][-1] == "thematafels.close"
    page = client.get(tafel).text  # organisers still read the table page, without its forms
    assert "Geveltuinen" in page and "Notitie opslaan" not in page and "Idee opslaan" not in page
    assert "Stemmen opslaan" not in client.get(f"{base}/oogst").text


@pytest.mark.postgres
def test_concurrent_sign_ups_never_overfill_the_event(app, database, world):
    """Four residents at once for the last seat: one gets it, and the seating still works."""
    postgres_only(database)
    event = event_of(world)
    for i in range(event.capacity - 1):
        services.sign_up(event, make_user(Role.INWONER, f"vroeg{i}@example.org"),
                         {"name": f"V{i}", "first": world["themas"][0]})
    late = [make_user(Role.INWONER, f"laat{i}@example.org").id for i in range(4)]
    db.session.commit()

    def work(i, barrier):
        event, user = event_of(world), db.session.get(services.User, late[i])
        barrier.wait(timeout=30)
        services.sign_up(event, user, {"name": f"L{i}", "first": world["themas"][1]})

    assert race(app, 4, work) == ["full"] * 3 + ["stored"]
    event = event_of(world)
    assert len(event.aanmeldingen) == event.capacity
    services.run_seating(event, None, seed=5)
    assert all(a.tafel_id for a in event.aanmeldingen)


@pytest.mark.postgres
def test_a_double_click_makes_one_pitch_and_one_statement_of_an_idea(app, database, world, monkeypatch):
    postgres_only(database)
    from deliberatie.pitches import services as pitch_services
    from deliberatie.pitches.models import Pitch
    from deliberatie.thematafels import bridge

    idee_id = services.add_idea(event_of(world).tafels[0], {"title": "Bankjes"}).id
    db.session.commit()
    made = []
    monkeypatch.setattr(bridge, "create_stelling", lambda idee, actor: made.append(idee.id) or 100 + len(made))

    def to_pitch(_i, barrier):
        idee = db.session.get(Idee, idee_id)
        barrier.wait(timeout=30)
        pitch_services.pitch_from_idee(idee, None)

    def to_stelling(_i, barrier):
        idee = db.session.get(Idee, idee_id)
        barrier.wait(timeout=30)
        services.idea_to_stelling(idee, None)

    assert race(app, 2, to_pitch) == ["stored", "stored"]  # the second finds the first's pitch
    assert db.session.scalar(db.select(db.func.count()).select_from(Pitch).where(Pitch.idee_id == idee_id)) == 1
    assert race(app, 2, to_stelling) == ["already_stelling", "stored"]
    assert made == [idee_id] and db.session.get(Idee, idee_id).stelling_id == 101


@pytest.mark.postgres
@pytest.mark.parametrize("first, second", [("close", "note"), ("close", "plenary"), ("note", "close")])
def test_table_input_sent_while_the_event_is_closed_lands_before_it_or_is_refused(app, database, world,
                                                                                 first, second):
    """The second arrives while the first's transaction is open; the table page was loaded before either."""
    postgres_only(database)
    seat_people(world)
    idee_id = services.add_idea(db.session.get(Tafel, world["tafel"]), {"title": "Bankjes"}).id
    db.session.commit()
    steps = {"close": lambda: services.close_event(event_of(world), None),
             "note": lambda: services.add_note(db.session.get(Tafel, world["tafel"]), "Meer schaduw"),
             "plenary": lambda: services.record_plenary_votes(event_of(world), None, {idee_id: 7})}

    outcomes = in_turn(app, steps[first], steps[second])
    event = event_of(world)
    assert event.status is EventStatus.AFGEROND
    if first == "close":
        assert outcomes == ["stored", "event_closed"]
        assert not event.tafels[0].notities and db.session.get(Idee, idee_id).plenary_votes == 0
    else:
        assert outcomes == ["stored", "stored"]
        assert [n.text for n in event.tafels[0].notities] == ["Meer schaduw"]


def test_the_audit_log_names_a_resident_chair_by_account_id_not_e_mail(world):
    """The log is hash-chained and never edited, so deleting the account could not take an e-mail out of it."""
    from deliberatie.privacy import delete_account

    event = event_of(world)
    user = services.set_voorzitter(event, event.tafels[2], INA, None)
    user_id = user.id
    db.session.commit()
    delete_account(user)
    db.session.commit()
    entry = next(e for e in entries_for(world["traject"]) if e.action == "thematafels.voorzitter")
    assert INA not in entry.details and f"user:{user_id}" in entry.details


def signed_up(world, email, name):
    user = db.session.scalar(db.select(services.User).filter_by(email=email))
    services.sign_up(event_of(world), user, {"name": name, "first": world["themas"][0]})
    db.session.commit()


def names_signed_up():
    return sorted(a.name for a in db.session.scalars(db.select(Aanmelding)))


def test_a_resident_withdraws_their_own_sign_up_before_the_seating(client, auth, world):
    signed_up(world, INA, "Ina Jansen")
    signed_up(world, RAAD, "Raad Pietersen")
    base = f"/thematafels/{world['event']}"
    assert client.post(f"{base}/afmelden").headers["Location"].startswith("/auth/inloggen")
    auth.login(OTHER_ORG)  # not signed up: nobody else's sign-up goes
    response = client.post(f"{base}/afmelden", follow_redirects=True)
    assert "U bent niet aangemeld voor deze bijeenkomst." in response.text
    assert names_signed_up() == ["Ina Jansen", "Raad Pietersen"]
    auth.logout()
    auth.login(INA)
    page = client.get(base).text
    assert "U bent aangemeld" in page and ">Afmelden</button>" in page
    response = client.post(f"{base}/afmelden")
    assert response.status_code == 302
    assert names_signed_up() == ["Raad Pietersen"]  # only her own
    page = client.get(base).text
    assert "U bent afgemeld." in page and "U bent aangemeld" not in page and ">Afmelden</button>" not in page
    assert "1 van de 9 plaatsen zijn bezet." in page
    entry = entries_for(world["traject"])[-1]
    assert (entry.action, entry.subject, entry.actor) == ("thematafels.withdraw", f"thematafels:{world['event']}",
                                                          "system")
    assert "Ina" not in entry.details and INA not in entry.details
    response = client.post(f"{base}/afmelden", follow_redirects=True)  # the double click
    assert response.status_code == 200 and "U bent niet aangemeld voor deze bijeenkomst." in response.text
    assert names_signed_up() == ["Raad Pietersen"]
    assert [e.action for e in entries_for(world["traject"])].count("thematafels.withdraw") == 1


def test_after_the_seating_a_resident_cannot_withdraw_here(client, auth, world):
    signed_up(world, INA, "Ina Jansen")
    services.run_seating(event_of(world), None, seed=2)
    db.session.commit()
    auth.login(INA)
    base = f"/thematafels/{world['event']}"
    page = client.get(base).text
    assert ">Afmelden</button>" not in page and "Kunt u niet komen? Laat het de organisator weten." in page
    response = client.post(f"{base}/afmelden")
    assert response.status_code == 409
    assert "Afmelden kan hier niet meer: de tafels zijn al ingedeeld." in response.text
    assert names_signed_up() == ["Ina Jansen"]
    assert db.session.scalar(db.select(Aanmelding)).tafel_id is not None
    assert "thematafels.withdraw" not in [e.action for e in entries_for(world["traject"])]
    # Someone who never signed up is told just that, not the 409 meant for those at a table.
    auth.logout()
    auth.login(RAAD)
    response = client.post(f"{base}/afmelden")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "U bent niet aangemeld voor deze bijeenkomst." in page and "Afmelden kan hier niet meer" not in page
    assert names_signed_up() == ["Ina Jansen"]


def test_withdrawing_needs_the_forms_csrf_token(database):
    import re

    from tests.conftest import guarded_app

    app = guarded_app(database, WTF_CSRF_ENABLED=True)
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    with app.app_context():
        db.create_all()
        organisator = make_user(Role.ORGANISATOR, ORG)
        ina = make_user(Role.INWONER, INA)
        event = services.create_event(make_traject(make_gemeente(), organisator), organisator, dict(
            kind="burgertop", title="Burgertop", held_on=date.today(), place="Wijkhuis", themes=[("Groen", 1)],
            capacity=4))
        services.sign_up(event, ina, {"name": "Ina", "first": event.themas[0].id})
        db.session.commit()
        client = app.test_client()
        login = token.search(client.get("/auth/inloggen").text).group(1)
        assert client.post("/auth/inloggen", data={"email": INA, "password": "wachtwoord-123",
                                                   "csrf_token": login}).status_code == 302
        assert client.post(f"/thematafels/{event.id}/afmelden").status_code == 400
        assert names_signed_up() == ["Ina"]
        form = token.search(client.get(f"/thematafels/{event.id}").text).group(1)
        assert client.post(f"/thematafels/{event.id}/afmelden", data={"csrf_token": form}).status_code == 302
        assert names_signed_up() == []
        db.session.remove()
        db.engine.dispose()


def test_a_refused_table_post_keeps_what_was_typed_with_the_error_at_the_field(client, auth, world):
    """On a phone at a noisy table: a refused note, idea, argument or vote does not lose the typing."""
    event = event_of(world)
    idee = services.add_idea(event.tafels[0], {"title": "Geveltuinen"})
    db.session.commit()
    auth.login(VOORZITTER)
    base = f"/thematafels/{world['event']}"
    tafel = f"{base}/tafel/{world['tafel']}"
    required, too_long = "Dit veld is vereist.", "Veld mag niet langer zijn dan"

    response = client.post(f"{tafel}/idee", data={"title": "", "description": "Tegels eruit, groen erin"})
    assert response.status_code == 422 and "Geef het idee een naam" in response.text
    assert "Tegels eruit, groen erin</textarea>" in response.text
    assert f'id="title-error">{required}</div>' in response.text and 'aria-invalid="true"' in response.text
    response = client.post(f"{tafel}/idee", data={"title": "Bomen " * 40, "description": ""})
    assert response.status_code == 422 and 'value="' + "Bomen " * 40 in response.text and too_long in response.text

    note = "Zorgen over hitte in de zomer. " * 200  # over 5000 characters
    response = client.post(f"{tafel}/notitie", data={"text": note})
    assert response.status_code == 422 and note in response.text and 'id="text-error"' in response.text
    response = client.post(f"{tafel}/notitie", data={"text": "   "})
    assert response.status_code == 422 and f'id="text-error">{required}</div>' in response.text

    argument = "Onderhoud kost geld. " * 100  # over 2000 characters
    response = client.post(f"{base}/idee/{idee.id}/argument", data={"side": "tegen", "text": argument})
    assert response.status_code == 422 and "Kies voor of tegen en schrijf het argument." in response.text
    page = response.text
    assert f"{argument}</textarea>" in page and f'id="argument-{idee.id}-error">{too_long}' in page
    assert f'id="side-tegen-{idee.id}" name="side" value="tegen" checked' in page
    assert page.count(argument) == 1  # not also in the note, whose field has the same name
    assert '<details class="thematafels-details" open>' in page

    response = client.post(f"{base}/idee/{idee.id}/stemmen", data={
        f"idee{idee.id}-votes": "-2", f"idee{idee.id}-dissent": "Twee mensen vrezen voor parkeerplekken."})
    assert response.status_code == 422 and "Vul het aantal stippen in" in response.text
    page = response.text
    assert 'value="-2"' in page and "Twee mensen vrezen voor parkeerplekken.</textarea>" in page
    assert f'id="idee{idee.id}-votes-error"' in page

    db.session.expire_all()
    idee = db.session.get(Idee, idee.id)
    assert (idee.votes, idee.dissent, idee.arguments) == (0, "", [])
    assert db.session.scalar(db.select(db.func.count()).select_from(Idee)) == 1
    assert not db.session.get(Tafel, world["tafel"]).notities
    page = client.get(tafel)  # a fresh page: empty forms, nothing open
    assert page.status_code == 200 and "Tegels eruit" not in page.text and " open>" not in page.text
