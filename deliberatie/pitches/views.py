from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db, limiter
from ..permissions import can_view_traject, get_visible_traject as get_traject, require
from . import blueprint, permissions as perms, services, steuncodes
from .forms import STATUS_LABELS, ConfirmForm, PitchForm, StatusForm, SteuncodeForm
from .models import Pitch, PitchImage, PitchStatus

MESSAGES = {
    "already_supported": _l("U steunt deze pitch al."),
    "code_rejected": _l("Met deze steuncode kunt u deze pitch niet steunen. Controleer of u de code goed hebt "
                        "overgenomen uit de brief. Klopt de code wel? Neem dan contact op met de gemeente."),
    "code_already_counted": _l("Met deze steuncode is deze pitch al gesteund. Uw steun telt al mee."),
    "bad_image": _l("De afbeelding is geen geldige PNG of JPEG."),
    "image_too_big": _l("De afbeelding is groter dan 2 MB."),
    "reason_required": _l("Leg uit waarom de pitch is afgewezen."),
    "criteria_locked": _l("De jury heeft al cijfers gegeven; de criteria liggen vast."),
    "unknown_user": _l("Er is geen actief account met dat e-mailadres."),
    "already_jury": _l("Die persoon zit al in de jury."),
    "score_out_of_range": _l("Een cijfer valt buiten de schaal."),
    "own_pitch": _l("Dit is uw eigen pitch. Als jurylid beoordeelt u uw eigen pitch niet."),
    "ranking_published": _l("De uitslag is al gepubliceerd; cijfers liggen vast."),
    "weights_locked": _l("De uitslag is al gepubliceerd; de gewichten liggen vast."),
    "no_ronde": _l("Stel eerst de pitchronde in."),
    "not_selected": _l("Alleen een geselecteerde pitch kan een wijkbudgetproject worden."),
    "already_project": _l("Deze pitch is al een wijkbudgetproject."),
    "no_wijkbudget": _l("Dit traject heeft geen wijkbudget in voorbereiding; maak dat eerst aan."),
}


NO_STORE = {"Cache-Control": "no-store"}  # a typed code must not stay in a shared computer's cache


def _refuse(error):
    flash(MESSAGES.get(error.code, _l("Dat kan nu niet.")), "error")


def get_pitch(pitch_id) -> Pitch:
    pitch = db.session.get(Pitch, pitch_id)
    if pitch is None or not perms.can_view_pitch(current_user, pitch):
        abort(404)
    return pitch


def _image(form):
    upload = form.image.data
    if upload and getattr(upload, "filename", ""):
        try:
            return upload.read(services.MAX_IMAGE_BYTES + 1), form.image_alt.data
        finally:
            upload.close()  # large uploads are spooled to a temporary file
    return None


def _form_data(form):
    return dict(form.data, cost_cents=form.cost.cents)


@blueprint.route("/traject/<int:traject_id>")
def index(traject_id):
    traject = get_traject(traject_id)
    require(can_view_traject(current_user, traject))
    ronde = services.ronde_for(traject)
    pitches = services.pitches_for(traject)
    return render_template("pitches/index.html", traject=traject, pitches=pitches, ronde=ronde,
                           counts={p.id: services.support_count(p) for p in pitches}, status_labels=STATUS_LABELS,
                           can_submit=perms.can_submit_pitch(current_user, traject),
                           can_manage=perms.can_manage_pitches(current_user, traject),
                           can_rank=perms.can_see_ranking(current_user, traject, ronde))


@blueprint.route("/traject/<int:traject_id>/nieuw", methods=["GET", "POST"])
def create(traject_id):
    traject = get_traject(traject_id)
    require(perms.can_submit_pitch(current_user, traject))
    form = PitchForm().fill_choices(traject.gemeente.wijken)
    if form.validate_on_submit():
        try:
            pitch = services.submit_pitch(traject, current_user, _form_data(form), image=_image(form))
        except services.ServiceError as error:
            db.session.rollback()
            form.image.errors = [MESSAGES[error.code]]
        else:
            db.session.commit()
            flash(_("Uw pitch is ontvangen. U hoort van ons wat ermee gebeurt."), "success")
            return redirect(url_for("pitches.detail", pitch_id=pitch.id))
    return render_template("pitches/form.html", form=form, traject=traject, pitch=None)


@blueprint.route("/<int:pitch_id>/bewerken", methods=["GET", "POST"])
def edit(pitch_id):
    pitch = get_pitch(pitch_id)
    require(perms.can_edit_pitch(current_user, pitch))
    form = PitchForm(obj=pitch).fill_choices(pitch.traject.gemeente.wijken)
    if not form.is_submitted():
        form.cost.data = f"{pitch.cost_cents // 100},{pitch.cost_cents % 100:02d}"
        form.wijk.data = pitch.wijk_id
    if form.validate_on_submit():
        try:
            services.update_pitch(pitch, _form_data(form), image=_image(form))
        except services.ServiceError as error:
            db.session.rollback()
            form.image.errors = [MESSAGES[error.code]]
        else:
            db.session.commit()
            flash(_("De pitch is opgeslagen."), "success")
            return redirect(url_for("pitches.detail", pitch_id=pitch.id))
    return render_template("pitches/form.html", form=form, traject=pitch.traject, pitch=pitch)


@blueprint.route("/<int:pitch_id>")
def detail(pitch_id):
    pitch = get_pitch(pitch_id)
    require(perms.can_view_pitch(current_user, pitch))
    return _render_detail(pitch)


def _render_detail(pitch, code_form=None):
    ronde = services.ronde_for(pitch.traject)
    lid = services.jurylid_for(ronde, current_user)
    supported = current_user.is_authenticated and any(s.user_id == current_user.id for s in pitch.support)
    can_support = perms.can_support(current_user, pitch)
    # The code form is for residents without an account: signed in, one supports with the account
    # (or not at all, as the initiator), so nobody counts twice through a letter.
    with_code = (not current_user.is_authenticated and ronde is not None and ronde.code_salt is not None
                 and perms.can_support_with_code(pitch))
    return render_template("pitches/detail.html", pitch=pitch, ronde=ronde, status_labels=STATUS_LABELS,
                           count=services.support_count(pitch), supported=supported, confirm=ConfirmForm(),
                           can_support=can_support, code_form=code_form or (SteuncodeForm() if with_code else None),
                           can_edit=perms.can_edit_pitch(current_user, pitch),
                           can_manage=perms.can_manage_pitches(current_user, pitch.traject),
                           can_score=perms.can_score(current_user, pitch, lid),
                           own_as_jury=lid is not None and perms.is_own_pitch(current_user, pitch))


@blueprint.route("/afbeelding/<int:image_id>")
def image(image_id):
    item = db.session.get(PitchImage, image_id) or abort(404)
    require(perms.can_view_pitch(current_user, item.pitch))
    return Response(item.data, mimetype=item.content_type,
                    headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"})


@blueprint.route("/<int:pitch_id>/steun", methods=["POST"])
def support(pitch_id):
    pitch = get_pitch(pitch_id)
    require(perms.can_support(current_user, pitch))
    if ConfirmForm().validate_on_submit():
        try:
            services.support(pitch, current_user)
        except services.ServiceError as error:
            db.session.rollback()
            _refuse(error)
        else:
            db.session.commit()
            flash(_("Dank u: u steunt deze pitch."), "success")
    return redirect(url_for("pitches.detail", pitch_id=pitch.id))


@blueprint.route("/<int:pitch_id>/steuncode", methods=["POST"])
@limiter.limit("10 per minute", methods=["POST"])
def support_code(pitch_id):
    """Support with the code from a letter, no account needed; the code is the right to support."""
    pitch = get_pitch(pitch_id)
    if not perms.can_support_with_code(pitch):
        flash(_("Deze pitch kunt u niet meer steunen."), "error")
        return redirect(url_for("pitches.detail", pitch_id=pitch.id))
    if current_user.is_authenticated:  # one support per resident: the account's, not also a letter's
        flash(_("U bent ingelogd: steun met uw account. Een steuncode is voor inwoners zonder account."), "info")
        return redirect(url_for("pitches.detail", pitch_id=pitch.id))
    form = SteuncodeForm()
    if form.validate_on_submit():
        try:
            steuncodes.support_with_code(pitch, form.code.data)
        except services.ServiceError as error:
            db.session.rollback()
            if error.code == "code_already_counted":
                flash(MESSAGES[error.code], "info")
                return redirect(url_for("pitches.detail", pitch_id=pitch.id))
            form.code.errors.append(str(MESSAGES["code_rejected"]))  # one answer for every wrong code
        else:
            db.session.commit()
            flash(_("Dank u: uw steun voor deze pitch is meegeteld."), "success")
            return redirect(url_for("pitches.detail", pitch_id=pitch.id))
    return _render_detail(pitch, form), 200, NO_STORE


@blueprint.route("/<int:pitch_id>/status", methods=["GET", "POST"])
def status(pitch_id):
    pitch = get_pitch(pitch_id)
    require(perms.can_manage_pitches(current_user, pitch.traject))
    form = StatusForm(data={"status": pitch.status.value, "reason": pitch.status_reason})
    if form.validate_on_submit():
        services.set_status(pitch, current_user, PitchStatus(form.status.data), form.reason.data)
        db.session.commit()
        flash(_("De status is bijgewerkt. De indiener en de steunbetuigers krijgen bericht."), "success")
        return redirect(url_for("pitches.detail", pitch_id=pitch.id))
    return render_template("pitches/status.html", pitch=pitch, form=form)


@blueprint.route("/<int:pitch_id>/wijkbudget", methods=["POST"])
def to_wijkbudget(pitch_id):
    pitch = get_pitch(pitch_id)
    require(perms.can_manage_pitches(current_user, pitch.traject))
    if ConfirmForm().validate_on_submit():
        try:
            services.to_wijkbudget(pitch, current_user)
        except services.ServiceError as error:
            db.session.rollback()
            _refuse(error)
        else:
            db.session.commit()
            flash(_("De pitch is een project in het wijkbudget."), "success")
    return redirect(url_for("pitches.detail", pitch_id=pitch.id))


@blueprint.route("/mijn")
def mine():
    require(current_user.is_authenticated)
    own, supported = services.my_pitches(current_user)
    return render_template("pitches/mine.html", own=own, supported=supported, status_labels=STATUS_LABELS)


from . import views_ronde, views_steuncodes  # noqa: E402,F401
