"""The issue's journey through the client, and the ways residents take part."""

import re
from datetime import date

import numpy as np
import pytest
from sqlalchemy.exc import IntegrityError

from deliberatie import components
from deliberatie.extensions import db
from deliberatie.minderheidsstandpunten.models import (Afhandeling, Deelname, Deelnemer, Ronde, Sessie, Standpunt,
                                                       Stelling, StellingStatus, Stem)
from deliberatie.models import AuditEntry, Traject

from .conftest import INWONER, ORG, RAAD, seed_planted


def count(model, **filters):
    return db.session.scalar(db.select(db.func.count()).select_from(model).filter_by(**filters))


def base(world):
    return f"/minderheidsstandpunten/{world['traject']}"


def test_journey_statements_votes_moderation_run_map_session_report(client, auth, world):
    b = base(world)
    auth.login(ORG)
    page = client.get(f"{b}/beheer")
    assert page.status_code == 200 and "Stelling nummer 1" in page.text
    assert client.post(f"{b}/beheer", data={"deelname": "pseudoniem", "open": "y",
                                             "voorstellen_toegestaan": "y"}).status_code == 302
    bad = client.post(f"{b}/stellingen/nieuw", data={"text": ""})
    assert bad.status_code == 200 and "Niet alles is goed ingevuld" in bad.text
    assert count(Stelling) == 3
    assert client.post(f"{b}/stellingen/nieuw", data={"text": "Er moeten meer bomen komen."}).status_code == 302
    auth.logout()

    # an anonymous resident answers one statement per page, without JavaScript
    page = client.get(f"{b}/stellingen")
    assert "U heeft 0 van de 4 stellingen beantwoord." in page.text and "Stelling nummer 1" in page.text
    first = world["stellingen"][0]
    assert client.post(f"{b}/stellingen/{first}", data={"stem": "eens"}).headers["Location"] == f"{b}/stellingen"
    page = client.get(f"{b}/stellingen")
    assert "U heeft 1 van de 4 stellingen beantwoord." in page.text and "Stelling nummer 2" in page.text
    assert client.post(f"{b}/stellingen/{first}", data={"stem": "bah"}).status_code == 302  # invalid: nothing saved
    assert [s.value for s in db.session.scalars(db.select(Stem))] == [1]
    client.post(f"{b}/voorstellen", data={"text": "Een bankje bij de bushalte."})
    proposal = db.session.scalar(db.select(Stelling).filter_by(text="Een bankje bij de bushalte."))
    assert proposal.status is StellingStatus.VOORGESTELD
    assert "Een bankje bij de bushalte." not in client.get(f"{b}/stellingen?stelling={proposal.id}").text

    # the organiser moderates: turning down needs a reason
    auth.login(ORG)
    client.post(f"{b}/stellingen/{proposal.id}/modereren", data={"besluit": "afwijzen"})
    db.session.refresh(proposal)
    assert proposal.status is StellingStatus.VOORGESTELD
    client.post(f"{b}/stellingen/{proposal.id}/modereren", data={"besluit": "toelaten"})
    db.session.refresh(proposal)
    assert proposal.status is StellingStatus.ZICHTBAAR

    # many more residents voted (generated), then the organiser runs the mapping
    traject = db.session.get(Traject, world["traject"])
    seed_planted(traject, np.random.default_rng(3), sizes=(60, 40, 8), n_statements=14)
    db.session.commit()
    response = client.post(f"{b}/analyses", data={"min_votes": "7", "max_groups": "5", "seed": "0"})
    assert response.status_code == 302 and "/analyses/" in response.headers["Location"]
    kaart = client.get(response.headers["Location"]).text
    assert "<svg" in kaart and "<title id=\"kaart-titel\">" in kaart and "Groep A" in kaart
    assert "<caption" in kaart and "Wat groep B onderscheidt" in kaart
    run_id = int(response.headers["Location"].rsplit("/", 1)[1])

    # a deep democracy session with a minority view, its condition and what was done
    client.post(f"{b}/sessies/nieuw", data={"soort": "thematafel", "title": "Tafel Groen", "held_on": date.today(),
                                            "voorstel": "Meer bomen op het plein.", "voor": "12", "tegen": "4",
                                            "onthouding": "1"})
    sessie = db.session.scalar(db.select(Sessie))
    client.post(f"{b}/sessies/{sessie.id}/standpunten", data={
        "title": "Bomen geven overlast", "redenen": "Mijn dakgoot zit elk najaar vol bladeren.",
        "herkend_door": "4", "groep": f"{run_id}:2", "stellingen": [str(first)]})
    standpunt = sessie.standpunten[0] if sessie.standpunten else None
    db.session.refresh(sessie)
    standpunt = sessie.standpunten[0]
    assert standpunt.groep == 2 and [s.id for s in standpunt.stellingen] == [first]
    client.post(f"{b}/standpunten/{standpunt.id}/voorwaarden",
                data={"soort": "mitigatie", "text": "De gemeente veegt de bladeren."})
    db.session.refresh(standpunt)
    voorwaarde = standpunt.voorwaarden[0]
    bad = client.post(f"{b}/voorwaarden/{voorwaarde.id}/afhandeling", data={"afhandeling": "overgenomen"})
    assert bad.status_code == 200 and "leg uit waarom" in bad.text
    client.post(f"{b}/voorwaarden/{voorwaarde.id}/afhandeling",
                data={"afhandeling": "overgenomen", "toelichting": "Twee keer per najaar."})
    db.session.refresh(voorwaarde)
    assert voorwaarde.afhandeling is Afhandeling.OVERGENOMEN
    # a decision reopened: back to "nog open", no reason needed; then decided again
    client.post(f"{b}/voorwaarden/{voorwaarde.id}/afhandeling", data={"afhandeling": "open", "toelichting": ""})
    db.session.refresh(voorwaarde)
    assert voorwaarde.afhandeling is Afhandeling.OPEN
    assert 'value="open" selected' in client.get(f"{b}/sessies/{sessie.id}").text
    client.post(f"{b}/voorwaarden/{voorwaarde.id}/afhandeling",
                data={"afhandeling": "overgenomen", "toelichting": "Twee keer per najaar."})
    db.session.refresh(voorwaarde)
    assert voorwaarde.afhandeling is Afhandeling.OVERGENOMEN
    auth.logout()

    # the raadslid reads the report, the JSON and the PDF
    assert client.get(f"{b}/verslag").status_code == 302
    auth.login(RAAD)
    page = client.get(f"{b}/verslag").text
    for text in ("1. De vraag", "2. Wie deden mee", "3. Wat de meerderheid vindt", "4. Minderheidsstandpunten",
                 "5. Waar alle groepen het over eens zijn", "6. Terugkoppeling", "Bomen geven overlast",
                 "Mijn dakgoot zit elk najaar vol bladeren.", "De gemeente veegt de bladeren.", "Twee keer per najaar.",
                 "De raad neemt het advies mee."):
        assert text in page, text
    data = client.get(f"{b}/verslag.json").json
    assert data["question"]["ladder"] == "adviseren"
    view = next(v for v in data["minority_views"] if v["title"] == "Bomen geven overlast")
    assert view["group"]["id"] == 2 and view["conditions"][0]["handled"] == "overgenomen"
    assert data["participatieverslag"]["changed"][0]["condition"] == "De gemeente veegt de bladeren."
    pdf = client.get(f"{b}/verslag.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    for text in (b"Bomen geven overlast", b"De gemeente veegt de bladeren.", b"4. Minderheidsstandpunten"):
        assert text in pdf.data, text
    assert "Wat is er veranderd" in client.get(f"{b}/participatieverslag").text
    auth.logout()

    # the organiser makes the report public
    auth.login(ORG)
    client.post(f"{b}/verslag/openbaar", data={"openbaar": "y"})
    auth.logout()
    assert client.get(f"{b}/verslag").status_code == 200
    actions = [a for a in db.session.scalars(db.select(AuditEntry.action)) if a.startswith("minderheidsstandpunten")]
    assert {"minderheidsstandpunten.moderate", "minderheidsstandpunten.run", "minderheidsstandpunten.minority_add",
            "minderheidsstandpunten.condition_handled", "minderheidsstandpunten.report_public"} <= set(actions)


def test_double_vote_keeps_one_row_with_the_latest(client, world):
    b, first = base(world), world["stellingen"][0]
    for choice in ("eens", "oneens", "overslaan", "oneens"):
        client.post(f"{b}/stellingen/{first}", data={"stem": choice})
    rows = db.session.scalars(db.select(Stem)).all()
    assert [(r.stelling_id, r.value) for r in rows] == [(first, -1)]
    assert count(Deelnemer) == 1
    assert "U heeft 1 van de 3" in client.get(f"{b}/stellingen").text


def test_database_refuses_a_second_row_per_participant_and_statement(app, world):
    deelnemer = Deelnemer(traject_id=world["traject"], pseudonym="abc")
    db.session.add(deelnemer)
    db.session.flush()
    db.session.add(Stem(stelling_id=world["stellingen"][0], deelnemer_id=deelnemer.id, value=1))
    db.session.flush()
    db.session.add(Stem(stelling_id=world["stellingen"][0], deelnemer_id=deelnemer.id, value=-1))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Stem(stelling_id=world["stellingen"][1], deelnemer_id=deelnemer.id, value=2))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_two_browsers_are_two_participants(app, world):
    b, first = base(world), world["stellingen"][0]
    one, two = app.test_client(), app.test_client()
    one.post(f"{b}/stellingen/{first}", data={"stem": "eens"})
    two.post(f"{b}/stellingen/{first}", data={"stem": "oneens"})
    assert sorted(s.value for s in db.session.scalars(db.select(Stem))) == [-1, 1]


def test_stemcode_mode(client, auth, world):
    b = base(world)
    auth.login(ORG)
    client.post(f"{b}/beheer", data={"deelname": "stemcode", "open": "y"})
    page = client.post(f"{b}/stemcodes", data={"aantal": "2"}).text
    codes = re.findall(r"[A-Z2-9]{4}(?:-[A-Z2-9]{4}){3}", page)
    assert len(codes) == 2
    assert client.post(f"{b}/stemcodes", data={"aantal": "0"}).status_code == 200  # refused, no codes
    auth.logout()
    assert client.get(f"{b}/stellingen").headers["Location"] == f"{b}/stemcode"
    wrong = client.post(f"{b}/stemcode", data={"code": "AAAA-AAAA-AAAA-AAAA"})
    assert "Deze stemcode kennen we niet" in wrong.text
    assert client.post(f"{b}/stemcode", data={"code": codes[0].lower()}).status_code == 302
    client.post(f"{b}/stellingen/{world['stellingen'][0]}", data={"stem": "eens"})
    deelnemer = db.session.scalar(db.select(Deelnemer))
    assert deelnemer.stemcode_id is not None and count(Stem) == 1
    assert codes[0] not in str([r.code_hash for r in db.session.execute(db.text(
        "select code_hash from minderheidsstandpunten_stemcode"))])


def test_switch_to_stemcodes_asks_an_anonymous_browser_for_a_code(client, auth, world):
    """A browser that voted anonymously before the organiser chose stemcodes cannot go on without a code."""
    b, (first, second, _third) = base(world), world["stellingen"]
    client.post(f"{b}/stellingen/{first}", data={"stem": "eens"})
    assert count(Stem) == 1
    auth.login(ORG)
    client.post(f"{b}/beheer", data={"deelname": "stemcode", "open": "y", "voorstellen_toegestaan": "y"})
    auth.logout()
    assert client.get(f"{b}/stellingen").headers["Location"] == f"{b}/stemcode"
    response = client.post(f"{b}/stellingen/{second}", data={"stem": "oneens"})
    assert response.headers["Location"] == f"{b}/stemcode"
    assert client.post(f"{b}/voorstellen", data={"text": "Een stelling zonder code."}).headers["Location"] \
        == f"{b}/stemcode"
    assert client.get(f"{b}/over-u").headers["Location"] == f"{b}/stellingen"
    assert count(Stem) == 1 and count(Stelling, status=StellingStatus.VOORGESTELD) == 0


def test_account_mode(client, auth, world):
    b = base(world)
    ronde = db.session.scalar(db.select(Ronde))
    ronde.deelname = Deelname.ACCOUNT
    db.session.commit()
    response = client.get(f"{b}/stellingen")
    assert response.headers["Location"].startswith("/auth/inloggen")
    auth.login(INWONER)
    client.post(f"{b}/stellingen/{world['stellingen'][1]}", data={"stem": "oneens"})
    deelnemer = db.session.scalar(db.select(Deelnemer))
    assert deelnemer.user_id is not None and count(Stem, deelnemer_id=deelnemer.id) == 1


def test_profile_answers_feed_participant_groups_and_links(app, client, world):
    b = base(world)
    client.post(f"{b}/stellingen/{world['stellingen'][0]}", data={"stem": "eens"})
    assert client.post(f"{b}/over-u", data={"leeftijd": "65+", "geslacht": "vrouw"}).status_code == 302
    assert client.post(f"{b}/over-u", data={"leeftijd": "999"}).status_code == 200  # not a choice
    traject = db.session.get(Traject, world["traject"])
    groups = [g for g in components.participant_groups(app, traject) if g.key.startswith("minderheidsstandpunten")]
    assert len(groups) == 1 and groups[0].records == ({"geslacht": "vrouw", "leeftijd": "65+"},)
    from flask_login import AnonymousUserMixin
    with app.test_request_context():
        labels = [label for label, _url in components.traject_links(app, traject, AnonymousUserMixin())]
    assert "Stellingen beantwoorden" in labels and "Verslag voor de raad" not in labels


def test_outcome_summary_lists_consensus(app, auth, client, world):
    traject = db.session.get(Traject, world["traject"])
    stellingen, _votes = seed_planted(traject, np.random.default_rng(5), sizes=(40, 30, 6), n_statements=12)
    db.session.commit()
    auth.login(ORG)
    client.post(f"{base(world)}/analyses", data={"min_votes": "7", "max_groups": "5", "seed": "0"})
    with app.test_request_context():
        summaries = [s for s in components.outcome_summaries(app, traject)
                     if s.url and s.url.startswith("/minderheidsstandpunten/")]
    assert len(summaries) == 1 and summaries[0].rows
    texts = {s.text for s in stellingen}
    assert all(label in texts for label, _value in summaries[0].rows)


def test_run_without_votes_is_a_clear_message(client, auth, world):
    auth.login(ORG)
    response = client.post(f"{base(world)}/analyses", data={"min_votes": "7", "max_groups": "5", "seed": "0"},
                           follow_redirects=True)
    assert "Er zijn nog geen stemmen om te analyseren." in response.text


def test_a_minority_view_cannot_be_recognised_by_more_people_than_were_present(client, auth, world):
    b = base(world)
    auth.login(ORG)
    client.post(f"{b}/sessies/nieuw", data={"soort": "bijeenkomst", "title": "Avond", "held_on": date.today(),
                                            "voorstel": "Een plan.", "voor": "8", "tegen": "3", "onthouding": "1"})
    sessie = db.session.scalar(db.select(Sessie))
    data = {"title": "Te duur", "redenen": "Het geld kan beter naar de school.", "groep": ""}
    bad = client.post(f"{b}/sessies/{sessie.id}/standpunten", data={**data, "herkend_door": "13"})
    assert bad.status_code == 200 and "Dat zijn meer dan de 12 aanwezigen bij de stemming." in bad.text
    assert count(Standpunt) == 0
    assert client.post(f"{b}/sessies/{sessie.id}/standpunten", data={**data, "herkend_door": "12"}).status_code == 302
    assert [s.herkend_door for s in db.session.scalars(db.select(Standpunt))] == [12]


def test_the_service_itself_refuses_more_recognising_than_present(app, world):
    """Not only the form: add_standpunt refuses, and nothing is stored or logged."""
    from deliberatie.minderheidsstandpunten import services

    def sessie(voor, tegen, onthouding):
        return services.add_sessie(db.session.get(Traject, world["traject"]), world["organisator"], {
            "soort": "bijeenkomst", "title": "Avond", "held_on": date.today(), "voorstel": "Een plan.",
            "voor": voor, "tegen": tegen, "onthouding": onthouding})

    counted, uncounted = sessie(8, 3, 1), sessie(0, 0, 0)
    logged = count(AuditEntry)
    data = {"title": "Te duur", "redenen": "Het geld kan beter naar de school.", "groep": ""}
    with pytest.raises(services.MoreThanPresent) as refused:
        services.add_standpunt(counted, world["organisator"], {**data, "herkend_door": 13})
    assert refused.value.present == 12
    db.session.flush()
    assert count(Standpunt) == 0 and count(AuditEntry) == logged
    services.add_standpunt(counted, world["organisator"], {**data, "herkend_door": 12})
    services.add_standpunt(uncounted, world["organisator"], {**data, "herkend_door": 40})  # no count, no limit
    assert sorted(s.herkend_door for s in db.session.scalars(db.select(Standpunt))) == [12, 40]


def test_stopping_on_a_shared_computer_lets_the_next_person_start_afresh(client, world):
    """The library computer: after "Stoppen en afsluiten" the next person does not see the previous answers."""
    b, (first, second, _third) = base(world), world["stellingen"]
    client.post(f"{b}/stellingen/{first}", data={"stem": "eens"})
    page = client.get(f"{b}/stellingen").text
    assert "Stoppen en afsluiten" in page and "Uw antwoorden bekijken of wijzigen" in page
    response = client.post(f"{b}/afsluiten")
    assert response.status_code == 302 and response.headers["Location"] == f"{b}/stellingen"
    page = client.get(f"{b}/stellingen").text
    assert "Uw antwoorden zijn bewaard. De volgende persoon kan nu beginnen." in page
    assert "U heeft 0 van de 3 stellingen beantwoord." in page and "Stelling nummer 1" in page
    assert "Uw antwoorden bekijken of wijzigen" not in page and "Stoppen en afsluiten" not in page
    assert client.get(f"{b}/over-u").headers["Location"] == f"{b}/stellingen"  # no profile of the previous one
    # the previous answers stay counted; the next person is a new participant
    assert count(Stem) == 1 and count(Deelnemer) == 1
    client.post(f"{b}/stellingen/{second}", data={"stem": "oneens"})
    assert count(Deelnemer) == 2 and count(Stem) == 2


def test_stopping_in_stemcode_mode_asks_the_next_person_for_a_code(client, auth, world):
    b, first = base(world), world["stellingen"][0]
    auth.login(ORG)
    client.post(f"{b}/beheer", data={"deelname": "stemcode", "open": "y"})
    code = re.findall(r"[A-Z2-9]{4}(?:-[A-Z2-9]{4}){3}", client.post(f"{b}/stemcodes", data={"aantal": "1"}).text)[0]
    auth.logout()
    client.post(f"{b}/stemcode", data={"code": code})
    client.post(f"{b}/stellingen/{first}", data={"stem": "eens"})
    assert "Stoppen en afsluiten" in client.get(f"{b}/stellingen").text
    client.post(f"{b}/afsluiten")
    assert client.get(f"{b}/stellingen").headers["Location"] == f"{b}/stemcode"
    assert client.post(f"{b}/stellingen/{first}", data={"stem": "oneens"}).headers["Location"] == f"{b}/stemcode"
    assert [s.value for s in db.session.scalars(db.select(Stem))] == [1]  # kept, and not changed by the next one
    # the code still works for its owner, who finds the answers again
    client.post(f"{b}/stemcode", data={"code": code})
    assert "U heeft 1 van de 3 stellingen beantwoord." in client.get(f"{b}/stellingen").text


def test_no_stop_button_for_account_residents(client, auth, world):
    b = base(world)
    ronde = db.session.scalar(db.select(Ronde))
    ronde.deelname = Deelname.ACCOUNT
    db.session.commit()
    auth.login(INWONER)
    client.post(f"{b}/stellingen/{world['stellingen'][0]}", data={"stem": "eens"})
    page = client.get(f"{b}/stellingen").text
    assert "U heeft 1 van de 3" in page and "Stoppen en afsluiten" not in page


def test_closed_stellingen_tell_anonymous_residents_so_instead_of_asking_a_login(client, auth, world):
    b, first = base(world), world["stellingen"][0]
    auth.login(ORG)
    client.post(f"{b}/beheer", data={"deelname": "pseudoniem"})  # not open
    auth.logout()
    for method, path, data in (("GET", "stellingen", None), ("POST", f"stellingen/{first}", {"stem": "eens"}),
                               ("GET", "voorstellen", None), ("POST", "voorstellen", {"text": "Een late stelling."}),
                               ("GET", "stemcode", None), ("GET", "over-u", None)):
        response = client.open(f"{b}/{path}", method=method, data=data)
        assert response.status_code == (200 if method == "GET" else 409), path  # a state, not a refusal
        assert "De stellingen zijn gesloten" in response.text, path
        assert f'href="{b}/verslag"' not in response.text  # the report is not public yet
    assert count(Stem) == 0 and count(Deelnemer) == 0 and count(Stelling, status=StellingStatus.VOORGESTELD) == 0
    auth.login(ORG)
    client.post(f"{b}/verslag/openbaar", data={"openbaar": "y"})
    client.post(f"{b}/beheer", data={"deelname": "account"})  # also when an account would be needed
    auth.logout()
    page = client.get(f"{b}/stellingen")
    assert page.status_code == 200 and "De stellingen zijn gesloten" in page.text
    assert f'href="{b}/verslag"' in page.text


CHANGE_WARNING = "Let op: er was al gestemd. Wie al stemde, kan door deze wijziging nog een keer stemmen"


def test_changing_how_residents_take_part_after_votes_warns_about_voting_twice(client, auth, world):
    b = base(world)
    auth.login(ORG)
    settings = client.get(f"{b}/beheer").text.split('id="instellingen"')[1].split("</form>")[0]
    deelname = settings.split('id="deelname"')[1].split("</fieldset>")[0]
    assert "Let op: wijzigt u dit nadat er al gestemd is, dan kunnen inwoners die al stemden nog een keer stemmen" \
        in deelname  # beside the setting, and the fieldset points to it
    assert 'aria-describedby="deelname-description"' in settings
    page = client.post(f"{b}/beheer", data={"deelname": "stemcode", "open": "y"}, follow_redirects=True).text
    assert "De instellingen zijn opgeslagen." in page and CHANGE_WARNING not in page  # nobody voted yet
    client.post(f"{b}/beheer", data={"deelname": "pseudoniem", "open": "y"})
    auth.logout()
    client.post(f"{b}/stellingen/{world['stellingen'][0]}", data={"stem": "eens"})
    auth.login(ORG)
    page = client.post(f"{b}/beheer", data={"deelname": "pseudoniem"}, follow_redirects=True).text
    assert "De instellingen zijn opgeslagen." in page and CHANGE_WARNING not in page  # same way, only closed
    page = client.post(f"{b}/beheer", data={"deelname": "account", "open": "y"}, follow_redirects=True).text
    assert "De instellingen zijn opgeslagen." in page and CHANGE_WARNING in page
    assert db.session.scalar(db.select(Ronde)).deelname is Deelname.ACCOUNT
    assert count(Stem) == 1 and count(Deelnemer) == 1  # nothing about the votes changed


def test_has_voters_asks_without_loading_the_voters(client, auth, world, monkeypatch):
    from deliberatie.minderheidsstandpunten import services

    traject = db.session.get(Traject, world["traject"])
    assert services.has_voters(traject) is False and services.count_voters(traject) == 0
    services.new_anonymous(traject)  # a participant without a vote is no voter
    assert services.has_voters(traject) is False
    b = base(world)
    client.post(f"{b}/stellingen/{world['stellingen'][0]}", data={"stem": "eens"})
    assert services.has_voters(traject) is True and services.count_voters(traject) == 1

    def no_loading(traject):
        raise AssertionError("the settings page loaded every voter")  # to test or count them

    monkeypatch.setattr(services, "voters", no_loading)
    auth.login(ORG)
    response = client.post(f"{b}/beheer", data={"deelname": "account", "open": "y"}, follow_redirects=False)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert CHANGE_WARNING in page and "1 inwoners hebben gestemd." in page
