"""The pitch round: settings, jury, scoring and the combined ranking."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..permissions import require
from . import blueprint, permissions as perms, ranking, services
from .forms import JURY_LABELS, STATUS_LABELS, JuryForm, PublishForm, RondeForm, score_form
from .views import MESSAGES, _refuse, get_pitch, get_traject


@blueprint.route("/traject/<int:traject_id>/ronde", methods=["GET", "POST"])
def ronde(traject_id):
    traject = get_traject(traject_id)
    require(perms.can_manage_pitches(current_user, traject))
    current = services.ronde_for(traject)
    # The object fills the form only on GET: a POST that lacks a field must fail validation,
    # not fall back to the object's value (``criteria`` is a relationship there, not text).
    form = RondeForm(obj=None if request.method == "POST" else current)
    if current is not None and not form.is_submitted():
        form.criteria.data = "\n".join(f"{c.name} | {c.max_score}" for c in current.criteria)
    if form.validate_on_submit():
        try:
            services.save_ronde(traject, current_user, dict(form.data, criteria=form.criteria.parsed))
        except services.ServiceError as error:
            db.session.rollback()
            (form.jury_weight if error.code == "weights_locked" else form.criteria).errors = [MESSAGES[error.code]]
        else:
            db.session.commit()
            flash(_("De pitchronde is opgeslagen."), "success")
            return redirect(url_for("pitches.ronde", traject_id=traject.id))
    return render_template("pitches/ronde.html", traject=traject, ronde=current, form=form,
                           jury_form=JuryForm(), jury_labels=JURY_LABELS)


@blueprint.route("/traject/<int:traject_id>/jury", methods=["POST"])
def add_jury(traject_id):
    traject = get_traject(traject_id)
    require(perms.can_manage_pitches(current_user, traject))
    current = services.ronde_for(traject)
    form = JuryForm()
    if current is None:
        flash(MESSAGES["no_ronde"], "error")
    elif form.validate_on_submit():
        try:
            services.add_jurylid(current, current_user, form.email.data, form.kind.data)
        except services.ServiceError as error:
            db.session.rollback()
            _refuse(error)
        else:
            db.session.commit()
            flash(_("Het jurylid is toegevoegd."), "success")
    else:
        flash(_("Vul een geldig e-mailadres in."), "error")
    return redirect(url_for("pitches.ronde", traject_id=traject.id))


@blueprint.route("/<int:pitch_id>/jury", methods=["GET", "POST"])
def score(pitch_id):
    pitch = get_pitch(pitch_id)
    current = services.ronde_for(pitch.traject)
    lid = services.jurylid_for(current, current_user)
    if lid is not None and perms.is_own_pitch(current_user, pitch):  # say why, and offer no form
        return render_template("pitches/score.html", pitch=pitch, ronde=current, form=None), \
            (403 if request.method == "POST" else 200)
    require(perms.can_score(current_user, pitch, lid))
    mine = {s.criterium_id: s.score for s in pitch.scores if s.jurylid_id == lid.id}
    form = score_form(current.criteria, mine)
    if form.validate_on_submit():
        try:
            services.record_scores(pitch, lid, {c.id: form[f"c_{c.id}"].data for c in current.criteria})
        except services.ServiceError as error:
            db.session.rollback()
            _refuse(error)
        else:
            db.session.commit()
            flash(_("Uw cijfers zijn opgeslagen."), "success")
            return redirect(url_for("pitches.index", traject_id=pitch.traject_id))
    return render_template("pitches/score.html", pitch=pitch, ronde=current, form=form)


@blueprint.route("/traject/<int:traject_id>/uitslag")
def uitslag(traject_id):
    traject = get_traject(traject_id)
    current = services.ronde_for(traject)
    require(perms.can_see_ranking(current_user, traject, current))
    return render_template("pitches/uitslag.html", traject=traject, ronde=current,
                           rows=ranking.ranking(traject), status_labels=STATUS_LABELS,
                           can_manage=perms.can_manage_pitches(current_user, traject),
                           form=PublishForm(data={"explanation": current.explanation if current else ""}))


@blueprint.route("/traject/<int:traject_id>/uitslag/publiceren", methods=["POST"])
def publish(traject_id):
    traject = get_traject(traject_id)
    require(perms.can_manage_pitches(current_user, traject))
    form = PublishForm()
    if form.validate_on_submit():
        current = services.ronde_for(traject)
        again = current is not None and current.published_at is not None  # only the explanation changes
        try:
            ranking.publish_ranking(traject, current_user, form.explanation.data)
        except services.ServiceError as error:
            db.session.rollback()
            _refuse(error)
        else:
            db.session.commit()
            flash(_("De toelichting is bijgewerkt.") if again else _("De uitslag is gepubliceerd."), "success")
    else:
        flash(_("Schrijf een toelichting bij de uitslag."), "error")
    return redirect(url_for("pitches.uitslag", traject_id=traject.id))
