"""Fast accounts for these tests: a cheap hash so logins do not cost 0.3 s of scrypt each."""

from werkzeug.security import generate_password_hash

from deliberatie.extensions import db
from deliberatie.models import Role, User
from tests.factories import PASSWORD

_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


def fast_user(role=Role.INWONER, email=None):
    user = User(email=email or f"{role.value}-{db.session.query(User).count()}@example.org", role=role,
                name=role.value.title(), password_hash=_HASH)
    db.session.add(user)
    db.session.flush()
    return user


def race(app, n, work):
    """Run ``work(i, barrier)`` in ``n`` threads, each with its own session; their outcomes, sorted.

    An outcome is "stored" after a commit, the code of a refusal (a service's
    ``ServiceError``), or the repr of anything else, so a failure in a thread
    shows in the assertion instead of being lost.
    """
    import threading

    barrier = threading.Barrier(n)
    outcomes = []

    def run(i):
        with app.test_request_context():  # mails and messages are translated
            try:
                work(i, barrier)
                db.session.commit()
                outcomes.append("stored")
            except Exception as error:  # noqa: BLE001 - see the docstring
                db.session.rollback()
                outcomes.append(error.code if type(error).__name__ == "ServiceError" else repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    return sorted(outcomes)


def postgres_only(database):
    """Skip a race test on SQLite, which lets one writer in at a time."""
    import pytest

    if database[2] is None:
        pytest.skip("PostgreSQL only: SQLite lets one writer in at a time, so there is no race to test")
