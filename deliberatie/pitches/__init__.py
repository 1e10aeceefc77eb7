"""Pitches: resident initiatives judged by a mixed jury and by public support."""

from decimal import Decimal

from flask import Blueprint, url_for
from flask_babel import format_currency
from flask_babel import gettext as _

from ..components import OutcomeSummary

blueprint = Blueprint("pitches", __name__, url_prefix="/pitches")


def format_euro(cents: int) -> str:
    return format_currency(Decimal(cents) / 100, "EUR")


def init_app(app):
    app.add_template_filter(format_euro, "pitches_euro")


def traject_links(traject, user):
    from .permissions import can_manage_pitches, can_submit_pitch
    from .services import pitches_for, ronde_for

    if not (pitches_for(traject) or ronde_for(traject) or can_manage_pitches(user, traject)):
        return []
    links = [(_("Pitches van inwoners"), url_for("pitches.index", traject_id=traject.id))]
    if can_submit_pitch(user, traject):
        links.append((_("Dien een pitch in"), url_for("pitches.create", traject_id=traject.id)))
    return links


def outcome_summaries(traject):
    """The published combined ranking (top five)."""
    from .ranking import ranking
    from .services import ronde_for

    ronde = ronde_for(traject)
    if ronde is None or ronde.published_at is None:
        return []
    rows = ranking(traject)
    return [OutcomeSummary(
        title=_("Uitslag van de pitches"),
        rows=tuple((f"{r.rank}. {r.pitch.title}",
                    _("%(c)s%% totaal (jury %(j)s%%, steun %(s)s)", c=round(float(r.combined) * 100, 1),
                      j=round(float(r.jury) * 100, 1), s=r.support)) for r in rows[:5]),
        url=url_for("pitches.uitslag", traject_id=traject.id))]


from . import models, services, views  # noqa: E402,F401
