"""Who may see the statistics: the traject's organisers, raadsleden and beheerders."""

from ..models import Role
from ..permissions import can_edit_traject, can_read_reports, can_view_traject, is_beheerder


def can_view_statistics(user, traject):
    """Organisers of this traject and beheerders always; raadsleden once it is published.

    Organisers of other trajecten read the raad's reports (``can_read_reports``)
    but not the working pages of a traject that is not theirs.
    """
    if can_edit_traject(user, traject):
        return True
    return (can_read_reports(user) and user.role is Role.RAADSLID
            and can_view_traject(user, traject))


def can_view_population(user):
    """The population figures page: everyone who reads the raad's reports."""
    return can_read_reports(user)


def can_import_population(user):
    return is_beheerder(user)
