"""Burgerraad use cases, stage 2: feasibility, selection job, commitment, draw, reserves.

All sortition mathematics is in :mod:`deliberatie.core.sortition`; this
module turns rows into its plain inputs and its results back into rows.
Pool members appear there only by their anonymous id; households by a
hash of a secret invitation code of the address, so the public record names
nobody and cannot be linked to addresses.

Every step that changes the status or the pool (the seed, the draw, drop-outs,
seating a reserve, and the purge in :mod:`.privacy`) first locks the
burgerraad's row and reads it again, then the pool's rows: one lock order,
and each step sees what another just did.
"""

import hashlib
import json
from collections import Counter

import sqlalchemy as sa
from sqlalchemy import select

from .. import audit, jobs
from ..core import sortition
from ..core.errors import InputError
from ..extensions import db
from ..locking import lock
from ..models import User
from ..models.job import JobStatus
from ..models.types import utcnow
from .models import Aanmelding, Burgerraad, BurgerraadStatus, DeelnemerStatus, Uitnodiging
from .services import NotAllowedNow

DISTRIBUTION_JOB = "burgerraad.distribution"
DRAW_JOB = "burgerraad.draw"
COMMITMENT_FORMAT = "deliberatie-burgerraad-commitment/2"
# /1 committed to the app's version instead of the algorithm's: any release deployed between the
# commitment and the draw made the draw fail for good. Still accepted for commitments made with it.
LEGACY_COMMITMENT_FORMAT = "deliberatie-burgerraad-commitment/1"
COMMITTED_FIELDS = {
    COMMITMENT_FORMAT: ("inputs_sha256", "algorithm", "k", "households", "lottery_size", "algorithm_version"),
    LEGACY_COMMITMENT_FORMAT: ("inputs_sha256", "algorithm", "k", "households", "lottery_size", "version"),
}


def subject(burgerraad):
    return f"burgerraad:{burgerraad.id}"


def _progress(report):
    """Turn the core's ``progress(done, total)`` into job progress (10-95 %), committed in steps of 5."""
    last = [10]

    def callback(done, total):
        percent = 10 + int(85 * done / total) if total else 10
        if percent >= last[0] + 5:
            last[0] = percent
            report(percent)

    return callback


def _households(burgerraad, pool):
    """A public household id per pool member: equal for the same address, and not linkable to it.

    The id hashes the address's first invitation code, a secret random value
    that the purge deletes, rather than the address id: address ids (BAG ids)
    are public, and the letter seed is in the audit log, so a hash of those
    would let anyone find each pool member's address in the public record.
    """
    addresses = {a.uitnodiging.address_id for a in pool}
    first_code = dict(db.session.execute(
        select(Uitnodiging.address_id, sa.func.min(Uitnodiging.code))
        .where(Uitnodiging.burgerraad_id == burgerraad.id, Uitnodiging.address_id.in_(addresses))
        .group_by(Uitnodiging.address_id)).all()) if addresses else {}
    return ["h-" + hashlib.sha256(f"{burgerraad.id}\x1f{first_code[a.uitnodiging.address_id]}".encode("utf-8"))
            .hexdigest()[:12] for a in pool]


def quotas(burgerraad):
    """Core quotas; an unset bound means 0 or the panel size."""
    k = burgerraad.panel_size
    return [sortition.Quota(v.name, q.value, q.min_count if q.min_count is not None else 0,
                            q.max_count if q.max_count is not None else k)
            for v in burgerraad.vragen for q in v.waarden]


def build_instance(burgerraad):
    """The core :class:`~deliberatie.core.sortition.Instance` of the available pool."""
    pool = [a for a in burgerraad.aanmeldingen if a.available]
    return sortition.make_instance(
        [a.anon_id for a in pool], [a.answers for a in pool], quotas(burgerraad),
        _households(burgerraad, pool), file="pool")


def frozen_instance(burgerraad):
    return sortition.instance_from_record({"inputs": json.loads(burgerraad.inputs_json)})


def check_feasibility(burgerraad):
    """Core feasibility of the current pool and quotas (raises InputError on bad input)."""
    instance = build_instance(burgerraad)
    if burgerraad.panel_size > instance.n:
        raise InputError("sortition.panel_larger_than_pool", field="panel_size",
                                   value=burgerraad.panel_size, pool=instance.n)
    return sortition.feasibility(instance, burgerraad.panel_size, households=burgerraad.one_per_household)


def apply_relaxation(burgerraad, *, actor):
    """Apply the smallest relaxation the core proposes; returns the changed quotas."""
    report = check_feasibility(burgerraad)
    if report.feasible or not report.relaxation:
        return ()
    by_key = {(v.name, q.value): q for v in burgerraad.vragen for q in v.waarden}
    for change in report.relaxation:
        quotum = by_key[(change.category, change.value)]
        quotum.min_count, quotum.max_count = change.new_min, change.new_max
    db.session.flush()
    audit.record(actor, "burgerraad.quotas_relaxed", subject(burgerraad), traject_id=burgerraad.traject_id,
                 changes=[f"{c.category}={c.value} {c.min}..{c.max} -> {c.new_min}..{c.new_max}"
                          for c in report.relaxation])
    return report.relaxation


def start_selection(burgerraad, *, algorithm, actor):
    """Queue the computation of the selection distribution (quotas must be feasible)."""
    if burgerraad.status is not BurgerraadStatus.AANMELDEN:
        raise NotAllowedNow()
    burgerraad.algorithm = algorithm
    job = jobs.enqueue(DISTRIBUTION_JOB, {"burgerraad_id": burgerraad.id, "algorithm": algorithm},
                       subject=subject(burgerraad))
    audit.record(actor, "burgerraad.selection_started", subject(burgerraad), traject_id=burgerraad.traject_id,
                 algorithm=algorithm, job=job.id)
    return job


def running_selection(burgerraad):
    """The distribution job still queued or running for this burgerraad, or ``None``.

    The burgerraad's row is locked first (PostgreSQL), so two clicks at once start one job.
    """
    lock(burgerraad)
    job = jobs.latest(subject(burgerraad), DISTRIBUTION_JOB)
    return job if job is not None and job.status in (JobStatus.QUEUED, JobStatus.RUNNING) else None


@jobs.handler(DISTRIBUTION_JOB)
def _distribution_job(job, report):
    burgerraad = db.session.get(Burgerraad, job.params["burgerraad_id"])
    instance = build_instance(burgerraad)
    report(10)
    dist = sortition.distribution(instance, burgerraad.panel_size, algorithm=job.params["algorithm"],
                                  households=burgerraad.one_per_household, progress=_progress(report))
    return {
        "algorithm": dist.algorithm, "k": dist.k, "n": instance.n, "inputs_sha256": instance.sha256(),
        "households": burgerraad.one_per_household,
        "probabilities": [[pid, float(p)] for pid, p in zip(dist.ids, dist.probabilities)],
        "min": float(dist.min_probability), "mean": float(dist.mean_probability), "gini": float(dist.gini),
        "panels": len(dist.compositions), "seconds": dist.diagnostics.get("seconds"),
    }


def latest_distribution(burgerraad):
    """The latest finished distribution job for the current inputs, or ``None``."""
    job = jobs.latest(subject(burgerraad), DISTRIBUTION_JOB)
    return job


# ----------------------------------------------------------------- the transparent draw


def commitment_text(record_or_fields, format=COMMITMENT_FORMAT):
    """The text whose sha256 is the commitment: compact JSON, sorted keys (shown on the public page)."""
    fields = {key: record_or_fields.get(key) for key in COMMITTED_FIELDS[format]}
    fields["format"] = format
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def commitment_of(record_or_fields, format=COMMITMENT_FORMAT):
    """sha256 of everything that fixes the lottery except the seed (published before the seed)."""
    return hashlib.sha256(commitment_text(record_or_fields, format).encode("utf-8")).hexdigest()


def matching_commitment_text(burgerraad, record):
    """The commitment text of ``record`` in whichever format the burgerraad committed with, or None."""
    for format in COMMITTED_FIELDS:
        if commitment_of(record, format) == burgerraad.commitment:
            return commitment_text(record, format)
    return None


def commit_inputs(burgerraad, *, actor):
    """Close registration, freeze the inputs and publish the commitment hash.

    The row is locked first, so a registration arriving meanwhile is either in the frozen pool or refused.
    """
    lock(burgerraad)
    if burgerraad.status is not BurgerraadStatus.AANMELDEN:
        raise NotAllowedNow()
    report = check_feasibility(burgerraad)
    if not report.feasible:
        raise sortition.InfeasibleQuotas(report, k=burgerraad.panel_size)
    instance = build_instance(burgerraad)
    burgerraad.inputs_json = json.dumps(instance.canonical(), sort_keys=True, ensure_ascii=False)
    burgerraad.commitment = commitment_of({
        "inputs_sha256": instance.sha256(), "algorithm": burgerraad.algorithm, "k": burgerraad.panel_size,
        "households": burgerraad.one_per_household, "lottery_size": burgerraad.lottery_size,
        "algorithm_version": sortition.ALGORITHM_VERSION})
    burgerraad.committed_at = utcnow()
    burgerraad.status = BurgerraadStatus.VASTGELEGD
    db.session.flush()
    audit.record(actor, "burgerraad.commitment", subject(burgerraad), traject_id=burgerraad.traject_id,
                 commitment=burgerraad.commitment, inputs_sha256=instance.sha256(),
                 algorithm=burgerraad.algorithm, pool=instance.n)
    return burgerraad.commitment


def start_draw(burgerraad, *, seed, actor):
    """Record the announced seed and queue the draw.

    Once entered, the seed cannot change; when the draw job failed (say the
    worker stopped) it can be started again with the same seed. The row is
    locked and read again first, so two seeds entered at once do not both count.
    """
    lock(burgerraad)
    if burgerraad.status is not BurgerraadStatus.VASTGELEGD:
        raise NotAllowedNow()
    if burgerraad.draw_seed is not None and (seed != burgerraad.draw_seed or not draw_failed(burgerraad)):
        raise NotAllowedNow()
    burgerraad.draw_seed = seed
    job = jobs.enqueue(DRAW_JOB, {"burgerraad_id": burgerraad.id, "actor_id": getattr(actor, "id", None)},
                       subject=subject(burgerraad))
    audit.record(actor, "burgerraad.seed", subject(burgerraad), traject_id=burgerraad.traject_id, seed=seed,
                 job=job.id)
    return job


def draw_failed(burgerraad):
    """The seed is entered but the draw job failed: it may be started again, with that seed only."""
    if burgerraad.status is not BurgerraadStatus.VASTGELEGD or burgerraad.draw_seed is None:
        return False
    last = jobs.latest(subject(burgerraad), DRAW_JOB)
    return last is None or last.status is JobStatus.FAILED


def _waiting_for_draw(burgerraad_id):
    """Lock the burgerraad's row and read it again; raise InputError unless it still waits for its draw.

    A queued draw may find its burgerraad purged, already drawn (a second job)
    or deleted: the job then fails with the status it found and changes nothing.
    """
    burgerraad = db.session.get(Burgerraad, burgerraad_id)
    if burgerraad is not None:
        _lock_pool(burgerraad)
    if burgerraad is None or burgerraad.status is not BurgerraadStatus.VASTGELEGD or burgerraad.draw_seed is None:
        raise InputError("burgerraad.draw_not_possible", status=burgerraad and burgerraad.status.value)
    return burgerraad


@jobs.handler(DRAW_JOB)
def _draw_job(job, report):
    burgerraad = _waiting_for_draw(job.params["burgerraad_id"])
    actor = db.session.get(User, job.params["actor_id"]) if job.params.get("actor_id") else None
    instance = frozen_instance(burgerraad)
    report(10)
    result = sortition.select(instance, burgerraad.panel_size, algorithm=burgerraad.algorithm,
                              seed=int(burgerraad.draw_seed), households=burgerraad.one_per_household,
                              lottery_size=burgerraad.lottery_size, progress=_progress(report))
    record = sortition.make_record(result, instance)
    if matching_commitment_text(burgerraad, record) is None:
        raise InputError("burgerraad.commitment_mismatch", field="commitment")
    burgerraad = _waiting_for_draw(burgerraad.id)  # report() committed, which ended the first lock
    burgerraad.record_json = json.dumps(record, sort_keys=True, ensure_ascii=False)
    burgerraad.published_at = utcnow()
    burgerraad.status = BurgerraadStatus.GELOOT
    panel, rank = set(result.panel), {pid: i for i, pid in enumerate(result.reserves, start=1)}
    for member in burgerraad.aanmeldingen:
        if member.anon_id in panel:
            member.status, member.reserve_rank = DeelnemerStatus.PANEL, None
        elif member.anon_id in rank:
            member.status, member.reserve_rank = DeelnemerStatus.RESERVE, rank[member.anon_id]
    db.session.flush()
    audit.record(actor, "burgerraad.published", subject(burgerraad), traject_id=burgerraad.traject_id,
                 seed=result.seed, chosen_index=result.index, inputs_sha256=result.inputs_sha256,
                 panel=list(result.panel))
    return {"panel": list(result.panel), "index": result.index, "seconds": result.seconds}


def verify_record(burgerraad):
    """Re-run the published draw with the core; ``Verification``."""
    return sortition.verify(burgerraad.record)


def composition(burgerraad):
    """``{question: Counter(value)}`` of the drawn panel, from the public record."""
    record = burgerraad.record
    if record is None:
        return {}
    categories = record["inputs"]["categories"]
    features = {p[0]: p[1] for p in record["inputs"]["people"]}
    counts = {c: Counter() for c in categories}
    for pid in record["panel"]:
        for category, value in zip(categories, features[pid]):
            counts[category][value] += 1
    return counts


# ----------------------------------------------------------------- reserves


def _panel_and_reserves(burgerraad):
    """Sorted anonymous ids of the panel, and the reserves (rows) in list order."""
    panel = sorted(a.anon_id for a in burgerraad.aanmeldingen if a.status is DeelnemerStatus.PANEL)
    reserves = sorted((a for a in burgerraad.aanmeldingen if a.status is DeelnemerStatus.RESERVE),
                      key=lambda a: a.reserve_rank)
    return panel, reserves


def _lock_pool(burgerraad):
    """Lock the burgerraad's row, then the pool's rows, and read them again.

    So two organisers at once do not seat the same reserve, and a purge that
    ran meanwhile shows as the status ``GEWIST`` instead of deleted rows.
    """
    lock(burgerraad)
    db.session.scalars(select(Aanmelding).where(Aanmelding.burgerraad_id == burgerraad.id)
                       .with_for_update().execution_options(populate_existing=True)).all()


def drop_out(burgerraad, member, *, actor):
    """Mark a panel member as dropped out and seat the first reserve who keeps the quotas.

    A reserve who drops out leaves the reserve list (the others keep their
    places) and is never seated; nobody replaces them, so this returns ``None``.
    """
    _lock_pool(burgerraad)
    if burgerraad.status is not BurgerraadStatus.GELOOT or member.status not in (DeelnemerStatus.PANEL,
                                                                                  DeelnemerStatus.RESERVE):
        raise NotAllowedNow()
    if member.status is DeelnemerStatus.RESERVE:
        rank = member.reserve_rank
        member.status, member.reserve_rank = DeelnemerStatus.AFGEHAAKT, None
        db.session.flush()
        audit.record(actor, "burgerraad.reserve_dropped_out", subject(burgerraad),
                     traject_id=burgerraad.traject_id, dropout=member.anon_id, rank=rank)
        return None
    instance = frozen_instance(burgerraad)
    panel, reserves = _panel_and_reserves(burgerraad)
    reserves = [a.anon_id for a in reserves]
    chosen = sortition.replacement(instance, panel, member.anon_id, reserves,
                                   households=burgerraad.one_per_household)
    member.status = DeelnemerStatus.AFGEHAAKT
    replacement = None
    if chosen is not None:
        replacement = next(a for a in burgerraad.aanmeldingen if a.anon_id == chosen)
        replacement.status, replacement.reserve_rank = DeelnemerStatus.PANEL, None
    db.session.flush()
    audit.record(actor, "burgerraad.replaced", subject(burgerraad), traject_id=burgerraad.traject_id,
                 dropout=member.anon_id, replacement=chosen)
    return replacement


def closest_reserve(burgerraad):
    """While a drawn panel has an empty seat: ``(reserve row, ClosestReplacement)``, else ``None``.

    The reserve is the one whose seat breaks the quotas least (ties: the
    earlier on the list); ``ClosestReplacement.off`` lists the quotas that
    would then not hold.
    """
    if burgerraad.status is not BurgerraadStatus.GELOOT:
        return None
    panel, reserves = _panel_and_reserves(burgerraad)
    if len(panel) >= burgerraad.panel_size:
        return None
    best = sortition.closest_replacement(frozen_instance(burgerraad), panel, [a.anon_id for a in reserves],
                                         households=burgerraad.one_per_household)
    if best is None:
        return None
    return next(a for a in reserves if a.anon_id == best.id), best


def seat_closest_reserve(burgerraad, member, *, actor):
    """Seat ``member`` in an empty seat even if a quota then does not hold; returns the ClosestReplacement.

    Only the reserve :func:`closest_reserve` names now, and only while the
    panel has an empty seat. The rows of the pool are locked first, so two
    organisers clicking at once cannot both fill the same seat.
    """
    _lock_pool(burgerraad)
    found = closest_reserve(burgerraad)
    if found is None or found[0] is not member:
        raise NotAllowedNow()
    best = found[1]
    member.status, member.reserve_rank = DeelnemerStatus.PANEL, None
    db.session.flush()
    audit.record(actor, "burgerraad.reserve_seated", subject(burgerraad), traject_id=burgerraad.traject_id,
                 replacement=member.anon_id, quotas_met=not best.off, deviation=best.deviation,
                 off=[f"{m.category}={m.value} {m.count} ({m.min}..{m.max})" for m in best.off])
    return best
