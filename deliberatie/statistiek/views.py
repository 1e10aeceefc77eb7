from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields import SelectChoice

from ..extensions import db
from ..models import Gemeente, Traject
from ..permissions import can_view_traject, require
from . import blueprint, population, services
from .forms import PopulationImportForm, WeightingForm
from .messages import describe, variable_label
from .permissions import can_import_population, can_view_population, can_view_statistics


def _gemeente():
    return db.session.scalar(select(Gemeente).order_by(Gemeente.id)) or abort(404)


def _traject(traject_id):
    traject = db.session.get(Traject, traject_id)
    if traject is None or (not can_view_traject(current_user, traject) and current_user.is_authenticated):
        abort(404)
    require(can_view_statistics(current_user, traject))
    return traject


@blueprint.route("/bevolking")
def bevolking():
    require(can_view_population(current_user))
    gemeente = _gemeente()
    overview = population.overview(gemeente)
    return render_template("statistiek/bevolking.html", gemeente=gemeente, overview=overview,
                           can_import=can_import_population(current_user), describe=describe,
                           variable_label=variable_label)


@blueprint.route("/bevolking/importeren", methods=["GET", "POST"])
def importeren():
    require(can_import_population(current_user))
    gemeente = _gemeente()
    form, problems = PopulationImportForm(), []
    if form.validate_on_submit():
        if not form.file.data:
            problems = [_("Kies een CSV-bestand.")]
        else:
            try:
                report = population.import_population(form.file.data.read(), gemeente, current_user)
            except population.ImportErrors as error:
                problems = [describe(problem) for problem in error.problems]
            else:
                db.session.commit()
                flash(_("De bevolkingscijfers van %(wijken)s zijn vervangen (%(rows)s regels).",
                        wijken=", ".join(report.wijken), rows=report.rows), "success")
                if report.skipped_gemeente_rows:
                    flash(_("%(n)s regels voor de hele gemeente zijn overgeslagen: de gemeente is de som "
                            "van de wijken.", n=report.skipped_gemeente_rows), "info")
                return redirect(url_for("statistiek.bevolking"))
    return render_template("statistiek/importeren.html", form=form, problems=problems,
                           gemeente=gemeente), (422 if problems else 200)


@blueprint.route("/traject/<int:traject_id>")
def traject(traject_id):
    traject = _traject(traject_id)
    return render_template("statistiek/traject.html", traject=traject, groups=services.groups(traject))


@blueprint.route("/traject/<int:traject_id>/<group_key>")
def groep(traject_id, group_key):
    traject = _traject(traject_id)
    group = next((g for g in services.groups(traject) if g.key == group_key), None) or abort(404)
    rep = services.representativeness(traject, group)
    form = WeightingForm(formdata=request.args if "wegen" in request.args else None)
    form.variables.choices = [SelectChoice(v, variable_label(v)) for v in rep.comparable]
    weighting = None
    if "wegen" not in request.args:
        form.variables.data = list(rep.comparable)
    if rep.comparable and form.validate():
        weighting = services.weighting(traject, group, form.variables.data or [],
                                       getattr(form.cap, "value", None))
    return render_template("statistiek/groep.html", traject=traject, group=group, rep=rep, form=form,
                           weighting=weighting, describe=describe, variable_label=variable_label), (422 if form.errors else 200)
