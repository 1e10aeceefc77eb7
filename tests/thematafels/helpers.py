"""Moved to :mod:`tests.helpers`; kept while tests/burgerraad/test_reserves.py still imports from here."""

from tests.helpers import postgres_only, race

__all__ = ["postgres_only", "race"]
