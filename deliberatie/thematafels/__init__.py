"""Thematafels: deliberation events with diverse table seating, live table input and a harvest."""

from flask import Blueprint, url_for
from flask_babel import gettext as _

from ..components import OutcomeSummary, ParticipantGroup

blueprint = Blueprint("thematafels", __name__, url_prefix="/thematafels")


def traject_links(traject, user):
    from ..permissions import can_edit_traject
    from .services import events_for

    events = events_for(traject)
    if not events and not can_edit_traject(user, traject):
        return []
    links = [(_("Thematafels: %(title)s", title=e.title), url_for("thematafels.detail", event_id=e.id)) for e in events]
    if can_edit_traject(user, traject):
        links.append((_("Thematafels organiseren"), url_for("thematafels.index", traject_id=traject.id)))
    return links


def participant_groups(traject):
    """Per event: the statistics answers of those who sat at a table (no names)."""
    from .services import events_for, statistics_records

    return [ParticipantGroup(key=f"thematafels-{e.id}-deelnemers", label=_("Deelnemers %(title)s", title=e.title),
                             records=statistics_records(e)) for e in events_for(traject)]


def outcome_summaries(traject):
    """Per event with ideas: the five best ideas of the harvest."""
    from .services import events_for, harvest

    summaries = []
    for event in events_for(traject):
        rows = harvest(event)
        if rows:
            summaries.append(OutcomeSummary(
                title=_("Oogst van %(title)s", title=event.title),
                rows=tuple((f"{r.rank}. {r.idee.title}",
                            _("%(p)s plenaire stemmen, %(d)s stippen aan tafel %(t)s",
                              p=r.idee.plenary_votes, d=r.idee.votes, t=r.idee.tafel.label)) for r in rows[:5]),
                url=url_for("thematafels.oogst", event_id=event.id)))
    return summaries


def purge_expired(today):
    from .services import purge_expired as purge

    return purge(today)


from . import models, views  # noqa: E402,F401
