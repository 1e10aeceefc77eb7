"""A small group: the page names the exact multinomial test it used instead of chi-square."""

from scipy import stats

from deliberatie.components import ParticipantGroup
from deliberatie.core.weighting import representation
from tests.statistiek.test_representativeness import _margins


def _small_group(world):
    """Five participants, all women: chi-square would call that significant (p = 0.025), exactly p = 1/16."""
    ages = ["25-44", "45-64", "65+", "45-64", "25-44"]
    records = tuple({"geslacht": "vrouw", "leeftijd": age, "wijk": ("Noord", "Zuid")[i % 2],
                     "opleiding": ("laag", "middelbaar", "hoog")[i % 3]} for i, age in enumerate(ages))
    world["groups"][world["traject"]].append(ParticipantGroup("test-1-klein", "Klein panel", records))
    return records


def test_a_small_group_is_tested_exactly_and_the_page_says_so(client, auth, world):
    records = _small_group(world)
    assert stats.chisquare([0, 5]).pvalue < 0.05  # the approximation would flag men and women
    test = representation({"geslacht": [r["geslacht"] for r in records]},
                          {"geslacht": _margins()["geslacht"]}).chi_square["geslacht"]
    assert test.method == "exact" and test.p_value == 2 / 32
    auth.login("raad@example.org")
    page = client.get(f"/statistiek/traject/{world['traject']}/test-1-klein").text
    assert "Chi-kwadraattoets" not in page and "χ²" not in page
    assert "minder dan 5 deelnemers verwacht" in page and "exacte multinomiale toets" in page
    assert "Geen groep inwoners is duidelijk onder- of oververtegenwoordigd." in page
    assert "ondervertegenwoordigd</strong>" not in page and "oververtegenwoordigd</strong>" not in page


def test_a_large_group_keeps_the_chi_square_test(client, auth, world):
    auth.login("raad@example.org")
    page = client.get(f"/statistiek/traject/{world['traject']}/test-1-panel").text
    assert "Chi-kwadraattoets" in page and "exacte multinomiale toets, geschat" not in page


def test_an_estimated_exact_test_says_how_many_draws(client, auth, world, monkeypatch):
    import importlib

    module = importlib.import_module("deliberatie.core.weighting.representation")
    monkeypatch.setattr(module, "EXACT_OUTCOMES", 2)  # as if the group had too many outcomes to enumerate
    _small_group(world)
    auth.login("raad@example.org")
    page = client.get(f"/statistiek/traject/{world['traject']}/test-1-klein").text
    assert "exacte multinomiale toets, geschat met 100.000 trekkingen" in page
