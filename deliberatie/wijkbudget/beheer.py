"""Organiser pages: set-up, projects, phases, stemcodes, paper ballots, counting."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields import SelectChoice

from .. import clock
from ..core.errors import InputError
from ..extensions import db
from ..models import Traject
from ..models.types import utcnow
from ..permissions import require
from . import blueprint, codes, counting, imports, services, uploads, voting
from .codes import code_counts
from .forms import (CountForm, DownloadCodesForm, GenerateCodesForm, ImportForm, PaperBallotForm, PhaseForm,
                    ProjectForm, RevokeForm, WijkbudgetForm)
from .messages import RULE_EXPLANATIONS, RULE_LABELS, ballot_error, rules_for
from .models import Phase, WijkbudgetProject
from .money import format_euros
from .permissions import can_create_wijkbudget, can_manage_wijkbudget
from .views import code_rejected_message, form_values, get_wijkbudget

# A part of the PDF letters: about 3 s of CPU (benchmarks/letters.py), well inside a web request.
LETTERS_PER_PDF = 1000


def _managed(wijkbudget_id):
    wijkbudget = get_wijkbudget(wijkbudget_id)
    require(can_manage_wijkbudget(current_user, wijkbudget))
    return wijkbudget


def _settings_form(traject, wijkbudget=None):
    form = WijkbudgetForm(obj=wijkbudget)
    form.wijken.choices = [SelectChoice(w.id, w.name) for w in traject.gemeente.wijken]
    if not form.is_submitted():
        if wijkbudget is not None:
            form.budget.data = format_euros(wijkbudget.budget_cents).replace("€\u00a0", "")
            form.ballot_type.data = wijkbudget.ballot_type.value
            form.wijken.data = [w.id for w in wijkbudget.wijken]
        else:
            form.wijken.data = [w.id for w in traject.wijken]
            form.voting_starts_on.data = clock.today()
    return form


def _to_manage(wijkbudget):
    return redirect(url_for("wijkbudget.manage", wijkbudget_id=wijkbudget.id))


@blueprint.route("/nieuw/<int:traject_id>", methods=["GET", "POST"])
def create(traject_id):
    traject = db.session.get(Traject, traject_id) or abort(404)
    require(can_create_wijkbudget(current_user, traject))
    form = _settings_form(traject)
    if form.validate_on_submit():
        wijkbudget = services.create_wijkbudget(traject, current_user, form.data)
        db.session.commit()
        flash(_("Het wijkbudget is aangemaakt. Voeg nu de projecten toe."), "success")
        return _to_manage(wijkbudget)
    return render_template("wijkbudget/settings.html", form=form, traject=traject, wijkbudget=None,
                           explanations=RULE_EXPLANATIONS)


@blueprint.route("/<int:wijkbudget_id>/bewerken", methods=["GET", "POST"])
def edit(wijkbudget_id):
    wijkbudget = _managed(wijkbudget_id)
    form = _settings_form(wijkbudget.traject, wijkbudget)
    if form.validate_on_submit():
        try:
            services.update_wijkbudget(wijkbudget, current_user, form.data)
        except services.PhaseError as error:
            flash(str(error.message), "error")
            return _to_manage(wijkbudget)
        db.session.commit()
        flash(_("De instellingen zijn opgeslagen."), "success")
        return _to_manage(wijkbudget)
    return render_template("wijkbudget/settings.html", form=form, traject=wijkbudget.traject,
                           wijkbudget=wijkbudget, explanations=RULE_EXPLANATIONS)


@blueprint.route("/<int:wijkbudget_id>/beheer")
def manage(wijkbudget_id):
    wijkbudget = _managed(wijkbudget_id)
    return render_template("wijkbudget/manage.html", wijkbudget=wijkbudget, counts=code_counts(wijkbudget),
                           phase_form=PhaseForm(), ballots=counting.ballot_count(wijkbudget))


@blueprint.route("/<int:wijkbudget_id>/fase", methods=["POST"])
def phase(wijkbudget_id):
    wijkbudget = _managed(wijkbudget_id)
    form = PhaseForm()
    if form.validate_on_submit():
        try:
            services.change_phase(wijkbudget, current_user, form.action.data, now=utcnow())
        except services.PhaseError as error:
            flash(str(error.message), "error")
            return _to_manage(wijkbudget)
        db.session.commit()
        flash(_("De fase is gewijzigd."), "success")
    return _to_manage(wijkbudget)


def _project_form(wijkbudget, project=None):
    form = ProjectForm(obj=project)
    form.wijk_id.choices = [SelectChoice("", _("Geen bepaalde wijk"))] + [
        SelectChoice(w.id, w.name) for w in wijkbudget.wijken]
    if project is not None and not form.is_submitted():
        form.cost.data = format_euros(project.cost_cents).replace("€\u00a0", "")
    return form


def _save_project(wijkbudget, project=None):
    form = _project_form(wijkbudget, project)
    if form.validate_on_submit():
        try:
            image = uploads.save_image(form.image.data) if form.image.data else None
        except uploads.BadImage as error:
            form.image.errors.append(_("Het bestand is te groot (meer dan 2 MB).") if str(error) == "too_large"
                                     else _("Kies een afbeelding in PNG, JPEG of WebP."))
        else:
            try:
                services.save_project(wijkbudget, form.data, project=project, image=image)
            except services.PhaseError as error:
                uploads.remove_image(image)  # stored before the phase was checked; nothing refers to it
                flash(str(error.message), "error")
                return _to_manage(wijkbudget)
            db.session.commit()
            flash(_("Het project is opgeslagen."), "success")
            return _to_manage(wijkbudget)
    return render_template("wijkbudget/project_form.html", form=form, wijkbudget=wijkbudget, project=project)


@blueprint.route("/<int:wijkbudget_id>/projecten/nieuw", methods=["GET", "POST"])
def add_project(wijkbudget_id):
    return _save_project(_managed(wijkbudget_id))


@blueprint.route("/<int:wijkbudget_id>/projecten/<int:project_id>/bewerken", methods=["GET", "POST"])
def edit_project(wijkbudget_id, project_id):
    wijkbudget = _managed(wijkbudget_id)
    project = db.session.get(WijkbudgetProject, project_id)
    if project is None or project.wijkbudget_id != wijkbudget.id:
        abort(404)
    return _save_project(wijkbudget, project)


@blueprint.route("/<int:wijkbudget_id>/projecten/<int:project_id>/verwijderen", methods=["POST"])
def delete_project(wijkbudget_id, project_id):
    wijkbudget = _managed(wijkbudget_id)
    project = db.session.get(WijkbudgetProject, project_id)
    if project is None or project.wijkbudget_id != wijkbudget.id or not PhaseForm().validate_on_submit():
        abort(404)
    try:
        services.delete_project(wijkbudget, project)
    except services.PhaseError as error:
        flash(str(error.message), "error")
        return _to_manage(wijkbudget)
    db.session.commit()
    flash(_("Het project is verwijderd."), "success")
    return _to_manage(wijkbudget)


@blueprint.route("/<int:wijkbudget_id>/projecten/importeren", methods=["GET", "POST"])
def import_projects(wijkbudget_id):
    wijkbudget = _managed(wijkbudget_id)
    form, problems = ImportForm(), []
    if form.validate_on_submit() and form.file.data:
        try:
            rows = imports.read_projects_csv(form.file.data.read(), wijkbudget.wijken)
            added = services.add_projects(wijkbudget, rows)
        except imports.ImportErrors as error:
            problems = error.problems
        except services.PhaseError as error:
            problems = [str(error.message)]
        else:
            db.session.commit()
            flash(_("%(n)s projecten zijn toegevoegd.", n=len(added)), "success")
            return _to_manage(wijkbudget)
    return render_template("wijkbudget/import.html", form=form, wijkbudget=wijkbudget, problems=problems), \
        (422 if problems else 200)


def _url_for_code(wijkbudget):
    return lambda code: url_for("wijkbudget.enter_code", wijkbudget_id=wijkbudget.id, code=code, _external=True)


@blueprint.route("/<int:wijkbudget_id>/codes", methods=["GET", "POST"])
def generate_codes(wijkbudget_id):
    wijkbudget = _managed(wijkbudget_id)
    form = GenerateCodesForm()
    if form.validate_on_submit():
        new = codes.generate_codes(wijkbudget, form.count.data)
        db.session.commit()
        return _codes_created(wijkbudget, new)
    return render_template("wijkbudget/codes.html", wijkbudget=wijkbudget, form=form,
                           counts=code_counts(wijkbudget), revoke=RevokeForm())


def _codes_created(wijkbudget, new):
    """The new codes, once: one CSV, and PDF letters in parts that each fit a web request."""
    return render_template("wijkbudget/codes_created.html", wijkbudget=wijkbudget, codes=new,
                           download=DownloadCodesForm(), letters_per_pdf=LETTERS_PER_PDF)


@blueprint.route("/<int:wijkbudget_id>/codes/download", methods=["POST"])
def download_codes(wijkbudget_id):
    wijkbudget = _managed(wijkbudget_id)
    form = DownloadCodesForm()
    if not form.validate_on_submit():
        abort(400)
    valid = codes.verify_batch(wijkbudget, (form.codes.data or "").split())
    if form.format.data == "pdf":
        pdf = codes.codes_pdf(valid, _url_for_code(wijkbudget), title=wijkbudget.title,
                              gemeente=wijkbudget.traject.gemeente.name, budget=format_euros(wijkbudget.budget_cents),
                              period=f"{wijkbudget.voting_starts_on:%d-%m-%Y} tot en met {wijkbudget.voting_ends_on:%d-%m-%Y}")
        return Response(pdf, mimetype="application/pdf",
                        headers={"Content-Disposition": f"attachment; filename=stemcodes-{wijkbudget.id}.pdf"})
    text = codes.codes_csv(valid, _url_for_code(wijkbudget))
    return Response(text, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=stemcodes-{wijkbudget.id}.csv"})


@blueprint.route("/<int:wijkbudget_id>/codes/intrekken", methods=["POST"])
def revoke_code(wijkbudget_id):
    wijkbudget = _managed(wijkbudget_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            codes.revoke_code(wijkbudget, form.code.data)
        except codes.CodeRejected:
            flash(_("Deze code is geen ongebruikte code van dit wijkbudget."), "error")
            return redirect(url_for("wijkbudget.generate_codes", wijkbudget_id=wijkbudget.id))
        new = codes.generate_codes(wijkbudget, 1) if form.reissue.data else []
        db.session.commit()
        flash(_("De code is ingetrokken."), "success")
        if new:
            return _codes_created(wijkbudget, new)
    return redirect(url_for("wijkbudget.generate_codes", wijkbudget_id=wijkbudget.id))


@blueprint.route("/<int:wijkbudget_id>/papier", methods=["GET", "POST"])
def paper_ballot(wijkbudget_id):
    wijkbudget = _managed(wijkbudget_id)
    # error: the ballot's (linked to the projects); notice: voting closed; a refused code goes to its field.
    form, error, notice, values = PaperBallotForm(), None, None, {}
    if form.is_submitted():
        values = form_values(wijkbudget, request.form)  # kept also when only the code was forgotten
    if form.validate_on_submit():
        try:
            choice = voting.read_choice(wijkbudget, request.form)
            voting.submit_ballot(wijkbudget, codes.code_hash(wijkbudget, form.code.data), choice,
                                 today=clock.today(), paper=True)
        except InputError as exc:
            error = ballot_error(exc)
        except codes.CodeRejected:
            db.session.rollback()
            form.code.errors.append(code_rejected_message())
        except voting.VotingClosed:
            db.session.rollback()
            notice = _("Papieren stemmen kunt u alleen invoeren zolang het stemmen open is.")
        else:
            db.session.commit()
            flash(_("Het papieren stembiljet is meegeteld."), "success")
            return redirect(url_for("wijkbudget.paper_ballot", wijkbudget_id=wijkbudget.id))
    refused = error or notice or form.errors
    return render_template("wijkbudget/paper.html", wijkbudget=wijkbudget, form=form, error=error, notice=notice,
                           values=values, statistics=(voting.GESLACHT, voting.LEEFTIJD)), (422 if refused else 200)


@blueprint.route("/<int:wijkbudget_id>/tellen", methods=["GET", "POST"])
def count(wijkbudget_id):
    wijkbudget = _managed(wijkbudget_id)
    form = CountForm(rule=wijkbudget.rule)
    form.rule.choices = [SelectChoice(r, RULE_LABELS[r]) for r in rules_for(wijkbudget.ballot_type)]
    if form.validate_on_submit():
        try:
            counting.count_votes(wijkbudget, current_user, rule=form.rule.data, now=utcnow())
        except services.PhaseError as error:
            flash(str(error.message), "error")
            return _to_manage(wijkbudget)
        db.session.commit()
        flash(_("De stemmen zijn geteld. Controleer de uitslag en publiceer hem."), "success")
        return _to_manage(wijkbudget)
    counted_phase = wijkbudget.phase in (Phase.GESLOTEN, Phase.GEPUBLICEERD)  # no peeking while voting
    outcomes = counting.compare_rules(wijkbudget) if counted_phase else []
    return render_template("wijkbudget/compare.html", wijkbudget=wijkbudget, form=form, outcomes=outcomes,
                           rule_labels=RULE_LABELS, counted_phase=counted_phase)
