"""Every burgerraad route for every role: anonymous -> login, wrong role -> 403, right role -> 200/302."""

import hashlib
import html
import json
import re

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from deliberatie import jobs
from deliberatie.burgerraad import selection
from deliberatie.burgerraad.models import Burgerraad
from deliberatie.extensions import db
from deliberatie.models import AuditEntry, Traject, TrajectStatus
from tests.burgerraad.conftest import run_selection, settings_form, with_pool

ORGANISER_GET = ("", "/instellingen", "/brieven", "/brieven.pdf", "/quota", "/haalbaarheid", "/kansen", "/panel",
                 "/taak/{job}")
ORGANISER_POST = ("/quota/afleiden", "/versoepelen", "/selectie", "/vastleggen", "/loten", "/wissen",
                  "/panel/{member}/afgehaakt", "/panel/{member}/plaatsen")


@pytest.fixture
def pool(world):
    burgerraad = with_pool(world, n=40, panel_size=6, codes_per_letter=1, letters=40)
    db.session.commit()
    job = run_selection(burgerraad, world["organisator"])
    return dict(id=burgerraad.id, job=job.id, member=burgerraad.aanmeldingen[0].id)


def _paths(pool, suffixes):
    return [f"/burgerraad/{pool['id']}" + s.format(**pool) for s in suffixes]


def test_route_role_matrix(client, auth, world, pool):
    setup = f"/burgerraad/traject/{world['traject']}/opzetten"
    for path in _paths(pool, ORGANISER_GET) + [setup]:
        response = client.get(path)
        assert response.status_code == 302 and "/auth/inloggen" in response.headers["Location"], path
    for path in _paths(pool, ORGANISER_POST):
        response = client.post(path)
        assert response.status_code == 302 and "/auth/inloggen" in response.headers["Location"], path
    for who in ("ina@example.org", "raad@example.org", "ander@example.org"):
        auth.login(who)
        for path in _paths(pool, ORGANISER_GET) + [setup]:
            assert client.get(path).status_code == 403, (who, path)
        for path in _paths(pool, ORGANISER_POST):
            assert client.post(path).status_code == 403, (who, path)
        auth.logout()
    for who in ("org@example.org", "beheer@example.org"):
        auth.login(who)
        for path in _paths(pool, ORGANISER_GET):
            if who != "org@example.org" and path.endswith(".pdf"):
                continue  # one PDF is enough
            expected = 302 if "/taak/" in path else 200  # a finished job forwards to its result
            assert client.get(path).status_code == expected, (who, path)
        assert client.get(setup).status_code == 302  # the traject has a burgerraad: go there
        auth.logout()


def test_setup_page_for_a_new_traject(client, auth, world):
    auth.login("org@example.org")
    page = client.get(f"/burgerraad/traject/{world['traject']}/opzetten")
    assert page.status_code == 200 and "Vragen voor de loting" in page.text


def test_a_term_that_has_already_ended_is_refused(client, auth, world):
    """The daily purge would wipe the pool (the drawn members' contact details) the night after the draw."""
    auth.login("org@example.org")
    for day in (date.today() - timedelta(days=365), date.today()):
        response = client.post(f"/burgerraad/traject/{world['traject']}/opzetten",
                               data=settings_form(term_ends_on=day))
        assert response.status_code == 200
        assert "Kies een datum na vandaag: de dag erna wissen we de gegevens." in response.text
    assert db.session.query(Burgerraad).count() == 0
    tomorrow = settings_form(term_ends_on=date.today() + timedelta(days=1))
    assert client.post(f"/burgerraad/traject/{world['traject']}/opzetten", data=tomorrow).status_code == 302
    burgerraad_id = db.session.scalar(select(Burgerraad.id))
    response = client.post(f"/burgerraad/{burgerraad_id}/instellingen", data=settings_form(
        term_ends_on=date.today() - timedelta(days=1)))
    assert response.status_code == 200 and "Kies een datum na vandaag" in response.text
    assert db.session.get(Burgerraad, burgerraad_id).term_ends_on == date.today() + timedelta(days=1)


def test_after_registrations_the_consented_purpose_and_term_hold(client, auth, world, pool):
    """Registrants agreed to this purpose and to deletion after this date: neither may change against them."""
    auth.login("org@example.org")
    burgerraad = db.session.get(Burgerraad, pool["id"])
    purpose, term = burgerraad.purpose, burgerraad.term_ends_on
    db.session.commit()
    url = f"/burgerraad/{pool['id']}/instellingen"
    response = client.post(url, data=settings_form(panel_size=7, codes_per_letter=1, purpose="reclame",
                                                   term_ends_on=term + timedelta(days=1)))
    assert response.status_code == 200
    assert "Er zijn al aanmeldingen met toestemming voor dit doel." in response.text
    assert "Er zijn al aanmeldingen met toestemming tot en met" in response.text
    db.session.expire_all()
    burgerraad = db.session.get(Burgerraad, pool["id"])
    assert (burgerraad.purpose, burgerraad.term_ends_on, burgerraad.panel_size) == (purpose, term, 6)
    db.session.commit()
    earlier = settings_form(panel_size=7, codes_per_letter=1, purpose=purpose, term_ends_on=term - timedelta(days=1))
    assert client.post(url, data=earlier).status_code == 302
    db.session.expire_all()
    burgerraad = db.session.get(Burgerraad, pool["id"])
    assert (burgerraad.term_ends_on, burgerraad.panel_size) == (term - timedelta(days=1), 7)


def test_the_settings_service_itself_keeps_the_consented_purpose_and_term(world, pool):
    """Not only the form: any caller of update_settings is refused, and nothing is changed or logged."""
    from deliberatie.burgerraad import services
    from tests.burgerraad.conftest import settings

    burgerraad = db.session.get(Burgerraad, pool["id"])
    purpose, term = burgerraad.purpose, burgerraad.term_ends_on
    logged = db.session.query(AuditEntry).count()
    for changes, fields in (({"purpose": "reclame"}, ("purpose",)),
                            ({"term_ends_on": term + timedelta(days=1)}, ("term_ends_on",)),
                            ({"purpose": "reclame", "term_ends_on": term + timedelta(days=1)},
                             ("purpose", "term_ends_on"))):
        with pytest.raises(services.ConsentLocked) as refused:
            services.update_settings(burgerraad, settings(**{"panel_size": 7, "purpose": purpose,
                                                             "term_ends_on": term, **changes}),
                                     actor=world["organisator"])
        assert refused.value.fields == fields
        assert (burgerraad.purpose, burgerraad.term_ends_on, burgerraad.panel_size) == (purpose, term, 6)
    assert db.session.query(AuditEntry).count() == logged
    services.update_settings(burgerraad, settings(panel_size=7, purpose=f" {purpose} ",
                                                  term_ends_on=term - timedelta(days=1)), actor=None)
    assert (burgerraad.term_ends_on, burgerraad.panel_size) == (term - timedelta(days=1), 7)


def test_before_anyone_registered_the_purpose_and_term_may_change(world):
    from deliberatie.burgerraad import services
    from tests.burgerraad.conftest import make_burgerraad, settings

    burgerraad = make_burgerraad(world)
    later = burgerraad.term_ends_on + timedelta(days=30)
    services.update_settings(burgerraad, settings(purpose="iets anders", term_ends_on=later), actor=None)
    assert (burgerraad.purpose, burgerraad.term_ends_on) == ("iets anders", later)


def test_public_pages_before_and_after_commitment(client, auth, world, pool):
    for who in (None, "ina@example.org", "org@example.org"):
        if who:
            auth.login(who)
        assert client.get("/burgerraad/aanmelden").status_code == 200
        # before the commitment the public draw does not exist, for anyone
        assert client.get(f"/burgerraad/{pool['id']}/loting").status_code == 404
        assert client.get(f"/burgerraad/{pool['id']}/RECORD.json").status_code == 404
        if who:
            auth.logout()
    burgerraad = db.session.get(Burgerraad, pool["id"])
    selection.commit_inputs(burgerraad, actor=world["organisator"])
    commitment = burgerraad.commitment
    db.session.commit()
    page = client.get(f"/burgerraad/{pool['id']}/loting")
    assert page.status_code == 200 and commitment in page.text and "Loten en publiceren" not in page.text
    assert client.get(f"/burgerraad/{pool['id']}/RECORD.json").status_code == 404  # not drawn yet
    auth.login("org@example.org")
    assert "Loten en publiceren" in client.get(f"/burgerraad/{pool['id']}/loting").text


def test_anyone_can_check_the_record_against_the_published_commitment(client, auth, world, pool):
    """The commitment is published before the seed; after the draw the page shows the text it hashes, so a
    visitor can check with any sha256 tool that RECORD.json has the inputs that were fixed beforehand."""
    burgerraad = db.session.get(Burgerraad, pool["id"])
    selection.commit_inputs(burgerraad, actor=world["organisator"])
    db.session.commit()
    jobs.run(selection.start_draw(burgerraad, seed=2718, actor=world["organisator"]).id)
    commitment = db.session.get(Burgerraad, pool["id"]).commitment
    page = client.get(f"/burgerraad/{pool['id']}/loting").text
    shown = [html.unescape(t) for t in re.findall(r'<code class="burgerraad-hash">([^<]+)</code>', page)]
    text = next(t for t in shown if t.startswith("{"))
    assert hashlib.sha256(text.encode()).hexdigest() == commitment and commitment in shown
    record = json.loads(client.get(f"/burgerraad/{pool['id']}/RECORD.json").data)
    fields = json.loads(text)
    assert fields.pop("format").startswith("deliberatie-burgerraad-commitment/")
    assert fields == {key: record[key] for key in fields} and len(fields) == 6
    assert "Deze tekst geeft precies de gepubliceerde vastlegging." in page
    db.session.get(Burgerraad, pool["id"]).commitment = "0" * 64
    db.session.commit()
    assert "Let op: deze tekst geeft niet de gepubliceerde vastlegging." in client.get(
        f"/burgerraad/{pool['id']}/loting").text


def test_unknown_and_hidden(client, auth, world, pool):
    auth.login("org@example.org")
    assert client.get("/burgerraad/999").status_code == 404
    assert client.get("/burgerraad/999/loting").status_code == 404
    assert client.get(f"/burgerraad/{pool['id']}/taak/999").status_code == 404
    auth.logout()
    db.session.get(Traject, world["traject"]).status = TrajectStatus.CONCEPT
    db.session.commit()
    auth.login("ina@example.org")
    assert client.get(f"/burgerraad/{pool['id']}").status_code == 404
