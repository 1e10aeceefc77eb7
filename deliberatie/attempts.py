"""Rate-limited attempts counted inside a view: the voting path's code and link checks.

Flask-Limiter's route decorator resolves, filters and scopes its limits through
a dozen layers on every request (about 5% of a vote's CPU at a peak); a view
that knows which attempt it is making counts it in one storage hit, in the same
storage and with the same client key (:func:`security.client_network`).
"""

from functools import lru_cache

from limits import parse
from werkzeug.exceptions import TooManyRequests

from .extensions import limiter
from .security import client_network


@lru_cache(maxsize=None)
def _parsed(limit):
    return parse(limit)


def count_attempt(limit: str, scope: str) -> None:
    """Count one attempt of this client against ``limit`` ("10 per minute") in ``scope``; a 429 beyond it."""
    if not limiter.enabled:
        return
    item = _parsed(limit)
    if not limiter.limiter.hit(item, scope, client_network()):
        raise TooManyRequests(retry_after=item.get_expiry())
