"""The gemeente's calendar day.

Voting periods, deadlines and retention dates are Dutch days: a vote that runs
"until 30 November" closes at midnight in the Netherlands, whatever the
server's clock is set to (servers usually run on UTC, one or two hours behind).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Europe/Amsterdam"


def today() -> date:
    """Today in the app's timezone (``BABEL_DEFAULT_TIMEZONE``), not the server's."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", DEFAULT_TIMEZONE) if has_app_context() else DEFAULT_TIMEZONE
    return datetime.now(ZoneInfo(name)).date()
