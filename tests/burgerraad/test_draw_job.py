"""The draw job checks, under the burgerraad's row lock, that the burgerraad still waits for its draw."""

import pytest
from sqlalchemy import select

from deliberatie import jobs
from deliberatie.burgerraad import messages, privacy, selection
from deliberatie.burgerraad.models import Aanmelding, Burgerraad, BurgerraadStatus, DeelnemerStatus
from deliberatie.extensions import db
from deliberatie.models import AuditEntry
from deliberatie.models.job import JobStatus
from tests.burgerraad.conftest import with_pool
from tests.helpers import in_turn, postgres_only


@pytest.fixture
def queued(world):
    """A committed burgerraad with its seed entered and its draw job queued: ``(burgerraad id, job id)``."""
    burgerraad = with_pool(world, n=40, panel_size=6, letters=40, codes_per_letter=1)
    selection.commit_inputs(burgerraad, actor=world["organisator"])
    job = selection.start_draw(burgerraad, seed=7, actor=world["organisator"])
    db.session.commit()
    return burgerraad.id, job.id


def _actions():
    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def _failed_with(job, status):
    assert job.status is JobStatus.FAILED
    code, params = jobs.error_of(job)
    assert code == "burgerraad.draw_not_possible" and params == {"status": status}
    return messages.input_error(code, params)


def test_a_draw_job_for_a_purged_burgerraad_fails_and_changes_nothing(app, world, queued):
    burgerraad_id, job_id = queued
    privacy.purge(db.session.get(Burgerraad, burgerraad_id), actor=None)
    db.session.commit()
    before = _actions()
    job = jobs.run(job_id)
    with app.test_request_context():
        assert "gewist" in _failed_with(job, "gewist")
    burgerraad = db.session.get(Burgerraad, burgerraad_id)
    assert burgerraad.status is BurgerraadStatus.GEWIST and burgerraad.record_json is None
    assert burgerraad.published_at is None and _actions() == before


def test_a_second_draw_job_for_a_drawn_burgerraad_fails_and_changes_nothing(app, world, queued):
    burgerraad_id, job_id = queued
    assert jobs.run(job_id).status is JobStatus.DONE
    burgerraad = db.session.get(Burgerraad, burgerraad_id)
    record, published = burgerraad.record_json, burgerraad.published_at
    # a member's status changes after the draw (a drop-out): a second draw must not undo it
    member = next(a for a in burgerraad.aanmeldingen if a.status is DeelnemerStatus.PANEL)
    member.status, member_id = DeelnemerStatus.AFGEHAAKT, member.id
    again = jobs.enqueue(selection.DRAW_JOB, {"burgerraad_id": burgerraad_id, "actor_id": None},
                         subject=selection.subject(burgerraad))
    db.session.commit()
    before = _actions()
    job = jobs.run(again.id)
    with app.test_request_context():
        assert "al geloot" in _failed_with(job, "geloot")
    burgerraad = db.session.get(Burgerraad, burgerraad_id)
    assert burgerraad.record_json == record and burgerraad.published_at == published
    assert db.session.get(Aanmelding, member_id).status is DeelnemerStatus.AFGEHAAKT and _actions() == before


def test_a_draw_job_for_a_deleted_burgerraad_fails_with_a_reason(app, world, queued):
    burgerraad_id, job_id = queued
    db.session.delete(db.session.get(Burgerraad, burgerraad_id))
    db.session.commit()
    job = jobs.run(job_id)
    with app.test_request_context():
        assert "bestaat niet meer" in _failed_with(job, None)


def test_the_failed_draw_page_offers_no_new_draw_when_the_burgerraad_moved_on(client, auth, world, queued):
    burgerraad_id, job_id = queued
    privacy.purge(db.session.get(Burgerraad, burgerraad_id), actor=None)
    db.session.commit()
    jobs.run(job_id)
    auth.login("org@example.org")
    page = client.get(f"/burgerraad/{burgerraad_id}/taak/{job_id}").text
    assert "gewist" in page and "opnieuw met hetzelfde getal" not in page


@pytest.mark.postgres
def test_a_purge_while_the_draw_job_starts_makes_the_job_fail(app, database, world, queued):
    """The purge holds the row while the job starts: the job waits, then finds the burgerraad purged."""
    postgres_only(database)
    burgerraad_id, job_id = queued
    finished = []

    def purge():
        privacy.purge(db.session.get(Burgerraad, burgerraad_id), actor=None)

    def draw():
        finished.append(jobs.run(job_id).status)

    assert in_turn(app, purge, draw) == ["stored", "stored"]
    assert finished == [JobStatus.FAILED]
    burgerraad = db.session.get(Burgerraad, burgerraad_id)
    assert burgerraad.status is BurgerraadStatus.GEWIST and burgerraad.record_json is None
    assert _actions()[-1] == "burgerraad.purged"
