"""minderheidsstandpunten: not built yet (see its issue)."""

from flask import Blueprint

blueprint = Blueprint("minderheidsstandpunten", __name__, url_prefix="/minderheidsstandpunten")


def traject_links(traject, user):
    return []
