"""pitches: not built yet (see its issue)."""

from flask import Blueprint

blueprint = Blueprint("pitches", __name__, url_prefix="/pitches")


def traject_links(traject, user):
    return []
