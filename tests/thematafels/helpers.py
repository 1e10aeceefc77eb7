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
