"""Beheer: accounts and roles (beheerders only)."""

from flask import Blueprint

blueprint = Blueprint("beheer", __name__, url_prefix="/beheer")

from . import views  # noqa: E402,F401
