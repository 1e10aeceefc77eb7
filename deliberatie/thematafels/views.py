from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields import SelectChoice

from ..extensions import db
from ..permissions import can_edit_traject, can_view_traject, get_visible_traject as get_traject, require
from . import blueprint, permissions as perms, services
from .forms import KIND_LABELS, ConfirmForm, EventForm, SeatForm, SignupForm, VoorzitterForm
from .models import Idee, Tafel, ThematafelEvent

MESSAGES = {
    "signup_closed": _l("Aanmelden kan niet meer: de tafels zijn al ingedeeld."),
    "full": _l("Alle plaatsen zijn bezet."),
    "seating.full": _l("Alle plaatsen zijn bezet."),
    "seating.over_capacity": _l("Er zijn meer deelnemers dan plaatsen. Voeg tafels toe of verhoog het aantal plaatsen."),
    "same_choice": _l("Kies bij de tweede keus een ander thema."),
    "unknown_thema": _l("Dat thema hoort niet bij deze bijeenkomst."),
    "unknown_user": _l("Er is geen actief account met dat e-mailadres."),
    "not_seated": _l("Deel eerst de tafels in; daarna kunt u inlopers toevoegen."),
    "event_closed": _l("De bijeenkomst is afgesloten."),
    "withdraw_closed": _l("Afmelden kan hier niet meer: de tafels zijn al ingedeeld. Kunt u niet komen? "
                          "Laat het de organisator weten."),
    "not_signed_up": _l("U bent niet aangemeld voor deze bijeenkomst."),
    "already_stelling": _l("Dit idee is al een stelling."),
    "no_stellingen": _l("Stellingen zijn in dit traject niet beschikbaar."),
}


def _refuse(error):
    flash(MESSAGES.get(error.code, _l("Dat kan nu niet.")), "error")




def get_event(event_id) -> ThematafelEvent:
    event = db.session.get(ThematafelEvent, event_id)
    if event is None or not perms.can_view_event(current_user, event):
        abort(404)
    return event


def get_tafel(event, tafel_id) -> Tafel:
    tafel = next((t for t in event.tafels if t.id == tafel_id), None)
    return tafel or abort(404)


def get_idee(event, idee_id) -> Idee:
    idee = db.session.get(Idee, idee_id)
    if idee is None or idee.tafel.thema.event_id != event.id:
        abort(404)
    return idee


@blueprint.route("/traject/<int:traject_id>")
def index(traject_id):
    traject = get_traject(traject_id)
    require(can_view_traject(current_user, traject))
    return render_template("thematafels/index.html", traject=traject, events=services.events_for(traject),
                           can_edit=can_edit_traject(current_user, traject), kind_labels=KIND_LABELS)


@blueprint.route("/traject/<int:traject_id>/nieuw", methods=["GET", "POST"])
def create(traject_id):
    traject = get_traject(traject_id)
    require(can_edit_traject(current_user, traject))
    form = EventForm()
    if form.validate_on_submit():
        data = dict(form.data, themes=form.themes.parsed)
        event = services.create_event(traject, current_user, data)
        db.session.commit()
        flash(_("De bijeenkomst is aangemaakt."), "success")
        return redirect(url_for("thematafels.detail", event_id=event.id))
    return render_template("thematafels/form.html", form=form, traject=traject)


@blueprint.route("/<int:event_id>")
def detail(event_id):
    event = get_event(event_id)
    require(perms.can_view_event(current_user, event))
    return _render_detail(event)


def _render_detail(event):
    form = SignupForm().fill_choices(event, event.traject.gemeente.wijken)
    return render_template("thematafels/detail.html", event=event, kind_labels=KIND_LABELS,
                           mine=services.signup_for(event, current_user), form=form, confirm=ConfirmForm(),
                           can_manage=perms.can_manage_event(current_user, event),
                           can_sign_up=perms.can_sign_up(current_user, event),
                           can_withdraw=perms.can_withdraw(current_user, event),
                           my_tables=[t for t in event.tafels if current_user.is_authenticated
                                      and t.voorzitter_id == current_user.id])


@blueprint.route("/<int:event_id>/afmelden", methods=["POST"])
def withdraw(event_id):
    """The signed-in resident's own sign-up, never another's: the URL names no sign-up.

    The app-wide CSRF protection refuses a post without the page's token.
    """
    event = get_event(event_id)
    require(current_user.is_authenticated)
    try:
        services.withdraw(event, current_user)
    except services.ServiceError as error:
        db.session.rollback()
        _refuse(error)
        if error.code == "withdraw_closed":
            return _render_detail(event), 409
        return redirect(url_for("thematafels.detail", event_id=event.id))
    db.session.commit()
    flash(_("U bent afgemeld. Uw aanmelding en uw antwoorden zijn gewist."), "success")
    return redirect(url_for("thematafels.detail", event_id=event.id))


@blueprint.route("/<int:event_id>/aanmelden", methods=["GET", "POST"])
def sign_up(event_id):
    event = get_event(event_id)
    require(perms.can_sign_up(current_user, event))
    mine = services.signup_for(event, current_user)
    form = SignupForm(obj=None).fill_choices(event, event.traject.gemeente.wijken)
    if not form.is_submitted() and mine is not None:
        form.process(data=dict(name=mine.name, first=mine.first_thema_id, second=mine.second_thema_id,
                               geslacht=mine.geslacht or "", leeftijd=mine.leeftijd or "", wijk=mine.wijk or ""))
    if form.validate_on_submit():
        try:
            services.sign_up(event, current_user, form.data)
        except services.ServiceError as error:
            db.session.rollback()
            _refuse(error)
            return redirect(url_for("thematafels.detail", event_id=event.id))
        db.session.commit()
        flash(_("U bent aangemeld. Na de indeling ziet u hier aan welke tafel u zit."), "success")
        return redirect(url_for("thematafels.detail", event_id=event.id))
    return render_template("thematafels/signup.html", event=event, form=form, mine=mine,
                           retention_ends_on=services.retention_ends_on(event))


@blueprint.route("/<int:event_id>/voorzitters", methods=["GET", "POST"])
def voorzitters(event_id):
    event = get_event(event_id)
    require(perms.can_manage_event(current_user, event))
    form = VoorzitterForm()
    form.tafel.choices = [SelectChoice(t.id, t.label) for t in event.tafels]
    if form.validate_on_submit():
        try:
            services.set_voorzitter(event, get_tafel(event, form.tafel.data), form.email.data, current_user)
        except services.ServiceError as error:
            db.session.rollback()
            form.email.errors.append(MESSAGES[error.code])
        else:
            db.session.commit()
            flash(_("De tafelvoorzitter is ingesteld."), "success")
            return redirect(url_for("thematafels.voorzitters", event_id=event.id))
    return render_template("thematafels/voorzitters.html", event=event, form=form)


@blueprint.route("/<int:event_id>/indelen", methods=["GET", "POST"])
def seat(event_id):
    event = get_event(event_id)
    require(perms.can_manage_event(current_user, event))
    form = SeatForm()
    if form.validate_on_submit():
        try:
            services.run_seating(event, current_user, seed=form.seed.data)
        except services.ServiceError as error:
            db.session.rollback()
            _refuse(error)
            return redirect(url_for("thematafels.seat", event_id=event.id))
        db.session.commit()
        flash(_("De tafels zijn ingedeeld."), "success")
        return redirect(url_for("thematafels.tafellijsten", event_id=event.id))
    return render_template("thematafels/seat.html", event=event, form=form)


@blueprint.route("/<int:event_id>/tafellijsten")
def tafellijsten(event_id):
    event = get_event(event_id)
    require(perms.can_see_table_lists(current_user, event))
    return render_template("thematafels/tafellijsten.html", event=event, report=services.seating_report(event),
                           can_manage=perms.can_manage_event(current_user, event))


@blueprint.route("/<int:event_id>/inloper", methods=["GET", "POST"])
def walk_in(event_id):
    event = get_event(event_id)
    require(perms.can_manage_event(current_user, event))
    form = SignupForm().fill_choices(event, event.traject.gemeente.wijken)
    if form.validate_on_submit():
        try:
            aanmelding = services.add_walk_in(event, current_user, form.data)
        except services.ServiceError as error:
            db.session.rollback()
            _refuse(error)
            return redirect(url_for("thematafels.tafellijsten", event_id=event.id))
        db.session.commit()
        flash(_("%(name)s zit aan tafel %(tafel)s.", name=aanmelding.name, tafel=aanmelding.tafel.label), "success")
        return redirect(url_for("thematafels.walk_in", event_id=event.id))
    return render_template("thematafels/walk_in.html", event=event, form=form,
                           retention_ends_on=services.retention_ends_on(event))


@blueprint.route("/<int:event_id>/afsluiten", methods=["POST"])
def close(event_id):
    event = get_event(event_id)
    require(perms.can_manage_event(current_user, event))
    if ConfirmForm().validate_on_submit():
        services.close_event(event, current_user)
        db.session.commit()
        flash(_("De bijeenkomst is afgesloten. De oogst staat vast."), "success")
    return redirect(url_for("thematafels.oogst", event_id=event.id))


from . import views_tafel  # noqa: E402,F401
