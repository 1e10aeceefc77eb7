"""The combined pitch ranking: jury marks and public support, and the ranking as published.

A published ranking stays as it was published: the round keeps it (``ranking_json``),
because deleted accounts take their support and marks with them. Rounds published
before it was kept are recomputed as of the moment of publication.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..locking import lock
from ..models.types import utcnow
from .models import Pitch, PitchRonde, PitchStatus, PitchUpdate
from .services import ServiceError, pitches_for, ronde_for, support_count


def _statuses_at(pitches, moment) -> dict[int, PitchStatus]:
    """{pitch id: the status it had at ``moment``}: the last of its updates (one per change) by then.

    One query for all the pitches, not one per pitch.
    """
    statuses = {p.id: p.status for p in pitches}
    if pitches:
        rows = db.session.execute(select(PitchUpdate.pitch_id, PitchUpdate.status)
                                  .where(PitchUpdate.pitch_id.in_(list(statuses)), PitchUpdate.at <= moment)
                                  .order_by(PitchUpdate.at, PitchUpdate.id))
        statuses.update(rows.all())  # in time order: each pitch's last update wins
    return statuses


@dataclass(frozen=True)
class RankRow:
    rank: int
    pitch: Pitch
    support: int
    jurors: int  # jury members who scored every criterion
    jury: Fraction  # mean share of the maximum score, 0..1
    public: Fraction  # support relative to the most supported pitch, 0..1
    combined: Fraction
    per_criterion: tuple[tuple[str, Fraction, int], ...]  # (name, mean score, max)


def ranking(traject) -> list[RankRow]:
    """Combined ranking: (jury_weight * jury + public_weight * public) / (sum of weights), exact.

    ``jury`` is the mean over jury members who scored every criterion of their
    total as a share of the maximum total; ``public`` is the pitch's support
    divided by the highest support of any ranked pitch. Rejected pitches are
    not ranked. Ties: more support first, then the earlier pitch.

    A published ranking stays as it was published: it counts the support
    given until then, the pitches submitted until then and the statuses they
    had then (selecting and rejecting come after the ranking). Jury scores
    and weights are locked once published (:func:`.services.record_scores`, :func:`.services.save_ronde`).
    """
    ronde = ronde_for(traject)
    if ronde is None:
        return []
    if ronde.ranking_json:
        return _thawed(ronde.ranking_json)
    frozen = ronde.published_at
    pitches = [p for p in pitches_for(traject) if frozen is None or p.created_at <= frozen]
    statuses = {p.id: p.status for p in pitches} if frozen is None else _statuses_at(pitches, frozen)
    pitches = [p for p in pitches if statuses[p.id] is not PitchStatus.AFGEWEZEN]
    counts = {p.id: support_count(p, until=frozen) for p in pitches}
    top = max(counts.values(), default=0)
    criteria = ronde.criteria
    maximum = sum(c.max_score for c in criteria)
    rows = []
    for p in pitches:
        by_juror = {}
        for s in p.scores:
            by_juror.setdefault(s.jurylid_id, {})[s.criterium_id] = s.score
        complete = [v for v in by_juror.values() if all(c.id in v for c in criteria)]
        jury = (sum(Fraction(sum(v[c.id] for c in criteria), maximum) for v in complete) / len(complete)
                if complete and maximum else Fraction(0))
        public = Fraction(counts[p.id], top) if top else Fraction(0)
        combined = (ronde.jury_weight * jury + ronde.public_weight * public) / (ronde.jury_weight + ronde.public_weight)
        per = tuple((c.name, (sum(Fraction(v[c.id]) for v in complete) / len(complete)) if complete else Fraction(0),
                     c.max_score) for c in criteria)
        rows.append((p, counts[p.id], len(complete), jury, public, combined, per))
    rows.sort(key=lambda r: (-r[5], -r[1], r[0].id))
    return [RankRow(i, *r) for i, r in enumerate(rows, start=1)]


def _frozen(rows) -> str:
    """The ranking as JSON: exact fractions as "p/q" text, pitches by id."""
    return json.dumps([[r.rank, r.pitch.id, r.support, r.jurors, str(r.jury), str(r.public), str(r.combined),
                        [[name, str(mean), top] for name, mean, top in r.per_criterion]] for r in rows])


def _thawed(text) -> list[RankRow]:
    rows = json.loads(text)
    pitches = {p.id: p for p in db.session.scalars(select(Pitch).where(Pitch.id.in_([r[1] for r in rows])))}
    return [RankRow(rank, pitches[pid], support, jurors, Fraction(jury), Fraction(public), Fraction(combined),
                    tuple((name, Fraction(mean), top) for name, mean, top in per))
            for rank, pid, support, jurors, jury, public, combined, per in rows if pid in pitches]


def publish_ranking(traject, actor, explanation: str) -> PitchRonde:
    """Freeze the ranking; the round is locked first, so no score or weight change lands in between."""
    ronde = ronde_for(traject)
    if ronde is None:
        raise ServiceError("no_ronde")
    lock(ronde)
    ronde.explanation = (explanation or "").strip()
    if ronde.published_at is not None:
        # published before: the ranking stays frozen at that moment, only the explanation changes
        db.session.flush()
        audit.record(actor, "pitches.explanation", f"pitches-ronde:{ronde.id}", traject_id=traject.id)
        return ronde
    ronde.published_at = utcnow()
    db.session.flush()
    rows = ranking(traject)
    ronde.ranking_json = _frozen(rows)
    db.session.flush()
    audit.record(actor, "pitches.publish", f"pitches-ronde:{ronde.id}", traject_id=traject.id,
                 ranking=[[r.rank, r.pitch.id, str(r.combined), str(r.jury), str(r.public)] for r in rows])
    return ronde
