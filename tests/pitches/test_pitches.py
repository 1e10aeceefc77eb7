"""Pitches through the client: every route and role, the round from submission to published ranking."""

import io
from datetime import date

import pytest

from deliberatie.audit import entries_for
from deliberatie.extensions import db
from deliberatie.models import Role, TrajectStatus, User
from deliberatie.pitches import ranking, services
from deliberatie.pitches.forms import euros_to_cents
from deliberatie.pitches.models import Pitch, PitchStatus, Steun
from tests.factories import make_gemeente, make_traject
from tests.helpers import fast_user as make_user, in_turn, postgres_only, race

from .helpers import BEHEER, INA, ORG, OTHER_ORG, PIET, RAAD, make_people



def png_bytes(size=(4, 3)):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (0, 128, 0)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def world(app):
    gemeente = make_gemeente()
    people = make_people()
    organisator, ina, raad = people[ORG], people[INA], people[RAAD]
    traject = make_traject(gemeente, organisator, title="Wijkbudget Noord")
    ronde = services.save_ronde(traject, organisator, dict(
        support_threshold=2, jury_weight=60, public_weight=40, event_on=date.today(), event_place="Raadzaal",
        criteria=[("Haalbaarheid", 10), ("Draagvlak", 5)]))
    services.add_jurylid(ronde, organisator, RAAD, "raadslid")
    pitch = services.submit_pitch(traject, ina, dict(title="Speeltuin", problem="Geen plek om te spelen",
                                                     plan="Een speeltuin", cost_cents=1_250_000, wijk=None,
                                                     ask="Grond", dragers="Buurtvereniging"), image=(png_bytes(), "Schets"))
    concept = make_traject(gemeente, organisator, status=TrajectStatus.CONCEPT, title="Geheim")
    hidden = services.submit_pitch(concept, ina, dict(title="Verborgen", problem="x", plan="y", cost_cents=0,
                                                      dragers="z"))
    db.session.commit()
    return dict(traject=traject.id, pitch=pitch.id, hidden=hidden.id, image=pitch.images[0].id,
                gemeente=gemeente, raad=raad.id)


def login(auth, who):
    if who:
        auth.login(who)


def pitch_form(**changes):
    data = {"title": "Bankjes", "problem": "Nergens zitten", "plan": "Tien bankjes", "cost": "2.500,50",
            "wijk": "", "ask": "Plaatsing", "dragers": "Wij met z'n vieren", "image_alt": ""}
    data.update(changes)
    return data


PUBLIC = ["/pitches/traject/{traject}", "/pitches/{pitch}", "/pitches/afbeelding/{image}"]
# who -> (submit page, edit, status page, ronde page, score page, ranking before publishing, mijn)
EXPECTED = {None: (302, 302, 302, 302, 302, 302, 302), INA: (200, 200, 403, 403, 403, 403, 200),
            PIET: (200, 403, 403, 403, 403, 403, 200), RAAD: (200, 403, 403, 403, 200, 403, 200),
            OTHER_ORG: (200, 403, 403, 403, 403, 403, 200), ORG: (200, 200, 200, 200, 403, 200, 200),
            BEHEER: (200, 200, 200, 200, 403, 200, 200)}
PAGES = ["/pitches/traject/{traject}/nieuw", "/pitches/{pitch}/bewerken", "/pitches/{pitch}/status",
         "/pitches/traject/{traject}/ronde", "/pitches/{pitch}/jury", "/pitches/traject/{traject}/uitslag",
         "/pitches/mijn"]
MANAGER_POSTS = ["/pitches/{pitch}/status", "/pitches/{pitch}/wijkbudget", "/pitches/traject/{traject}/ronde",
                 "/pitches/traject/{traject}/jury", "/pitches/traject/{traject}/uitslag/publiceren"]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_every_route_for_every_role(client, auth, world, who):
    login(auth, who)
    for path in PUBLIC:
        assert client.get(path.format(**world)).status_code == 200, path
    for path, status in zip(PAGES, EXPECTED[who]):
        response = client.get(path.format(**world))
        assert response.status_code == status, path
        if status == 302:
            assert response.headers["Location"].startswith("/auth/inloggen?next=")
    if EXPECTED[who][2] != 200:
        for path in MANAGER_POSTS:
            assert client.post(path.format(**world), data={}).status_code == (302 if who is None else 403), path
    support = client.post(f"/pitches/{world['pitch']}/steun", data={})
    assert support.status_code == {None: 302, PIET: 302}.get(who, 403)  # only other residents support


def test_concept_traject_pitch_hidden(client, auth, world):
    for who in (None, INA, OTHER_ORG):
        login(auth, who)
        assert client.get(f"/pitches/{world['hidden']}").status_code == 404
    auth.logout()
    auth.login(ORG)
    assert client.get(f"/pitches/{world['hidden']}").status_code == 200


def test_submit_with_image_and_bad_forms(client, auth, world):
    auth.login(PIET)
    path = f"/pitches/traject/{world['traject']}/nieuw"
    response = client.post(path, data=pitch_form(cost="veel", title=""))
    assert response.status_code == 200 and "Vul een bedrag in euro in" in response.text
    fake = (io.BytesIO(b"<script>alert(1)</script>"), "schets.png")
    response = client.post(path, data=pitch_form(image=fake, image_alt="Schets"), content_type="multipart/form-data")
    assert response.status_code == 200 and "geen geldige PNG of JPEG" in response.text
    with pytest.raises(services.ServiceError) as error:  # through the client it would spool a temp file
        services.check_image(b"\x89PNG" + b"0" * services.MAX_IMAGE_BYTES)
    assert error.value.code == "image_too_big"
    response = client.post(path, data=pitch_form(image=(io.BytesIO(png_bytes()), "s.png")),
                           content_type="multipart/form-data")
    assert "Beschrijf kort wat er op de afbeelding staat." in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Pitch)) == 2
    response = client.post(path, data=pitch_form(image=(io.BytesIO(png_bytes()), "s.png"), image_alt="Bankje"),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    pitch = db.session.scalar(db.select(Pitch).filter_by(title="Bankjes"))
    assert pitch.cost_cents == 250050 and pitch.status is PitchStatus.ONTVANGEN
    image = client.get(f"/pitches/afbeelding/{pitch.images[0].id}")
    assert image.mimetype == "image/png" and image.headers["X-Content-Type-Options"] == "nosniff"
    assert "€" in client.get(f"/pitches/{pitch.id}").text


def test_euros_to_cents_is_exact():
    assert euros_to_cents("1.250,50") == 125050
    assert euros_to_cents("€ 0,10") == 10
    assert euros_to_cents("19.99") == 1999
    for bad in ("1,005", "-5", "tien", ""):
        with pytest.raises(ValueError):
            euros_to_cents(bad)


def test_double_support_refused_by_service_and_database(client, auth, world, app):
    auth.login(PIET)
    path = f"/pitches/{world['pitch']}/steun"
    assert client.post(path).status_code == 302
    response = client.post(path, follow_redirects=True)
    assert "U steunt deze pitch al." in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Steun)) == 1
    import sqlalchemy as sa
    steun = db.session.scalar(db.select(Steun))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.add(Steun(pitch_id=steun.pitch_id, user_id=steun.user_id))
        db.session.flush()
    db.session.rollback()


def test_threshold_puts_pitch_on_agenda_and_notifies_initiator(client, auth, world, app):
    for email in (PIET, "derde@example.org"):
        if email != PIET:
            make_user(Role.INWONER, email)
            db.session.commit()
        auth.login(email)
        client.post(f"/pitches/{world['pitch']}/steun")
        auth.logout()
    pitch = db.session.get(Pitch, world["pitch"])
    db.session.refresh(pitch)
    assert pitch.on_agenda_at is not None
    outbox = app.extensions.get("deliberatie.outbox", [])
    assert [m["To"] for m in outbox] == [INA] and "agenda" in outbox[0]["Subject"]
    assert entries_for(world["traject"])[-1].action == "pitches.agenda"


def test_rejection_needs_public_reason_and_is_audited(client, auth, world, app):
    auth.login(ORG)
    path = f"/pitches/{world['pitch']}/status"
    response = client.post(path, data={"status": "afgewezen", "reason": ""})
    assert response.status_code == 200 and "Leg uit waarom" in response.text
    response = client.post(path, data={"status": "afgewezen", "reason": "Valt buiten de kaders: geen openbare ruimte."})
    assert response.status_code == 302
    assert "Valt buiten de kaders" in client.get(f"/pitches/{world['pitch']}").text
    entry = entries_for(world["traject"])[-1]
    assert entry.action == "pitches.status" and "afgewezen" in entry.details
    assert [m["To"] for m in app.extensions["deliberatie.outbox"]] == [INA]


def test_ronde_settings_validate_weights_and_criteria(client, auth, world):
    auth.login(ORG)
    path = f"/pitches/traject/{world['traject']}/ronde"
    data = {"support_threshold": "10", "jury_weight": "70", "public_weight": "40",
            "criteria": "Haalbaarheid | 10\nDraagvlak | 5", "event_place": "Raadzaal"}
    assert "samen 100%" in client.post(path, data=data).text
    assert "Regel 2 klopt niet" in client.post(path, data=dict(data, public_weight="30",
                                                                   criteria="A | 10\nB | duizend")).text
    assert client.post(path, data=dict(data, public_weight="30")).status_code == 302
    ronde = services.ronde_for(db.session.get(Pitch, world["pitch"]).traject)
    assert (ronde.support_threshold, ronde.jury_weight, ronde.public_weight) == (10, 70, 30)
    jury = f"/pitches/traject/{world['traject']}/jury"
    assert "geen actief account" in client.post(jury, data={"email": "nee@example.org", "kind": "inwoner"},
                                                follow_redirects=True).text
    assert "zit al in de jury" in client.post(jury, data={"email": RAAD, "kind": "raadslid"},
                                              follow_redirects=True).text


def test_pitch_round_from_submission_to_published_ranking(client, auth, world, app, monkeypatch):
    """Submit, check, support, jury scores, combined ranking published, selected pitch into the wijkbudget."""
    auth.login(PIET)
    client.post(f"/pitches/traject/{world['traject']}/nieuw", data=pitch_form(title="Bankjes"))
    client.post(f"/pitches/{world['pitch']}/steun")
    bankjes = db.session.scalar(db.select(Pitch).filter_by(title="Bankjes"))
    auth.logout()
    auth.login(INA)
    client.post(f"/pitches/{bankjes.id}/steun")
    auth.logout()
    auth.login(ORG)
    for pid in (world["pitch"], bankjes.id):
        client.post(f"/pitches/{pid}/status", data={"status": "haalbaarheidstoets", "reason": "Past in de kaders."})
    auth.logout()
    auth.login(RAAD)
    score = f"/pitches/{world['pitch']}/jury"
    assert client.post(score, data={}).status_code == 200  # missing marks
    ronde = services.ronde_for(bankjes.traject)
    haal, draag = ronde.criteria
    assert client.post(score, data={f"c_{haal.id}": "11", f"c_{draag.id}": "5"}).status_code == 200
    assert not db.session.get(Pitch, world["pitch"]).scores
    assert client.post(score, data={f"c_{haal.id}": "9", f"c_{draag.id}": "5"}).status_code == 302
    assert client.post(f"/pitches/{bankjes.id}/jury", data={f"c_{haal.id}": "4", f"c_{draag.id}": "2"}).status_code == 302
    assert client.get(f"/pitches/traject/{world['traject']}/uitslag").status_code == 403  # not published yet
    auth.logout()
    auth.login(ORG)
    page = client.get(f"/pitches/traject/{world['traject']}/uitslag").text
    assert "Nog niet gepubliceerd" in page and "Uitslag publiceren" in page and "Toelichting bijwerken" not in page
    rows = ranking.ranking(bankjes.traject)
    # Speeltuin: jury 14/15; Bankjes: jury 6/15; one supporter each, so public 1 for both.
    from fractions import Fraction
    assert [r.pitch.title for r in rows] == ["Speeltuin", "Bankjes"]
    assert rows[0].combined == Fraction(60, 100) * Fraction(14, 15) + Fraction(40, 100)
    assert rows[1].combined == Fraction(60, 100) * Fraction(6, 15) + Fraction(40, 100)
    assert client.post(f"/pitches/traject/{world['traject']}/uitslag/publiceren",
                       data={"explanation": "De jury woog haalbaarheid het zwaarst."}).status_code == 302
    auth.logout()
    page = client.get(f"/pitches/traject/{world['traject']}/uitslag").text
    assert "De jury woog haalbaarheid het zwaarst." in page and page.index("Speeltuin") < page.index("Bankjes")
    auth.login(RAAD)
    response = client.post(score, data={f"c_{haal.id}": "1", f"c_{draag.id}": "1"}, follow_redirects=True)
    assert "cijfers liggen vast" in response.text
    auth.logout()
    auth.login(ORG)
    client.post(f"/pitches/{world['pitch']}/status", data={"status": "geselecteerd", "reason": "Hoogste score."})
    from deliberatie.pitches import bridge
    monkeypatch.setattr(bridge, "create_wijkbudget_project", lambda pitch: 77)
    assert client.post(f"/pitches/{bankjes.id}/wijkbudget", follow_redirects=True).text.count(
        "Alleen een geselecteerde pitch") == 1
    assert client.post(f"/pitches/{world['pitch']}/wijkbudget").status_code == 302
    db.session.expire_all()
    assert db.session.get(Pitch, world["pitch"]).wijkbudget_project_id == 77
    assert "al een wijkbudgetproject" in client.post(f"/pitches/{world['pitch']}/wijkbudget",
                                                      follow_redirects=True).text
    auth.logout()
    auth.login(INA)
    mine = client.get("/pitches/mijn").text
    assert "Speeltuin" in mine and "Hoogste score." in mine and "Opgenomen als project" in mine
    assert "Bankjes" in mine  # supported by Ina
    actions = [e.action for e in entries_for(world["traject"])]
    assert "pitches.publish" in actions and "pitches.to_wijkbudget" in actions


def test_hooks(app, world):
    from flask_login import AnonymousUserMixin

    from deliberatie import components
    from deliberatie.models import Traject

    traject = db.session.get(Traject, world["traject"])
    with app.test_request_context():
        links = components.traject_links(app, traject, AnonymousUserMixin())
        assert any(url == f"/pitches/traject/{traject.id}" for _label, url in links)
        assert not [s for s in components.outcome_summaries(app, traject) if "pitches" in (s.url or "")]
        ranking.publish_ranking(traject, None, "Klaar.")
        summaries = [s for s in components.outcome_summaries(app, traject) if "pitches" in (s.url or "")]
        assert summaries[0].rows[0][0] == "1. Speeltuin"


def test_a_published_ranking_stays_as_published(client, auth, world, app):
    """Support, pitches and rejections after publishing do not move it; its weights are locked."""
    import json

    traject = db.session.get(Pitch, world["pitch"]).traject
    people = {u.email: u for u in db.session.scalars(db.select(User))}
    bankjes = services.submit_pitch(traject, people[PIET], dict(title="Bankjes", problem="p", plan="q",
                                                                cost_cents=100, dragers="wij"))
    ronde = services.ronde_for(traject)
    lid = services.jurylid_for(ronde, people[RAAD])
    haal, draag = ronde.criteria
    for pitch in (db.session.get(Pitch, world["pitch"]), bankjes):
        services.record_scores(pitch, lid, {haal.id: 6, draag.id: 3})
    services.support(db.session.get(Pitch, world["pitch"]), people[PIET])
    ranking.publish_ranking(traject, people[ORG], "Steun gaf de doorslag.")
    db.session.commit()
    published = [(r.rank, r.pitch.title, r.support, r.combined) for r in ranking.ranking(traject)]
    assert [(rank, title, support) for rank, title, support, _c in published] == [(1, "Speeltuin", 1),
                                                                                   (2, "Bankjes", 0)]
    # Afterwards: Bankjes gets more support than Speeltuin ever had, Speeltuin is rejected, a pitch comes in.
    with app.test_request_context():  # the services send mail
        for i in range(3):
            services.support(bankjes, make_user(Role.INWONER, f"later{i}@example.org"))
        services.set_status(db.session.get(Pitch, world["pitch"]), people[ORG], PitchStatus.AFGEWEZEN, "Te duur.")
        services.submit_pitch(traject, people[PIET], dict(title="Laat", problem="p", plan="q", cost_cents=1,
                                                          dragers="wij"))
    db.session.commit()
    auth.login(ORG)
    response = client.post(f"/pitches/traject/{world['traject']}/ronde", data={
        "support_threshold": "2", "jury_weight": "100", "public_weight": "0",
        "criteria": "Haalbaarheid | 10\nDraagvlak | 5"})
    assert response.status_code == 200 and "de gewichten liggen vast" in response.text
    assert client.post(f"/pitches/traject/{world['traject']}/ronde", data={  # the threshold is not the ranking's
        "support_threshold": "3", "jury_weight": "60", "public_weight": "40",
        "criteria": "Haalbaarheid | 10\nDraagvlak | 5"}).status_code == 302
    db.session.expire_all()
    traject = db.session.get(Pitch, world["pitch"]).traject
    assert (services.ronde_for(traject).jury_weight, services.ronde_for(traject).support_threshold) == (60, 3)
    assert [(r.rank, r.pitch.title, r.support, r.combined) for r in ranking.ranking(traject)] == published
    entry = next(e for e in entries_for(world["traject"]) if e.action == "pitches.publish")
    assert [row[1] for row in json.loads(entry.details)["ranking"]] == [world["pitch"], bankjes.id]
    page = client.get(f"/pitches/traject/{world['traject']}/uitslag").text
    assert page.index("Speeltuin") < page.index("Bankjes") and "Laat" not in page and "Te duur." in page
    assert services.support_count(bankjes) == 3  # the pitch page still counts all support
    # publishing again only rewrites the explanation: the moment, and so the ranking, stay
    moment = services.ronde_for(traject).published_at
    assert "Uitslag publiceren" not in page and "Toelichting bijwerken" in page
    assert "De ranglijst zelf blijft zoals die is gepubliceerd" in page
    response = client.post(f"/pitches/traject/{world['traject']}/uitslag/publiceren",
                           data={"explanation": "Nieuwe toelichting."}, follow_redirects=True)
    assert "De toelichting is bijgewerkt." in response.text and "De uitslag is gepubliceerd." not in response.text
    db.session.expire_all()
    traject = db.session.get(Pitch, world["pitch"]).traject
    assert services.ronde_for(traject).published_at == moment
    assert services.ronde_for(traject).explanation == "Nieuwe toelichting."
    assert [(r.rank, r.pitch.title, r.support, r.combined) for r in ranking.ranking(traject)] == published


def test_a_jury_member_is_found_however_their_address_is_typed(world):
    """As at sign-in: spaces, capitals and a decomposed accent ("e" + combining acute) find the account."""
    traject = db.session.get(Pitch, world["pitch"]).traject
    organisator = db.session.scalar(db.select(User).filter_by(email=ORG))
    jose = make_user(Role.INWONER, "jos\u00e9@example.org")
    lid = services.add_jurylid(services.ronde_for(traject), organisator, "  JOSE\u0301@Example.org ", "inwoner")
    assert lid.user_id == jose.id


def test_a_published_ranking_outlives_the_accounts_of_its_supporters_and_jurors(world, app):
    """Deleting an account deletes its support and jury marks; the published ranking keeps them."""
    from deliberatie.privacy import delete_account

    traject = db.session.get(Pitch, world["pitch"]).traject
    people = {u.email: u for u in db.session.scalars(db.select(User))}
    bankjes = services.submit_pitch(traject, people[PIET], dict(title="Bankjes", problem="p", plan="q",
                                                                cost_cents=100, dragers="wij"))
    ronde = services.ronde_for(traject)
    juror = make_user(Role.INWONER, "juror@example.org")
    lid = services.add_jurylid(ronde, people[ORG], juror.email, "inwoner")
    haal, draag = ronde.criteria
    services.record_scores(bankjes, lid, {haal.id: 9, draag.id: 5})
    with app.test_request_context():  # the services send mail
        fans = [make_user(Role.INWONER, f"fan{i}@example.org") for i in range(2)]
        for fan in fans:
            services.support(bankjes, fan)
    ranking.publish_ranking(traject, people[ORG], "Zo is het.")
    db.session.commit()
    published = [(r.rank, r.pitch.title, r.support, r.combined) for r in ranking.ranking(traject)]
    assert published[0][:3] == (1, "Bankjes", 2)
    for email in ("juror@example.org", "fan0@example.org", "fan1@example.org"):
        delete_account(db.session.scalar(db.select(User).filter_by(email=email)))
        db.session.commit()
    traject = db.session.get(Pitch, world["pitch"]).traject
    assert services.support_count(db.session.get(Pitch, bankjes.id)) == 0  # the live count follows the deletions
    assert [(r.rank, r.pitch.title, r.support, r.combined) for r in ranking.ranking(traject)] == published


@pytest.mark.postgres
def test_a_double_click_makes_one_wijkbudget_project(app, database, world, monkeypatch):
    postgres_only(database)
    from deliberatie.pitches import bridge

    pitch = db.session.get(Pitch, world["pitch"])
    pitch.status = PitchStatus.GESELECTEERD
    db.session.commit()
    made = []
    monkeypatch.setattr(bridge, "create_wijkbudget_project", lambda p: made.append(p.id) or 100 + len(made))

    def work(_i, barrier):
        pitch = db.session.get(Pitch, world["pitch"])
        barrier.wait(timeout=30)
        services.to_wijkbudget(pitch, None)

    assert race(app, 2, work) == ["already_project", "stored"]
    assert made == [world["pitch"]] and db.session.get(Pitch, world["pitch"]).wijkbudget_project_id == 101


@pytest.mark.postgres
def test_a_double_click_on_the_jury_form_stores_one_set_of_marks(app, database, world):
    postgres_only(database)
    from deliberatie.pitches.models import JuryScore

    def work(i, barrier):
        pitch = db.session.get(Pitch, world["pitch"])
        ronde = services.ronde_for(pitch.traject)
        lid = services.jurylid_for(ronde, db.session.get(User, world["raad"]))
        marks = {c.id: i + 1 for c in ronde.criteria}
        assert not pitch.scores  # as the page loaded it: no marks yet
        barrier.wait(timeout=30)
        services.record_scores(pitch, lid, marks)

    assert race(app, 2, work) == ["stored", "stored"]
    scores = db.session.scalars(db.select(JuryScore)).all()
    assert len(scores) == 2 and len({s.score for s in scores}) == 1  # one click's marks, for both criteria


def test_the_audit_log_names_a_jury_member_by_account_id_not_e_mail(world):
    """Jury members may be residents who later delete their account; the log is never edited."""
    entry = next(e for e in entries_for(world["traject"]) if e.action == "pitches.jury")
    assert RAAD not in entry.details and f"user:{world['raad']}" in entry.details


def test_a_jury_member_never_scores_their_own_pitch(client, auth, world):
    """Ina submitted Speeltuin and sits in the jury: the page says why there is no form; the service refuses."""
    from deliberatie.pitches.models import JuryScore

    traject = db.session.get(Pitch, world["pitch"]).traject
    ronde = services.ronde_for(traject)
    people = {u.email: u for u in db.session.scalars(db.select(User))}
    lid = services.add_jurylid(ronde, people[ORG], INA, "inwoner")
    bankjes = services.submit_pitch(traject, people[PIET], dict(title="Bankjes", problem="p", plan="q",
                                                                cost_cents=100, dragers="wij"))
    db.session.commit()
    marks = {f"c_{c.id}": "3" for c in ronde.criteria}
    reason = "Dit is uw eigen pitch. Als jurylid beoordeelt u uw eigen pitch niet."
    auth.login(INA)
    page = client.get(f"/pitches/{world['pitch']}/jury")
    assert page.status_code == 200 and reason in page.text
    assert "Cijfers opslaan" not in page.text and 'name="c_' not in page.text
    detail = client.get(f"/pitches/{world['pitch']}").text
    assert reason in detail and "Beoordelen als jurylid" not in detail
    assert client.post(f"/pitches/{world['pitch']}/jury", data=marks).status_code == 403
    assert not db.session.scalars(db.select(JuryScore)).all()
    # Someone else's pitch: the form, and the marks are stored.
    assert "Beoordelen als jurylid" in client.get(f"/pitches/{bankjes.id}").text
    assert reason not in client.get(f"/pitches/{bankjes.id}/jury").text
    assert client.post(f"/pitches/{bankjes.id}/jury", data=marks).status_code == 302
    assert {s.pitch_id for s in db.session.scalars(db.select(JuryScore))} == {bankjes.id}
    # The service refuses too, whatever page was used.
    lid, pitch = db.session.merge(lid), db.session.get(Pitch, world["pitch"])
    with pytest.raises(services.ServiceError) as error:
        services.record_scores(pitch, lid, {c.id: 1 for c in ronde.criteria})
    assert error.value.code == "own_pitch"
    db.session.rollback()
    assert not db.session.get(Pitch, world["pitch"]).scores


def ronde_form(threshold, criteria="Haalbaarheid | 10\nDraagvlak | 5"):
    return {"support_threshold": str(threshold), "jury_weight": "60", "public_weight": "40", "criteria": criteria}


def test_a_lowered_threshold_puts_waiting_pitches_on_the_agenda_and_a_raised_one_keeps_them(client, auth, world, app):
    """As if the support had just arrived: on the agenda, audited, the initiator told; never taken off again."""
    traject = db.session.get(Pitch, world["pitch"]).traject
    people = {u.email: u for u in db.session.scalars(db.select(User))}
    extra = dict(problem="p", plan="q", cost_cents=100, dragers="wij")
    bankjes = services.submit_pitch(traject, people[PIET], dict(extra, title="Bankjes"))
    duur = services.submit_pitch(traject, people[PIET], dict(extra, title="Te duur"))
    speeltuin = db.session.get(Pitch, world["pitch"])
    ronde = services.ronde_for(traject)
    with app.test_request_context():
        services.support(speeltuin, people[PIET])
        services.support(duur, people[INA])
        services.set_status(duur, people[ORG], PitchStatus.AFGEWEZEN, "Past niet in de kaders.")
        services.record_scores(bankjes, services.jurylid_for(ronde, people[RAAD]),
                               {c.id: 1 for c in ronde.criteria})
    db.session.commit()
    app.extensions["deliberatie.outbox"] = []
    assert speeltuin.on_agenda_at is None  # one support, threshold 2
    path = f"/pitches/traject/{world['traject']}/ronde"
    auth.login(ORG)
    assert "Een hogere drempel haalt geen pitch van de agenda." in client.get(path).text
    # Refused as a whole (the jury has scored, the criteria are locked): the lower threshold is not half-applied.
    response = client.post(path, data=ronde_form(1, criteria="Haalbaarheid | 10"))
    assert response.status_code == 200 and "de criteria liggen vast" in response.text
    db.session.expire_all()
    assert db.session.get(Pitch, world["pitch"]).on_agenda_at is None
    assert client.post(path, data=ronde_form(1)).status_code == 302
    db.session.expire_all()
    on_agenda = {p.title for p in db.session.scalars(db.select(Pitch)) if p.on_agenda_at}
    assert on_agenda == {"Speeltuin"}  # Bankjes has no support; Te duur is rejected
    agenda = [e for e in entries_for(world["traject"]) if e.action == "pitches.agenda"]
    assert [(e.subject, e.actor) for e in agenda] == [(f"pitch:{world['pitch']}", ORG)]
    assert '"support":1' in agenda[0].details and '"threshold":1' in agenda[0].details
    outbox = app.extensions["deliberatie.outbox"]
    assert [m["To"] for m in outbox] == [INA] and "agenda" in outbox[0]["Subject"]
    # Raised again: Speeltuin stays on the agenda, nothing new is recorded or sent.
    assert client.post(path, data=ronde_form(5)).status_code == 302
    db.session.expire_all()
    assert db.session.get(Pitch, world["pitch"]).on_agenda_at is not None
    assert len([e for e in entries_for(world["traject"]) if e.action == "pitches.agenda"]) == 1
    assert len(outbox) == 1
    assert "Deze pitch staat op de agenda." in client.get(f"/pitches/{world['pitch']}").text


@pytest.mark.postgres
@pytest.mark.parametrize("late_one", [None, 0, 1])
def test_a_support_and_a_lowered_threshold_at_once_put_a_pitch_on_the_agenda_once(app, database, world, late_one):
    """Threshold 3 lowered to 2 while a second support comes in: whichever goes first, the pitch is on it once.

    ``late_one`` (the support 0, the new threshold 1) arrives while the other's transaction is still
    open (:func:`in_turn`); None: both at once. Both requests loaded the round before either was sent,
    as a page does.
    """
    postgres_only(database)
    people = {u.email: u.id for u in db.session.scalars(db.select(User))}
    late = make_user(Role.INWONER, "laat@example.org").id
    pitch = db.session.get(Pitch, world["pitch"])
    organisator = db.session.get(User, people[ORG])

    def threshold(n):
        return dict(support_threshold=n, jury_weight=60, public_weight=40, event_on=None,
                    criteria=[("Haalbaarheid", 10), ("Draagvlak", 5)])

    services.save_ronde(pitch.traject, organisator, threshold(3))
    with app.test_request_context():
        services.support(pitch, db.session.get(User, people[PIET]))
    db.session.commit()

    def work(i, barrier=None):
        pitch = db.session.get(Pitch, world["pitch"])
        loaded = services.ronde_for(pitch.traject)  # as the page loaded it, and kept
        assert loaded.support_threshold == 3
        if barrier is not None:
            barrier.wait(timeout=30)
        if i == 0:
            services.support(pitch, db.session.get(User, late))  # 2 supports
        else:
            services.save_ronde(pitch.traject, db.session.get(User, people[ORG]), threshold(2))

    if late_one is None:
        assert race(app, 2, work) == ["stored", "stored"]
    else:
        assert in_turn(app, lambda: work(1 - late_one), lambda: work(late_one)) == ["stored", "stored"]
    assert db.session.get(Pitch, world["pitch"]).on_agenda_at is not None
    assert len([e for e in entries_for(world["traject"]) if e.action == "pitches.agenda"]) == 1


def _ranking_as_logged(traject):
    return [[r.rank, r.pitch.id, str(r.combined), str(r.jury), str(r.public)] for r in ranking.ranking(traject)]


@pytest.mark.postgres
@pytest.mark.parametrize("first, second", [("publish", "score"), ("score", "publish"),
                                           ("publish", "weights"), ("weights", "publish")])
def test_a_score_or_weight_change_racing_the_publish_goes_before_it_or_is_refused(app, database, world,
                                                                                  first, second):
    """The second arrives while the first's transaction is open; both loaded the round beforehand, as pages do.

    Whichever goes first, the ranking shown afterwards is the one logged at publishing: a score or a
    weight change that comes after the publish is refused, one that came before is in it.
    """
    import json

    postgres_only(database)
    people = {u.email: u.id for u in db.session.scalars(db.select(User))}
    with app.test_request_context():
        services.support(db.session.get(Pitch, world["pitch"]), db.session.get(User, people[PIET]))
    db.session.commit()

    def step(name):
        def run():
            pitch = db.session.get(Pitch, world["pitch"])
            ronde = services.ronde_for(pitch.traject)  # as the page loaded it
            organisator = db.session.get(User, people[ORG])
            if name == "publish":
                ranking.publish_ranking(pitch.traject, organisator, "Klaar.")
            elif name == "score":
                lid = services.jurylid_for(ronde, db.session.get(User, people[RAAD]))
                haal, draag = ronde.criteria
                services.record_scores(pitch, lid, {haal.id: 5, draag.id: 0})  # a third of the maximum
            else:
                services.save_ronde(pitch.traject, organisator, dict(
                    support_threshold=2, jury_weight=100, public_weight=0, event_on=ronde.event_on,
                    criteria=[("Haalbaarheid", 10), ("Draagvlak", 5)]))
        return run

    outcomes = in_turn(app, step(first), step(second))
    traject = db.session.get(Pitch, world["pitch"]).traject
    ronde = services.ronde_for(traject)
    if first == "publish":
        assert outcomes == ["stored", {"score": "ranking_published", "weights": "weights_locked"}[second]]
    else:
        assert outcomes == ["stored", "stored"]
    assert bool(db.session.scalars(db.select(services.JuryScore)).all()) is (first == "score")
    assert (ronde.jury_weight, ronde.public_weight) == ((100, 0) if first == "weights" else (60, 40))
    entry = next(e for e in entries_for(world["traject"]) if e.action == "pitches.publish")
    assert json.loads(entry.details)["ranking"] == _ranking_as_logged(traject)
    expected = {"publish": "2/5", "score": "3/5", "weights": "0"}[first]  # jury 0 or 1/3, public 1
    assert _ranking_as_logged(traject)[0][2] == expected


def test_the_published_ranking_reads_the_pitches_past_statuses_in_one_query(app, world):
    """Not one query per pitch: the ranking page lists every pitch of the round."""
    import sqlalchemy as sa

    traject = db.session.get(Pitch, world["pitch"]).traject
    piet = db.session.scalar(db.select(User).filter_by(email=PIET))
    organisator = db.session.scalar(db.select(User).filter_by(email=ORG))
    for title in ("Bankjes", "Bomen", "Bloembakken"):
        services.submit_pitch(traject, piet, dict(title=title, problem="p", plan="q", cost_cents=1, dragers="wij"))
    bomen = db.session.scalar(db.select(Pitch).filter_by(title="Bomen"))
    with app.test_request_context():
        services.set_status(bomen, organisator, PitchStatus.AFGEWEZEN, "Geen plek.")
    ranking.publish_ranking(traject, None, "Klaar.")
    services.ronde_for(traject).ranking_json = None  # published before rankings were stored: recomputed
    with app.test_request_context():  # after publishing: the ranking keeps the statuses it had
        services.set_status(bomen, organisator, PitchStatus.IN_BEHANDELING, "Toch een plek.")
        services.set_status(db.session.get(Pitch, world["pitch"]), organisator, PitchStatus.AFGEWEZEN, "Te duur.")
    db.session.commit()
    db.session.expire_all()
    seen = []

    def collect(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", collect)
    try:
        titles = [r.pitch.title for r in ranking.ranking(traject)]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", collect)
    assert titles == ["Speeltuin", "Bankjes", "Bloembakken"]
    assert len([s for s in seen if "pitches_update" in s]) == 1


def test_the_published_ranking_states_its_tie_rule(client, world):
    """Equal totals and equal support: the earlier pitch ranks higher, and the page says so."""
    traject = db.session.get(Pitch, world["pitch"]).traject
    piet = db.session.scalar(db.select(User).filter_by(email=PIET))
    services.submit_pitch(traject, piet, dict(title="Bankjes", problem="p", plan="q", cost_cents=1, dragers="wij"))
    ranking.publish_ranking(traject, None, "Geen cijfers, geen steun.")
    db.session.commit()
    assert [(r.pitch.title, r.combined) for r in ranking.ranking(traject)] == [("Speeltuin", 0), ("Bankjes", 0)]
    page = client.get(f"/pitches/traject/{world['traject']}/uitslag").text
    assert page.index("Speeltuin") < page.index("Bankjes")
    assert ("Bij een gelijk totaal staat de pitch met meer steun hoger; is ook de steun gelijk, "
            "dan de pitch die eerder is ingediend.") in page


def test_an_organiser_in_the_jury_scores_a_pitch_they_made_of_a_thematafel_idea(client, auth, world, app):
    """The idea's authors are the residents at the table; the organiser is its initiator only to be kept informed."""
    from deliberatie.thematafels import services as tafel_services

    traject = db.session.get(Pitch, world["pitch"]).traject
    organisator = db.session.scalar(db.select(User).filter_by(email=ORG))
    ronde = services.ronde_for(traject)
    services.add_jurylid(ronde, organisator, ORG, "ambtenaar")
    event = tafel_services.create_event(traject, organisator, dict(
        kind="burgertop", title="Burgertop", held_on=date.today(), place="Wijkhuis", themes=[("Groen", 1)],
        capacity=4))
    with app.test_request_context():  # the pitch's texts are translated
        pitch = services.pitch_from_idee(tafel_services.add_idea(event.tafels[0], {"title": "Geveltuinen"}),
                                         organisator)
    db.session.commit()
    assert pitch.initiator_id == organisator.id
    auth.login(ORG)
    assert "Cijfers opslaan" in client.get(f"/pitches/{pitch.id}/jury").text
    assert client.post(f"/pitches/{pitch.id}/jury", data={f"c_{c.id}": "4" for c in ronde.criteria}).status_code == 302
    assert len(db.session.get(Pitch, pitch.id).scores) == len(ronde.criteria)
