"""Thematafel use cases. Services flush; the view commits.

Every step that reads or changes an event's status, its sign-ups, the
seating, walk-ins or the tables' input locks the event row first and rereads
it (:func:`~deliberatie.locking.lock`), so concurrent requests take turns:
two residents cannot both take the last seat (the seating would then refuse
the whole event), a sign-up cannot land just after the seating and never get
a table, and no note or vote lands after the event is closed.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

import numpy as np
from sqlalchemy import func, select

from .. import audit
from ..core import seating
from ..auth.services import find_active_user
from ..extensions import db
from ..locking import lock
from ..models import User
from ..models.types import utcnow
from .models import (Aanmelding, Argument, Choice, EventKind, EventStatus, Idee, Notitie, Side, Tafel,
                     Thema, ThematafelEvent)

STAT_FIELDS = ("geslacht", "leeftijd", "wijk")
# Names on the table lists (sign-ups and walk-ins) and the link to an account are kept this many
# days after the event, for the follow-up of the harvest; then purge_expired forgets them.
RETENTION_DAYS = 30


class ServiceError(Exception):
    """A refusal the view shows as a message; ``code`` picks the Dutch text."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def events_for(traject) -> list[ThematafelEvent]:
    return db.session.scalars(select(ThematafelEvent).where(ThematafelEvent.traject_id == traject.id)
                              .order_by(ThematafelEvent.held_on, ThematafelEvent.id)).all()


def create_event(traject, actor, data: dict) -> ThematafelEvent:
    """An event with its themes, ``tables`` tables of ``capacity`` seats per theme."""
    event = ThematafelEvent(traject=traject, kind=EventKind(data["kind"]), title=data["title"].strip(),
                            description=data.get("description") or "", held_on=data["held_on"],
                            place=data["place"].strip())
    for position, (name, tables) in enumerate(data["themes"], start=1):
        thema = Thema(position=position, name=name)
        thema.tafels = [Tafel(number=n, capacity=data["capacity"]) for n in range(1, tables + 1)]
        event.themas.append(thema)
    db.session.add(event)
    db.session.flush()
    audit.record(actor, "thematafels.create", f"thematafels:{event.id}", traject_id=traject.id,
                 themes=[t.name for t in event.themas], capacity=event.capacity)
    return event


def set_voorzitter(event, tafel: Tafel, email: str, actor) -> User:
    user = find_active_user(email)
    if user is None:
        raise ServiceError("unknown_user", email=email)
    tafel.voorzitter = user
    db.session.flush()
    audit.record(actor, "thematafels.voorzitter", f"thematafels-tafel:{tafel.id}",
                 traject_id=event.traject_id, voorzitter=f"user:{user.id}")  # the log is never edited: no e-mail
    return user


def signup_for(event, user) -> Aanmelding | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(select(Aanmelding).where(Aanmelding.event_id == event.id,
                                                      Aanmelding.user_id == user.id))


def _stats(data):
    return {key: (data.get(key) or None) for key in STAT_FIELDS}


def _thema(event, thema_id):
    if not thema_id:
        return None
    thema = next((t for t in event.themas if t.id == int(thema_id)), None)
    if thema is None:
        raise ServiceError("unknown_thema")
    return thema


def sign_up(event, user, data: dict) -> Aanmelding:
    """Sign up (or change one's choices before the seating)."""
    lock(event)
    if event.status is not EventStatus.AANMELDEN:
        raise ServiceError("signup_closed")
    first, second = _thema(event, data["first"]), _thema(event, data.get("second"))
    if second is not None and second.id == first.id:
        raise ServiceError("same_choice")
    aanmelding = signup_for(event, user)
    if aanmelding is None:
        taken = db.session.scalar(select(func.count()).select_from(Aanmelding).where(Aanmelding.event_id == event.id))
        if taken >= event.capacity:
            raise ServiceError("full")
        aanmelding = Aanmelding(event=event, user=user if user.is_authenticated else None)
        db.session.add(aanmelding)
    aanmelding.name = data["name"].strip()
    aanmelding.first_thema, aanmelding.second_thema = first, second
    for key, value in _stats(data).items():
        setattr(aanmelding, key, value)
    db.session.flush()
    return aanmelding


def withdraw(event, user) -> None:
    """The resident takes back their own sign-up before the seating: the row is deleted, nothing kept.

    After the seating the table lists are made: ServiceError("withdraw_closed"),
    the organiser handles it. No sign-up (a second click): ServiceError("not_signed_up").
    """
    lock(event)
    aanmelding = signup_for(event, user)
    if aanmelding is None:  # first: after the seating too, someone never signed up is told just that
        raise ServiceError("not_signed_up")
    if event.status is not EventStatus.AANMELDEN:
        raise ServiceError("withdraw_closed")
    db.session.delete(aanmelding)
    db.session.flush()
    # No actor, name or account: the log is never edited, and the resident's sign-up is gone for good.
    audit.record(None, "thematafels.withdraw", f"thematafels:{event.id}", traject_id=event.traject_id)


def _participant(a: Aanmelding):
    return seating.Participant(a.first_thema_id, a.second_thema_id, (a.geslacht, a.leeftijd, a.wijk))


def _tables(event):
    tafels = event.tafels
    return tafels, [seating.Table(t.thema_id, t.capacity) for t in tafels]


def run_seating(event, actor, *, seed: int | None = None) -> seating.Seating:
    """Seat everyone signed up (walk-ins included); replaces an earlier seating."""
    lock(event)
    if event.status is EventStatus.AFGEROND:
        raise ServiceError("event_closed")
    seed = secrets.randbits(32) if seed is None else seed
    tafels, tables = _tables(event)
    people = db.session.scalars(select(Aanmelding).where(Aanmelding.event_id == event.id)
                                .order_by(Aanmelding.id)).all()
    try:
        result = seating.seat(tables, [_participant(a) for a in people], rng=np.random.default_rng(seed))
    except seating.InputError as error:
        raise ServiceError(error.code, **error.params) from error
    for a, t, choice in zip(people, result.tables, result.choice):
        a.tafel, a.choice = tafels[t], Choice(choice)
    event.seed, event.seated_at, event.status = seed, utcnow(), EventStatus.INGEDEELD
    db.session.flush()
    audit.record(actor, "thematafels.seat", f"thematafels:{event.id}", traject_id=event.traject_id,
                 seed=seed, participants=len(people), first=result.first, second=result.second,
                 other=result.other)
    return result


@dataclass(frozen=True)
class SeatingReport:
    participants: int
    first: int
    second: int
    other: int
    diversity: dict  # tafel id -> score against the pool
    mean_diversity: float


def seating_report(event) -> SeatingReport:
    """The explanation of the current seating, recomputed from the rows."""
    seated = [a for a in event.aanmeldingen if a.tafel_id]
    pool = [_participant(a).traits for a in seated]
    scores = {t.id: seating.diversity([_participant(a).traits for a in t.gasten], pool)
              for t in event.tafels if t.gasten}
    counts = {c: sum(a.choice is c for a in seated) for c in Choice}
    mean = float(np.mean(list(scores.values()))) if scores else 1.0
    return SeatingReport(len(seated), counts[Choice.FIRST], counts[Choice.SECOND], counts[Choice.OTHER],
                         scores, mean)


def add_walk_in(event, actor, data: dict) -> Aanmelding:
    """Seat a walk-in at a free table without moving anyone."""
    lock(event)
    if event.status is not EventStatus.INGEDEELD:
        raise ServiceError("not_seated")
    first, second = _thema(event, data["first"]), _thema(event, data.get("second"))
    if second is not None and second.id == first.id:
        raise ServiceError("same_choice")
    aanmelding = Aanmelding(event=event, name=data["name"].strip(), first_thema=first, second_thema=second,
                            walk_in=True, **_stats(data))
    db.session.add(aanmelding)
    tafels, tables = _tables(event)
    tafels_seated = [[_participant(a).traits for a in t.gasten if a is not aanmelding] for t in tafels]
    seated = tafels_seated
    try:
        spot = seating.seat_walk_in(tables, seated, _participant(aanmelding),
                                    rng=np.random.default_rng(secrets.randbits(32)))
    except seating.InputError as error:
        raise ServiceError(error.code, **error.params) from error
    aanmelding.tafel, aanmelding.choice = tafels[spot.table], Choice(spot.choice)
    db.session.flush()
    audit.record(actor, "thematafels.walk_in", f"thematafels:{event.id}", traject_id=event.traject_id,
                 tafel=aanmelding.tafel.label)
    return aanmelding


def close_event(event, actor) -> None:
    """The harvest is final: table input waits for this (the event row is locked) and is refused after."""
    lock(event)
    event.status = EventStatus.AFGEROND
    db.session.flush()
    audit.record(actor, "thematafels.close", f"thematafels:{event.id}", traject_id=event.traject_id)


def _still_open(event) -> None:
    """A closed event's harvest is final: no more table input, no more plenary votes.

    The event is locked and reread, so input racing :func:`close_event` goes before it or is refused.
    """
    lock(event)
    if event.status is EventStatus.AFGEROND:
        raise ServiceError("event_closed")


def add_note(tafel, text: str) -> Notitie:
    _still_open(tafel.thema.event)
    note = Notitie(tafel=tafel, text=text.strip())
    db.session.add(note)
    db.session.flush()
    return note


def add_idea(tafel, data: dict) -> Idee:
    _still_open(tafel.thema.event)
    idee = Idee(tafel=tafel, title=data["title"].strip(), description=data.get("description") or "")
    db.session.add(idee)
    db.session.flush()
    return idee


def add_argument(idee, side: str, text: str) -> Argument:
    _still_open(idee.tafel.thema.event)
    argument = Argument(idee=idee, side=Side(side), text=text.strip())
    db.session.add(argument)
    db.session.flush()
    return argument


def record_table_vote(idee, votes: int, dissent: str) -> None:
    _still_open(idee.tafel.thema.event)
    idee.votes = votes
    idee.dissent = (dissent or "").strip()
    db.session.flush()


def record_plenary_votes(event, actor, votes: dict[int, int]) -> None:
    _still_open(event)
    ideas = {i.id: i for i in ideas_of(event)}
    for idee_id, count in votes.items():
        if idee_id in ideas and count is not None:
            ideas[idee_id].plenary_votes = count
    db.session.flush()
    audit.record(actor, "thematafels.plenary", f"thematafels:{event.id}", traject_id=event.traject_id,
                 votes={str(k): v for k, v in sorted(votes.items())})


def ideas_of(event) -> list[Idee]:
    return db.session.scalars(
        select(Idee).join(Tafel).join(Thema).where(Thema.event_id == event.id).order_by(Idee.id)).all()


@dataclass(frozen=True)
class HarvestRow:
    rank: int
    idee: Idee
    table_share: Fraction  # the idea's share of its table's dots


def harvest(event) -> list[HarvestRow]:
    """All ideas ranked: plenary votes first, then the share of the table's dots (exact), then age.

    Tables differ in size and in how many ideas they had, so the table vote
    counts as a share of that table's dots, not as a raw count.
    """
    ideas = ideas_of(event)
    dots = {}
    for idee in ideas:
        dots[idee.tafel_id] = dots.get(idee.tafel_id, 0) + idee.votes
    share = {i.id: Fraction(i.votes, dots[i.tafel_id]) if dots[i.tafel_id] else Fraction(0) for i in ideas}
    ranked = sorted(ideas, key=lambda i: (-i.plenary_votes, -share[i.id], i.id))
    return [HarvestRow(rank, idee, share[idee.id]) for rank, idee in enumerate(ranked, start=1)]


def _cell(value):
    """Text a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def harvest_csv(event) -> str:
    """The harvest for a spreadsheet as municipalities open it: Excel in Dutch.

    A byte order mark, or Excel reads the UTF-8 as Windows-1252 ("ideeÃ«n");
    semicolons between cells and a decimal comma, as Dutch Excel expects
    (it takes the point in "0.750" for a thousands separator); CRLF line ends.
    """
    out = io.StringIO(newline="")
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["rang", "idee", "toelichting", "thema", "tafel", "stippen_tafel", "aandeel_tafel",
                     "stemmen_plenair", "argumenten_voor", "argumenten_tegen", "minderheidsstandpunt"])
    for row in harvest(event):
        idee = row.idee
        writer.writerow([row.rank, _cell(idee.title), _cell(idee.description), _cell(idee.tafel.thema.name),
                         _cell(idee.tafel.label), idee.votes, f"{float(row.table_share):.3f}".replace(".", ","),
                         idee.plenary_votes,
                         _cell(" | ".join(a.text for a in idee.side(Side.VOOR))),
                         _cell(" | ".join(a.text for a in idee.side(Side.TEGEN))), _cell(idee.dissent)])
    return out.getvalue()


def idea_to_stelling(idee, actor) -> int:
    """Put the idea to everyone as a statement (stelling) in the same traject, once (the row is locked)."""
    lock(idee)
    if idee.stelling_id is not None:
        raise ServiceError("already_stelling")
    from . import bridge

    stelling_id = bridge.create_stelling(idee, actor)
    if stelling_id is None:
        raise ServiceError("no_stellingen")
    idee.stelling_id = stelling_id
    db.session.flush()
    return stelling_id


def statistics_records(event) -> tuple[dict, ...]:
    """Only the statistics answers of those who were seated, no names."""
    return tuple({k: getattr(a, k) for k in STAT_FIELDS if getattr(a, k)}
                 for a in event.aanmeldingen if a.tafel_id)


def retention_ends_on(event) -> date:
    return event.held_on + timedelta(days=RETENTION_DAYS)


def purge_expired(today) -> list[ThematafelEvent]:
    """Forget names and accounts of everyone at events whose retention ended before ``today``.

    What stays is anonymous: the table each person sat at, their optional
    statistics answers (for who-took-part) and everything the tables produced.
    """
    events = db.session.scalars(
        select(ThematafelEvent).where(ThematafelEvent.held_on < today - timedelta(days=RETENTION_DAYS),
                                      ThematafelEvent.aanmeldingen.any(
                                          (Aanmelding.name != "") | Aanmelding.user_id.is_not(None)))
        .order_by(ThematafelEvent.id)).all()
    for event in events:
        for aanmelding in event.aanmeldingen:
            aanmelding.name, aanmelding.user_id = "", None
        audit.record(None, "thematafels.purge", f"thematafels:{event.id}", traject_id=event.traject_id,
                     people=len(event.aanmeldingen))
    db.session.flush()
    return events
