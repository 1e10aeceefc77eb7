"""Who may do what with a wijkbudget (builds on deliberatie.permissions)."""

from ..permissions import can_edit_traject, can_view_traject
from .models import Phase


def can_create_wijkbudget(user, traject):
    return can_edit_traject(user, traject)


def can_manage_wijkbudget(user, wijkbudget):
    """The traject's organisers and beheerders set up, run, count and publish."""
    return can_edit_traject(user, wijkbudget.traject)


def can_view_wijkbudget(user, wijkbudget):
    """Public once out of preparation and when the traject is visible."""
    if can_manage_wijkbudget(user, wijkbudget):
        return True
    return can_view_traject(user, wijkbudget.traject) and wijkbudget.phase is not Phase.VOORBEREIDING


def can_vote(user, wijkbudget):
    """Anyone with a stemcode; no account needed. The code and period are checked on submission."""
    return can_view_wijkbudget(user, wijkbudget) and wijkbudget.phase is Phase.STEMMEN


def can_see_results(user, wijkbudget):
    """Everybody after publication; before that nobody but the organisers."""
    if wijkbudget.result_json is None:
        return False
    if wijkbudget.phase is Phase.GEPUBLICEERD:
        return can_view_wijkbudget(user, wijkbudget)
    return can_manage_wijkbudget(user, wijkbudget)
