"""Accounts: registration, login, logout and password reset."""

from flask import Blueprint

blueprint = Blueprint("auth", __name__, url_prefix="/auth")

from . import views  # noqa: E402,F401
