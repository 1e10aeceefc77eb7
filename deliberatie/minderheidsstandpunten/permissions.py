"""Who may do what with stellingen, sessions and the raad's report."""

from ..permissions import can_edit_traject, can_read_traject_reports, can_view_traject


def can_manage(user, traject):
    """Organisers of the traject and beheerders set up, moderate, run and record."""
    return can_edit_traject(user, traject)


def can_take_part(user, traject, ronde):
    """Anyone who sees the traject, while the stellingen are open."""
    return ronde is not None and ronde.open and can_view_traject(user, traject)


def can_read_report(user, traject, ronde):
    """The traject's organisers, raadsleden and beheerders; everybody once the organiser made it public."""
    if can_read_traject_reports(user, traject):
        return True
    return bool(ronde and ronde.verslag_openbaar and can_view_traject(user, traject))


def can_view_map(user, traject, ronde):
    return can_manage(user, traject) or can_read_report(user, traject, ronde)
