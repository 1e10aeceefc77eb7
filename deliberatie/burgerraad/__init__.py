"""burgerraad: not built yet (see its issue)."""

from flask import Blueprint

blueprint = Blueprint("burgerraad", __name__, url_prefix="/burgerraad")


def traject_links(traject, user):
    return []
