"""Fair stratified selection of a burgerraad (stage 2 of issue 4).

Public API (plain data in, frozen dataclasses out):

- :func:`read_instance`, :func:`parse_quotas`, :func:`parse_people`,
  :func:`make_instance` -> :class:`Instance`
- :func:`feasibility` -> :class:`Feasibility` (conflicting quotas, smallest relaxation)
- :func:`distribution` -> :class:`Distribution` (LEXIMIN, maximin, Nash, LEGACY)
- :func:`select` -> :class:`Selection` (distribution, uniform lottery, seeded draw, reserves)
- :func:`make_record`, :func:`verify` -> :class:`Verification`
- :func:`replacement` (reserve who keeps the quotas), :func:`meets_quotas`
- :func:`closest_replacement` -> :class:`ClosestReplacement` (reserve who breaks the quotas least)
"""

from deliberatie.core.sortition.optimise import Distribution, gini
from deliberatie.core.sortition.instance import (
    Instance,
    Quota,
    make_instance,
    parse_people,
    parse_quotas,
    read_instance,
)
from deliberatie.core.sortition.lottery import (
    ClosestReplacement,
    Lottery,
    QuotaMiss,
    closest_replacement,
    draw_index,
    meets_quotas,
    replacement,
)
from deliberatie.core.sortition.panels import Conflict, Feasibility, Relaxation
from deliberatie.core.sortition.selection import (
    ALGORITHM_VERSION,
    ALGORITHMS,
    InfeasibleQuotas,
    Selection,
    Verification,
    distribution,
    feasibility,
    instance_from_record,
    make_record,
    select,
    verify,
)

__all__ = [
    "ALGORITHM_VERSION", "ALGORITHMS", "ClosestReplacement", "Conflict", "Distribution", "Feasibility", "InfeasibleQuotas", "Instance",
    "Lottery", "Quota", "QuotaMiss", "Relaxation", "Selection", "Verification", "closest_replacement",
    "distribution", "draw_index", "feasibility", "gini", "instance_from_record", "make_instance", "make_record",
    "meets_quotas", "parse_people", "parse_quotas", "read_instance", "replacement", "select", "verify",
]
