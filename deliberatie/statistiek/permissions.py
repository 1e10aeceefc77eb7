"""Who may see the statistics: the traject's organisers, raadsleden and beheerders."""

from ..permissions import can_read_reports, can_read_traject_reports, is_beheerder


def can_view_statistics(user, traject):
    """Organisers of this traject and beheerders always; raadsleden once it is published."""
    return can_read_traject_reports(user, traject)


def can_view_population(user):
    """The population figures page: everyone who reads the raad's reports."""
    return can_read_reports(user)


def can_import_population(user):
    return is_beheerder(user)
