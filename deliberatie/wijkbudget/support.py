"""Support per project weighted to the population: the silent majority's estimate next to the count.

Voters may answer geslacht and leeftijd on the ballot itself (never tied to
a code). Among the voters who did, the share that put a project on their
ballot is raked to the wijken's population figures by statistiek, with 95%
intervals. Statistiek is a component like any other: without it, or without
population figures, the results page simply shows the count.
"""

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..core.errors import InputError
from ..extensions import db
from .models import WijkbudgetBallot, WijkbudgetChoice


# Fewer answered ballots than this: no weighted table. A table of one or two ballots would show
# those voters' choices, and the intervals would say nothing.
MIN_ANSWERS = 20


@dataclass(frozen=True)
class WeightedSupport:
    """``estimates``: project id -> the core's estimate of the share with the project on the ballot.

    ``basis`` is one project's full ``SharesResult``: the voters it rests on,
    the variables weighted on and the effective sample size, the same for
    every project.
    """

    estimates: dict
    answered: int
    basis: object = None
    error: str | None = None

    def rows_for(self, projects):
        """(title, estimate) in the order of the result's ``projects`` (dicts with id and title)."""
        return [(p["title"], self.estimates[p["id"]]) for p in projects if p["id"] in self.estimates]


def _answered_ballots(wijkbudget):
    """(statistics record, set of supported project ids) per ballot that answered a question.

    Sorted by content so that nothing about the order of voting survives.
    """
    answered = (WijkbudgetBallot.geslacht.is_not(None)) | (WijkbudgetBallot.leeftijd.is_not(None))
    ballots = db.session.execute(select(WijkbudgetBallot.id, WijkbudgetBallot.geslacht, WijkbudgetBallot.leeftijd)
                                 .where(WijkbudgetBallot.wijkbudget_id == wijkbudget.id, answered)).all()
    chosen = defaultdict(set)
    for ballot_id, project_id in db.session.execute(
            select(WijkbudgetChoice.ballot_id, WijkbudgetChoice.project_id)
            .join(WijkbudgetBallot, WijkbudgetBallot.id == WijkbudgetChoice.ballot_id)
            .where(WijkbudgetBallot.wijkbudget_id == wijkbudget.id, answered, WijkbudgetChoice.value > 0)):
        chosen[ballot_id].add(project_id)
    rows = [({k: v for k, v in (("geslacht", g), ("leeftijd", a)) if v}, frozenset(chosen[ballot_id]))
            for ballot_id, g, a in ballots]
    return sorted(rows, key=lambda row: (sorted(row[0].items()), sorted(row[1])))


def weighted_support(wijkbudget) -> WeightedSupport | None:
    """Raw and weighted support per project, or ``None`` when the ballot asked nothing.

    Support means: the project is on the ballot (chosen, given points or
    ranked). Why weighting is impossible (no population figures, a category
    without voters) comes back in Dutch as ``error``, for the page to say.
    """
    if not wijkbudget.ask_statistics:
        return None
    try:
        from ..statistiek.messages import describe
        from ..statistiek.services import weighted_results
    except ImportError:  # statistiek switched off
        return None
    rows = _answered_ballots(wijkbudget)
    if len(rows) < MIN_ANSWERS:
        return WeightedSupport({}, len(rows), error=_("Te weinig stemmers vulden hun geslacht of leeftijd in "
                                                       "(%(n)s; nodig: %(min)s). Zo weinig antwoorden geven geen "
                                                       "betrouwbare schatting en zouden stemmen herkenbaar maken.",
                                                       n=len(rows), min=MIN_ANSWERS))
    records = [record for record, _ in rows]
    columns = {p.id: [p.id in supported for _, supported in rows] for p in wijkbudget.projects}
    try:
        shares = weighted_results(wijkbudget.traject, records, columns, categories=[True, False])
    except InputError as error:
        return WeightedSupport({}, len(rows), error=describe(error))
    basis = next(iter(shares.values()), None)
    if basis is None:  # no projects
        return None
    return WeightedSupport({pid: result.estimates[0] for pid, result in shares.items()},
                           basis.answered if basis else len(rows), basis)
