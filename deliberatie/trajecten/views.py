from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields import SelectChoice

from .. import clock, components
from ..extensions import db
from ..models import Gemeente
from ..permissions import can_create_traject, can_edit_traject, get_visible_traject as get_traject, require
from . import blueprint, services
from .forms import LADDER_LABELS, STATUS_LABELS, TerugkoppelingForm, TrajectForm

EXTRA_FASE_ROWS = 2




def _traject_form(gemeente, traject=None):
    form = TrajectForm(obj=traject)
    form.wijken.choices = [SelectChoice(w.id, w.name) for w in gemeente.wijken]
    if traject is not None and not form.is_submitted():
        form.ladder.data = traject.ladder.value
        form.status.data = traject.status.value
        form.wijken.data = [w.id for w in traject.wijken]
    while len(form.fasen) < len([f for f in form.fasen if not f.form.is_empty()]) + EXTRA_FASE_ROWS:
        form.fasen.append_entry()
    return form


@blueprint.route("/<int:traject_id>")
def detail(traject_id):
    traject = get_traject(traject_id)
    return render_template(
        "trajecten/detail.html", traject=traject, today=clock.today(),
        ladder_labels=LADDER_LABELS, status_labels=STATUS_LABELS,
        links=components.traject_links(current_app, traject, current_user),
        can_edit=can_edit_traject(current_user, traject),
    )


@blueprint.route("/nieuw", methods=["GET", "POST"])
def create():
    require(can_create_traject(current_user))
    gemeente = db.session.scalar(select(Gemeente).order_by(Gemeente.id)) or abort(404)
    form = _traject_form(gemeente)
    if form.validate_on_submit():
        traject = services.create_traject(gemeente, current_user, form.data)
        db.session.commit()
        flash(_("Het traject is aangemaakt."), "success")
        return redirect(url_for("trajecten.detail", traject_id=traject.id))
    return render_template("trajecten/form.html", form=form, traject=None)


@blueprint.route("/<int:traject_id>/bewerken", methods=["GET", "POST"])
def edit(traject_id):
    traject = get_traject(traject_id)
    require(can_edit_traject(current_user, traject))
    form = _traject_form(traject.gemeente, traject)
    if form.validate_on_submit():
        services.update_traject(traject, form.data)
        db.session.commit()
        flash(_("Het traject is opgeslagen."), "success")
        return redirect(url_for("trajecten.detail", traject_id=traject.id))
    return render_template("trajecten/form.html", form=form, traject=traject)


@blueprint.route("/<int:traject_id>/terugkoppeling", methods=["GET", "POST"])
def terugkoppeling(traject_id):
    traject = get_traject(traject_id)
    require(can_edit_traject(current_user, traject))
    form = TerugkoppelingForm()
    if form.validate_on_submit():
        services.add_terugkoppeling(traject, current_user, form.data, today=clock.today())
        db.session.commit()
        flash(_("De terugkoppeling is gepubliceerd."), "success")
        return redirect(url_for("trajecten.detail", traject_id=traject.id))
    return render_template("trajecten/terugkoppeling.html", form=form, traject=traject)
