"""Burgerraad privacy: after the panel's term the pool's personal data is deleted.

What stays is anonymous: counts per wijk and of the pool's and panel's make-up,
and the public draw record. The purge locks the burgerraad's row first, as every
step of :mod:`.selection` does, so a drop-out, a seed or a draw job at the same
moment either comes first or finds the burgerraad purged.
"""

import json
from collections import Counter

from sqlalchemy import select

from .. import audit, jobs
from ..extensions import db
from ..locking import lock
from ..models.types import utcnow
from .models import Aanmelding, Burgerraad, BurgerraadStatus, DeelnemerStatus, Uitnodiging
from .selection import DRAW_JOB, subject
from .services import NotAllowedNow


def anonymous_stats(burgerraad):
    """Counts that stay after the purge: letters and registrations per wijk, pool and panel make-up."""
    per_wijk = {}
    addresses = {}
    for item in burgerraad.uitnodigingen:
        addresses.setdefault(item.wijk.name, set()).add(item.address_id)
    for wijk, ids in addresses.items():
        per_wijk[wijk] = {"letters": len(ids), "registrations": 0}
    pool, panel = {}, {}
    for member in burgerraad.aanmeldingen:
        wijk = member.uitnodiging.wijk.name
        per_wijk.setdefault(wijk, {"letters": 0, "registrations": 0})["registrations"] += 1
        for name, value in member.answers.items():
            pool.setdefault(name, Counter())[value] += 1
            if member.status is DeelnemerStatus.PANEL:
                panel.setdefault(name, Counter())[value] += 1
    return {"letters": sum(len(v) for v in addresses.values()), "registrations": len(burgerraad.aanmeldingen),
            "per_wijk": per_wijk, "pool": {k: dict(v) for k, v in pool.items()},
            "panel": {k: dict(v) for k, v in panel.items()}}


#: The states in which letters went out, so codes, addresses or registrations are stored.
WITH_PERSONAL_DATA = (BurgerraadStatus.AANMELDEN, BurgerraadStatus.VASTGELEGD, BurgerraadStatus.GELOOT)


def purge(burgerraad, *, actor):
    """Delete all personal data of the pool; keep anonymous counts and the draw record (if any).

    Organisers purge a drawn burgerraad; the daily purge also one whose term
    ended before it was drawn (consent ran until that date all the same).
    The row is locked first, so a drop-out or a seed entered meanwhile waits.
    """
    lock(burgerraad)
    if burgerraad.status not in WITH_PERSONAL_DATA:
        raise NotAllowedNow()
    burgerraad.stats_json = json.dumps(anonymous_stats(burgerraad), sort_keys=True, ensure_ascii=False)
    for model in (Aanmelding, Uitnodiging):
        db.session.execute(model.__table__.delete().where(model.burgerraad_id == burgerraad.id))
    db.session.expire(burgerraad, ["aanmeldingen", "uitnodigingen"])
    burgerraad.purged_at = utcnow()
    burgerraad.status = BurgerraadStatus.GEWIST
    db.session.flush()
    audit.record(actor, "burgerraad.purged", subject(burgerraad), traject_id=burgerraad.traject_id)


def purge_expired(today):
    """Purge every burgerraad with personal data whose term ended before ``today``; returns them.

    One whose draw is queued or running waits for the next day: the draw needs the pool's rows.
    Each row is locked and read again before its draw job is checked, so a seed entered at the
    same moment either comes first (and the burgerraad waits) or finds it purged.
    """
    due = db.session.scalars(select(Burgerraad).where(Burgerraad.status.in_(WITH_PERSONAL_DATA),
                                                      Burgerraad.term_ends_on < today)).all()
    purged = []
    for burgerraad in due:
        lock(burgerraad)
        if burgerraad.status not in WITH_PERSONAL_DATA or burgerraad.term_ends_on >= today:
            continue
        draw = jobs.latest(subject(burgerraad), DRAW_JOB)
        if burgerraad.status is BurgerraadStatus.VASTGELEGD and draw is not None and not draw.finished:
            continue
        purge(burgerraad, actor=None)
        purged.append(burgerraad)
    return purged
