"""Correcting what was recorded of a session: edit or delete a session, minority view or condition.

As the other use cases: services flush, the view commits, so an edit or a
deletion (with everything under it) is stored whole or not at all. Every
correction is written to the audit log with the values before and after, and
with ``openbaar`` when the raad's report was already public: the report shows
the corrected values, the log keeps what it said before.
"""

from sqlalchemy import select

from .. import audit
from ..extensions import db
from .models import Ronde, SessieSoort, VoorwaardeSoort
from .services import check_recognised, group_link, linked_stellingen


class FewerThanRecognised(ValueError):
    """Vote counts that make fewer present than a minority view of the session is recognised by."""

    def __init__(self, present, standpunt):
        super().__init__(present)
        self.present = present
        self.standpunt = standpunt


def is_public(traject_id) -> bool:
    """Whether the traject's report for the raad is public (then a correction changes a published report)."""
    return bool(db.session.scalar(select(Ronde.verslag_openbaar).filter_by(traject_id=traject_id)))


def _plain(value):
    return value.value if hasattr(value, "value") else value


def _apply(row, values) -> dict:
    """Set ``values`` on ``row``; returns ``{field: [before, after]}`` of what changed."""
    changed = {}
    for name, value in values.items():
        before = getattr(row, name)
        if before != value:
            changed[name] = [_plain(before), _plain(value)]
            setattr(row, name, value)
    return changed


def _record(actor, action, subject, traject_id, **details):
    audit.record(actor, f"minderheidsstandpunten.{action}", subject, traject_id=traject_id,
                 openbaar=is_public(traject_id), **details)


def edit_sessie(sessie, actor, data) -> dict:
    """Correct a session; raises FewerThanRecognised when a minority view would exceed those present."""
    present = data["voor"] + data["tegen"] + data["onthouding"]
    too_many = next((st for st in sessie.standpunten if present and st.herkend_door > present), None)
    if too_many is not None:
        raise FewerThanRecognised(present, too_many)
    changed = _apply(sessie, {
        "soort": SessieSoort(data["soort"]), "title": data["title"].strip(), "held_on": data["held_on"],
        "voorstel": data["voorstel"], "perspectieven": data.get("perspectieven") or "", "voor": data["voor"],
        "tegen": data["tegen"], "onthouding": data["onthouding"], "besluit": data.get("besluit") or ""})
    if changed:
        _record(actor, "session_edit", f"sessie:{sessie.id}", sessie.traject_id, changed=changed)
    db.session.flush()
    return changed


def edit_standpunt(standpunt, actor, data) -> dict:
    """Correct a minority view; raises MoreThanPresent as adding one does."""
    sessie = standpunt.sessie
    check_recognised(sessie, data["herkend_door"])
    analyse_id, groep = group_link(data)
    before = [s.id for s in standpunt.stellingen]
    changed = _apply(standpunt, {"title": data["title"].strip(), "redenen": data["redenen"],
                                 "herkend_door": data["herkend_door"], "analyse_id": analyse_id, "groep": groep})
    wanted = set(data.get("stellingen") or ())
    if wanted != set(before):
        standpunt.stellingen = linked_stellingen(sessie, wanted)
        changed["stellingen"] = [before, [s.id for s in standpunt.stellingen]]
    if changed:
        _record(actor, "minority_edit", f"standpunt:{standpunt.id}", sessie.traject_id, changed=changed)
    db.session.flush()
    return changed


def edit_voorwaarde(voorwaarde, actor, data) -> dict:
    """Correct a condition's kind and text (what was done with it has its own form)."""
    changed = _apply(voorwaarde, {"soort": VoorwaardeSoort(data["soort"]), "text": data["text"]})
    if changed:
        _record(actor, "condition_edit", f"voorwaarde:{voorwaarde.id}", voorwaarde.standpunt.sessie.traject_id,
                changed=changed)
    db.session.flush()
    return changed


def delete_sessie(sessie, actor) -> None:
    """Delete a session with its minority views and their conditions."""
    standpunten = list(sessie.standpunten)
    _record(actor, "session_delete", f"sessie:{sessie.id}", sessie.traject_id, title=sessie.title,
            held_on=sessie.held_on.isoformat(), voor=sessie.voor, tegen=sessie.tegen, onthouding=sessie.onthouding,
            standpunten=[st.id for st in standpunten],
            voorwaarden=[v.id for st in standpunten for v in st.voorwaarden])
    db.session.delete(sessie)
    db.session.flush()


def delete_standpunt(standpunt, actor) -> None:
    """Delete a minority view with its conditions."""
    traject_id = standpunt.sessie.traject_id
    _record(actor, "minority_delete", f"standpunt:{standpunt.id}", traject_id, title=standpunt.title,
            herkend_door=standpunt.herkend_door, sessie=standpunt.sessie_id,
            voorwaarden=[v.id for v in standpunt.voorwaarden])
    standpunt.sessie.standpunten.remove(standpunt)  # delete-orphan: the session's list stays right too
    db.session.flush()


def delete_voorwaarde(voorwaarde, actor) -> None:
    standpunt = voorwaarde.standpunt
    _record(actor, "condition_delete", f"voorwaarde:{voorwaarde.id}", standpunt.sessie.traject_id,
            standpunt=standpunt.id, soort=voorwaarde.soort.value, text=voorwaarde.text,
            afhandeling=voorwaarde.afhandeling.value)
    standpunt.voorwaarden.remove(voorwaarde)
    db.session.flush()
