"""The group page: shares, ratio, chi-square, chart, Dutch summary, and raking with its errors."""

import re
from fractions import Fraction

from scipy import stats

from deliberatie.core.weighting import population_margins, rake, read_population_csv
from tests.statistiek.conftest import FIGURES, biased_records, figures_csv


def _page(client, auth, world, key="test-1-panel", query=""):
    auth.login("raad@example.org")
    return client.get(f"/statistiek/traject/{world['traject']}/{key}{query}")


def _margins():
    rows = read_population_csv(figures_csv().splitlines())
    return population_margins(rows, wijk=["Noord", "Zuid"], base="15+").margins


def test_traject_page_lists_the_groups(client, auth, world):
    auth.login("org@example.org")
    page = client.get(f"/statistiek/traject/{world['traject']}").text
    assert "Testpanel" in page and "Zonder 65-plussers" in page and "Nog niemand" in page
    assert f"/statistiek/traject/{world['traject']}/test-1-panel" in page
    assert f"/statistiek/traject/{world['traject']}/test-1-leeg" not in page  # nothing to compare


def test_shares_ratio_chi_square_and_dutch_summary(client, auth, world):
    page = _page(client, auth, world).text
    assert ("Jongeren van 15 tot 25 jaar zijn ondervertegenwoordigd: 5% van de deelnemers, "
            "14% van de inwoners.") in page
    assert "Inwoners met een lage opleiding zijn ondervertegenwoordigd: 15% van de deelnemers, 27% van de inwoners." in page
    # the age table: 10 of 200 participants against 238 of the 1,700 residents aged 15+
    counts = {"15-24": 10, "25-44": 60, "45-64": 70, "65+": 60}
    population = {c: n for v, c, n, _ in FIGURES if v == "leeftijd" and c != "0-14"}
    total = sum(population.values())
    ratio = (10 / 200) / (population["15-24"] / total)
    assert f"{ratio:.2f}".replace(".", ",") in page
    expected = stats.chisquare(list(counts.values()), [population[c] / total * 200 for c in counts])
    assert f"χ² = {expected.statistic:.2f}".replace(".", ",") + " bij 3 vrijheidsgraden" in page
    assert "meer af van de inwoners dan toeval kan verklaren" in page
    # the chart is an image with a text alternative, and the same figures are in a table
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="chart-2-title chart-2-desc"', page)
    assert "15-24: 5% van de deelnemers, 14% van de inwoners." in page
    assert '<th scope="col" class="utrecht-table__header-cell utrecht-table__header-cell--numeric">Verhouding</th>' in page
    # education (15-74) is brought to the 15+ base, and the page says so
    assert "Opleiding: de CBS-cijfers gelden voor een andere groep inwoners" in page
    assert "Deze groep is niet gevraagd naar" not in page


def test_default_weighting_matches_the_core(client, auth, world):
    page = _page(client, auth, world).text
    records = biased_records()
    margins = _margins()
    result = rake({v: [r[v] for r in records] for v in margins}, margins)
    assert result.converged and "De weging klopt" in page
    assert f"{result.effective_n:.1f}".replace(".", ",") in page
    assert f"{result.design_effect:.2f}".replace(".", ",") in page
    assert "weging corrigeert alleen voor geslacht, leeftijd, opleiding, wijk" in page


def test_organiser_picks_variables_and_a_cap(client, auth, world):
    page = _page(client, auth, world, query="?wegen=1&variables=leeftijd&cap=3,5").text
    records = biased_records()
    result = rake({"leeftijd": [r["leeftijd"] for r in records]}, {"leeftijd": _margins()["leeftijd"]}, cap=3.5)
    assert result.converged and "De weging klopt" in page
    assert f"({result.capped} deelnemers zitten op de grens)" in page
    # the variables not weighted on get raw and weighted shares with intervals (the _shares macro)
    assert "Opleiding: ongewogen en gewogen" in page and "Gewogen naar: leeftijd." in page


def test_weighting_errors_are_clear_dutch(client, auth, world):
    page = _page(client, auth, world, query="?wegen=1&variables=leeftijd&cap=1.5").text
    lowest = Fraction(238, 1700) / Fraction(10, 200)  # largest population share / sample share
    assert lowest == Fraction(28, 10)
    assert "Met een grens van 1,5 keer het gemiddelde gewicht kan de weging niet kloppen." in page
    assert "De laagste grens die wel kan is 2,8." in page
    page = _page(client, auth, world, query="?wegen=1&variables=leeftijd&cap=veel")
    assert page.status_code == 422 and "Vul een getal in, bijvoorbeeld 5 of 2,5." in page.text
    assert "Kies minstens één kenmerk om op te wegen." in _page(client, auth, world, query="?wegen=1").text
    page = _page(client, auth, world, key="test-1-jong").text
    assert "Niemand in deze groep valt bij leeftijd in de categorie ‘65+’." in page
    assert "Inwoners van 65 jaar en ouder zijn ondervertegenwoordigd: 0% van de deelnemers" in page


def test_answers_without_population_figures_are_left_out_visibly(client, auth, world):
    records = biased_records()
    world["groups"][world["traject"]][0] = type(world["groups"][world["traject"]][0])(
        "test-1-panel", "Testpanel", records + ({"geslacht": "anders", "leeftijd": "25-44", "thema": "groen"},) * 3)
    page = _page(client, auth, world).text
    assert "3 deelnemers antwoordden ‘anders’." in page
    assert "(3 deelnemers beantwoordden niet alle gekozen vragen" in page
    assert "Voor deze vragen zijn geen bevolkingscijfers, dus geen vergelijking: Thema." in page


def test_no_population_figures_says_so(client, auth, world):
    from deliberatie.extensions import db
    from deliberatie.models import WijkPopulatie

    db.session.query(WijkPopulatie).delete()
    db.session.commit()
    page = _page(client, auth, world).text
    assert "Voor de wijken van dit traject zijn nog geen bevolkingscijfers." in page
