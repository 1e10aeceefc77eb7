"""Project support weighted to the population, next to the count on the published results page."""

import re
from datetime import date

import numpy as np
import pytest
from sqlalchemy import select

from deliberatie.core.weighting import rake, weighted_shares
from deliberatie.extensions import db
from deliberatie.models import Role, User, WijkPopulatie
from deliberatie.models.types import utcnow
from deliberatie.statistiek.population import margins_for, traject_wijken
from deliberatie.wijkbudget.counting import count_votes
from deliberatie.wijkbudget.models import Phase, Wijkbudget, WijkbudgetBallot, WijkbudgetChoice
from deliberatie.wijkbudget.support import weighted_support
from tests.statistiek.conftest import FIGURES

# Voters: few young ones (the young are 14% of residents aged 15+ in FIGURES), who want the Speeltuin.
AGES = ["15-24"] * 10 + ["25-44"] * 50 + ["45-64"] * 70 + ["65+"] * 70
WANTS_SPEELTUIN = {"15-24": 0.9, "25-44": 0.6, "45-64": 0.3, "65+": 0.1}


def _ballots(wb, rng):
    """200 answered ballots, 30 that skipped the questions, and 5 paper ballots without answers."""
    ids = {p.title: p.id for p in wb.projects}
    chosen_by_age = []
    for i, age in enumerate(AGES):
        chosen = [ids["Speeltuin"]] if rng.random() < WANTS_SPEELTUIN[age] else [ids["Bankjes"]]
        ballot = WijkbudgetBallot(wijkbudget_id=wb.id, cast_on=date.today(), geslacht=("man", "vrouw")[i % 2],
                                  leeftijd=age, choices=[WijkbudgetChoice(project_id=p) for p in chosen])
        db.session.add(ballot)
        chosen_by_age.append((age, ("man", "vrouw")[i % 2], ids["Speeltuin"] in chosen))
    for i in range(35):
        db.session.add(WijkbudgetBallot(wijkbudget_id=wb.id, cast_on=date.today(), paper=i < 5,
                                        choices=[WijkbudgetChoice(project_id=ids["Speeltuin"])]))
    return chosen_by_age


def _publish(wb):
    wb.phase = Phase.GESLOTEN
    organisator = db.session.scalar(select(User).where(User.email == "org@example.org"))
    count_votes(wb, organisator, rule="greedy", now=utcnow())
    wb.phase = Phase.GEPUBLICEERD


@pytest.fixture
def with_population(world):
    """The wijken get CBS-like figures with age bands (the factory gives only geslacht)."""
    wb = db.session.get(Wijkbudget, world["wb"])
    for wijk in wb.traject.wijken:
        wijk.populatie.clear()
    db.session.flush()
    for wijk in wb.traject.wijken:
        wijk.populatie = [WijkPopulatie(variable=v, category=c, count=n, base=b) for v, c, n, b in FIGURES]
    db.session.commit()
    return world


def test_weighted_support_equals_raking_the_answered_ballots(app, with_population):
    wb = db.session.get(Wijkbudget, with_population["wb"])
    votes = _ballots(wb, np.random.default_rng(3))
    db.session.commit()
    with app.test_request_context():
        support = weighted_support(wb)
        margins = margins_for(traject_wijken(wb.traject), base=(15, None)).margins
    assert support.error is None and support.answered == len(AGES)  # unanswered and paper ballots left out
    # independent: rake the same voters with the core directly (order does not matter for shares)
    sample = {"geslacht": [g for _, g, _ in votes], "leeftijd": [a for a, _, _ in votes]}
    expected = weighted_shares(rake(sample, {v: margins[v] for v in sample}), [s for _, _, s in votes],
                               categories=[True, False]).estimates[0]
    got = support.estimates[next(p.id for p in wb.projects if p.title == "Speeltuin")]
    assert got.count == sum(s for _, _, s in votes)
    assert got.raw_share == pytest.approx(expected.raw_share, abs=1e-12)
    assert got.weighted_share == pytest.approx(expected.weighted_share, abs=1e-12)
    assert (got.weighted_low, got.weighted_high) == pytest.approx((expected.weighted_low, expected.weighted_high),
                                                                  abs=1e-12)
    # the under-represented young want the Speeltuin: weighting raises its support
    assert got.weighted_share > got.raw_share + 0.02
    assert got.weighted_low < got.weighted_share < got.weighted_high
    nobody = support.estimates[next(p.id for p in wb.projects if p.title == "Moestuin")]
    assert nobody.count == 0 and nobody.weighted_share == 0
    assert support.basis.weighted_on == ("geslacht", "leeftijd")


def test_results_page_shows_raw_and_weighted_support(app, client, with_population):
    wb = db.session.get(Wijkbudget, with_population["wb"])
    _ballots(wb, np.random.default_rng(3))
    _publish(wb)
    db.session.commit()
    page = client.get(f"/wijkbudget/{wb.id}/uitslag").text
    section = page[page.index('id="weighted-heading"'):]
    assert "Steun gewogen naar de inwoners" in page
    assert "200 deelnemers gaven antwoord" in section
    row = re.search(r'<th scope="row" class="utrecht-table__header-cell">Speeltuin</th>(.*?)</tr>', section, re.S).group(1)
    raw, weighted = (int(x) for x in re.findall(r"(\d+)%\s*<span", row))
    assert weighted > raw
    assert "Gewogen naar: geslacht, leeftijd." in section
    assert "Weging corrigeert alleen voor deze kenmerken" in section


def test_results_page_says_why_weighting_is_impossible(app, client, world):
    """The factory's wijken have no age figures: the page names the reason, the count still shows."""
    wb = db.session.get(Wijkbudget, world["wb"])
    _ballots(wb, np.random.default_rng(3))
    _publish(wb)
    db.session.commit()
    response = client.get(f"/wijkbudget/{wb.id}/uitslag")
    assert response.status_code == 200
    section = response.text[response.text.index('id="weighted-heading"'):]
    assert "Een gewogen schatting is hier niet mogelijk." in section
    assert "leeftijd" in section.lower() and "Gewogen naar" not in section
    assert "Alle projecten: stemmen, kosten" in response.text


def test_no_weighted_section_when_the_ballot_asked_nothing(app, client, with_population):
    wb = db.session.get(Wijkbudget, with_population["wb"])
    wb.ask_statistics = False
    db.session.add(WijkbudgetBallot(wijkbudget_id=wb.id, cast_on=date.today(),
                                    choices=[WijkbudgetChoice(project_id=wb.projects[0].id)]))
    _publish(wb)
    db.session.commit()
    page = client.get(f"/wijkbudget/{wb.id}/uitslag").text
    assert "Deze projecten gaan door" in page and "weighted-heading" not in page
    with app.test_request_context():
        assert weighted_support(wb) is None


def test_too_few_answers_show_no_table(app, with_population):
    """Below MIN_ANSWERS answered ballots nothing is weighted: a tiny table would show those ballots."""
    from deliberatie.wijkbudget.support import MIN_ANSWERS

    wb = db.session.get(Wijkbudget, with_population["wb"])
    for i in range(MIN_ANSWERS - 1):
        db.session.add(WijkbudgetBallot(wijkbudget_id=wb.id, cast_on=date.today(), geslacht="vrouw", leeftijd="65+",
                                        choices=[WijkbudgetChoice(project_id=wb.projects[0].id)]))
    db.session.add(WijkbudgetBallot(wijkbudget_id=wb.id, cast_on=date.today(),
                                    choices=[WijkbudgetChoice(project_id=wb.projects[0].id)]))
    db.session.commit()
    with app.test_request_context():
        support = weighted_support(wb)
    assert support.answered == MIN_ANSWERS - 1 and support.estimates == {}
    assert support.error.startswith(f"Te weinig stemmers vulden hun geslacht of leeftijd in ({MIN_ANSWERS - 1}; "
                                    f"nodig: {MIN_ANSWERS})")


def test_unpublished_results_with_weighting_stay_hidden_from_the_public(app, client, auth, with_population):
    wb = db.session.get(Wijkbudget, with_population["wb"])
    _ballots(wb, np.random.default_rng(3))
    wb.phase = Phase.GESLOTEN
    count_votes(wb, db.session.scalar(select(User).where(User.role == Role.ORGANISATOR)), rule="greedy",
                now=utcnow())
    db.session.commit()
    assert client.get(f"/wijkbudget/{wb.id}/uitslag").status_code == 404
    auth.login("org@example.org")
    assert "Steun gewogen naar de inwoners" in client.get(f"/wijkbudget/{wb.id}/uitslag").text
