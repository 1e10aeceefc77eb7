"""Population CSV parsing and bringing margins to one base."""

import math

import pytest

from deliberatie.core.errors import InputError
from deliberatie.core.weighting import (
    parse_age_range,
    population_margins,
    read_margins_csv,
    read_population_csv,
)

CBS_LIKE = """wijk,variable,category,count,base
,geslacht,man,22140,0+
,geslacht,vrouw,22860,0+
,leeftijd,0-14,6900,0+
,leeftijd,15-24,5300,0+
,leeftijd,25-44,11200,0+
,leeftijd,45-64,12400,0+
,leeftijd,65+,9200,0+
,opleiding,laag,8600,15-74
,opleiding,middelbaar,13300,15-74
,opleiding,hoog,8900,15-74
,wijk,Centrum,6100,15+
,wijk,Oost,32000,15+
Centrum,geslacht,man,3000,15+
Centrum,geslacht,vrouw,3100,15+
"""


def rows():
    return read_population_csv(CBS_LIKE.splitlines(), file="bevolking.csv")


def test_age_ranges_parse():
    assert parse_age_range("15-24") == (15, 24)
    assert parse_age_range("15–24") == (15, 24)
    assert parse_age_range("65+") == (65, None)
    assert parse_age_range("") == (0, None)
    assert parse_age_range("oud") is None


def test_common_base_rescales_every_variable_to_the_age_total():
    result = population_margins(rows(), base="15+")
    age_total = 5300 + 11200 + 12400 + 9200
    assert result.total == age_total
    assert "0-14" not in result.margins["leeftijd"]
    for name, counts in result.margins.items():
        assert math.isclose(sum(counts.values()), age_total, rel_tol=1e-12), name
    # the distribution within each variable is kept
    assert math.isclose(result.margins["opleiding"]["laag"] / age_total, 8600 / 30800)
    assert result.factors["leeftijd"] == 1.0
    assert result.factors["opleiding"] != 1.0


def test_default_base_is_what_the_age_bands_cover():
    result = population_margins(rows())
    assert result.base == (0, None)
    assert result.total == 45000


def test_refuses_bases_that_differ_without_rescaling():
    with pytest.raises(InputError) as info:
        population_margins(rows(), base="15+", rescale=False)
    assert info.value.code == "population.base_mismatch"
    assert info.value.params["variable"] == "geslacht"
    assert info.value.params["base"] == "0+"


def test_straddling_band_is_refused_or_prorated():
    with pytest.raises(InputError) as info:
        population_margins(rows(), base="16+")
    assert info.value.code == "population.age_band_straddles_base"
    assert info.value.params["category"] == "15-24"
    result = population_margins(rows(), base="16+", prorate=True)
    assert result.margins["leeftijd"]["16-24"] == pytest.approx(5300 * 9 / 10)


def test_wijk_rows_are_separate():
    result = population_margins(rows(), wijk="Centrum")
    assert result.margins == {"geslacht": {"man": 3000, "vrouw": 3100}}
    with pytest.raises(InputError) as info:
        population_margins(rows(), wijk="Noord")
    assert info.value.code == "population.no_rows"


def test_shares_are_scaled_to_the_base_total():
    text = "variable,category,count\nleeftijd,15-64,300\nleeftijd,65+,100\nsex,m,0.5\nsex,f,0.5\n"
    result = population_margins(read_population_csv(text.splitlines()), rescale=False)
    assert result.margins["sex"] == {"m": 200, "f": 200}


@pytest.mark.parametrize("text, code, line", [
    ("variable,category\n", "population.missing_column", 1),
    ("variable,category,count\nsex,m,abc\n", "population.bad_number", 2),
    ("variable,category,count\nsex,m,-1\n", "population.bad_number", 2),
    ("variable,category,count\nsex,m,1\nsex,m,2\n", "population.duplicate", 3),
    ("variable,category,count,base\nsex,m,1,0+\nsex,f,2,15+\n", "population.mixed_base", 3),
])
def test_bad_population_files_name_the_line(text, code, line):
    with pytest.raises(InputError) as info:
        read_population_csv(text.splitlines(), file="p.csv")
    assert info.value.code == code
    assert info.value.params["line"] == line
    assert "p.csv" in str(info.value)


def test_margins_csv():
    text = "variable,category,target\nsex,m,0.4\nsex,f,0.6\nage,young,10\n"
    assert read_margins_csv(text.splitlines()) == {"sex": {"m": 0.4, "f": 0.6},
                                                   "age": {"young": 10.0}}
    with pytest.raises(InputError) as info:
        read_margins_csv("variable,category,target\nsex,m,1\nsex,m,2\n".splitlines())
    assert info.value.code == "weights.duplicate_target"
    assert info.value.params["category"] == "m"


def wijk_rows():
    """Per-wijk CBS-like rows only (no gemeente rows), bases as CBS words them."""
    from deliberatie.core.weighting import PopulationRow

    out = []
    for wijk, scale in (("Centrum", 1), ("Oost", 2)):
        for variable, category, count, base in (
                ("geslacht", "man", 500, "alle inwoners"), ("geslacht", "vrouw", 500, "alle inwoners"),
                ("leeftijd", "0 tot 15 jaar", 200, "alle inwoners"),
                ("leeftijd", "15 tot 65 jaar", 600, "alle inwoners"),
                ("leeftijd", "65 jaar of ouder", 200, "alle inwoners"),
                ("opleiding", "laag", 300, "15-74 jaar"), ("opleiding", "hoog", 450, "15-74 jaar")):
            out.append(PopulationRow(wijk, variable, category, count * scale, base))
    return out


def test_several_wijken_are_added_up_with_a_derived_wijk_margin():
    result = population_margins(wijk_rows(), base="15+")
    assert result.total == 3 * 800
    assert result.margins["leeftijd"] == {"15 tot 65 jaar": 1800, "65 jaar of ouder": 600}
    assert result.margins["wijk"] == {"Centrum": 800, "Oost": 1600}
    assert result.margins["opleiding"]["laag"] == pytest.approx(2400 * 300 / 750)
    assert result.margins["geslacht"] == {"man": 1200, "vrouw": 1200}
    one = population_margins(wijk_rows(), wijk="Oost", base="15+")
    assert one.total == 1600 and "wijk" not in one.margins
    subset = population_margins(wijk_rows(), wijk=["Oost"], base="15+")
    assert subset.margins == one.margins
