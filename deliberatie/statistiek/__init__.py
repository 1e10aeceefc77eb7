"""statistiek: not built yet (see its issue)."""

from flask import Blueprint

blueprint = Blueprint("statistiek", __name__, url_prefix="/statistiek")


def traject_links(traject, user):
    return []
