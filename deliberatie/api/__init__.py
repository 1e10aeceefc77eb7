"""The read-only JSON API (open data), version 1, described by OpenAPI."""

from flask import Blueprint

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

from . import views  # noqa: E402,F401
