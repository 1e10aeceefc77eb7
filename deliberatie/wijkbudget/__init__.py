"""Wijkbudget: residents vote with a personal stemcode on a neighbourhood budget.

Hooks for the rest of the app (see :mod:`deliberatie.components`):
``traject_links``, ``outcome_summaries``, ``participant_groups``, ``init_app``.
"""

from flask import Blueprint

blueprint = Blueprint("wijkbudget", __name__, url_prefix="/wijkbudget")

from . import models  # noqa: E402,F401  (tables known when the app starts)
from .hooks import outcome_summaries, participant_groups, traject_links  # noqa: E402,F401


def init_app(app):
    from . import cli
    from .messages import PHASE_LABELS, RULE_LABELS, rule_explanation
    from .models import CodeStatus
    from .money import format_euros

    app.add_template_filter(format_euros, "wijkbudget_euros")
    app.jinja_env.globals.update(
        wijkbudget_phase_label=lambda phase: PHASE_LABELS[phase],
        wijkbudget_rule_label=lambda rule: RULE_LABELS.get(rule, rule),
        wijkbudget_rule_explanation=lambda wb: wb.explanation or rule_explanation(wb.rule, wb.ballot_type),
        wijkbudget_code_status=CodeStatus,
    )
    app.cli.add_command(cli.wijkbudget_group)


from . import beheer, views  # noqa: E402,F401
