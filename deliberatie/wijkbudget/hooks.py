"""What the wijkbudget offers the traject page, the raad's report and the statistics."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..components import OutcomeSummary, ParticipantGroup
from ..extensions import db
from .models import Phase, Wijkbudget, WijkbudgetBallot
from .money import format_euros
from .permissions import can_create_wijkbudget, can_manage_wijkbudget, can_see_results, can_view_wijkbudget


def _for(traject):
    return db.session.scalars(select(Wijkbudget).where(Wijkbudget.traject_id == traject.id)
                              .order_by(Wijkbudget.id)).all()


def _url(endpoint, **values):
    try:
        return url_for(endpoint, **values)
    except RuntimeError:  # no request: e.g. a report rendered by a command
        return None


def traject_links(traject, user):
    links = []
    for wb in _for(traject):
        if wb.phase is Phase.STEMMEN and can_view_wijkbudget(user, wb):
            links.append((_("Stem op %(title)s", title=wb.title), _url("wijkbudget.enter_code", wijkbudget_id=wb.id)))
        if can_see_results(user, wb) and wb.phase is Phase.GEPUBLICEERD:
            links.append((_("Uitslag van %(title)s", title=wb.title), _url("wijkbudget.results", wijkbudget_id=wb.id)))
        elif can_view_wijkbudget(user, wb) and wb.phase is not Phase.STEMMEN:
            links.append((_("Projecten van %(title)s", title=wb.title), _url("wijkbudget.overview", wijkbudget_id=wb.id)))
        if can_manage_wijkbudget(user, wb):
            links.append((_("Beheer %(title)s", title=wb.title), _url("wijkbudget.manage", wijkbudget_id=wb.id)))
    if can_create_wijkbudget(user, traject):
        links.append((_("Nieuw wijkbudget"), _url("wijkbudget.create", traject_id=traject.id)))
    return links


def outcome_summaries(traject):
    from .counting import result_of
    from .messages import RULE_LABELS

    summaries = []
    for wb in _for(traject):
        if wb.phase is not Phase.GEPUBLICEERD or wb.result_json is None:
            continue
        result = result_of(wb)
        funded = [p["title"] for p in result["projects"] if p["selected"]]
        summaries.append(OutcomeSummary(
            title=_("Uitslag %(title)s", title=wb.title),
            rows=((_("Gekozen projecten"), ", ".join(funded) or _("geen")),
                  (_("Budget besteed"), _("%(used)s van %(budget)s", used=format_euros(result["total_cost_cents"]),
                                           budget=format_euros(result["budget_cents"]))),
                  (_("Stemmen"), str(result["voters"])),
                  (_("Telregel"), str(RULE_LABELS.get(result["rule"], result["rule"])))),
            url=_url("wijkbudget.results", wijkbudget_id=wb.id)))
    return summaries


def participant_groups(traject):
    """Voters who answered the optional questions on the ballot (never linked to a code)."""
    groups = []
    for wb in _for(traject):
        rows = db.session.execute(select(WijkbudgetBallot.geslacht, WijkbudgetBallot.leeftijd).where(
            WijkbudgetBallot.wijkbudget_id == wb.id,
            (WijkbudgetBallot.geslacht.is_not(None)) | (WijkbudgetBallot.leeftijd.is_not(None)))).all()
        if not rows:
            continue
        records = tuple({k: v for k, v in (("geslacht", g), ("leeftijd", a)) if v} for g, a in sorted(
            rows, key=lambda r: (r[0] or "", r[1] or "")))
        groups.append(ParticipantGroup(key=f"wijkbudget-{wb.id}-voters",
                                       label=_("Stemmers %(title)s", title=wb.title), records=records))
    return groups
