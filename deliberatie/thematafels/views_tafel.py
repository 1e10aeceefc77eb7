"""The facilitator's table page, the harvest and turning ideas into pitches."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import pitches
from ..extensions import db
from ..permissions import require
from . import blueprint, permissions as perms, services
from .forms import ArgumentForm, ConfirmForm, IdeaForm, NoteForm, VoteForm, plenary_form
from .models import Side
from .views import _refuse, get_event, get_idee, get_tafel


def _back(event, tafel):
    return redirect(url_for("thematafels.tafel", event_id=event.id, tafel_id=tafel.id))


def _save(action, done):
    """Run ``action`` and commit, or roll back what a refusal (a closed event) left; flash either way."""
    try:
        action()
    except services.ServiceError as error:
        db.session.rollback()
        _refuse(error)
    else:
        db.session.commit()
        flash(done, "success")


def _page(event, tafel, *, note_form=None, idea_form=None, failed_idee=None, argument_form=None,
          idee_vote_form=None):
    """The table page; after a refused post, that post's form with what was typed and its errors (422).

    The other forms are unbound (``formdata=None``): a refused argument's "text"
    must not fill the note, whose field has the same name.
    """
    refused = any(f is not None for f in (note_form, idea_form, argument_form, idee_vote_form))
    return render_template("thematafels/tafel.html", event=event, tafel=tafel,
                           note_form=note_form or NoteForm(formdata=None),
                           idea_form=idea_form or IdeaForm(formdata=None), failed_idee=failed_idee,
                           argument_form=argument_form or ArgumentForm(formdata=None),
                           idee_vote_form=idee_vote_form, vote_form=VoteForm, Side=Side), (422 if refused else 200)


@blueprint.route("/<int:event_id>/tafel/<int:tafel_id>")
def tafel(event_id, tafel_id):
    event = get_event(event_id)
    tafel = get_tafel(event, tafel_id)
    require(perms.can_facilitate(current_user, tafel))
    return _page(event, tafel)


@blueprint.route("/<int:event_id>/tafel/<int:tafel_id>/notitie", methods=["POST"])
def add_note(event_id, tafel_id):
    event = get_event(event_id)
    tafel = get_tafel(event, tafel_id)
    require(perms.can_facilitate(current_user, tafel))
    form = NoteForm()
    if not form.validate_on_submit():
        flash(_("Schrijf eerst een notitie."), "error")
        return _page(event, tafel, note_form=form)
    _save(lambda: services.add_note(tafel, form.text.data), _("De notitie is opgeslagen."))
    return _back(event, tafel)


@blueprint.route("/<int:event_id>/tafel/<int:tafel_id>/idee", methods=["POST"])
def add_idea(event_id, tafel_id):
    event = get_event(event_id)
    tafel = get_tafel(event, tafel_id)
    require(perms.can_facilitate(current_user, tafel))
    form = IdeaForm()
    if not form.validate_on_submit():
        flash(_("Geef het idee een naam (hooguit 200 tekens)."), "error")
        return _page(event, tafel, idea_form=form)
    _save(lambda: services.add_idea(tafel, form.data), _("Het idee is opgeslagen."))
    return _back(event, tafel)


@blueprint.route("/<int:event_id>/idee/<int:idee_id>/argument", methods=["POST"])
def add_argument(event_id, idee_id):
    event = get_event(event_id)
    idee = get_idee(event, idee_id)
    require(perms.can_facilitate(current_user, idee.tafel))
    form = ArgumentForm()
    if not form.validate_on_submit():
        flash(_("Kies voor of tegen en schrijf het argument."), "error")
        return _page(event, idee.tafel, failed_idee=idee.id, argument_form=form)
    _save(lambda: services.add_argument(idee, form.side.data, form.text.data), _("Het argument is opgeslagen."))
    return _back(event, idee.tafel)


@blueprint.route("/<int:event_id>/idee/<int:idee_id>/stemmen", methods=["POST"])
def table_vote(event_id, idee_id):
    event = get_event(event_id)
    idee = get_idee(event, idee_id)
    require(perms.can_facilitate(current_user, idee.tafel))
    form = VoteForm(prefix=f"idee{idee.id}")
    if not form.validate_on_submit():
        flash(_("Vul het aantal stippen in (0 of meer)."), "error")
        return _page(event, idee.tafel, failed_idee=idee.id, idee_vote_form=form)
    _save(lambda: services.record_table_vote(idee, form.votes.data, form.dissent.data),
          _("De stemmen zijn opgeslagen."))
    return _back(event, idee.tafel)


@blueprint.route("/<int:event_id>/oogst")
def oogst(event_id):
    event = get_event(event_id)
    require(perms.can_see_harvest(current_user, event))
    rows = services.harvest(event)
    can_manage = perms.can_manage_event(current_user, event)
    return render_template("thematafels/oogst.html", event=event, rows=rows, Side=Side, can_manage=can_manage,
                           plenary=plenary_form([r.idee for r in rows]) if can_manage else None,
                           confirm=ConfirmForm(), pitch_ids=pitches.services.pitch_ids_for_ideas(rows),
                           can_promote=perms.can_promote_idea(current_user, event))


@blueprint.route("/<int:event_id>/oogst/afdruk")
def oogst_print(event_id):
    event = get_event(event_id)
    require(perms.can_see_harvest(current_user, event))
    return render_template("thematafels/oogst_print.html", event=event, rows=services.harvest(event), Side=Side)


@blueprint.route("/<int:event_id>/oogst.csv")
def oogst_csv(event_id):
    event = get_event(event_id)
    require(perms.can_see_harvest(current_user, event))
    return Response(services.harvest_csv(event), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=oogst-{event.id}.csv"})


@blueprint.route("/<int:event_id>/plenair", methods=["POST"])
def plenary(event_id):
    event = get_event(event_id)
    require(perms.can_manage_event(current_user, event))
    ideas = services.ideas_of(event)
    form = plenary_form(ideas)
    if form.validate_on_submit():
        votes = {i.id: form[f"votes_{i.id}"].data for i in ideas}
        _save(lambda: services.record_plenary_votes(event, current_user, votes),
              _("De plenaire stemmen zijn opgeslagen."))
    else:
        flash(_("Vul bij elk idee een aantal stemmen in (0 of meer)."), "error")
    return redirect(url_for("thematafels.oogst", event_id=event.id))


@blueprint.route("/<int:event_id>/idee/<int:idee_id>/pitch", methods=["POST"])
def to_pitch(event_id, idee_id):
    event = get_event(event_id)
    idee = get_idee(event, idee_id)
    require(perms.can_promote_idea(current_user, event))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    pitch = pitches.services.pitch_from_idee(idee, current_user)
    db.session.commit()
    flash(_("Het idee staat nu als pitch klaar. Vul de kosten en het plan aan."), "success")
    return redirect(url_for("pitches.detail", pitch_id=pitch.id))


@blueprint.route("/<int:event_id>/idee/<int:idee_id>/stelling", methods=["POST"])
def to_stelling(event_id, idee_id):
    event = get_event(event_id)
    idee = get_idee(event, idee_id)
    require(perms.can_promote_idea(current_user, event))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.idea_to_stelling(idee, current_user)
    except services.ServiceError as error:
        db.session.rollback()
        _refuse(error)
    else:
        db.session.commit()
        flash(_("Het idee staat nu als stelling voor iedereen klaar."), "success")
    return redirect(url_for("thematafels.oogst", event_id=event.id) + f"#idee-{idee.id}")
