import pytest
import sqlalchemy as sa

from deliberatie.extensions import db
from deliberatie.models import Role
from deliberatie.wijkbudget import codes
from tests.factories import PASSWORD, make_gemeente, make_traject

from .helpers import make_wijkbudget


def make_user(role, email):
    """As tests.factories.make_user, with a cheap hash: scrypt per user made the suite slow."""
    from werkzeug.security import generate_password_hash

    from deliberatie.models import User

    user = User(email=email, role=role, name=role.value.title(),
                password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
    db.session.add(user)
    db.session.flush()
    return user


@pytest.fixture(autouse=True)
def _uploads(request, tmp_path):
    """Project images go to a temporary folder, never into instance/."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["WIJKBUDGET_UPLOAD_DIR"] = str(tmp_path / "uploads")


@pytest.fixture
def world(app):
    """A municipality, one user per role, a traject and a wijkbudget with voting open and 5 codes."""
    gemeente = make_gemeente()
    organisator = make_user(Role.ORGANISATOR, "org@example.org")
    make_user(Role.ORGANISATOR, "ander@example.org")
    make_user(Role.INWONER, "ina@example.org")
    make_user(Role.RAADSLID, "raad@example.org")
    make_user(Role.BEHEERDER, "beheer@example.org")
    traject = make_traject(gemeente, organisator)
    wijkbudget = make_wijkbudget(traject, max_choices=2)
    plain = codes.generate_codes(wijkbudget, 5)
    db.session.commit()
    return dict(gemeente=gemeente, traject=traject.id, wb=wijkbudget.id, codes=plain,
                projects={p.title: str(p.id) for p in wijkbudget.projects})


@pytest.fixture
def statements(app):
    """The SQL statements the app sends, collected while the test runs."""
    seen = []

    def collect(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", collect)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", collect)
