"""minderheidsstandpunten: stellingen with opinion groups, deep democracy sessions, the raad's report."""

from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

blueprint = Blueprint("minderheidsstandpunten", __name__, url_prefix="/minderheidsstandpunten")

from . import models  # noqa: E402,F401


def traject_links(traject, user):
    from . import services
    from .permissions import can_manage, can_read_report, can_take_part

    ronde = services.find_ronde(traject)
    links = []
    if can_take_part(user, traject, ronde):
        links.append((_("Stellingen beantwoorden"),
                      url_for("minderheidsstandpunten.stellingen", traject_id=traject.id)))
    if can_manage(user, traject):
        links.append((_("Stellingen en minderheidsstandpunten beheren"),
                      url_for("minderheidsstandpunten.beheer", traject_id=traject.id)))
    if can_read_report(user, traject, ronde) and (ronde is not None or can_manage(user, traject)):
        links.append((_("Verslag voor de raad"), url_for("minderheidsstandpunten.verslag", traject_id=traject.id)))
    return links


def participant_groups(traject):
    from ..components import ParticipantGroup
    from .weging import records

    found = records(traject)
    if not found:
        return []
    return [ParticipantGroup(key=f"minderheidsstandpunten-{traject.id}-stemmers",
                             label=_l("Deelnemers aan de stellingen"), records=found)]


def outcome_summaries(traject):
    from .report import own_summary

    return own_summary(traject)


from . import views  # noqa: E402,F401
