"""Survey weighting: population margins, raking, representativeness, intervals.

Public API (plain data in, frozen dataclasses out, InputError on bad input)::

    rows = read_population_csv(lines, file=None)                  # docs/population-csv.md
    pm = population_margins(rows, wijk=None, base="15+", rescale=True, prorate=False)
    margins = pm.margins                                          # {variable: {category: count}}
    margins = read_margins_csv(lines, file=None)                  # variable,category,target

    result = rake(sample, margins, cap=None, tolerance=1e-10, max_iterations=1000)
    result = poststratify(sample, {cell: target}, variables=("geslacht", "leeftijd"))
    rep = representation(sample, margins)                          # shares, ratios, fit test
    shares = weighted_shares(result, answers, method="linearization" | "bootstrap", rng=...)

``sample`` is ``{variable: labels}`` with one label per respondent.
"""

from deliberatie.core.weighting.design import RakingDesign, build_design
from deliberatie.core.weighting.margins import (
    PopulationMargins,
    PopulationRow,
    parse_age_range,
    population_margins,
    read_margins_csv,
    read_population_csv,
)
from deliberatie.core.weighting.rake import RakeResult, poststratify, rake, rake_design

__all__ = [
    "PopulationMargins",
    "PopulationRow",
    "RakeResult",
    "RakingDesign",
    "build_design",
    "parse_age_range",
    "population_margins",
    "poststratify",
    "rake",
    "rake_design",
    "read_margins_csv",
    "read_population_csv",
]

from deliberatie.core.weighting.intervals import (  # noqa: E402
    ShareEstimate,
    SharesResult,
    weighted_shares,
)
from deliberatie.core.weighting.representation import (  # noqa: E402
    CategoryShare,
    ChiSquare,
    RepresentationResult,
    representation,
)

__all__ += [
    "CategoryShare",
    "ChiSquare",
    "RepresentationResult",
    "ShareEstimate",
    "SharesResult",
    "representation",
    "weighted_shares",
]
