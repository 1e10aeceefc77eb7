"""The gemeente's day, not the server's: a vote "until 30 November" closes at Dutch midnight."""

from datetime import datetime, timezone
from unittest import mock

import pytest

from deliberatie import clock

# 23:30 UTC on 30 November is already 1 December in Amsterdam (UTC+1 in winter)
LATE = datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc)


class Frozen(datetime):
    @classmethod
    def now(cls, tz=None):
        return LATE.astimezone(tz) if tz else LATE.replace(tzinfo=None)


@pytest.fixture
def late_evening():
    with mock.patch.object(clock, "datetime", Frozen):
        yield


def test_today_is_the_dutch_day_also_when_the_server_runs_on_utc(late_evening):
    assert clock.today().isoformat() == "2026-12-01"  # no app: Amsterdam


def test_today_follows_the_apps_timezone(app, late_evening):
    assert clock.today().isoformat() == "2026-12-01"
    app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
    assert clock.today().isoformat() == "2026-11-30"
