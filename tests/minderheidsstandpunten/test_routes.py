"""Every route for every role: anonymous -> login, wrong role -> 403, right role -> 200/302."""

from datetime import date

import numpy as np
import pytest

from deliberatie.extensions import db
from deliberatie.minderheidsstandpunten import analyses
from deliberatie.minderheidsstandpunten.models import (Afhandeling, Sessie, SessieSoort, Standpunt, Stelling,
                                                       StellingStatus, Stem, Voorwaarde, VoorwaardeSoort)
from deliberatie.models import Traject

from .conftest import ANDER, BEHEER, INWONER, ORG, RAAD, seed_planted

ROLES = (None, INWONER, RAAD, ANDER, ORG, BEHEER)
MANAGERS = {ORG, BEHEER}
READERS = {RAAD, ORG, BEHEER}  # organisers of other trajecten are refused (least privilege)


@pytest.fixture
def full(world):
    traject = db.session.get(Traject, world["traject"])
    seed_planted(traject, np.random.default_rng(1), sizes=(20, 14, 6), n_statements=12)
    analyse = analyses.run(traject, world["organisator"], seed=0)
    voorstel = Stelling(traject_id=traject.id, text="Een voorgestelde stelling", status=StellingStatus.VOORGESTELD)
    sessie = Sessie(traject_id=traject.id, soort=SessieSoort.BIJEENKOMST, title="Avond", held_on=date.today(),
                    voorstel="Een plan", voor=10, tegen=3, onthouding=1)
    standpunt = Standpunt(sessie=sessie, title="Nee", redenen="Omdat", herkend_door=3,
                          voorwaarden=[Voorwaarde(soort=VoorwaardeSoort.TIMING, text="Later")])
    db.session.add_all([voorstel, sessie])
    db.session.commit()
    return dict(world, analyse=analyse.id, voorstel=voorstel.id, sessie=sessie.id, standpunt=standpunt.id,
                voorwaarde=standpunt.voorwaarden[0].id)


def routes(w):
    t = f"/minderheidsstandpunten/{w['traject']}"
    s = w["stellingen"][0]
    today = date.today().isoformat()
    return [
        ("resident", "GET", f"{t}/stellingen", None),
        ("resident", "POST", f"{t}/stellingen/{s}", {"stem": "eens"}),
        ("resident", "GET", f"{t}/voorstellen", None),
        ("resident", "POST", f"{t}/voorstellen", {"text": "Meer groen op het plein."}),
        ("resident", "GET", f"{t}/over-u", None),
        ("resident", "GET", f"{t}/stemcode", None),
        ("manage", "GET", f"{t}/beheer", None),
        ("manage", "POST", f"{t}/beheer", {"deelname": "pseudoniem", "open": "y", "voorstellen_toegestaan": "y"}),
        ("manage", "POST", f"{t}/stellingen/nieuw", {"text": "Een nieuwe stelling."}),
        ("manage", "POST", f"{t}/stellingen/{w['voorstel']}/modereren", {"besluit": "toelaten"}),
        ("manage", "GET", f"{t}/stemcodes", None),
        ("manage", "POST", f"{t}/stemcodes", {"aantal": "2"}),
        ("manage", "POST", f"{t}/analyses", {"min_votes": "3", "max_groups": "5", "seed": "1"}),
        ("manage", "GET", f"{t}/sessies/nieuw", None),
        ("manage", "POST", f"{t}/sessies/nieuw", {"soort": "thematafel", "title": "Tafel", "held_on": today,
                                                  "voorstel": "Plan", "voor": "5", "tegen": "2", "onthouding": "0"}),
        ("manage", "GET", f"{t}/sessies/{w['sessie']}", None),
        ("manage", "POST", f"{t}/sessies/{w['sessie']}/standpunten",
         {"title": "Ander nee", "redenen": "Te duur", "herkend_door": "2", "groep": ""}),
        ("manage", "POST", f"{t}/standpunten/{w['standpunt']}/voorwaarden", {"soort": "bewijs", "text": "Cijfers"}),
        ("manage", "POST", f"{t}/voorwaarden/{w['voorwaarde']}/afhandeling",
         {"afhandeling": "deels", "toelichting": "Half gedaan"}),
        ("manage", "POST", f"{t}/verslag/openbaar", {"openbaar": "y"}),
        ("report", "GET", f"{t}/verslag", None),
        ("report", "GET", f"{t}/verslag.json", None),
        ("report", "GET", f"{t}/verslag.pdf", None),
        ("report", "GET", f"{t}/participatieverslag", None),
        ("report", "GET", f"{t}/analyses/{w['analyse']}", None),
    ]


def test_every_route_for_every_role(client, auth, full):
    """One database per leg, the roles one after another (each role's POSTs are valid for that moment)."""
    for who in ROLES:
        if who:
            auth.login(who)
        for kind, method, path, data in routes(full):
            response = client.get(path) if method == "GET" else client.post(path, data=data)
            allowed = (kind == "resident" or (kind == "manage" and who in MANAGERS)
                       or (kind == "report" and who in READERS))
            if allowed:
                assert response.status_code in (200, 302), (who, method, path, response.status_code)
                if response.status_code == 302:
                    assert "/auth/inloggen" not in response.headers["Location"], (who, method, path)
            elif who is None:
                assert response.status_code == 302, (method, path)
                assert response.headers["Location"].startswith("/auth/inloggen?next="), (method, path)
            else:
                assert response.status_code == 403, (method, path, who)
        if who:
            auth.logout()


def test_organiser_actions_took_effect(client, auth, full):
    auth.login(ORG)
    for kind, method, path, data in routes(full):
        if kind == "manage" and method == "POST":
            expected = 200 if path.endswith("/stemcodes") else 302  # the new codes are shown once
            assert client.post(path, data=data).status_code == expected, path
    db.session.expire_all()
    assert db.session.get(Stelling, full["voorstel"]).status is StellingStatus.ZICHTBAAR
    assert db.session.get(Voorwaarde, full["voorwaarde"]).afhandeling is Afhandeling.DEELS
    assert len(db.session.get(Standpunt, full["standpunt"]).voorwaarden) == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(Sessie)) == 2
    from deliberatie.models import AuditEntry
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"minderheidsstandpunten.moderate", "minderheidsstandpunten.run", "minderheidsstandpunten.settings",
            "minderheidsstandpunten.condition_handled", "minderheidsstandpunten.report_public"} <= actions


def test_objects_of_another_traject_are_404(client, auth, full):
    from tests.factories import make_traject
    traject = db.session.get(Traject, full["traject"])
    other = make_traject(traject.gemeente, full["organisator"], title="Ander traject")
    db.session.commit()
    auth.login(ORG)
    base = f"/minderheidsstandpunten/{other.id}"
    assert client.get(f"{base}/sessies/{full['sessie']}").status_code == 404
    assert client.get(f"{base}/analyses/{full['analyse']}").status_code == 404
    assert client.post(f"{base}/voorwaarden/{full['voorwaarde']}/afhandeling",
                       data={"afhandeling": "niet", "toelichting": "x"}).status_code == 404


def test_closed_stellingen_refuse_residents(client, auth, full):
    """Closed is the round's state, not a permission: the page says so (200); a vote is refused (409)."""
    auth.login(ORG)
    client.post(f"/minderheidsstandpunten/{full['traject']}/beheer", data={"deelname": "pseudoniem"})
    auth.logout()
    auth.login(INWONER)
    page = client.get(f"/minderheidsstandpunten/{full['traject']}/stellingen")
    assert page.status_code == 200 and "De stellingen zijn gesloten" in page.text
    s = full["stellingen"][0]
    votes = db.session.scalar(db.select(db.func.count()).select_from(Stem))
    refused = client.post(f"/minderheidsstandpunten/{full['traject']}/stellingen/{s}", data={"stem": "eens"})
    assert refused.status_code == 409 and "De stellingen zijn gesloten" in refused.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Stem)) == votes
