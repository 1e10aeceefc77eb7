"""weighted_result for other components: equal to calling the core; the _shares macro; report_section."""

import re

import numpy as np
import pytest
from flask import render_template_string

from deliberatie.core.errors import InputError
from deliberatie.core.weighting import population_margins, rake, read_population_csv, weighted_shares
from deliberatie.extensions import db
from deliberatie.models import Traject
from deliberatie.statistiek import services
from deliberatie.statistiek.messages import describe
from tests.statistiek.conftest import biased_records, figures_csv

SUPPORT_BY_AGE = {"15-24": 0.9, "25-44": 0.7, "45-64": 0.4, "65+": 0.2}


def _answers(records):
    rng = np.random.default_rng(7)
    return [bool(rng.random() < SUPPORT_BY_AGE[r["leeftijd"]]) for r in records]


def _core(records, answers, variables, **options):
    rows = read_population_csv(figures_csv().splitlines())
    margins = population_margins(rows, wijk=["Noord", "Zuid"], base="15+").margins
    result = rake({v: [r[v] for r in records] for v in variables}, {v: margins[v] for v in variables})
    return weighted_shares(result, answers, **options)


def test_weighted_result_equals_the_core(app, world):
    traject = db.session.get(Traject, world["traject"])
    records = biased_records()
    answers = _answers(records)
    with app.test_request_context():
        ours = services.weighted_result(traject, "test-1-panel", dict(enumerate(answers)),
                                        variables=["geslacht", "leeftijd"], categories=[True, False])
        again = services.weighted_result(traject, records, answers, variables=["geslacht", "leeftijd"],
                                         categories=[True, False])
        default = services.weighted_result(traject, "test-1-panel", answers)
    expected = _core(records, answers, ["geslacht", "leeftijd"], categories=[True, False])
    assert ours == again
    assert ours.weighted_on == ("geslacht", "leeftijd")
    for got, want in zip(ours.estimates, expected.estimates, strict=True):
        assert got.category == want.category and got.count == want.count
        assert got.weighted_share == pytest.approx(want.weighted_share, abs=1e-12)
        assert (got.weighted_low, got.weighted_high) == pytest.approx((want.weighted_low, want.weighted_high), abs=1e-12)
    # the young support more and are under-represented: weighting raises the share of True
    assert ours.estimates[0].weighted_share > ours.estimates[0].raw_share
    assert default.weighted_on == ("geslacht", "leeftijd", "opleiding", "wijk")


def test_bootstrap_with_a_seed_is_reproducible_and_equals_the_core(app, world):
    traject = db.session.get(Traject, world["traject"])
    records = biased_records()
    answers = _answers(records)
    with app.test_request_context():
        ours = services.weighted_result(traject, "test-1-panel", answers, variables=["leeftijd"],
                                        method="bootstrap", replicates=200, seed=11)
    expected = _core(records, answers, ["leeftijd"], method="bootstrap", replicates=200, rng=11)
    assert ours == expected


def test_weighted_result_errors(app, world):
    traject = db.session.get(Traject, world["traject"])
    with app.test_request_context():
        with pytest.raises(InputError) as error:
            services.weighted_result(traject, "bestaat-niet", [])
        assert describe(error.value) == "Deze groep deelnemers bestaat niet (meer)."
        with pytest.raises(InputError) as error:
            services.weighted_result(traject, "test-1-panel", [True] * 3)
        assert error.value.code == "weights.answers_length"
        with pytest.raises(InputError) as error:
            services.weighted_result(traject, "test-1-jong", [True] * 140, variables=["leeftijd"])
        assert error.value.code == "weights.no_respondents"
        assert "‘65+’" in describe(error.value)


def test_shares_macro_renders_raw_and_weighted_with_intervals(app, world):
    traject = db.session.get(Traject, world["traject"])
    records = biased_records()
    with app.test_request_context():
        result = services.weighted_result(traject, "test-1-panel", _answers(records), variables=["leeftijd"],
                                          categories=[True, False])
        html = render_template_string(
            '{% from "statistiek/_shares.html" import shares_table %}'
            '{{ shares_table(result, "Steun voor project 3", labels={True: "voor", False: "tegen"}) }}',
            result=result)
    yes = result.estimates[0]
    text = re.sub(r"<[^>]+>", "", html)
    assert '<caption class="utrecht-table__caption">Steun voor project 3 (200 deelnemers gaven antwoord)</caption>' in html
    assert '<th scope="row" class="utrecht-table__header-cell">voor</th>' in html
    assert f"{round(yes.raw_share * 100)}% ({round(yes.raw_low * 100)}% tot {round(yes.raw_high * 100)}%)" in text
    assert f"{round(yes.weighted_share * 100)}% ({round(yes.weighted_low * 100)}%" in text
    assert "Gewogen naar: leeftijd." in html and "Weging corrigeert alleen voor deze kenmerken." in html


def test_report_section_for_the_raads_report(app, world):
    traject = db.session.get(Traject, world["traject"])
    with app.test_request_context():
        section = services.report_section(traject)
    groups = {g["key"]: g for g in section["groups"]}
    assert set(groups) == {"test-1-panel", "test-1-jong"}  # the empty group is left out
    panel = groups["test-1-panel"]
    assert panel["n"] == 200 and panel["weighted_on"] == ["geslacht", "leeftijd", "opleiding", "wijk"]
    young = next(r for r in panel["rows"] if r["variable"] == "leeftijd" and r["category"] == "15-24")
    assert young == {"variable": "leeftijd", "category": "15-24", "sample_share": 0.05, "population_share": 0.14,
                     "weighted_share": 0.14, "ratio": 0.36, "direction": "under"}
    assert any(s.startswith("Jongeren van 15 tot 25 jaar zijn ondervertegenwoordigd") for s in panel["sentences"])
    assert groups["test-1-jong"]["weighted_on"] == []  # raking impossible: no 65-plussers
