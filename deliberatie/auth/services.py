"""Account use cases. Services flush; the view commits."""

import functools
import hashlib
import unicodedata

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Role, User

_RESET_SALT = "deliberatie.password-reset"


class EmailTaken(Exception):
    pass


def normalise_email(email: str) -> str:
    """One spelling per address: no surrounding spaces, lower case, accents composed (NFC)."""
    return unicodedata.normalize("NFC", email.strip().lower())


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def find_active_user(email: str) -> User | None:
    """The active account with this address (a jury member, a tafelvoorzitter), or None."""
    user = find_user(email)
    return user if user is not None and user.active else None


def register_user(*, email, password, name="", role=Role.INWONER) -> User:
    if find_user(email):
        raise EmailTaken(email)
    user = User(email=normalise_email(email), name=name.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email, password) -> User | None:
    """The active user with this e-mail and password, else None.

    A missing account still costs one hash check, so timing does not tell
    whether an address has an account.
    """
    user = find_user(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("not a password", method="scrypt")


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def _fingerprint(user: User) -> str:
    """Changes when the password changes, so a reset link works only once."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def password_reset_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "pw": _fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("user"))
    if user is None or not user.active or data.get("pw") != _fingerprint(user):
        return None
    return user


def reset_password(user: User, password: str) -> None:
    user.set_password(password)
    db.session.flush()
