"""wijkbudget: not built yet (see its issue)."""

from flask import Blueprint

blueprint = Blueprint("wijkbudget", __name__, url_prefix="/wijkbudget")


def traject_links(traject, user):
    return []
