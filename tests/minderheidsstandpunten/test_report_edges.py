"""Empty and edge states of the raad's report: each section says something sensible, nothing crashes."""

from datetime import date

import numpy as np
from markupsafe import escape

from deliberatie.extensions import db
from deliberatie.minderheidsstandpunten import analyses
from deliberatie.minderheidsstandpunten.models import (Afhandeling, Sessie, SessieSoort, Standpunt, Voorwaarde,
                                                       VoorwaardeSoort)
from deliberatie.models import Traject

from .conftest import RAAD, seed_planted
from .test_report_content import pdf_text

NO_CONDITIONS = "Er is (nog) niet vastgelegd wat ervoor nodig is om mee te gaan."
NOT_ASKED = ("Deze groep komt uit de stellingen naar voren. In een bijeenkomst is (nog) niet gevraagd naar haar "
             "redenen en naar wat ervoor nodig is om mee te gaan.")


def _all(client, auth, traject_id):
    auth.login(RAAD)
    base = f"/minderheidsstandpunten/{traject_id}"
    responses = {p: client.get(f"{base}/{p}") for p in ("verslag", "verslag.json", "verslag.pdf",
                                                         "participatieverslag")}
    assert {p: r.status_code for p, r in responses.items()} == dict.fromkeys(responses, 200)
    return (responses["verslag.json"].json, responses["verslag"].text, pdf_text(responses["verslag.pdf"].data),
            responses["participatieverslag"].text)


def _session(traject_id, *, counts=(0, 0, 0), views=()):
    sessie = Sessie(traject_id=traject_id, soort=SessieSoort.BIJEENKOMST, title="Avond in het dorpshuis",
                    held_on=date(2026, 11, 20), voorstel="Een plan voor de Dorpsstraat.", voor=counts[0],
                    tegen=counts[1], onthouding=counts[2])
    sessie.standpunten = list(views)
    db.session.add(sessie)
    db.session.commit()
    return sessie


def _groups_without_profiles(world):
    """Three planted opinion groups whose members answered no statistics question; the traject's id."""
    traject = db.session.get(Traject, world["traject"])
    seed_planted(traject, np.random.default_rng(0), sizes=(40, 30, 8), n_statements=12)
    analyses.run(traject, world["organisator"], seed=0)
    db.session.commit()
    return traject.id


def test_a_session_without_vote_counts_says_so_instead_of_of_zero_present(client, auth, world):
    """No counts recorded (add_standpunt allows it): not "herkend door 3 van de 0 aanwezigen"."""
    _session(world["traject"], views=[Standpunt(title="Zorgen over het lawaai", redenen="Het wordt te druk.",
                                                herkend_door=3)])
    data, page, pdf, verslag = _all(client, auth, world["traject"])
    assert data["minority_views"][0]["present"] == 0
    for text in (page, pdf):
        assert "Herkend door 3 aanwezigen bij Avond in het dorpshuis." in text
        assert "van de 0 aanwezigen" not in text and "0 voor, 0 tegen" not in text
        assert "Er is geen stemming vastgelegd." in text
        assert "Avond in het dorpshuis (20 november 2026): aantal aanwezigen niet vastgelegd" in text
    assert "0 aanwezigen" not in page and "0 aanwezigen" not in verslag
    assert "Er is geen stemming vastgelegd." in verslag and "aantal aanwezigen niet vastgelegd" in verslag


def test_a_minority_view_without_conditions_says_none_were_recorded(client, auth, world):
    with_one = Standpunt(title="Met een voorwaarde", redenen="Omdat.", herkend_door=2, voorwaarden=[
        Voorwaarde(soort=VoorwaardeSoort.TIMING, text="Eerst een proef.", afhandeling=Afhandeling.OPEN)])
    _session(world["traject"], counts=(8, 3, 1),
             views=[Standpunt(title="Zonder voorwaarde", redenen="Het past niet.", herkend_door=3), with_one])
    data, page, pdf, _verslag = _all(client, auth, world["traject"])
    section4 = page.split('id="s4"')[1].split('id="s5"')[0]
    bare, conditioned = section4.split("Met een voorwaarde")
    assert NO_CONDITIONS in bare and NO_CONDITIONS not in conditioned
    assert pdf.count(NO_CONDITIONS) == 1
    assert pdf.index("Zonder voorwaarde") < pdf.index(NO_CONDITIONS) < pdf.index("Met een voorwaarde")
    assert "Herkend door 3 van de 12 aanwezigen bij Avond in het dorpshuis." in page
    assert '<th scope="col" class="utrecht-table__header-cell">Wat is ermee gedaan?</th>' in conditioned


def test_opinion_groups_without_a_session_are_minority_views_that_say_nobody_asked_them_yet(client, auth, world):
    data, page, pdf, verslag = _all(client, auth, _groups_without_profiles(world))
    views = data["minority_views"]
    assert views and all(v["kind"] == "opiniegroep" for v in views)
    standpunt_keys = {"kind", "title", "session", "session_kind", "held_on", "recognised_by", "present", "reasons",
                      "statements", "group", "conditions"}
    assert all(set(v) == standpunt_keys for v in views)  # one shape for open-data readers
    assert all(v["session"] is None and v["recognised_by"] is None for v in views)
    assert page.count(NOT_ASKED) == pdf.count(NOT_ASKED) == len(views)
    assert NO_CONDITIONS not in page  # that sentence is for views a session did record
    assert "Er is geen stemming vastgelegd." not in page


def test_a_single_opinion_group_is_not_called_the_largest(client, auth, world, monkeypatch):
    """One group (everyone alike): no "grootste opiniegroep", and no minority to show."""
    import json

    traject = db.session.get(Traject, world["traject"])
    seed_planted(traject, np.random.default_rng(2), sizes=(30, 20, 6), n_statements=12)
    analyse = analyses.run(traject, world["organisator"], seed=0)
    result = json.loads(analyse.result)  # merge the groups into one, as a run on a like-minded crowd finds
    members = [p for g in result["groups"] for p in g["members"]]
    result["groups"] = [{**result["groups"][0], "size": len(members), "members": members}]
    result["labels"] = [0 if label >= 0 else label for label in result["labels"]]
    analyse.result, analyse.groups = json.dumps(result), 1
    db.session.commit()
    data, page, pdf, _verslag = _all(client, auth, traject.id)
    assert len(data["groups"]) == 1 and data["minority_views"] == []
    one = (f"Alle deelnemers in de analyse vormen één opiniegroep ({len(members)} deelnemers): de stellingen laten "
           "geen aparte minderheid zien.")
    assert escape(one) in page and one in pdf
    assert "De grootste opiniegroep" not in page and "De grootste opiniegroep" not in pdf
    assert "Er zijn (nog) geen minderheidsstandpunten vastgelegd." in page


def test_without_weights_the_report_says_why_shares_are_not_weighted(client, auth, world):
    """Nobody answered leeftijd or geslacht: the raw shares stand alone, and the report says why."""
    data, page, pdf, _verslag = _all(client, auth, _groups_without_profiles(world))
    assert data["majority"]["consensus"] and data["groups"]
    assert all(c["weighted_share"] is None for c in data["majority"]["consensus"])
    assert all(g["weighted_share"] is None for g in data["groups"])
    why = "Gewogen percentages ontbreken: daarvoor zijn bevolkingscijfers nodig"
    for text in (page, pdf):
        assert text.split("3. Wat de meerderheid vindt")[1].split("4. Minderheidsstandpunten")[0].count(why) == 1
        assert text.split("4. Minderheidsstandpunten")[-1].split("5. Waar alle groepen")[0].count(why) == 1


def test_participatieverslag_says_when_there_is_no_terugkoppeling_yet(client, auth, world):
    _session(world["traject"], counts=(5, 2, 0), views=[Standpunt(title="Nee", redenen="Omdat.", herkend_door=2)])
    _data, _page, _pdf, verslag = _all(client, auth, world["traject"])
    section = verslag.split('<h2 class="utrecht-heading-2">Terugkoppeling</h2>')[1]
    assert section.count("Er is nog geen terugkoppeling.") == 1
