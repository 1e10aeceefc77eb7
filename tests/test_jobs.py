"""The job runner: a job whose process died does not stay "running" for ever (PostgreSQL)."""

import json

import pytest
from sqlalchemy import text

from deliberatie import jobs
from deliberatie.extensions import db
from deliberatie.models.job import Job, JobStatus
from tests.helpers import postgres_only


@jobs.handler("test.sleepless")
def _quick(job, report):
    return {"ok": True}


def _running(subject):
    job = jobs.enqueue("test.sleepless", subject=subject)
    job.status = JobStatus.RUNNING
    db.session.commit()
    return job.id


@pytest.mark.postgres
def test_a_running_job_whose_process_is_gone_is_marked_interrupted_and_a_live_one_is_not(app, database):
    postgres_only(database)
    orphan, alive = _running("test:orphan"), _running("test:alive")
    # a live worker elsewhere holds its job's lock on a connection of its own
    worker = db.engine.connect()
    worker.execute(text("SELECT pg_advisory_lock(:s, :j)"), {"s": jobs.LOCK_SPACE, "j": alive})
    worker.commit()
    try:
        assert jobs.recover_interrupted() == [orphan]
    finally:
        worker.close()  # as when the worker's process dies: the lock goes with the connection
    db.session.expire_all()
    job = db.session.get(Job, orphan)
    assert job.status is JobStatus.FAILED and json.loads(job.error)["code"] == "job.interrupted"
    assert db.session.get(Job, alive).status is JobStatus.RUNNING
    assert jobs.recover_interrupted() == [alive]  # its worker is gone now too


@pytest.mark.postgres
def test_a_job_run_to_the_end_leaves_no_lock_behind(app, database):
    postgres_only(database)
    job = jobs.enqueue("test.sleepless")
    db.session.commit()
    assert jobs.run(job.id).status is JobStatus.DONE
    with db.engine.connect() as other:
        free = other.execute(text("SELECT pg_try_advisory_lock(:s, :j)"), {"s": jobs.LOCK_SPACE, "j": job.id}).scalar()
        other.execute(text("SELECT pg_advisory_unlock_all()"))
    assert free


def test_without_postgresql_nothing_is_recovered(app, database):
    if database[2] is not None:
        pytest.skip("SQLite leg: PostgreSQL has its own test")
    _running("test:sqlite")
    assert jobs.recover_interrupted() == []
