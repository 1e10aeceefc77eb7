"""Who may do what: small predicates that views, services and templates call.

Components add their own predicates in their ``permissions.py`` and build on
these. :func:`require` turns a refusal into a login redirect for anonymous
visitors and a 403 for signed-in users.
"""

from flask import abort, redirect, request, url_for

from .extensions import db
from .models import Role, Traject, TrajectStatus


def _has(user, *roles):
    return bool(user and user.is_authenticated and user.role in roles)


def is_beheerder(user):
    return _has(user, Role.BEHEERDER)


def can_manage_accounts(user):
    return is_beheerder(user)


def can_create_traject(user):
    return _has(user, Role.ORGANISATOR, Role.BEHEERDER)


def can_edit_traject(user, traject):
    """Beheerders edit every traject, organisers the ones they organise."""
    if is_beheerder(user):
        return True
    return _has(user, Role.ORGANISATOR) and any(o.id == user.id for o in traject.organisatoren)


def can_view_traject(user, traject):
    """Published trajecten are public; concepts only for those who edit them."""
    return traject.status is not TrajectStatus.CONCEPT or can_edit_traject(user, traject)


def can_read_reports(user):
    """Gemeente-wide report pages (population figures): raadsleden, organisers and beheerders."""
    return _has(user, Role.RAADSLID, Role.ORGANISATOR, Role.BEHEERDER)


def can_read_traject_reports(user, traject):
    """A traject's reports before they are public: its organisers, beheerders and raadsleden.

    Organisers of other trajecten are residents here: least privilege, so a
    draft report (minority views, opinion map) stays with those who need it.
    """
    return can_edit_traject(user, traject) or (_has(user, Role.RAADSLID) and can_view_traject(user, traject))


PREDICATES = ("is_beheerder", "can_manage_accounts", "can_create_traject", "can_edit_traject",
              "can_view_traject", "can_read_reports", "can_read_traject_reports")


def require(allowed: bool):
    """Stop the request unless ``allowed``: login first, then 403."""
    from flask_login import current_user

    if allowed:
        return
    if not current_user.is_authenticated:
        abort(redirect(url_for("auth.login", next=request.full_path.rstrip("?"))))
    abort(403)


def get_visible_traject(traject_id) -> Traject:
    """The traject, or 404 when it does not exist or is a concept this user may not see."""
    from flask_login import current_user

    traject = db.session.get(Traject, traject_id)
    if traject is None or not can_view_traject(current_user, traject):
        abort(404)
    return traject
