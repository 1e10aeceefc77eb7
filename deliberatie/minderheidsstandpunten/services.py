"""Stellingen use cases: settings, participants, statements, votes, sessions.

Services flush; the view commits. Every organiser action that changes an
outcome is written to the audit log.
"""

import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..codes import random_code
from ..extensions import db
from ..models.types import utcnow
from .models import (Afhandeling, Deelname, Deelnemer, Ronde, Sessie, SessieSoort, Standpunt, Stelling,
                     StellingStatus, Stem, Stemcode, Voorwaarde, VoorwaardeSoort)

VOTE_VALUES = {"eens": 1, "oneens": -1, "overslaan": 0}


def subject(traject):
    return f"minderheidsstandpunten:{traject.id}"


# -- settings ---------------------------------------------------------------

def ronde_for(traject) -> Ronde:
    """The traject's settings row, created with defaults on first use."""
    ronde = db.session.scalar(select(Ronde).filter_by(traject_id=traject.id))
    if ronde is None:
        ronde = Ronde(traject_id=traject.id, deelname=Deelname.PSEUDONIEM, open=False,
                      voorstellen_toegestaan=True, verslag_openbaar=False)
        db.session.add(ronde)
        db.session.flush()
    return ronde


def find_ronde(traject):
    return db.session.scalar(select(Ronde).filter_by(traject_id=traject.id))


def update_ronde(traject, actor, data) -> Ronde:
    ronde = ronde_for(traject)
    ronde.deelname = Deelname(data["deelname"])
    ronde.open = bool(data["open"])
    ronde.voorstellen_toegestaan = bool(data["voorstellen_toegestaan"])
    audit.record(actor, "minderheidsstandpunten.settings", subject(traject), traject_id=traject.id,
                 deelname=ronde.deelname.value, open=ronde.open,
                 voorstellen=ronde.voorstellen_toegestaan)
    db.session.flush()
    return ronde


def set_report_public(traject, actor, public: bool) -> Ronde:
    ronde = ronde_for(traject)
    ronde.verslag_openbaar = public
    audit.record(actor, "minderheidsstandpunten.report_public", subject(traject),
                 traject_id=traject.id, public=public)
    db.session.flush()
    return ronde


# -- participants -----------------------------------------------------------

def _hash_code(traject_id, code):
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(f"{traject_id}:{normal}".encode()).hexdigest()


def make_stemcodes(traject, actor, count: int) -> list[str]:
    """Create ``count`` codes; the plain codes are returned once and never stored.

    The letters' 80-bit codes (:mod:`deliberatie.codes`): with fewer bits, the stored
    hashes of a leaked database could be tried against every possible code. Rows are
    stored in hash order, so a row's id says nothing about a code's place in the letters.
    """
    made = {}
    while len(made) < count:
        code = random_code()
        made.setdefault(_hash_code(traject.id, code), code)
    for code_hash in sorted(made):
        db.session.add(Stemcode(traject_id=traject.id, code_hash=code_hash))
    audit.record(actor, "minderheidsstandpunten.stemcodes", subject(traject), traject_id=traject.id,
                 count=count)
    db.session.flush()
    return list(made.values())


def count_stemcodes(traject) -> int:
    return db.session.scalar(select(func.count()).select_from(Stemcode).filter_by(traject_id=traject.id))


def _new_deelnemer(traject, **link) -> Deelnemer:
    deelnemer = Deelnemer(traject_id=traject.id, pseudonym=secrets.token_hex(8), **link)
    db.session.add(deelnemer)
    db.session.flush()
    return deelnemer


def deelnemer_for_code(traject, code):
    """The participant behind a stemcode (created on first use), or None."""
    stemcode = db.session.scalar(select(Stemcode).filter_by(
        traject_id=traject.id, code_hash=_hash_code(traject.id, code or "")))
    if stemcode is None:
        return None
    found = db.session.scalar(select(Deelnemer).filter_by(stemcode_id=stemcode.id))
    return found or _new_deelnemer(traject, stemcode_id=stemcode.id)


def deelnemer_for_user(traject, user, *, create=True):
    found = db.session.scalar(select(Deelnemer).filter_by(traject_id=traject.id, user_id=user.id))
    if found is None and create:
        found = _new_deelnemer(traject, user_id=user.id)
    return found


def deelnemer_by_pseudonym(traject, pseudonym):
    if not pseudonym:
        return None
    return db.session.scalar(select(Deelnemer).filter_by(traject_id=traject.id, pseudonym=pseudonym))


def new_anonymous(traject) -> Deelnemer:
    return _new_deelnemer(traject)


def save_profile(deelnemer, data) -> None:
    deelnemer.leeftijd = data.get("leeftijd") or None
    deelnemer.geslacht = data.get("geslacht") or None
    db.session.flush()


# -- statements -------------------------------------------------------------

def stellingen(traject, *statuses):
    query = select(Stelling).filter_by(traject_id=traject.id).order_by(Stelling.id)
    if statuses:
        query = query.where(Stelling.status.in_(statuses))
    return db.session.scalars(query).all()


def add_stelling(traject, actor, text) -> Stelling:
    stelling = Stelling(traject_id=traject.id, text=text.strip(), status=StellingStatus.ZICHTBAAR)
    db.session.add(stelling)
    db.session.flush()
    audit.record(actor, "minderheidsstandpunten.statement_add", f"stelling:{stelling.id}",
                 traject_id=traject.id, text=stelling.text)
    return stelling


def propose_stelling(traject, deelnemer, text) -> Stelling:
    stelling = Stelling(traject_id=traject.id, text=text.strip(), status=StellingStatus.VOORGESTELD,
                        voorgesteld_door_id=deelnemer.id if deelnemer else None)
    db.session.add(stelling)
    db.session.flush()
    return stelling


def moderate(stelling, actor, *, accept: bool, reden: str = "") -> Stelling:
    stelling.status = StellingStatus.ZICHTBAAR if accept else StellingStatus.AFGEWEZEN
    stelling.reden = "" if accept else reden.strip()
    audit.record(actor, "minderheidsstandpunten.moderate", f"stelling:{stelling.id}",
                 traject_id=stelling.traject_id, status=stelling.status.value, reden=stelling.reden)
    db.session.flush()
    return stelling


# -- votes ------------------------------------------------------------------

def answered(deelnemer) -> dict[int, int]:
    """{stelling id: value} of one participant."""
    if deelnemer is None:
        return {}
    rows = db.session.execute(select(Stem.stelling_id, Stem.value).filter_by(deelnemer_id=deelnemer.id))
    return dict(rows.all())


def vote(stelling, deelnemer, choice: str) -> Stem:
    """Record a vote; a second vote on the same statement replaces the first.

    The unique constraint keeps one row per participant and statement, also
    when two requests race: the loser of the insert updates instead.
    """
    value = VOTE_VALUES[choice]
    existing = db.session.scalar(select(Stem).filter_by(stelling_id=stelling.id, deelnemer_id=deelnemer.id))
    if existing is None:
        try:
            with db.session.begin_nested():
                existing = Stem(stelling_id=stelling.id, deelnemer_id=deelnemer.id, value=value,
                                voted_at=utcnow())
                db.session.add(existing)
            return existing
        except IntegrityError:
            existing = db.session.scalar(
                select(Stem).filter_by(stelling_id=stelling.id, deelnemer_id=deelnemer.id))
    existing.value = value
    existing.voted_at = utcnow()
    db.session.flush()
    return existing


def vote_counts(traject) -> dict[int, dict[int, int]]:
    """{stelling id: {value: count}} over all participants."""
    rows = db.session.execute(
        select(Stem.stelling_id, Stem.value, func.count())
        .join(Stelling, Stelling.id == Stem.stelling_id)
        .where(Stelling.traject_id == traject.id)
        .group_by(Stem.stelling_id, Stem.value))
    result = {}
    for stelling_id, value, count in rows:
        result.setdefault(stelling_id, {})[value] = count
    return result


def votes_on(stelling_ids):
    """``(stelling id, deelnemer id, value)`` of every vote on these statements.

    The caller picks the participants it wants: a list of them in the query
    would be one bound parameter each, past SQLite's limit of 32,766 in a large traject.
    """
    if not stelling_ids:
        return []
    return db.session.execute(select(Stem.stelling_id, Stem.deelnemer_id, Stem.value)
                              .where(Stem.stelling_id.in_(stelling_ids))).all()


def votes_by_pseudonym(stelling_ids):
    """``(stelling id, value, pseudonym)`` of every vote on these statements (no list of participants sent)."""
    if not stelling_ids:
        return []
    return db.session.execute(
        select(Stem.stelling_id, Stem.value, Deelnemer.pseudonym).join(Deelnemer, Deelnemer.id == Stem.deelnemer_id)
        .where(Stem.stelling_id.in_(stelling_ids))).all()


def has_voters(traject) -> bool:
    """Someone voted on a statement of this traject (one EXISTS query, no rows loaded)."""
    return db.session.scalar(select(
        select(Stem.id).join(Deelnemer, Deelnemer.id == Stem.deelnemer_id)
        .where(Deelnemer.traject_id == traject.id).exists()))


def _voters_where(traject):
    return Deelnemer.traject_id == traject.id, Deelnemer.id.in_(select(Stem.deelnemer_id))


def count_voters(traject) -> int:
    return db.session.scalar(select(func.count()).select_from(Deelnemer).where(*_voters_where(traject)))


def voters(traject):
    """Participants with at least one vote."""
    return db.session.scalars(select(Deelnemer).where(*_voters_where(traject)).order_by(Deelnemer.id)).all()


# -- deep democracy sessions ------------------------------------------------

def add_sessie(traject, actor, data) -> Sessie:
    sessie = Sessie(traject_id=traject.id, soort=SessieSoort(data["soort"]), title=data["title"].strip(),
                    held_on=data["held_on"], voorstel=data["voorstel"],
                    perspectieven=data.get("perspectieven") or "", voor=data["voor"], tegen=data["tegen"],
                    onthouding=data["onthouding"], besluit=data.get("besluit") or "")
    db.session.add(sessie)
    db.session.flush()
    audit.record(actor, "minderheidsstandpunten.session_add", f"sessie:{sessie.id}", traject_id=traject.id,
                 title=sessie.title, voor=sessie.voor, tegen=sessie.tegen, onthouding=sessie.onthouding)
    return sessie


class MoreThanPresent(ValueError):
    """A minority view recognised by more people than were present at the session's vote."""

    def __init__(self, present):
        super().__init__(present)
        self.present = present


def add_standpunt(sessie, actor, data) -> Standpunt:
    """Record a minority view; raises MoreThanPresent when ``herkend_door`` exceeds those present.

    The report says "n of the m present", so n may not exceed m (a session without vote counts has no m).
    """
    check_recognised(sessie, data["herkend_door"])
    analyse_id, groep = group_link(data)
    standpunt = Standpunt(sessie=sessie, title=data["title"].strip(), redenen=data["redenen"],
                          herkend_door=data["herkend_door"], analyse_id=analyse_id, groep=groep)
    db.session.add(standpunt)
    standpunt.stellingen = linked_stellingen(sessie, data.get("stellingen"))
    db.session.flush()
    audit.record(actor, "minderheidsstandpunten.minority_add", f"standpunt:{standpunt.id}",
                 traject_id=sessie.traject_id, title=standpunt.title, herkend_door=standpunt.herkend_door,
                 groep=data.get("groep") or "", stellingen=[s.id for s in standpunt.stellingen])
    return standpunt


def check_recognised(sessie, herkend_door):
    """Raise MoreThanPresent when a view would be recognised by more than were present at the vote."""
    if sessie.present and herkend_door > sessie.present:
        raise MoreThanPresent(sessie.present)


def group_link(data):
    """``(analyse id, group id)`` from the form's ``groep`` choice ("run:group"), or ``(None, None)``."""
    link = data.get("groep") or ""
    return tuple(int(x) for x in link.split(":")) if link else (None, None)


def linked_stellingen(sessie, ids):
    """The session's traject's statements among ``ids`` (a forged id of another traject is left out)."""
    if not ids:
        return []
    return db.session.scalars(select(Stelling).where(
        Stelling.id.in_(ids), Stelling.traject_id == sessie.traject_id)).all()


def add_voorwaarde(standpunt, actor, data) -> Voorwaarde:
    voorwaarde = Voorwaarde(standpunt=standpunt, soort=VoorwaardeSoort(data["soort"]), text=data["text"])
    db.session.add(voorwaarde)
    db.session.flush()
    audit.record(actor, "minderheidsstandpunten.condition_add", f"voorwaarde:{voorwaarde.id}",
                 traject_id=standpunt.sessie.traject_id, soort=voorwaarde.soort.value)
    return voorwaarde


def handle_voorwaarde(voorwaarde, actor, data) -> Voorwaarde:
    voorwaarde.afhandeling = Afhandeling(data["afhandeling"])
    voorwaarde.toelichting = data["toelichting"]
    audit.record(actor, "minderheidsstandpunten.condition_handled", f"voorwaarde:{voorwaarde.id}",
                 traject_id=voorwaarde.standpunt.sessie.traject_id, afhandeling=voorwaarde.afhandeling.value,
                 toelichting=voorwaarde.toelichting)
    db.session.flush()
    return voorwaarde


def sessies(traject):
    return db.session.scalars(select(Sessie).filter_by(traject_id=traject.id)
                              .order_by(Sessie.held_on, Sessie.id)).all()
