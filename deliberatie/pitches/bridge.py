"""The one place that talks to the wijkbudget component.

A selected pitch becomes a project of the traject's wijkbudget that is still
being prepared (projects cannot be added once voting has opened), through
wijkbudget's own ``add_projects`` service so its rules hold.
"""

from sqlalchemy import select

from ..extensions import db


def create_wijkbudget_project(pitch):
    """The new project's id, or None when the traject has no wijkbudget in preparation."""
    try:
        from ..wijkbudget import services as wijkbudget_services
        from ..wijkbudget.models import Phase, Wijkbudget
    except ImportError:  # pragma: no cover - the component is optional
        return None
    wijkbudget = db.session.scalar(
        select(Wijkbudget).where(Wijkbudget.traject_id == pitch.traject_id, Wijkbudget.phase == Phase.VOORBEREIDING)
        .order_by(Wijkbudget.id.desc()).limit(1))
    if wijkbudget is None:
        return None
    description = "\n\n".join(part for part in (pitch.problem, pitch.plan) if part)
    (project,) = wijkbudget_services.add_projects(wijkbudget, [dict(
        title=pitch.title, description=description, cost_cents=pitch.cost_cents, wijk_id=pitch.wijk_id)])
    return project.id


def find_wijkbudget_project(pitch):
    """An existing project of the traject with the pitch's title (for the demo's history)."""
    try:
        from ..wijkbudget.models import Wijkbudget, WijkbudgetProject
    except ImportError:  # pragma: no cover
        return None
    return db.session.scalar(
        select(WijkbudgetProject.id).join(Wijkbudget)
        .where(Wijkbudget.traject_id == pitch.traject_id, WijkbudgetProject.title == pitch.title).limit(1))
