"""Who may do what with pitches."""

from ..models import Role, TrajectStatus
from ..permissions import can_edit_traject, can_view_traject
from .models import PitchStatus


def _signed_in(user):
    return bool(user and user.is_authenticated)


def can_view_pitch(user, pitch):
    return can_view_traject(user, pitch.traject)


def can_submit_pitch(user, traject):
    """Any signed-in account, while the traject is open."""
    return _signed_in(user) and traject.status is TrajectStatus.OPEN and can_view_traject(user, traject)


def can_edit_pitch(user, pitch):
    """The initiator until the organiser has started checking it; organisers always."""
    if can_manage_pitches(user, pitch.traject):
        return True
    return (_signed_in(user) and pitch.initiator_id == user.id and pitch.status is PitchStatus.ONTVANGEN)


def can_support(user, pitch):
    """Residents (role inwoner), not for their own pitch, not for a rejected one."""
    return (_signed_in(user) and user.role is Role.INWONER and pitch.initiator_id != user.id
            and pitch.status is not PitchStatus.AFGEWEZEN and pitch.traject.status is TrajectStatus.OPEN)


def can_support_with_code(pitch):
    """Anyone with a steuncode of the round (the code is the right), for a pitch open to support."""
    return pitch.status is not PitchStatus.AFGEWEZEN and pitch.traject.status is TrajectStatus.OPEN


def can_manage_pitches(user, traject):
    return can_edit_traject(user, traject)


def is_own_pitch(user, pitch):
    """The user submitted the pitch as its author: its initiator (``Pitch.initiator_id``).

    A pitch born at a thematafel (``idee_id``) names as initiator the organiser
    who turned the table's idea into a pitch, to keep them informed; its
    authors are the residents at that table, so it is nobody's own pitch here.
    """
    return (_signed_in(user) and pitch.initiator_id is not None and pitch.initiator_id == user.id
            and pitch.idee_id is None)


def can_score(user, pitch, lid):
    """Jury members of the traject's round, for pitches not rejected and not their own."""
    return (_signed_in(user) and lid is not None and pitch.status is not PitchStatus.AFGEWEZEN
            and not is_own_pitch(user, pitch))


def can_see_ranking(user, traject, ronde):
    if can_manage_pitches(user, traject):
        return True
    return ronde is not None and ronde.published_at is not None and can_view_traject(user, traject)
