"""Deliberatie: a deliberation and voting platform for Dutch municipalities.

Importing the package runs nothing and loads no web framework, so that
``deliberatie.core`` and the ``deliberatie`` console script stay light.
"""

__version__ = "0.1.0"


def create_app(config=None):
    """Build the Flask application (see :mod:`deliberatie.app`)."""
    from .app import create_app as _create_app

    return _create_app(config)
