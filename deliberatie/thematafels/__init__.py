"""thematafels: not built yet (see its issue)."""

from flask import Blueprint

blueprint = Blueprint("thematafels", __name__, url_prefix="/thematafels")


def traject_links(traject, user):
    return []
