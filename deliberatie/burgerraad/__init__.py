"""Burgerraad: a panel drawn in two stages, letters to random addresses, then a fair selection."""

from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..components import OutcomeSummary, ParticipantGroup
from . import models  # noqa: F401

blueprint = Blueprint("burgerraad", __name__, url_prefix="/burgerraad")


def _for(traject):
    from .services import for_traject

    return for_traject(traject)


def traject_links(traject, user):
    from ..permissions import can_edit_traject
    from .permissions import can_manage_burgerraad, can_view_draw, registration_open

    burgerraad = _for(traject)
    if burgerraad is None:
        if can_edit_traject(user, traject):
            return [(_("Burgerraad opzetten"), url_for("burgerraad.opzetten", traject_id=traject.id))]
        return []
    links = []
    if registration_open(burgerraad):
        links.append((_("Aanmelden voor de burgerraad (met de code uit uw brief)"), url_for("burgerraad.aanmelden")))
    if can_view_draw(user, burgerraad):
        links.append((_("De loting van de burgerraad controleren"),
                      url_for("burgerraad.loting", burgerraad_id=burgerraad.id)))
    if can_manage_burgerraad(user, burgerraad):
        links.append((_("Burgerraad beheren"), url_for("burgerraad.overzicht", burgerraad_id=burgerraad.id)))
    return links


def participant_groups(traject):
    """The pool and the panel, each person's stratification answers only."""
    burgerraad = _for(traject)
    if burgerraad is None:
        return []
    from .models import DeelnemerStatus

    if burgerraad.aanmeldingen:
        pool = tuple(a.answers for a in burgerraad.aanmeldingen)
        panel = tuple(a.answers for a in burgerraad.aanmeldingen if a.status is DeelnemerStatus.PANEL)
    elif burgerraad.record is not None:  # after the purge: the public record still has the answers
        record = burgerraad.record
        categories = record["inputs"]["categories"]
        people = {p[0]: dict(zip(categories, p[1])) for p in record["inputs"]["people"]}
        pool = tuple(people.values())
        panel = tuple(people[pid] for pid in record["panel"])
    else:
        return []
    groups = [ParticipantGroup(f"burgerraad-{burgerraad.id}-pool", _l("Aanmeldingen burgerraad"), pool)]
    if panel:
        groups.append(ParticipantGroup(f"burgerraad-{burgerraad.id}-panel", _l("Gelote burgerraad"), panel))
    return groups


def outcome_summaries(traject):
    burgerraad = _for(traject)
    if burgerraad is None or burgerraad.record is None:
        return []
    from .selection import composition

    record = burgerraad.record
    rows = [(_("Leden"), str(record["k"])), (_("Aanmeldingen in de loting"), str(len(record["inputs"]["people"]))),
            (_("Methode"), record["algorithm"].upper()), (_("Startgetal"), str(record["seed"]))]
    for category, counts in composition(burgerraad).items():
        rows.append((category.capitalize(), ", ".join(f"{v}: {n}" for v, n in sorted(counts.items()))))
    return [OutcomeSummary(_("Gelote burgerraad"), tuple(rows),
                           url_for("burgerraad.loting", burgerraad_id=burgerraad.id))]


def purge_expired(today):
    from .privacy import purge_expired as purge

    return purge(today)


def init_app(app):
    from . import cli, selection  # noqa: F401  (registers the job handlers)

    app.cli.add_command(cli.burgerraad_group)


from . import views, views_aanmelden  # noqa: E402,F401
