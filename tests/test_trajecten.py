"""Home page, traject pages, and who may create and edit trajecten."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from deliberatie.extensions import db
from deliberatie.models import Role, Terugkoppeling, Traject, TrajectStatus
from tests.factories import make_gemeente, make_traject, make_user


@pytest.fixture
def world(app):
    gemeente = make_gemeente()
    organisator = make_user(Role.ORGANISATOR, "org@example.org")
    other = make_user(Role.ORGANISATOR, "ander@example.org")
    make_user(Role.INWONER, "ina@example.org")
    make_user(Role.RAADSLID, "raad@example.org")
    make_user(Role.BEHEERDER, "beheer@example.org")
    open_traject = make_traject(gemeente, organisator)
    concept = make_traject(gemeente, organisator, status=TrajectStatus.CONCEPT, title="Geheim plan")
    db.session.commit()
    return dict(gemeente=gemeente, organisator=organisator, other=other,
                open=open_traject.id, concept=concept.id)


def traject_form(world, **changes):
    today = date.today()
    data = {
        "title": "Nieuw speelveld", "opgave": "Waar komt het speelveld?",
        "wijken": [str(world["gemeente"].wijken[0].id)], "ladder": "meebeslissen",
        "kaders": "Max € 20.000", "belofte": "De uitslag is bindend.", "status": "open",
        "fasen-0-name": "Stemmen", "fasen-0-starts_on": today.isoformat(),
        "fasen-0-ends_on": (today + timedelta(days=10)).isoformat(),
    }
    data.update(changes)
    return data


def test_home_lists_open_trajecten_per_wijk(client, world):
    page = client.get("/").text
    assert "Doe mee in Testdorp" in page
    assert "Groen in de wijk" in page
    assert "Geheim plan" not in page
    assert '<h3 class="utrecht-heading-3" id="wijk-' in page


def test_traject_page_shows_ladder_kaders_phases_promise(client, world):
    page = client.get(f"/trajecten/{world['open']}").text
    assert 'aria-current="step"' in page and "Adviseren" in page
    assert "Budget € 10.000." in page
    assert "De raad neemt het advies mee." in page
    assert "Ideeën" in page and "nu bezig" in page


@pytest.mark.parametrize("who,status", [(None, 404), ("ina@example.org", 404), ("raad@example.org", 404),
                                        ("ander@example.org", 404), ("org@example.org", 200),
                                        ("beheer@example.org", 200)])
def test_concept_traject_visible_only_to_its_editors(client, auth, world, who, status):
    if who:
        auth.login(who)
    assert client.get(f"/trajecten/{world['concept']}").status_code == status


def test_unknown_traject_is_dutch_404(client, world):
    response = client.get("/trajecten/999")
    assert response.status_code == 404 and "Pagina niet gevonden" in response.text


@pytest.mark.parametrize("who,status", [("ina@example.org", 403), ("raad@example.org", 403),
                                        ("org@example.org", 200), ("beheer@example.org", 200)])
def test_create_traject_roles(client, auth, world, who, status):
    auth.login(who)
    assert client.get("/trajecten/nieuw").status_code == status
    response = client.post("/trajecten/nieuw", data=traject_form(world))
    assert response.status_code == (302 if status == 200 else 403)


def test_anonymous_is_sent_to_login(client, world):
    for path in ("/trajecten/nieuw", f"/trajecten/{world['open']}/bewerken",
                 f"/trajecten/{world['open']}/terugkoppeling"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/inloggen?next=")


def test_organisator_creates_traject_and_becomes_its_organiser(client, auth, world):
    auth.login("ander@example.org")
    response = client.post("/trajecten/nieuw", data=traject_form(world))
    traject = db.session.scalar(db.select(Traject).filter_by(title="Nieuw speelveld"))
    assert response.headers["Location"] == f"/trajecten/{traject.id}"
    assert [o.email for o in traject.organisatoren] == ["ander@example.org"]
    assert [f.name for f in traject.fasen] == ["Stemmen"]
    assert traject.ladder.value == "meebeslissen"


def test_a_nul_character_is_refused_in_words_and_nothing_saved(client, auth, world):
    # PostgreSQL cannot store a text with NUL in it: any form that saves text would crash on one
    auth.login("ander@example.org")
    response = client.post("/trajecten/nieuw", data=traject_form(world, title="Nieuw\x00speelveld"))
    assert response.status_code == 400 and "niet is toegestaan" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Traject).filter(
        Traject.title.like("Nieuw%"))) == 0


def test_invalid_traject_form_names_fields_and_saves_nothing(client, auth, world):
    auth.login("org@example.org")
    today = date.today()
    response = client.post("/trajecten/nieuw", data=traject_form(
        world, title="", wijken=[], **{"fasen-0-ends_on": (today - timedelta(days=3)).isoformat()}))
    assert response.status_code == 200
    assert "Niet alles is goed ingevuld" in response.text
    assert "Kies minstens één wijk." in response.text
    assert "De einddatum ligt voor de begindatum." in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Traject)) == 2


def test_only_own_organiser_or_beheerder_edits(client, auth, world):
    path = f"/trajecten/{world['open']}/bewerken"
    auth.login("ander@example.org")
    assert client.get(path).status_code == 403
    assert client.post(path, data=traject_form(world)).status_code == 403
    auth.logout()
    auth.login("org@example.org")
    assert client.get(path).status_code == 200
    response = client.post(path, data=traject_form(world, title="Groen en speel"))
    assert response.status_code == 302
    traject = db.session.get(Traject, world["open"])
    db.session.refresh(traject)
    assert traject.title == "Groen en speel"
    assert [f.name for f in traject.fasen] == ["Stemmen"]


def test_edit_twice_keeps_phase_positions_unique(client, auth, world):
    auth.login("org@example.org")
    path = f"/trajecten/{world['open']}/bewerken"
    for _ in range(2):
        assert client.post(path, data=traject_form(world)).status_code == 302


def test_terugkoppeling_published_and_shown(client, auth, world):
    path = f"/trajecten/{world['open']}/terugkoppeling"
    auth.login("ina@example.org")
    assert client.post(path, data={"title": "x", "body": "y"}).status_code == 403
    auth.logout()
    auth.login("org@example.org")
    response = client.post(path, data={"title": "Wat we deden", "body": "Drie bomen geplant."})
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Terugkoppeling)) == 1
    assert "Drie bomen geplant." in client.get(f"/trajecten/{world['open']}").text


def test_phase_errors_in_the_summary_link_to_the_field_and_say_what_is_wrong(client, auth, world):
    auth.login("org@example.org")
    today = date.today()
    response = client.post("/trajecten/nieuw", data=traject_form(world, **{
        "fasen-0-ends_on": "",
        "fasen-1-name": "Uitvoering", "fasen-1-starts_on": today.isoformat(),
        "fasen-1-ends_on": (today - timedelta(days=1)).isoformat()}))
    assert response.status_code == 200
    summary = response.text.split('role="alert"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<a class="utrecht-link" href="#([^"]+)">([^<]*)</a>', summary)
    assert links == [("fasen-0-name", "Naam van de fase: Vul de naam en beide datums van de fase in."),
                     ("fasen-1-ends_on", "Eindigt op: De einddatum ligt voor de begindatum.")]
    for target, _text in links:
        assert f'id="{target}"' in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Traject)) == 2


def test_written_texts_keep_their_line_breaks(client, auth, world):
    """Opgave, kaders, belofte and terugkoppeling are typed in a textarea, often as lines or a list."""
    auth.login("org@example.org")
    client.post(f"/trajecten/{world['open']}/terugkoppeling",
                data={"title": "Wat we deden", "body": "We hebben:\n- drie bomen geplant\n- een bank gezet"})
    page = client.get(f"/trajecten/{world['open']}").text
    kept = re.findall(r'<p class="utrecht-paragraph[^"]*\btraject-text\b[^"]*">([^<]*)</p>', page)
    assert "We hebben:\n- drie bomen geplant\n- een bank gezet" in kept
    assert {"Meer groen in de straat.", "De raad neemt het advies mee.", "Budget € 10.000."} <= set(kept)
    css = (Path(__file__).resolve().parents[1] / "static/css/app.css").read_text()
    assert re.search(r"\.traject-text\s*\{[^}]*white-space:\s*pre-line", css)
