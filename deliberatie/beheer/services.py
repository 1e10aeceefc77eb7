"""Account management use cases."""

from sqlalchemy import func, select

from ..extensions import db
from ..models import Role, User


class LastBeheerder(Exception):
    """Refused: the change would leave no active beheerder."""


def update_account(account: User, *, role: Role, active: bool) -> User:
    loses_beheer = account.role is Role.BEHEERDER and (role is not Role.BEHEERDER or not active)
    if loses_beheer:
        others = db.session.scalar(
            select(func.count()).select_from(User).where(
                User.role == Role.BEHEERDER, User.active.is_(True), User.id != account.id
            )
        )
        if not others:
            raise LastBeheerder()
    account.role = role
    account.active = active
    db.session.flush()
    return account
