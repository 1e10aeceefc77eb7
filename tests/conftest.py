"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def shared_dir():
    """The ``shared/`` folder beside the clone, or a visible skip when it is absent."""
    if not (SHARED / "data").is_dir():
        pytest.skip(f"shared data not found at {SHARED}: a fresh clone has no ../shared")
    return SHARED
