"""Who may do what with a burgerraad; builds on :mod:`deliberatie.permissions`."""

from ..permissions import can_edit_traject, can_view_traject
from .models import BurgerraadStatus


def can_manage_burgerraad(user, burgerraad):
    """Organisers of the traject and beheerders run both stages."""
    return can_edit_traject(user, burgerraad.traject)


def can_view_draw(user, burgerraad):
    """The verification page is public once the commitment is published."""
    return can_view_traject(user, burgerraad.traject) and burgerraad.commitment is not None


def registration_open(burgerraad):
    return burgerraad.status is BurgerraadStatus.AANMELDEN


def can_purge(user, burgerraad):
    return can_manage_burgerraad(user, burgerraad) and burgerraad.status is BurgerraadStatus.GELOOT
