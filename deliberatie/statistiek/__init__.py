"""statistiek: who took part compared with the population, and weighted results.

Pages
-----
``/statistiek/bevolking``                  population figures per wijk and for the gemeente
``/statistiek/bevolking/importeren``       CSV import (docs/population-csv.md), beheerder only
``/statistiek/traject/<id>``               the traject's participant groups
``/statistiek/traject/<id>/<group key>``   shares, ratios, chi-square, chart, summary, raking

For other components
--------------------
``services.weighted_result(traject, group, answers, *, variables=None, cap=None,
categories=None, method="linearization", replicates=500, seed=0) -> SharesResult``
    ``group`` is a key from ``participant_groups`` (``"wijkbudget-3-voters"``), a
    ``ParticipantGroup`` or the records themselves; ``answers`` is
    ``{record index: answer}`` or a sequence in record order (``True``/``False``
    for "supports project 3", "eens"/"oneens" for a statement). Returns the
    core's ``SharesResult``: raw and weighted share per answer with 95%
    intervals, ``weighted_on`` and ``effective_n``. Raises the core's
    ``InputError``; ``messages.describe(error)`` gives the Dutch message.
``templates/statistiek/_shares.html``: ``{% from "statistiek/_shares.html"
import shares_table %}{{ shares_table(result, caption, labels={}) }}`` renders
raw against weighted shares with their intervals and the caveat that
weighting corrects only for the variables weighted on.
``services.report_section(traject) -> dict``: plain data per group for the
raad's report (used by minderheidsstandpunten).

No tables of its own: population figures live in ``WijkPopulatie``; the
participants' answers stay in the components (only the statistics answers
come through the hook, never names or contact details).
"""

from flask import Blueprint, url_for
from flask_babel import gettext as _

blueprint = Blueprint("statistiek", __name__, url_prefix="/statistiek")


def traject_links(traject, user):
    from .permissions import can_view_statistics

    if not can_view_statistics(user, traject):
        return []
    return [(_("Wie deden mee? Vergelijking met de inwoners"),
             url_for("statistiek.traject", traject_id=traject.id))]


def init_app(app):
    from .messages import number, pct, variable_label

    app.add_template_filter(pct, "statistiek_pct")
    app.add_template_filter(number, "statistiek_number")
    app.add_template_filter(variable_label, "statistiek_variable")
    app.add_template_global(variable_label, "statistiek_variable")


from . import views  # noqa: E402,F401
