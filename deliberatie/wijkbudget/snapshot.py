"""A short-lived, read-only copy of an open wijkbudget per process, for the voting pages.

During a voting peak every request of every voter needs the same few rows:
the wijkbudget, its traject's visibility and its projects. Loading them as ORM
objects was a quarter of a vote's CPU. While a wijkbudget is open for voting
its settings and projects are frozen (the services change them only in
preparation), so a worker can keep a plain copy for a few seconds:

* only a wijkbudget in the voting phase of a public traject is kept; anything
  else (preparation, closed, a concept traject) is read from the database on
  every request as before;
* a copy lives at most ``WIJKBUDGET_SNAPSHOT_SECONDS`` (default 2 s), so a
  phase change, a traject hidden again or a renamed wijk made by another
  process shows within that time;
* a change made through the ORM in this process (any flush touching a
  wijkbudget, project, traject or wijk, or a bulk update of one) drops every
  copy at once;
* what must hold exactly does not rely on the copy: submitting a ballot
  checks the phase and the voting period in the database, in the same
  statement that uses the code (:func:`codes.mark_used`).

The copy holds no codes and nothing about voters.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Traject, TrajectStatus, Wijk
from ..models.traject import traject_organisator
from .models import BallotType, Phase, Wijkbudget, WijkbudgetProject

DEFAULT_SECONDS = 2.0
_KEY = "wijkbudget.snapshots"
_generation = 0  # bumped by every relevant ORM change in this process; older copies are dropped


@dataclass(frozen=True, slots=True)
class WijkView:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class OrganiserView:
    id: int


@dataclass(frozen=True, slots=True)
class TrajectView:
    """What the permission predicates read of a traject."""

    id: int
    gemeente_id: int
    status: TrajectStatus
    organisatoren: tuple[OrganiserView, ...]


@dataclass(frozen=True, slots=True)
class ProjectView:
    id: int
    wijkbudget_id: int
    position: int
    title: str
    description: str
    cost_cents: int
    wijk_id: int | None
    image: str | None
    wijk: WijkView | None


@dataclass(frozen=True, slots=True)
class WijkbudgetView:
    """The attributes of :class:`Wijkbudget` the voting pages, predicates and services read."""

    id: int
    traject_id: int
    title: str
    budget_cents: int
    voting_starts_on: date
    voting_ends_on: date
    min_age: int
    ballot_type: BallotType
    min_choices: int | None
    max_choices: int | None
    min_share_percent: int | None
    points: int | None
    rule: str
    explanation: str
    ask_statistics: bool
    phase: Phase
    code_salt: str
    traject: TrajectView
    projects: tuple[ProjectView, ...]
    # Page parts rendered from this copy alone, per language (see views._blank_ballot_fields); they go with it.
    fragments: dict = field(default_factory=dict, compare=False, repr=False)


_WIJKBUDGET_COLUMNS = [c for c in Wijkbudget.__table__.c if c.name in WijkbudgetView.__slots__]
_PROJECT_COLUMNS = [c for c in WijkbudgetProject.__table__.c if c.name in ProjectView.__slots__]


def _load(wijkbudget_id) -> WijkbudgetView | None:
    """The copy, read with three Core queries; None unless open for voting in a public traject."""
    wb, traject = Wijkbudget.__table__, Traject.__table__
    row = db.session.execute(
        sa.select(*_WIJKBUDGET_COLUMNS, traject.c.gemeente_id, traject.c.status)
        .join_from(wb, traject, traject.c.id == wb.c.traject_id).where(wb.c.id == wijkbudget_id)).first()
    if row is None or row.phase is not Phase.STEMMEN or row.status is TrajectStatus.CONCEPT:
        return None
    organisers = tuple(OrganiserView(uid) for uid in db.session.scalars(
        sa.select(traject_organisator.c.user_id).where(traject_organisator.c.traject_id == row.traject_id)
        .order_by(traject_organisator.c.user_id)))
    project, wijk = WijkbudgetProject.__table__, Wijk.__table__
    projects = tuple(
        ProjectView(**{c.name: p._mapping[c] for c in _PROJECT_COLUMNS},
                    wijk=WijkView(p.wijk_id, p.wijk_name) if p.wijk_id is not None else None)
        for p in db.session.execute(
            sa.select(*_PROJECT_COLUMNS, wijk.c.name.label("wijk_name"))
            .outerjoin_from(project, wijk, wijk.c.id == project.c.wijk_id)
            .where(project.c.wijkbudget_id == wijkbudget_id)
            .order_by(project.c.position, project.c.id)))
    values = {c.name: row._mapping[c] for c in _WIJKBUDGET_COLUMNS}
    return WijkbudgetView(**values, projects=projects,
                          traject=TrajectView(row.traject_id, row.gemeente_id, row.status, organisers))


def open_wijkbudget(app, wijkbudget_id) -> WijkbudgetView | None:
    """This process's copy of the wijkbudget if it is open for voting in a public traject, else None.

    None means: read it from the database as usual (it may not exist, be in
    preparation, closed, or belong to a concept traject).
    """
    seconds = app.config.get("WIJKBUDGET_SNAPSHOT_SECONDS", DEFAULT_SECONDS)
    if not seconds:
        return None
    copies = app.extensions.setdefault(_KEY, {})
    now = time.monotonic()
    cached = copies.get(wijkbudget_id)
    if cached is not None and cached[0] == _generation and now - cached[1] < seconds:
        return cached[2]
    generation = _generation
    view = _load(wijkbudget_id)
    if view is not None:
        copies[wijkbudget_id] = (generation, now, view)
    else:
        copies.pop(wijkbudget_id, None)
    return view


def drop(app, wijkbudget_id):
    """Drop this app's copy of one wijkbudget (found older than the database)."""
    app.extensions.get(_KEY, {}).pop(wijkbudget_id, None)


def forget():
    """Drop every copy in this process (all apps)."""
    global _generation
    _generation += 1


_WATCHED = (Wijkbudget, WijkbudgetProject, Traject, Wijk)


def _touches_watched(session):
    return any(isinstance(obj, _WATCHED) for objects in (session.new, session.dirty, session.deleted)
               for obj in objects)


@event.listens_for(Session, "before_flush")
def _note_changes(session, flush_context, instances):
    # before_flush: session.dirty still lists what is about to be written.
    if _touches_watched(session):
        session.info["wijkbudget_snapshot_stale"] = True
        forget()


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state):
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and issubclass(state.bind_mapper.class_, _WATCHED):
        state.session.info["wijkbudget_snapshot_stale"] = True
        forget()


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _end_of_transaction(session):
    # Again at the end: a request of another thread may have copied the old rows after the flush.
    if session.info.pop("wijkbudget_snapshot_stale", False):
        forget()
