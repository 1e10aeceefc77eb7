"""Helpers shared by component tests: fast accounts, and concurrent requests on PostgreSQL."""

import threading
import time

from werkzeug.security import generate_password_hash

from deliberatie.extensions import db
from deliberatie.models import Role, User
from tests.factories import PASSWORD

_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


def fast_user(role=Role.INWONER, email=None):
    """An account with a cheap hash, so logins do not cost 0.3 s of scrypt each."""
    user = User(email=email or f"{role.value}-{db.session.query(User).count()}@example.org", role=role,
                name=role.value.title(), password_hash=_HASH)
    db.session.add(user)
    db.session.flush()
    return user


def postgres_only(database):
    """Skip a race test on SQLite, which lets one writer in at a time."""
    import pytest

    if database[2] is None:
        pytest.skip("PostgreSQL only: SQLite lets one writer in at a time, so there is no race to test")


def _in_threads(app, n, work) -> list:
    """Run ``work(i, barrier)`` in ``n`` threads, each with its own session; their outcomes, by ``i``.

    An outcome is "stored" after a commit, the code of a refusal (a service's
    ``ServiceError``), or the repr of anything else, so a failure in a thread
    shows in the assertion instead of being lost.
    """
    barrier = threading.Barrier(n)
    outcomes = [None] * n

    def run(i):
        with app.test_request_context():  # mails and messages are translated
            try:
                work(i, barrier)
                db.session.commit()
                outcomes[i] = "stored"
            except Exception as error:  # noqa: BLE001 - see the docstring
                db.session.rollback()
                outcomes[i] = error.code if type(error).__name__ == "ServiceError" else repr(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    return outcomes


def race(app, n, work):
    """Run ``work(i, barrier)`` in ``n`` threads at once, each with its own session; their outcomes, sorted.

    See :func:`_in_threads` for the outcomes.
    """
    return sorted(_in_threads(app, n, work))


def _waits_for_a_lock(pid) -> bool:
    return db.session.scalar(db.text("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = :pid AND NOT granted)"),
                             {"pid": pid})


def in_turn(app, first, second, *, timeout=30):
    """Run ``first()``, then ``second()`` while ``first``'s transaction is still open; their outcomes, in order.

    Each runs in its own thread and session (outcomes as :func:`race`).
    ``first`` keeps its transaction, and so its locks, until ``second`` waits
    for a lock (PostgreSQL's ``pg_locks``) or has finished without waiting,
    and only then commits: ``second`` is the request that arrives a moment
    later, deterministically, without sleeping. Whatever ``second`` reads
    before it waits is what was committed before ``first``, as a page loaded
    earlier.
    """
    started, done = threading.Event(), threading.Event()
    backend = []

    def work(i, _barrier):
        if i == 0:
            try:
                first()
            finally:
                started.set()
            deadline = time.monotonic() + timeout
            while not done.is_set() and not (backend and _waits_for_a_lock(backend[0])):
                if time.monotonic() > deadline:
                    raise AssertionError("the second request neither waited for a lock nor finished")
                time.sleep(0.005)
        else:
            backend.append(db.session.scalar(db.text("SELECT pg_backend_pid()")))
            started.wait(timeout)
            try:
                second()
            finally:
                done.set()

    return _in_threads(app, 2, work)
