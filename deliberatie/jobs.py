"""A small job runner: work that may take more than a second runs outside the request.

A component registers a handler for a job kind, a service enqueues a job
(a :class:`~deliberatie.models.job.Job` row) and the view, after its commit,
calls :func:`dispatch`. How the job then runs depends on ``JOBS_EXECUTOR``:

``"thread"`` (development and tests, the default outside production)
    a background thread in this process; the view waits up to
    ``JOBS_WAIT_SECONDS`` (default 1) so quick jobs finish before the
    redirect, longer ones continue while a progress page refreshes.
``"queue"`` (production default)
    nothing happens in the web process; ``flask jobs work`` picks up queued
    jobs, one at a time, in a separate process.

A job whose process dies (a killed worker, a restarted server) would stay
"running" for ever. On PostgreSQL each running job holds an advisory lock on a
connection of its own, which the database drops with the process; the worker
marks running jobs whose lock is free as failed (``job.interrupted``), so their
page offers a new start.

A handler ``fn(job, report)`` returns a JSON-ready result; it may write rows
in the same session (committed together with the result). ``report(percent)``
commits progress, so call it only before writing results. Bad input is raised
as :class:`deliberatie.core.errors.InputError` and stored with its code and
parameters, so the page can explain it in Dutch.
"""

import json
import logging
import threading
import time

import click
from flask import current_app
from sqlalchemy import select, text, update

from .core.errors import InputError
from .extensions import db
from .models.job import Job, JobStatus
from .models.types import utcnow

log = logging.getLogger(__name__)
HANDLERS = {}
_threads: list[threading.Thread] = []


def handler(kind):
    """Register ``fn(job, report)`` as the handler of ``kind``."""

    def register(fn):
        HANDLERS[kind] = fn
        return fn

    return register


def enqueue(kind, params=None, *, subject=""):
    """Add a queued job in the caller's transaction (flushes, never commits)."""
    if kind not in HANDLERS:
        raise KeyError(kind)
    job = Job(kind=kind, subject=subject, params_json=json.dumps(params or {}, sort_keys=True),
              status=JobStatus.QUEUED, progress=0)
    db.session.add(job)
    db.session.flush()
    return job


def latest(subject, kind=None):
    query = select(Job).where(Job.subject == subject)
    if kind is not None:
        query = query.where(Job.kind == kind)
    return db.session.scalar(query.order_by(Job.id.desc()).limit(1))


def executor(app=None):
    app = app or current_app
    default = "queue" if app.config.get("ENV") == "production" else "thread"
    return app.config.get("JOBS_EXECUTOR", default)


def dispatch(job_id):
    """Start a committed job according to ``JOBS_EXECUTOR``; return whether it has finished."""
    app = current_app._get_current_object()
    if executor(app) != "thread":
        return False
    thread = threading.Thread(target=_run_in_context, args=(app, job_id), daemon=True,
                              name=f"job-{job_id}")
    _threads.append(thread)
    thread.start()
    thread.join(float(app.config.get("JOBS_WAIT_SECONDS", 1.0)))
    return not thread.is_alive()


def wait_all(timeout=60.0):
    """Join every background job thread (tests and shutdown)."""
    deadline = time.monotonic() + timeout
    while _threads:
        _threads.pop().join(max(0.0, deadline - time.monotonic()))


def _run_in_context(app, job_id):
    with app.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


LOCK_SPACE = 0x6A6F62  # "job": the first key of every job's advisory lock


def _hold(job_id):
    """On PostgreSQL: a connection of its own holding the job's advisory lock (None elsewhere).

    Taken before the job is claimed, so a running job always has it; the lock is
    per session, so it lasts across the job's commits and ends with the process.
    """
    if db.engine.dialect.name != "postgresql":
        return None
    conn = db.engine.connect()
    conn.execute(text("SELECT pg_advisory_lock(:space, :job)"), {"space": LOCK_SPACE, "job": job_id})
    conn.commit()
    return conn


def _release(conn, job_id):
    if conn is not None:
        conn.execute(text("SELECT pg_advisory_unlock(:space, :job)"), {"space": LOCK_SPACE, "job": job_id})
        conn.commit()
        conn.close()


def recover_interrupted():
    """Mark running jobs whose process is gone as failed; returns their ids (PostgreSQL only)."""
    if db.engine.dialect.name != "postgresql":
        return []
    running = db.session.scalars(select(Job.id).where(Job.status == JobStatus.RUNNING)).all()
    db.session.commit()
    gone = []
    with db.engine.connect() as conn:
        for job_id in running:
            free = conn.execute(text("SELECT pg_try_advisory_lock(:space, :job)"),
                                {"space": LOCK_SPACE, "job": job_id}).scalar()
            if free:
                conn.execute(text("SELECT pg_advisory_unlock(:space, :job)"), {"space": LOCK_SPACE, "job": job_id})
                gone.append(job_id)
        conn.commit()
    interrupted = json.dumps({"code": "job.interrupted", "params": {}})
    for job_id in gone:  # still running only if it did not finish a moment ago
        db.session.execute(update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING)
                           .values(status=JobStatus.FAILED, error=interrupted, finished_at=utcnow()))
    db.session.commit()
    if gone:
        log.warning("jobs %s were interrupted (their process is gone)", gone)
    return gone


def _claim(job_id):
    """Mark a queued job running; ``False`` when another worker took it first."""
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=utcnow(), progress=1)
    ).rowcount
    db.session.commit()
    return claimed == 1


def run(job_id):
    """Run one queued job to completion in this process and commit its outcome."""
    hold = _hold(job_id)
    try:
        if not _claim(job_id):
            return None
        return _run_claimed(job_id)
    finally:
        _release(hold, job_id)


def _run_claimed(job_id):
    job = db.session.get(Job, job_id)

    def report(percent):
        job.progress = max(1, min(99, int(percent)))
        db.session.commit()

    try:
        result = HANDLERS[job.kind](job, report)
    except InputError as error:
        db.session.rollback()
        _finish(job_id, JobStatus.FAILED, error=json.dumps(
            {"code": error.code, "params": error.params}, sort_keys=True, default=str))
    except Exception as error:  # noqa: BLE001 - the job must end, with a reason
        log.exception("job %s failed", job_id)
        db.session.rollback()
        _finish(job_id, JobStatus.FAILED, error=json.dumps({"code": "job.crashed", "params": {
            "detail": type(error).__name__}}))
    else:
        job.result_json = json.dumps(result, sort_keys=True, default=str)
        job.status = JobStatus.DONE
        job.progress = 100
        job.finished_at = utcnow()
        db.session.commit()
    return db.session.get(Job, job_id)


def _finish(job_id, status, *, error):
    job = db.session.get(Job, job_id)
    job.status, job.error, job.finished_at = status, error, utcnow()
    db.session.commit()


def error_of(job):
    """``(code, params)`` of a failed job, or ``None``."""
    if job.status is not JobStatus.FAILED or not job.error:
        return None
    data = json.loads(job.error)
    return data.get("code"), data.get("params", {})


def work(*, once=False, poll=2.0):
    """Process queued jobs, oldest first; with ``once`` stop when none is left."""
    done = 0
    while True:
        recover_interrupted()
        job_id = db.session.scalar(select(Job.id).where(Job.status == JobStatus.QUEUED)
                                   .order_by(Job.id).limit(1))
        db.session.commit()
        if job_id is None:
            if once:
                return done
            time.sleep(poll)
            continue
        if run(job_id) is not None:
            done += 1


@click.group("jobs")
def jobs_group():
    """Background jobs (long selections and draws)."""


@jobs_group.command("work")
@click.option("--once", is_flag=True, help="Stop when the queue is empty.")
@click.option("--poll", default=2.0, show_default=True, help="Seconds between looks at the queue.")
def work_command(once, poll):
    """Process queued jobs (run this beside the web server in production)."""
    done = work(once=once, poll=poll)
    click.echo(f"{done} job(s) processed")


def init_app(app):
    if "jobs" not in app.cli.commands:
        app.cli.add_command(jobs_group)
