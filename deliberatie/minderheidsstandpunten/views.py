"""Resident routes: answer statements, propose, stemcode, a few questions about yourself."""

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db, limiter
from ..permissions import get_visible_traject as get_traject, require
from . import blueprint, services
from .forms import AfsluitenForm, ProfielForm, StellingForm, StemcodeForm, StemForm
from .models import Deelname, Stelling, StellingStatus
from .permissions import can_read_report, can_take_part

# Anonymous mode makes a new participant for every browser without our cookie, so a script that drops the
# cookie could answer as ever more "residents". New anonymous participants are therefore limited per client
# address and traject (votes and changes of a known participant never count). 30 an hour is far more than a
# household or the public computers of a library behind one address start (each resident takes minutes),
# yet it stops stuffing by the thousand. Many mobile users may share one carrier address (CGNAT): hence
# generous, and per hour rather than per day.
NEW_ANONYMOUS_PER_HOUR = 30


def get_in(model, object_id, traject_id, via=None):
    """A row of ``model`` that belongs to the traject, else 404."""
    row = db.session.get(model, object_id)
    owner = via(row) if (row is not None and via) else getattr(row, "traject_id", None)
    if row is None or owner != traject_id:
        abort(404)
    return row


def _session_key(traject):
    return f"mhs-{traject.id}"


def current_deelnemer(traject, ronde, *, create=False):
    """The visitor as a participant, by account, stemcode or browser pseudonym."""
    if ronde.deelname is Deelname.ACCOUNT:
        if not current_user.is_authenticated:
            return None
        return services.deelnemer_for_user(traject, current_user, create=create)
    found = services.deelnemer_by_pseudonym(traject, session.get(_session_key(traject)))
    if found is not None and ronde.deelname is Deelname.STEMCODE and found.stemcode_id is None:
        found = None  # an anonymous browser from before the switch to stemcodes needs a code too
    if found is None and create and ronde.deelname is Deelname.PSEUDONIEM:
        _count_new_anonymous(traject)  # 429 beyond the limit, before anything is stored
        found = services.new_anonymous(traject)
        session[_session_key(traject)] = found.pseudonym
        session.permanent = True
    return found


def _count_new_anonymous(traject):
    """One more new anonymous participant from this address (see NEW_ANONYMOUS_PER_HOUR)."""
    with limiter.shared_limit(f"{NEW_ANONYMOUS_PER_HOUR} per hour", scope=f"mhs-new-anonymous-{traject.id}"):
        pass


def _open_ronde(traject_id):
    traject = get_traject(traject_id)
    ronde = services.find_ronde(traject)
    if ronde is None or not ronde.open:  # say so (and where the outcome is), not "log in" to the anonymous
        # Closed is the round's state, not a refusal of this visitor: 200 for the page; a vote or proposal
        # sent to it is not stored, 409 as for other steps refused in the current state.
        abort(Response(render_template("minderheidsstandpunten/gesloten.html", traject=traject,
                                       can_read_report=can_read_report(current_user, traject, ronde)),
                       200 if request.method in ("GET", "HEAD") else 409))
    require(can_take_part(current_user, traject, ronde))
    if ronde.deelname is Deelname.ACCOUNT:
        require(current_user.is_authenticated)
    return traject, ronde


@blueprint.route("/<int:traject_id>/stellingen")
def stellingen(traject_id):
    traject, ronde = _open_ronde(traject_id)
    deelnemer = current_deelnemer(traject, ronde)
    if ronde.deelname is Deelname.STEMCODE and deelnemer is None:
        return redirect(url_for(".stemcode", traject_id=traject.id))
    visible = services.stellingen(traject, StellingStatus.ZICHTBAAR)
    answers = services.answered(deelnemer)
    chosen = request.args.get("stelling", type=int)
    stelling = next((s for s in visible if s.id == chosen), None) or next(
        (s for s in visible if s.id not in answers), None)
    form = StemForm(formdata=None)
    if stelling is not None and stelling.id in answers:
        form.stem.data = {1: "eens", -1: "oneens", 0: "overslaan"}[answers[stelling.id]]
    done = len([s for s in visible if s.id in answers])
    can_leave = deelnemer is not None and ronde.deelname is not Deelname.ACCOUNT
    return render_template("minderheidsstandpunten/stellingen.html", traject=traject, ronde=ronde,
                           stelling=stelling, form=form, done=done, total=len(visible), visible=visible,
                           answers=answers, deelnemer=deelnemer,
                           afsluiten_form=AfsluitenForm(formdata=None) if can_leave else None)


@blueprint.route("/<int:traject_id>/stellingen/<int:stelling_id>", methods=["POST"])
def stem(traject_id, stelling_id):
    traject, ronde = _open_ronde(traject_id)
    stelling = get_in(Stelling, stelling_id, traject.id)
    if stelling.status is not StellingStatus.ZICHTBAAR:
        abort(404)
    form = StemForm()
    if not form.validate_on_submit():
        flash(_("Kies eens, oneens of overslaan."), "error")
        return redirect(url_for(".stellingen", traject_id=traject.id, stelling=stelling.id))
    deelnemer = current_deelnemer(traject, ronde, create=True)
    if deelnemer is None:
        return redirect(url_for(".stemcode", traject_id=traject.id))
    services.vote(stelling, deelnemer, form.stem.data)
    db.session.commit()
    return redirect(url_for(".stellingen", traject_id=traject.id))


@blueprint.route("/<int:traject_id>/afsluiten", methods=["POST"])
def afsluiten(traject_id):
    """Forget the participant in this browser, not their votes: the next person at a shared computer starts afresh.

    Open or closed stellingen alike, so that a later reopening does not continue as this resident.
    """
    traject = get_traject(traject_id)
    if AfsluitenForm().validate_on_submit():
        session.pop(_session_key(traject), None)
        flash(_("Uw antwoorden zijn bewaard. De volgende persoon kan nu beginnen."), "success")
    return redirect(url_for(".stellingen", traject_id=traject.id))


@blueprint.route("/<int:traject_id>/stemcode", methods=["GET", "POST"])
@limiter.limit("10 per minute; 30 per hour", methods=["POST"])  # guessing codes
def stemcode(traject_id):
    traject, ronde = _open_ronde(traject_id)
    if ronde.deelname is not Deelname.STEMCODE:
        return redirect(url_for(".stellingen", traject_id=traject.id))
    form = StemcodeForm()
    if form.validate_on_submit():
        deelnemer = services.deelnemer_for_code(traject, form.code.data)
        if deelnemer is not None:
            db.session.commit()
            session[_session_key(traject)] = deelnemer.pseudonym
            return redirect(url_for(".stellingen", traject_id=traject.id))
        form.code.errors.append(_("Deze stemcode kennen we niet. Controleer de code op uw brief."))
    return render_template("minderheidsstandpunten/stemcode.html", traject=traject, form=form)


@blueprint.route("/<int:traject_id>/voorstellen", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def voorstellen(traject_id):
    traject, ronde = _open_ronde(traject_id)
    require(ronde.voorstellen_toegestaan)
    form = StellingForm()
    if form.validate_on_submit():
        deelnemer = current_deelnemer(traject, ronde, create=ronde.deelname is not Deelname.STEMCODE)
        if deelnemer is None:
            return redirect(url_for(".stemcode", traject_id=traject.id))
        services.propose_stelling(traject, deelnemer, form.text.data)
        db.session.commit()
        flash(_("Dank u. Uw stelling wordt bekeken en verschijnt daarna bij de stellingen."), "success")
        return redirect(url_for(".stellingen", traject_id=traject.id))
    return render_template("minderheidsstandpunten/voorstellen.html", traject=traject, form=form)


@blueprint.route("/<int:traject_id>/over-u", methods=["GET", "POST"])
def profiel(traject_id):
    traject, ronde = _open_ronde(traject_id)
    deelnemer = current_deelnemer(traject, ronde)
    if deelnemer is None:
        return redirect(url_for(".stellingen", traject_id=traject.id))
    form = ProfielForm(obj=deelnemer)
    if form.validate_on_submit():
        services.save_profile(deelnemer, form.data)
        db.session.commit()
        flash(_("Dank u. Zo kunnen we zien of alle inwoners mee hebben gedaan."), "success")
        return redirect(url_for(".stellingen", traject_id=traject.id))
    return render_template("minderheidsstandpunten/profiel.html", traject=traject, form=form)


from . import views_beheer, views_correcties, views_verslag  # noqa: E402,F401
