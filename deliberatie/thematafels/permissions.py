"""Who may do what with thematafels."""

from ..models import Role
from ..permissions import can_edit_traject, can_view_traject
from .models import EventStatus


def can_view_event(user, event):
    return can_view_traject(user, event.traject)


def can_manage_event(user, event):
    """Organisers of the traject (and beheerders) run the event."""
    return can_edit_traject(user, event.traject)


def can_sign_up(user, event):
    """Any signed-in account may take a seat while sign-up is open."""
    return bool(user and user.is_authenticated and can_view_event(user, event)
                and event.status is EventStatus.AANMELDEN)


def can_withdraw(user, event):
    """Whoever signed up may take it back while sign-up is open; after the seating, the organiser does it."""
    return can_sign_up(user, event)


def can_facilitate(user, tafel):
    """The table's tafelvoorzitter, and whoever runs the event."""
    event = tafel.thema.event
    if can_manage_event(user, event):
        return True
    return bool(user and user.is_authenticated and tafel.voorzitter_id == user.id
                and event.status is not EventStatus.AFGEROND)


def can_see_table_lists(user, event):
    """Names on the table lists: organisers and the event's tafelvoorzitters only."""
    if can_manage_event(user, event):
        return True
    return bool(user and user.is_authenticated and any(t.voorzitter_id == user.id for t in event.tafels))


def can_see_harvest(user, event):
    return can_view_event(user, event)


def can_promote_idea(user, event):
    return can_manage_event(user, event) and bool(user.role in (Role.ORGANISATOR, Role.BEHEERDER))
