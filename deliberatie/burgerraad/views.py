import secrets

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from .. import jobs
from ..core.errors import InputError
from ..extensions import db
from ..models import Traject
from ..models.job import Job
from ..permissions import can_edit_traject, can_view_traject, require
from . import blueprint, forms, messages, privacy, selection, services
from .models import Aanmelding, Burgerraad, BurgerraadStatus, DeelnemerStatus
from .pdf import letters_pdf
from .permissions import can_manage_burgerraad, can_purge, can_view_draw

LETTERS_PER_PDF = 200  # under a second of PDF per download (benchmarks/letters.py)


def _get(burgerraad_id, predicate=can_manage_burgerraad):
    burgerraad = db.session.get(Burgerraad, burgerraad_id)
    if burgerraad is None or not can_view_traject(current_user, burgerraad.traject):
        abort(404)
    require(predicate(current_user, burgerraad))
    return burgerraad


def _get_public(burgerraad_id):
    """The public draw: it does not exist for anyone until the commitment is published."""
    burgerraad = db.session.get(Burgerraad, burgerraad_id)
    if burgerraad is None or burgerraad.commitment is None:
        abort(404)
    return _get(burgerraad_id, can_view_draw)


def _flash_input_error(error):
    flash(messages.input_error(error.code, error.params), "error")


@blueprint.route("/traject/<int:traject_id>/opzetten", methods=["GET", "POST"])
def opzetten(traject_id):
    traject = db.session.get(Traject, traject_id) or abort(404)
    require(can_edit_traject(current_user, traject))
    if services.for_traject(traject) is not None:
        return redirect(url_for(".overzicht", burgerraad_id=services.for_traject(traject).id))
    form = forms.SettingsForm(wijk_names=[w.name for w in traject.wijken])
    if form.validate_on_submit():
        burgerraad = services.create_burgerraad(traject, form.data, actor=current_user)
        db.session.commit()
        flash(_("De burgerraad is aangemaakt."), "success")
        return redirect(url_for(".overzicht", burgerraad_id=burgerraad.id))
    return render_template("burgerraad/instellingen.html", form=form, traject=traject, burgerraad=None)


@blueprint.route("/<int:burgerraad_id>")
def overzicht(burgerraad_id):
    burgerraad = _get(burgerraad_id)
    return render_template("burgerraad/overzicht.html", burgerraad=burgerraad, confirm=forms.ConfirmForm(),
                           selection_form=forms.SelectionForm(algorithm=burgerraad.algorithm),
                           seed_form=forms.SeedForm(), can_purge=can_purge(current_user, burgerraad),
                           job=jobs.latest(selection.subject(burgerraad)), Status=BurgerraadStatus,
                           draw_failed=selection.draw_failed(burgerraad))


@blueprint.route("/<int:burgerraad_id>/instellingen", methods=["GET", "POST"])
def instellingen(burgerraad_id):
    burgerraad = _get(burgerraad_id)
    # The object fills the form only on GET: a POST that lacks a field must fail validation,
    # not fall back to the object's value (``vragen`` is a relationship there, not text).
    form = forms.SettingsForm(obj=None if request.method == "POST" else burgerraad,
                              wijk_names=[w.name for w in burgerraad.traject.wijken])
    if not form.is_submitted():
        form.vragen.data = services.vragen_text(burgerraad)
    if form.validate_on_submit():
        try:
            services.update_settings(burgerraad, form.data, actor=current_user)
        except services.NotAllowedNow:
            abort(409)
        except services.ConsentLocked as locked:
            _consent_errors(burgerraad, form, locked.fields)
        else:
            db.session.commit()
            flash(_("De instellingen zijn opgeslagen."), "success")
            return redirect(url_for(".overzicht", burgerraad_id=burgerraad.id))
    return render_template("burgerraad/instellingen.html", form=form, traject=burgerraad.traject,
                           burgerraad=burgerraad)


def _consent_errors(burgerraad, form, fields):
    """The form errors for settings the registrants' consent does not allow (the service refused them)."""
    if "purpose" in fields:
        form.purpose.errors.append(_("Er zijn al aanmeldingen met toestemming voor dit doel. Het doel kan "
                                     "niet meer veranderen."))
    if "term_ends_on" in fields:
        form.term_ends_on.errors.append(_(
            "Er zijn al aanmeldingen met toestemming tot en met %(date)s. Een latere datum kan niet meer; "
            "een eerdere wel.", date=format_date(burgerraad.term_ends_on, "long")))


@blueprint.route("/<int:burgerraad_id>/brieven", methods=["GET", "POST"])
def brieven(burgerraad_id):
    burgerraad = _get(burgerraad_id)
    wijken = burgerraad.traject.wijken
    form = forms.letters_form(wijken)
    row_errors = []
    if burgerraad.status is BurgerraadStatus.OPZET and form.validate_on_submit():
        if services.wijken_changed(burgerraad):
            flash(_("De wijken van het traject zijn veranderd sinds de vragen zijn ingesteld. Pas de vraag "
                    "‘wijk’ hier aan voordat u adressen loot; er is niets opgeslagen."), "error")
            return redirect(url_for(".instellingen", burgerraad_id=burgerraad.id))
        rates = ({w.id: form[f"respons_{w.id}"].data for w in wijken} if form.spread.data == "respons" else None)
        seed = form.seed.data if form.seed.data is not None else secrets.randbits(63)
        drawn, errors = services.draw_letters(burgerraad, form.extract.data.read(), total=form.total.data,
                                              response_rates=rates, seed=seed, actor=current_user)
        if not errors:
            db.session.commit()
            flash(_("%(n)s adressen zijn geloot. Download de brieven.", n=len(drawn)), "success")
            return redirect(url_for(".brieven", burgerraad_id=burgerraad.id))
        db.session.rollback()
        row_errors = [messages.row_error(e) for e in errors]
    letters_count = len({u.address_id for u in burgerraad.uitnodigingen})
    parts = [(n, (n - 1) * LETTERS_PER_PDF + 1, min(n * LETTERS_PER_PDF, letters_count))
             for n in range(1, -(-letters_count // LETTERS_PER_PDF) + 1)]
    return render_template("burgerraad/brieven.html", burgerraad=burgerraad, form=form, row_errors=row_errors,
                           population=services.wijk_population(burgerraad), parts=parts,
                           letters_count=letters_count), (422 if row_errors else 200)


@blueprint.route("/<int:burgerraad_id>/brieven.pdf")
def brieven_pdf(burgerraad_id):
    """One part of the letters (``?deel=N``), so that each download stays a short request."""
    burgerraad = _get(burgerraad_id)
    part = request.args.get("deel", 1, type=int)
    batch = services.letters_by_address(burgerraad)[(part - 1) * LETTERS_PER_PDF:part * LETTERS_PER_PDF]
    if part < 1 or not batch:
        abort(404)
    data = letters_pdf(gemeente=burgerraad.traject.gemeente.name, traject=burgerraad.traject,
                       burgerraad=burgerraad, letters=batch,
                       register_url=lambda code: url_for(".aanmelden", code=code, _external=True))
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="brieven-burgerraad-{burgerraad.id}-deel-{part}.pdf"'})


@blueprint.route("/<int:burgerraad_id>/quota", methods=["GET", "POST"])
def quota(burgerraad_id):
    burgerraad = _get(burgerraad_id)
    if request.method == "POST" and burgerraad.status is not BurgerraadStatus.AANMELDEN:
        return _quotas_closed(burgerraad)
    form = forms.quota_form(burgerraad)
    if form.validate_on_submit():
        bounds = {q.id: (form[f"min_{q.id}"].data, form[f"max_{q.id}"].data)
                  for v in burgerraad.vragen for q in v.waarden}
        services.save_quotas(burgerraad, panel_size=form.panel_size.data, bounds=bounds, actor=current_user)
        db.session.commit()
        flash(_("De quota zijn opgeslagen."), "success")
        return redirect(url_for(".haalbaarheid", burgerraad_id=burgerraad.id))
    return _quota_page(burgerraad, form)


def _quota_page(burgerraad, form, status=200):
    return render_template("burgerraad/quota.html", burgerraad=burgerraad, form=form,
                           derive=forms.DeriveForm(panel_size=burgerraad.panel_size),
                           shares=services.population_shares(burgerraad),
                           pool=services.pool_counts(burgerraad)), status


def _quotas_closed(burgerraad):
    """A POST from a quota page opened before the letters were drawn or after the inputs were fixed:
    409 and the quota page as it is now, with the message."""
    flash(_("De quota kunnen nu niet worden gewijzigd: dat kan alleen zolang de aanmelding open is. "
            "Er is niets opgeslagen."), "error")
    return _quota_page(burgerraad, forms.quota_form(burgerraad, stored=True), 409)


@blueprint.route("/<int:burgerraad_id>/quota/afleiden", methods=["POST"])
def afleiden(burgerraad_id):
    burgerraad = _get(burgerraad_id)
    if burgerraad.status is not BurgerraadStatus.AANMELDEN:
        return _quotas_closed(burgerraad)
    form = forms.DeriveForm()
    if form.validate_on_submit():
        unknown = services.derive_quotas(burgerraad, panel_size=form.panel_size.data,
                                         tolerance=form.tolerance.data / 100, actor=current_user)
        db.session.commit()
        if len(unknown) == len(burgerraad.vragen):
            flash(_("Er zijn geen bevolkingscijfers voor deze vragen, dus er is niets afgeleid. Alle quota "
                    "staan open (0 tot %(k)s). Vul ze zelf in.", k=burgerraad.panel_size), "error")
        else:
            flash(_("De quota zijn afgeleid uit de bevolkingscijfers. Controleer ze."), "success")
            if unknown:
                flash(_("Voor %(vragen)s zijn geen bevolkingscijfers: die quota staan open (0 tot %(k)s).",
                        vragen=", ".join(unknown), k=burgerraad.panel_size), "info")
    else:
        flash(_("Vul het aantal leden en de speling goed in."), "error")
    return redirect(url_for(".quota", burgerraad_id=burgerraad.id))


@blueprint.route("/<int:burgerraad_id>/haalbaarheid")
def haalbaarheid(burgerraad_id):
    burgerraad = _get(burgerraad_id)
    report, error = None, None
    try:
        report = selection.check_feasibility(burgerraad)
    except InputError as exc:
        error = messages.input_error(exc.code, exc.params)
    return render_template("burgerraad/haalbaarheid.html", burgerraad=burgerraad, report=report, error=error,
                           confirm=forms.ConfirmForm(), selection_form=forms.SelectionForm(
                               algorithm=burgerraad.algorithm), bound_text=messages.bound_text)


@blueprint.route("/<int:burgerraad_id>/versoepelen", methods=["POST"])
def versoepelen(burgerraad_id):
    burgerraad = _get(burgerraad_id)
    if burgerraad.status is not BurgerraadStatus.AANMELDEN or not forms.ConfirmForm().validate_on_submit():
        abort(409)
    try:
        changes = selection.apply_relaxation(burgerraad, actor=current_user)
    except InputError as error:
        _flash_input_error(error)
        return redirect(url_for(".haalbaarheid", burgerraad_id=burgerraad.id))
    db.session.commit()
    flash(_("%(n)s quota zijn versoepeld.", n=len(changes)), "success")
    return redirect(url_for(".haalbaarheid", burgerraad_id=burgerraad.id))


@blueprint.route("/<int:burgerraad_id>/selectie", methods=["POST"])
def selectie(burgerraad_id):
    burgerraad = _get(burgerraad_id)
    form = forms.SelectionForm()
    if burgerraad.status is not BurgerraadStatus.AANMELDEN or not form.validate_on_submit():
        abort(409)
    try:
        feasible = selection.check_feasibility(burgerraad).feasible
    except InputError as error:
        _flash_input_error(error)
        return redirect(url_for(".haalbaarheid", burgerraad_id=burgerraad.id))
    if not feasible:
        flash(_("Eerst de quota haalbaar maken."), "error")
        return redirect(url_for(".haalbaarheid", burgerraad_id=burgerraad.id))
    running = selection.running_selection(burgerraad)
    if running is not None:
        flash(_("De kansen worden al berekend. Wacht tot die berekening klaar is."), "info")
        return redirect(url_for(".taak", burgerraad_id=burgerraad.id, job_id=running.id))
    job = selection.start_selection(burgerraad, algorithm=form.algorithm.data, actor=current_user)
    db.session.commit()
    jobs.dispatch(job.id)
    return redirect(url_for(".taak", burgerraad_id=burgerraad.id, job_id=job.id))


@blueprint.route("/<int:burgerraad_id>/taak/<int:job_id>")
def taak(burgerraad_id, job_id):
    burgerraad = _get(burgerraad_id)
    job = db.session.get(Job, job_id)
    if job is None or job.subject != selection.subject(burgerraad):
        abort(404)
    if job.status.value == "done":
        target = ".kansen" if job.kind == selection.DISTRIBUTION_JOB else ".loting"
        return redirect(url_for(target, burgerraad_id=burgerraad.id))
    failure = jobs.error_of(job)
    return render_template("burgerraad/taak.html", burgerraad=burgerraad, job=job,
                           error=messages.input_error(*failure) if failure else None,
                           draw=job.kind == selection.DRAW_JOB,
                           # WCAG 2.2.1: whoever uses a screen reader can stop the page reloading itself
                           auto_refresh=request.args.get("verversen") != "nee")


@blueprint.route("/<int:burgerraad_id>/kansen")
def kansen(burgerraad_id):
    burgerraad = _get(burgerraad_id)
    job = selection.latest_distribution(burgerraad)
    result = job.result if job is not None and job.status.value == "done" else None
    answers = {a.anon_id: a.answers for a in burgerraad.aanmeldingen}
    stale = False
    if result is not None and burgerraad.status is BurgerraadStatus.AANMELDEN:
        try:
            stale = selection.build_instance(burgerraad).sha256() != result["inputs_sha256"]
        except InputError:
            stale = True
        # the panel size and the household rule are not part of the inputs' hash
        stale = stale or result["k"] != burgerraad.panel_size or result.get(
            "households", burgerraad.one_per_household) != burgerraad.one_per_household
    return render_template("burgerraad/kansen.html", burgerraad=burgerraad, result=result, job=job,
                           answers=answers, stale=stale, confirm=forms.ConfirmForm(), labels=forms.ALGORITHM_LABELS)


@blueprint.route("/<int:burgerraad_id>/vastleggen", methods=["POST"])
def vastleggen(burgerraad_id):
    burgerraad = _get(burgerraad_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    try:
        selection.commit_inputs(burgerraad, actor=current_user)
    except services.NotAllowedNow:
        abort(409)
    except InputError as error:
        _flash_input_error(error)
        return redirect(url_for(".haalbaarheid", burgerraad_id=burgerraad.id))
    db.session.commit()
    flash(_("De invoer is vastgelegd en de vastlegging is gepubliceerd. Kondig nu het getal aan."), "success")
    return redirect(url_for(".loting", burgerraad_id=burgerraad.id))


@blueprint.route("/<int:burgerraad_id>/loten", methods=["POST"])
def loten(burgerraad_id):
    burgerraad = _get(burgerraad_id)
    form = forms.SeedForm()
    if not form.validate_on_submit():
        flash(_("Vul een geheel getal van 0 of meer in."), "error")
        return redirect(url_for(".overzicht", burgerraad_id=burgerraad.id))
    try:
        job = selection.start_draw(burgerraad, seed=form.seed.data, actor=current_user)
    except services.NotAllowedNow:
        abort(409)
    db.session.commit()
    jobs.dispatch(job.id)
    return redirect(url_for(".taak", burgerraad_id=burgerraad.id, job_id=job.id))


@blueprint.route("/<int:burgerraad_id>/loting")
def loting(burgerraad_id):
    burgerraad = _get_public(burgerraad_id)
    record = burgerraad.record
    return render_template("burgerraad/loting.html", burgerraad=burgerraad, record=record,
                           commitment_text=(selection.matching_commitment_text(burgerraad, record)
                                            or selection.commitment_text(record)) if record else None,
                           commitment_matches=record is not None
                           and selection.matching_commitment_text(burgerraad, record) is not None,
                           composition=selection.composition(burgerraad),
                           can_manage=can_manage_burgerraad(current_user, burgerraad),
                           seed_form=forms.SeedForm())


@blueprint.route("/<int:burgerraad_id>/RECORD.json")
def record(burgerraad_id):
    burgerraad = _get_public(burgerraad_id)
    if burgerraad.record_json is None:
        abort(404)
    return Response(burgerraad.record_json, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="RECORD-burgerraad-{burgerraad.id}.json"'})


@blueprint.route("/<int:burgerraad_id>/panel")
def panel(burgerraad_id):
    burgerraad = _get(burgerraad_id)
    members = sorted(burgerraad.aanmeldingen, key=lambda a: (a.status.value, a.reserve_rank or 0, a.anon_id))
    return render_template("burgerraad/panel.html", burgerraad=burgerraad, members=members,
                           closest=selection.closest_reserve(burgerraad), confirm=forms.ConfirmForm(),
                           Deelnemer=DeelnemerStatus)


def _panel_action(service, burgerraad_id, aanmelding_id):
    """Run ``service(burgerraad, member, actor=...)`` for a confirmed POST on the panel page and commit.

    Returns ``(burgerraad, member, result, the member's status before)``; 404 for a member of another
    burgerraad, 400 without the CSRF token, 409 when the service refuses in this state.
    """
    burgerraad = _get(burgerraad_id)
    member = db.session.get(Aanmelding, aanmelding_id)
    if member is None or member.burgerraad_id != burgerraad.id:
        abort(404)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    was = member.status
    try:
        result = service(burgerraad, member, actor=current_user)
    except services.NotAllowedNow:
        abort(409)
    db.session.commit()
    return burgerraad, member, result, was


@blueprint.route("/<int:burgerraad_id>/panel/<int:aanmelding_id>/afgehaakt", methods=["POST"])
def afhaken(burgerraad_id, aanmelding_id):
    burgerraad, member, replacement, was = _panel_action(selection.drop_out, burgerraad_id, aanmelding_id)
    if was is DeelnemerStatus.RESERVE:
        flash(_("Reservelid %(old)s staat niet meer op de reservelijst.", old=member.anon_id), "success")
    elif replacement is None:
        flash(_("Geen reserve past binnen de quota. De plek blijft leeg."), "error")
    else:
        flash(_("%(old)s is vervangen door reserve %(new)s.", old=member.anon_id, new=replacement.anon_id),
              "success")
    return redirect(url_for(".panel", burgerraad_id=burgerraad.id))


@blueprint.route("/<int:burgerraad_id>/panel/<int:aanmelding_id>/plaatsen", methods=["POST"])
def plaatsen(burgerraad_id, aanmelding_id):
    """Seat the closest reserve in an empty seat, even though a quota then does not hold."""
    burgerraad, member, best, _was = _panel_action(selection.seat_closest_reserve, burgerraad_id, aanmelding_id)
    if best.off:
        flash(_("Reservelid %(new)s zit nu in het panel. Niet alle quota kloppen.", new=member.anon_id), "info")
    else:
        flash(_("Reservelid %(new)s zit nu in het panel.", new=member.anon_id), "success")
    return redirect(url_for(".panel", burgerraad_id=burgerraad.id))


@blueprint.route("/<int:burgerraad_id>/wissen", methods=["POST"])
def wissen(burgerraad_id):
    burgerraad = _get(burgerraad_id, can_purge)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    try:
        privacy.purge(burgerraad, actor=current_user)
    except services.NotAllowedNow:  # purged meanwhile (another organiser, or the daily purge)
        abort(409)
    db.session.commit()
    flash(_("De persoonsgegevens van de pool zijn gewist. De loting en de tellingen blijven."), "success")
    return redirect(url_for(".overzicht", burgerraad_id=burgerraad.id))

