"""Site-wide pages: the home page and the accessibility statement."""

from flask import Blueprint

blueprint = Blueprint("site", __name__)

from . import views  # noqa: E402,F401
