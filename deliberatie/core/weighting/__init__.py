"""Survey weighting: population margins, raking, representativeness, intervals.

The public API the web layer and the console call::

    read_population_csv, population_margins, read_margins_csv   (margins)
    rake, poststratify, rake_design, build_design               (weights)
    representation                                             (who took part)
    weighted_shares                                            (raw vs weighted + 95% CI)
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
