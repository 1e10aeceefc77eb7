"""Trajecten: participation processes with their ladder rung, kaders, phases and terugkoppeling."""

from flask import Blueprint

blueprint = Blueprint("trajecten", __name__, url_prefix="/trajecten")

from . import views  # noqa: E402,F401
