"""Account management use cases."""

from sqlalchemy import select

from .. import audit, privacy
from ..extensions import db
from ..models import Role, User


class LastBeheerder(Exception):
    """Refused: the change would leave no active beheerder."""


def update_account(account: User, *, role: Role, active: bool, actor=None) -> User:
    loses_beheer = account.role is Role.BEHEERDER and (role is not Role.BEHEERDER or not active)
    if loses_beheer:
        # Lock every active beheerder (on PostgreSQL), this one included: two beheerders demoting
        # each other at once take turns, and the second sees the first's change.
        beheerders = db.session.scalars(
            select(User.id).where(User.role == Role.BEHEERDER, User.active.is_(True)).with_for_update()
        ).all()
        if not set(beheerders) - {account.id}:
            raise LastBeheerder()
    before = (account.role, account.active)
    account.role = role
    account.active = active
    if before != (role, active):
        # A role decides who may open, count and publish votes: on record, like those acts.
        audit.record(actor, "beheer.account", f"user:{account.id}",
                     role=[before[0].value, role.value], active=[before[1], active])
    db.session.flush()
    return account


class StillActive(Exception):
    """Refused: an account is deleted only after it was made inactive (a separate, reversible step)."""


def delete_account(account: User, *, actor) -> None:
    """Delete an ended account and what is linked to it, as a resident deletes their own.

    The audit log keeps the acts done with the account (they are never edited);
    the deletion itself goes on record with the beheerder as actor.
    """
    if account.active:
        raise StillActive()
    privacy.delete_account(account, actor=actor)

