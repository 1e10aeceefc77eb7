"""The read-only JSON API (open data), version 1, described by OpenAPI."""

from flask import Blueprint

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


@blueprint.after_request
def allow_other_origins(response):
    """Open data: any website may read it from the browser. Never with credentials (no cookies)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


from . import views  # noqa: E402,F401
