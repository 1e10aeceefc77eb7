"""Account use cases. Services flush; the view commits."""

import functools
import hashlib
import unicodedata
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Role, User

_RESET_SALT = "deliberatie.password-reset"
_REGISTER_SALT = "deliberatie.register"
REGISTRATION_MAX_AGE = 24 * 60 * 60  # seconds a registration link holds


class EmailTaken(Exception):
    pass


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


@dataclass(frozen=True)
class Registration:
    """What a registration link carries: the address it was sent to, the name given, where to go after."""

    email: str
    name: str
    next: str


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
    """A new account; EmailTaken if the address has one, also one written meanwhile by another request."""
    if find_user(email):
        raise EmailTaken(email)
    user = User(email=normalise_email(email), name=name.strip(), role=role)
    user.set_password(password)
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise EmailTaken(email) from None
    return user


def registration_token(email: str, name: str, next_url: str) -> str:
    """A signed, timed link token for a new account at ``email``; nothing is stored until it is used.

    Signed, not encrypted: the address and name can be read from the link.
    """
    data = {"email": normalise_email(email), "name": name.strip(), "next": next_url}
    return _serializer(_REGISTER_SALT).dumps(data)


def registration_from_token(token: str) -> Registration:
    """The registration a link carries; LinkExpired after 24 hours, LinkInvalid if it was not ours."""
    try:
        data = _serializer(_REGISTER_SALT).loads(token, max_age=REGISTRATION_MAX_AGE)
    except SignatureExpired:
        raise LinkExpired() from None
    except BadSignature:
        raise LinkInvalid() from None
    if not isinstance(data, dict) or not isinstance(data.get("email"), str) or not data["email"]:
        raise LinkInvalid()
    return Registration(email=data["email"], name=str(data.get("name") or ""), next=str(data.get("next") or ""))


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


def _serializer(salt=_RESET_SALT):
    """One salt per purpose, so a token made for one link never passes as another."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


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
