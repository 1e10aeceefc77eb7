"""Correcting a recorded session, minority view or condition: edit and delete, who may, the log, the report."""

import json
import re
from datetime import date

import pytest

from deliberatie import audit
from deliberatie.extensions import db
from deliberatie.minderheidsstandpunten import correcties, services
from deliberatie.minderheidsstandpunten.models import (Afhandeling, Analyse, Sessie, SessieSoort, Standpunt, Stelling,
                                                       StellingStatus, Voorwaarde, VoorwaardeSoort,
                                                       standpunt_stelling)
from deliberatie.models import AuditEntry, Traject

from .conftest import ANDER, BEHEER, INWONER, ORG, RAAD


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def entries(action):
    return [e for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))
            if e.action == f"minderheidsstandpunten.{action}"]


@pytest.fixture
def recorded(world):
    """A session (10 voor, 3 tegen, 1 onthouding) with a view on a statement and two conditions; and another session."""
    traject = db.session.get(Traject, world["traject"])
    org = world["organisator"]
    sessie = services.add_sessie(traject, org, {
        "soort": "bijeenkomst", "title": "Avond in de bibliotheek", "held_on": date(2026, 11, 3),
        "voorstel": "Het plein wordt autovrij.", "perspectieven": "Ondernemers zijn bezorgd.", "voor": 10,
        "tegen": 3, "onthouding": 1, "besluit": "Het plan gaat door."})
    standpunt = services.add_standpunt(sessie, org, {
        "title": "Nee tegen het autovrije plein", "redenen": "Ouderen komen er dan niet meer.", "herkend_door": 3,
        "groep": "", "stellingen": [world["stellingen"][0]]})
    eerst = services.add_voorwaarde(standpunt, org, {"soort": "timing", "text": "Eerst een proef van een jaar."})
    services.handle_voorwaarde(eerst, org, {"afhandeling": "deels", "toelichting": "Een proef van een half jaar."})
    tweede = services.add_voorwaarde(standpunt, org, {"soort": "mitigatie", "text": "Een pendelbusje."})
    ander = services.add_sessie(traject, org, {
        "soort": "thematafel", "title": "Tafel over groen", "held_on": date(2026, 11, 10), "voorstel": "Meer bomen.",
        "voor": 5, "tegen": 1, "onthouding": 0})
    services.add_standpunt(ander, org, {"title": "Bomen geven overlast", "redenen": "Blad in de goot.",
                                        "herkend_door": 1, "groep": ""})
    db.session.commit()
    return dict(world, base=f"/minderheidsstandpunten/{traject.id}", sessie=sessie.id, standpunt=standpunt.id,
                voorwaarde=eerst.id, tweede=tweede.id, ander=ander.id)


def sessie_data(**changes):
    return {"soort": "thematafel", "title": "Avond in de bibliotheek", "held_on": "2026-11-03",
            "voorstel": "Het plein wordt autovrij.", "perspectieven": "Ondernemers zijn bezorgd.", "voor": "10",
            "tegen": "3", "onthouding": "1", "besluit": "Het plan gaat door.", **changes}


def standpunt_data(r, **changes):
    return {"title": "Nee tegen het autovrije plein", "redenen": "Ouderen komen er dan niet meer.",
            "herkend_door": "3", "groep": "", "stellingen": [str(r["stellingen"][0])], **changes}


def paths(r):
    b = r["base"]
    return {"sessie_bewerken": f"{b}/sessies/{r['sessie']}/bewerken",
            "sessie_verwijderen": f"{b}/sessies/{r['sessie']}/verwijderen",
            "standpunt_bewerken": f"{b}/standpunten/{r['standpunt']}/bewerken",
            "standpunt_verwijderen": f"{b}/standpunten/{r['standpunt']}/verwijderen",
            "voorwaarde_bewerken": f"{b}/voorwaarden/{r['voorwaarde']}/bewerken",
            "voorwaarde_verwijderen": f"{b}/voorwaarden/{r['voorwaarde']}/verwijderen"}


def test_the_session_page_links_to_every_correction(client, auth, recorded):
    auth.login(ORG)
    page = client.get(f"{recorded['base']}/sessies/{recorded['sessie']}").text
    for path in paths(recorded).values():
        assert f'href="{path}"' in page
    assert f'href="{recorded["base"]}/voorwaarden/{recorded["tweede"]}/verwijderen"' in page


def test_edit_forms_are_prefilled(client, auth, recorded):
    auth.login(ORG)
    p = paths(recorded)
    page = client.get(p["sessie_bewerken"]).text
    assert 'value="Avond in de bibliotheek"' in page and 'value="2026-11-03"' in page
    assert re.search(r'<option selected value="bijeenkomst">|<option value="bijeenkomst" selected>', page)
    assert re.search(r'name="voor"[^>]*value="10"|value="10"[^>]*name="voor"', page)
    assert "Ondernemers zijn bezorgd." in page and "Het plan gaat door." in page
    page = client.get(p["standpunt_bewerken"]).text
    assert 'value="Nee tegen het autovrije plein"' in page and "Ouderen komen er dan niet meer." in page
    assert re.search(r'name="herkend_door"[^>]*value="3"|value="3"[^>]*name="herkend_door"', page)
    stelling = recorded["stellingen"][0]
    assert re.search(rf'<input checked[^>]*value="{stelling}"|value="{stelling}"[^>]*checked', page)
    page = client.get(p["voorwaarde_bewerken"]).text
    assert "Eerst een proef van een jaar." in page
    assert re.search(r'<option selected value="timing">|<option value="timing" selected>', page)


def test_edit_a_session(client, auth, recorded):
    auth.login(ORG)
    response = client.post(paths(recorded)["sessie_bewerken"],
                           data=sessie_data(title="Avond in de Openbare Bibliotheek", voor="11", tegen="4"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/sessies/{recorded['sessie']}")
    sessie = db.session.get(Sessie, recorded["sessie"])
    assert (sessie.title, sessie.voor, sessie.tegen, sessie.soort) == ("Avond in de Openbare Bibliotheek", 11, 4,
                                                                       SessieSoort.THEMATAFEL)
    [entry] = entries("session_edit")
    assert entry.subject == f"sessie:{sessie.id}" and entry.traject_id == recorded["traject"]
    assert entry.actor == ORG
    assert json.loads(entry.details) == {"openbaar": False, "changed": {
        "soort": ["bijeenkomst", "thematafel"], "title": ["Avond in de bibliotheek", "Avond in de Openbare Bibliotheek"],
        "voor": [10, 11], "tegen": [3, 4]}}
    assert audit.verify() == []
    report = client.get(f"{recorded['base']}/verslag.json").get_json()
    assert report["majority"]["sessions"][0]["title"] == "Avond in de Openbare Bibliotheek"
    assert report["participation"]["sessions"][0]["present"] == 16
    assert report["minority_views"][0]["present"] == 16
    assert "Herkend door 3 van de 16 aanwezigen bij Avond in de Openbare Bibliotheek." in client.get(
        f"{recorded['base']}/verslag").text


def test_saving_an_unchanged_form_logs_nothing(client, auth, recorded):
    auth.login(ORG)
    logged = count(AuditEntry)
    response = client.post(paths(recorded)["sessie_bewerken"], data=sessie_data(soort="bijeenkomst"),
                           follow_redirects=True)
    assert "Er was niets gewijzigd." in response.text
    assert count(AuditEntry) == logged


def test_edit_a_minority_view(client, auth, recorded):
    auth.login(ORG)
    second = recorded["stellingen"][1]
    response = client.post(paths(recorded)["standpunt_bewerken"], data=standpunt_data(
        recorded, title="Nee tegen een autovrij plein", herkend_door="4", stellingen=[str(second)]))
    assert response.status_code == 302
    standpunt = db.session.get(Standpunt, recorded["standpunt"])
    assert (standpunt.title, standpunt.herkend_door) == ("Nee tegen een autovrij plein", 4)
    assert [s.id for s in standpunt.stellingen] == [second]
    assert len(standpunt.voorwaarden) == 2  # the conditions stay
    [entry] = entries("minority_edit")
    assert json.loads(entry.details)["changed"] == {
        "title": ["Nee tegen het autovrije plein", "Nee tegen een autovrij plein"], "herkend_door": [3, 4],
        "stellingen": [[recorded["stellingen"][0]], [second]]}
    assert audit.verify() == []
    view = client.get(f"{recorded['base']}/verslag.json").get_json()["minority_views"][0]
    assert (view["title"], view["recognised_by"]) == ("Nee tegen een autovrij plein", 4)
    assert [s["statement_id"] for s in view["statements"]] == [second]
    page = client.get(f"{recorded['base']}/verslag").text
    assert "Herkend door 4 van de 14 aanwezigen" in page and "Nee tegen een autovrij plein" in page


def test_edit_a_condition(client, auth, recorded):
    auth.login(ORG)
    response = client.post(paths(recorded)["voorwaarde_bewerken"],
                           data={"soort": "bewijs", "text": "Eerst cijfers over de bereikbaarheid."})
    assert response.status_code == 302
    voorwaarde = db.session.get(Voorwaarde, recorded["voorwaarde"])
    assert (voorwaarde.soort, voorwaarde.text) == (VoorwaardeSoort.BEWIJS, "Eerst cijfers over de bereikbaarheid.")
    assert (voorwaarde.afhandeling, voorwaarde.toelichting) == (Afhandeling.DEELS, "Een proef van een half jaar.")
    [entry] = entries("condition_edit")
    assert json.loads(entry.details)["changed"] == {
        "soort": ["timing", "bewijs"], "text": ["Eerst een proef van een jaar.", "Eerst cijfers over de bereikbaarheid."]}
    assert audit.verify() == []
    condition = client.get(f"{recorded['base']}/verslag.json").get_json()["minority_views"][0]["conditions"][0]
    assert (condition["kind"], condition["text"], condition["handled"]) == (
        "bewijs", "Eerst cijfers over de bereikbaarheid.", "deels")
    verslag = client.get(f"{recorded['base']}/participatieverslag").text
    assert "Eerst cijfers over de bereikbaarheid." in verslag


@pytest.mark.parametrize("kind, data, label, message", [
    ("sessie_bewerken", sessie_data(title=""), "Naam van de bijeenkomst of tafel", ""),
    ("sessie_bewerken", sessie_data(held_on="3 november"), "Datum", ""),
    ("sessie_bewerken", sessie_data(voor="-1"), "Stemmen voor", ""),
    ("sessie_bewerken", sessie_data(voor="1", tegen="1", onthouding="0"), "Onthoudingen",
     "Samen zijn dat 2 aanwezigen, minder dan de 3 die zich herkennen in &#34;Nee tegen het autovrije plein&#34;."),
    ("standpunt_bewerken", None, "Hoeveel aanwezigen herkennen zich hierin?",
     "Dat zijn meer dan de 14 aanwezigen bij de stemming."),
    ("standpunt_bewerken", "no-reasons", "De redenen, in hun eigen woorden", ""),
    ("voorwaarde_bewerken", {"soort": "timing", "text": ""}, "Wat is ervoor nodig om mee te gaan?", ""),
    ("voorwaarde_bewerken", {"soort": "later", "text": "Eerst een proef."}, "Soort voorwaarde", ""),
])
def test_validation_errors_name_the_field(client, auth, recorded, kind, data, label, message):
    if data is None:
        data = standpunt_data(recorded, herkend_door="15")
    elif data == "no-reasons":
        data = standpunt_data(recorded, redenen="")
    auth.login(ORG)
    before = {m: [repr(sorted((c.name, getattr(row, c.name)) for c in m.__table__.columns))
                  for row in db.session.scalars(db.select(m))] for m in (Sessie, Standpunt, Voorwaarde)}
    logged = count(AuditEntry)
    response = client.post(paths(recorded)[kind], data=data)
    assert response.status_code == 200
    summary = re.search(r'<div class="utrecht-alert utrecht-alert--error" role="alert">(.*?)</div>', response.text,
                        re.S).group(1)
    assert f"{label}: " in summary
    assert message in response.text
    db.session.expire_all()
    assert before == {m: [repr(sorted((c.name, getattr(row, c.name)) for c in m.__table__.columns))
                          for row in db.session.scalars(db.select(m))] for m in (Sessie, Standpunt, Voorwaarde)}
    assert count(AuditEntry) == logged


@pytest.mark.parametrize("who", [None, INWONER, RAAD, ANDER])
def test_other_roles_cannot_correct(client, auth, recorded, who):
    """As the component's other organiser routes: signed out to the login page, the rest refused."""
    if who:
        auth.login(who)
    posts = {"sessie_bewerken": sessie_data(title="Gewijzigd"), "standpunt_bewerken": standpunt_data(recorded),
             "voorwaarde_bewerken": {"soort": "bewijs", "text": "Gewijzigd"}}
    logged = count(AuditEntry)
    for name, path in paths(recorded).items():
        for response in (client.get(path), client.post(path, data=posts.get(name, {"bevestigd": "ja"}))):
            if who is None:
                assert response.status_code == 302 and response.headers["Location"].startswith("/auth/inloggen")
            else:
                assert response.status_code == 403, (name, who)
    assert (count(Sessie), count(Standpunt), count(Voorwaarde), count(AuditEntry)) == (2, 2, 2, logged)
    assert db.session.get(Sessie, recorded["sessie"]).title == "Avond in de bibliotheek"


def test_a_beheerder_may_correct(client, auth, recorded):
    auth.login(BEHEER)
    p = paths(recorded)
    assert client.get(p["sessie_bewerken"]).status_code == 200
    assert client.post(p["voorwaarde_bewerken"], data={"soort": "bewijs", "text": "Cijfers"}).status_code == 302
    assert client.post(p["standpunt_verwijderen"], data={"bevestigd": "ja"}).status_code == 302
    assert [e.actor for e in entries("condition_edit") + entries("minority_delete")] == [BEHEER, BEHEER]


def test_objects_of_another_traject_are_404(client, auth, recorded):
    from tests.factories import make_traject
    traject = db.session.get(Traject, recorded["traject"])
    other = make_traject(traject.gemeente, recorded["organisator"], title="Ander traject")
    db.session.commit()
    auth.login(ORG)
    for path in paths(recorded).values():
        elsewhere = path.replace(recorded["base"], f"/minderheidsstandpunten/{other.id}")
        assert client.get(elsewhere).status_code == 404
        assert client.post(elsewhere, data={"bevestigd": "ja"}).status_code == 404
    assert (count(Sessie), count(Standpunt), count(Voorwaarde)) == (2, 2, 2)


def test_deleting_a_session_asks_first_and_says_what_goes_with_it(client, auth, recorded):
    auth.login(ORG)
    path = paths(recorded)["sessie_verwijderen"]
    page = client.get(path).text
    assert "Met de sessie worden ook verwijderd: 1 minderheidsstandpunt en 2 voorwaarden." in page
    assert '<form method="post"' in page and 'name="bevestigd"' in page
    assert "Ja, verwijderen" in page
    unconfirmed = client.post(path, data={})
    assert unconfirmed.status_code == 200 and "Met de sessie worden ook verwijderd" in unconfirmed.text
    assert (count(Sessie), count(Standpunt), count(Voorwaarde)) == (2, 2, 2)
    assert "Met de sessie worden ook verwijderd: 1 minderheidsstandpunt." in client.get(
        f"{recorded['base']}/sessies/{recorded['ander']}/verwijderen").text


def test_deleting_a_session_deletes_its_views_and_conditions(client, auth, recorded):
    auth.login(ORG)
    response = client.post(paths(recorded)["sessie_verwijderen"], data={"bevestigd": "ja"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/beheer#sessies")
    db.session.expire_all()
    assert [s.id for s in db.session.scalars(db.select(Sessie))] == [recorded["ander"]]
    assert [s.title for s in db.session.scalars(db.select(Standpunt))] == ["Bomen geven overlast"]
    assert count(Voorwaarde) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(standpunt_stelling)) == 0
    [entry] = entries("session_delete")
    details = json.loads(entry.details)
    assert (details["title"], details["standpunten"], sorted(details["voorwaarden"])) == (
        "Avond in de bibliotheek", [recorded["standpunt"]], sorted([recorded["voorwaarde"], recorded["tweede"]]))
    assert details["openbaar"] is False and details["voor"] == 10
    assert audit.verify() == []
    report = client.get(f"{recorded['base']}/verslag.json").get_json()
    assert [s["title"] for s in report["majority"]["sessions"]] == ["Tafel over groen"]
    assert [v["title"] for v in report["minority_views"] if v["kind"] == "standpunt"] == ["Bomen geven overlast"]
    assert "Avond in de bibliotheek" not in client.get(f"{recorded['base']}/verslag").text


def test_deleting_a_view_deletes_its_conditions(client, auth, recorded):
    auth.login(ORG)
    path = paths(recorded)["standpunt_verwijderen"]
    assert "De 2 voorwaarden die bij dit standpunt zijn vastgelegd, worden ook verwijderd." in client.get(path).text
    response = client.post(path, data={"bevestigd": "ja"})
    assert response.headers["Location"].endswith(f"/sessies/{recorded['sessie']}")
    db.session.expire_all()
    assert count(Sessie) == 2 and count(Voorwaarde) == 0
    assert [s.title for s in db.session.scalars(db.select(Standpunt))] == ["Bomen geven overlast"]
    assert db.session.get(Sessie, recorded["sessie"]).standpunten == []
    [entry] = entries("minority_delete")
    assert json.loads(entry.details)["voorwaarden"] == [recorded["voorwaarde"], recorded["tweede"]]
    assert audit.verify() == []
    page = client.get(f"{recorded['base']}/verslag").text
    assert "Nee tegen het autovrije plein" not in page and "Bomen geven overlast" in page


def test_deleting_a_condition(client, auth, recorded):
    auth.login(ORG)
    path = paths(recorded)["voorwaarde_verwijderen"]
    page = client.get(path).text
    assert "Eerst een proef van een jaar." in page and "worden ook verwijderd" not in page
    assert client.post(path, data={"bevestigd": "ja"}).status_code == 302
    db.session.expire_all()
    assert [v.id for v in db.session.scalars(db.select(Voorwaarde))] == [recorded["tweede"]]
    [entry] = entries("condition_delete")
    assert json.loads(entry.details) == {"afhandeling": "deels", "openbaar": False, "soort": "timing",
                                         "standpunt": recorded["standpunt"], "text": "Eerst een proef van een jaar."}
    assert audit.verify() == []
    report = client.get(f"{recorded['base']}/verslag.json").get_json()
    assert [c["text"] for c in report["minority_views"][0]["conditions"]] == ["Een pendelbusje."]
    assert report["participatieverslag"]["changed"] == []  # the adopted-in-part condition is gone


def test_a_failed_deletion_leaves_everything(app, client, auth, recorded, monkeypatch):
    """The deletion and its log entry are one transaction: when committing fails, nothing is half deleted."""
    auth.login(ORG)
    logged = count(AuditEntry)

    def refuse():
        raise RuntimeError("database gone")

    monkeypatch.setattr(db.session, "commit", refuse)
    with pytest.raises(RuntimeError):
        client.post(paths(recorded)["sessie_verwijderen"], data={"bevestigd": "ja"})
    monkeypatch.undo()
    db.session.rollback()
    db.session.expire_all()
    assert (count(Sessie), count(Standpunt), count(Voorwaarde), count(AuditEntry)) == (2, 2, 2, logged)
    assert db.session.scalar(db.select(db.func.count()).select_from(standpunt_stelling)) == 1


def test_the_service_refuses_fewer_present_than_recognised(app, recorded):
    sessie = db.session.get(Sessie, recorded["sessie"])
    logged = count(AuditEntry)
    data = {**sessie_data(), "held_on": date(2026, 11, 3), "voor": 2, "tegen": 0, "onthouding": 0}
    with pytest.raises(correcties.FewerThanRecognised) as refused:
        correcties.edit_sessie(sessie, recorded["organisator"], data)
    assert (refused.value.present, refused.value.standpunt.id) == (2, recorded["standpunt"])
    assert count(AuditEntry) == logged
    # no vote recorded (all 0): nobody present to compare with, as when adding a view
    assert correcties.edit_sessie(sessie, recorded["organisator"], {**data, "voor": 0})["voor"] == [10, 0]


def test_corrections_after_publication_are_allowed_and_logged_as_such(client, auth, recorded):
    auth.login(ORG)
    client.post(f"{recorded['base']}/verslag/openbaar", data={"openbaar": "y"})
    note = "Het verslag voor de raad is al openbaar."
    for path in paths(recorded).values():
        assert note in client.get(path).text, path
    assert note not in client.get(f"{recorded['base']}/sessies/{recorded['sessie']}").text
    client.post(paths(recorded)["standpunt_bewerken"], data=standpunt_data(recorded, herkend_door="5"))
    client.post(f"{recorded['base']}/voorwaarden/{recorded['tweede']}/verwijderen", data={"bevestigd": "ja"})
    assert [json.loads(e.details)["openbaar"] for e in entries("minority_edit") + entries("condition_delete")] == [
        True, True]
    assert audit.verify() == []
    auth.logout()
    auth.login(INWONER)  # the public report shows the correction
    assert "Herkend door 5 van de 14 aanwezigen" in client.get(f"{recorded['base']}/verslag").text


def test_a_view_keeps_its_earlier_run_and_turned_down_statement_when_edited(client, auth, recorded):
    """The form offers the latest run's groups and visible statements; the view's own link and statements stay
    choices (checked), so saving another field keeps them."""
    def run(groups):
        analyse = Analyse(traject_id=recorded["traject"], algorithm="test", parameters="{}", participants=10,
                          groups=len(groups), result=json.dumps({"groups": groups}))
        db.session.add(analyse)
        db.session.flush()
        return analyse.id

    earlier = run([{"id": 0, "size": 6}, {"id": 1, "size": 4}])
    latest = run([{"id": 0, "size": 7}])
    standpunt = db.session.get(Standpunt, recorded["standpunt"])
    standpunt.analyse_id, standpunt.groep = earlier, 1
    db.session.get(Stelling, recorded["stellingen"][0]).status = StellingStatus.AFGEWEZEN
    db.session.commit()
    auth.login(ORG)
    page = client.get(paths(recorded)["standpunt_bewerken"]).text
    assert re.search(rf'<option selected value="{earlier}:1">Groep B uit een eerdere analyse</option>', page)
    assert f'<option value="{latest}:0">Groep A (7 deelnemers)</option>' in page
    assert re.search(r'<input checked[^>]*value="%s"' % recorded["stellingen"][0], page)
    response = client.post(paths(recorded)["standpunt_bewerken"],
                           data=standpunt_data(recorded, herkend_door="2", groep=f"{earlier}:1"))
    assert response.status_code == 302
    db.session.expire_all()
    standpunt = db.session.get(Standpunt, recorded["standpunt"])
    assert (standpunt.analyse_id, standpunt.groep, standpunt.herkend_door) == (earlier, 1, 2)
    assert [s.id for s in standpunt.stellingen] == [recorded["stellingen"][0]]
    assert json.loads(entries("minority_edit")[0].details)["changed"] == {"herkend_door": [3, 2]}
    client.post(paths(recorded)["standpunt_bewerken"], data=standpunt_data(recorded, groep=f"{latest}:0"))
    db.session.expire_all()
    assert (standpunt.analyse_id, standpunt.groep) == (latest, 0)
    assert json.loads(entries("minority_edit")[1].details)["changed"] == {
        "analyse_id": [earlier, latest], "groep": [1, 0], "herkend_door": [2, 3]}


def test_deleting_needs_the_csrf_token(app, client, auth, recorded):
    auth.login(ORG)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        path = paths(recorded)["sessie_verwijderen"]
        refused = client.post(path, data={"bevestigd": "ja"})
        assert refused.status_code == 400
        assert count(Sessie) == 2
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).text).group(1)
        assert client.post(path, data={"bevestigd": "ja", "csrf_token": token}).status_code == 302
        db.session.expire_all()
        assert count(Sessie) == 1 and count(Standpunt) == 1
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
