"""Wijkbudget set-up and phases. Services flush; the view commits."""

import math
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import Wijk
from . import codes as codes_module
from . import uploads
from .models import BallotType, Phase, Wijkbudget, WijkbudgetProject
from .money import format_euros, parse_euros


class PhaseError(Exception):
    """The action does not fit the current phase; ``message`` says why, in Dutch."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _apply(wijkbudget: Wijkbudget, data: dict) -> None:
    wijkbudget.title = data["title"].strip()
    wijkbudget.budget_cents = parse_euros(data["budget"])
    wijkbudget.voting_starts_on = data["voting_starts_on"]
    wijkbudget.voting_ends_on = data["voting_ends_on"]
    wijkbudget.min_age = data["min_age"]
    wijkbudget.ballot_type = BallotType(data["ballot_type"])
    kind = wijkbudget.ballot_type
    wijkbudget.min_choices = data.get("min_choices") if kind in (BallotType.APPROVAL, BallotType.RANKING) else None
    wijkbudget.max_choices = data.get("max_choices") if kind in (BallotType.APPROVAL, BallotType.RANKING) else None
    wijkbudget.min_share_percent = data.get("min_share_percent") if kind is BallotType.KNAPSACK else None
    wijkbudget.points = data.get("points") if kind is BallotType.CUMULATIVE else None
    wijkbudget.rule = data["rule"]
    wijkbudget.explanation = (data.get("explanation") or "").strip()
    wijkbudget.ask_statistics = bool(data.get("ask_statistics"))
    wijkbudget.wijken = db.session.scalars(
        select(Wijk).where(Wijk.id.in_(data.get("wijken") or []),
                           Wijk.gemeente_id == wijkbudget.traject.gemeente_id)).all()


def create_wijkbudget(traject, actor, data: dict) -> Wijkbudget:
    wijkbudget = Wijkbudget(traject=traject, code_salt=codes_module.new_salt())
    db.session.add(wijkbudget)
    _apply(wijkbudget, data)
    db.session.flush()
    audit.record(actor, "wijkbudget.create", f"wijkbudget:{wijkbudget.id}", traject_id=traject.id,
                 budget_cents=wijkbudget.budget_cents, rule=wijkbudget.rule)
    return wijkbudget


def update_wijkbudget(wijkbudget: Wijkbudget, actor, data: dict) -> Wijkbudget:
    if wijkbudget.phase is not Phase.VOORBEREIDING:
        raise PhaseError(_l("Tijdens en na het stemmen kunt u de instellingen niet meer wijzigen."))
    _apply(wijkbudget, data)
    db.session.flush()
    audit.record(actor, "wijkbudget.update", f"wijkbudget:{wijkbudget.id}", traject_id=wijkbudget.traject_id,
                 budget_cents=wijkbudget.budget_cents, rule=wijkbudget.rule,
                 ballot_type=wijkbudget.ballot_type.value)
    return wijkbudget


def _require_preparation(wijkbudget):
    if wijkbudget.phase is not Phase.VOORBEREIDING:
        raise PhaseError(_l("Projecten kunt u alleen in de voorbereiding toevoegen of wijzigen."))


def save_project(wijkbudget, data: dict, *, project=None, image=None) -> WijkbudgetProject:
    _require_preparation(wijkbudget)
    if project is None:
        project = WijkbudgetProject(wijkbudget=wijkbudget, position=len(wijkbudget.projects) + 1)
        db.session.add(project)
    project.title = data["title"].strip()
    project.description = (data.get("description") or "").strip()
    project.cost_cents = parse_euros(data["cost"])
    project.wijk_id = data.get("wijk_id") or None
    if image is not None:
        uploads.remove_image(project.image)
        project.image = image
    db.session.flush()
    return project


def delete_project(wijkbudget, project) -> None:
    _require_preparation(wijkbudget)
    uploads.remove_image(project.image)
    db.session.delete(project)
    db.session.flush()


def add_projects(wijkbudget, rows) -> list[WijkbudgetProject]:
    """Add checked rows (dicts with title, description, cost_cents, wijk_id) in one go."""
    _require_preparation(wijkbudget)
    start = len(wijkbudget.projects)
    projects = [WijkbudgetProject(wijkbudget=wijkbudget, position=start + i, title=row["title"],
                                  description=row["description"], cost_cents=row["cost_cents"],
                                  wijk_id=row["wijk_id"])
                for i, row in enumerate(rows, start=1)]
    db.session.add_all(projects)
    db.session.flush()
    return projects


TRANSITIONS = {
    "open": (Phase.VOORBEREIDING, Phase.STEMMEN),
    "close": (Phase.STEMMEN, Phase.GESLOTEN),
    "publish": (Phase.GESLOTEN, Phase.GEPUBLICEERD),
}


def change_phase(wijkbudget: Wijkbudget, actor, action: str, *, now) -> Wijkbudget:
    """Open, close or publish; each step is written to the audit log."""
    if action not in TRANSITIONS:
        raise PhaseError(_l("Onbekende stap."))
    before, after = TRANSITIONS[action]
    if wijkbudget.phase is not before:
        raise PhaseError(_l("Deze stap past niet bij de huidige fase."))
    if action == "open" and not wijkbudget.projects:
        raise PhaseError(_l("Voeg eerst projecten toe voordat het stemmen opent."))
    if action == "open" and (problem := _unfillable(wijkbudget)):
        raise PhaseError(problem)
    if action == "publish" and wijkbudget.result_json is None:
        raise PhaseError(_l("Tel eerst de stemmen voordat u de uitslag publiceert."))
    wijkbudget.phase = after
    if action == "close":
        _forget_voting_order()
    if action == "publish":
        wijkbudget.published_at = now
    db.session.flush()
    audit.record(actor, f"wijkbudget.{action}", f"wijkbudget:{wijkbudget.id}",
                 traject_id=wijkbudget.traject_id, phase=after.value)
    return wijkbudget


def _unfillable(wijkbudget: Wijkbudget):
    """Why no ballot could meet the settings with these projects, or None (checked before voting opens)."""
    kind, count = wijkbudget.ballot_type, len(wijkbudget.projects)
    if kind in (BallotType.APPROVAL, BallotType.RANKING) and (wijkbudget.min_choices or 0) > count:
        return _l("Stemmers moeten minstens %(min)s projecten kiezen, maar er zijn %(n)s projecten. "
                  "Voeg projecten toe of verlaag het minimum.", min=wijkbudget.min_choices, n=count)
    if kind is BallotType.KNAPSACK and wijkbudget.min_share_percent:
        minimum = Fraction(wijkbudget.budget_cents * wijkbudget.min_share_percent, 100)  # exact, as the ballot check
        fitting = [p.cost_cents for p in wijkbudget.projects if p.cost_cents <= wijkbudget.budget_cents]
        if sum(fitting) < minimum:
            return _l("Stemmers moeten minstens %(minimum)s besteden, maar de projecten die binnen het budget "
                      "passen kosten samen %(total)s. Voeg projecten toe of verlaag het deel dat stemmers "
                      "minimaal besteden.", minimum=format_euros(math.ceil(minimum)), total=format_euros(sum(fitting)))
        if _some_sum_between(fitting, math.ceil(minimum), wijkbudget.budget_cents) is False:
            return _l("Geen enkele combinatie van projecten kost samen tussen %(minimum)s en het budget van "
                      "%(budget)s, dus geen stembiljet zou kloppen. Pas de projecten aan of verlaag het deel dat "
                      "stemmers minimaal besteden.", minimum=format_euros(math.ceil(minimum)),
                      budget=format_euros(wijkbudget.budget_cents))
    return None


SUBSET_SUM_BITS = 1 << 24  # 2 MB of bits: a few milliseconds; beyond it the check is left to voters' errors


def _some_sum_between(costs, low, high):
    """Whether some set of ``costs`` adds up to between ``low`` and ``high``; None when too large to tell.

    The reachable totals are the bits of one integer (subset sum), in units of the
    costs' greatest common divisor (project costs are mostly whole euros or more).
    """
    unit = math.gcd(*costs, high) if costs else 1
    low, high = -(-low // unit), high // unit
    if high >= SUBSET_SUM_BITS:
        return None
    mask, reachable = (1 << (high + 1)) - 1, 1
    for cost in costs:
        reachable = (reachable | reachable << (cost // unit)) & mask
    return reachable >> low != 0


def _forget_voting_order() -> None:
    """Rewrite the ballot and code tables in key order (PostgreSQL).

    An UPDATE or INSERT appends a row version at the end of a PostgreSQL
    table, so until the table is rewritten, the physical order of used codes
    and of ballots follows the order of voting. ``CLUSTER`` on the (random)
    primary keys removes that order once voting has closed.
    """
    if db.engine.dialect.name != "postgresql":
        return  # SQLite: the ballot tables are WITHOUT ROWID, codes change in place
    for table in ("wijkbudget_ballot", "wijkbudget_choice", "wijkbudget_code"):
        db.session.execute(db.text(f"CLUSTER {table} USING pk_{table}"))
