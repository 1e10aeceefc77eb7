"""Resident-facing pages: overview, code entry, ballot, confirm, receipt, results, images."""

from flask import (abort, current_app, flash, redirect, render_template, request, send_from_directory, session,
                   url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from .. import clock
from ..core.errors import InputError
from ..attempts import count_attempt
from ..extensions import db
from ..permissions import require
from . import blueprint, codes, counting, snapshot, support, voting
from .forms import BallotForm, CodeForm, ReceiptForm
from .messages import ballot_error, explain
from .models import Wijkbudget, WijkbudgetProject
from .permissions import can_manage_wijkbudget, can_see_results, can_view_wijkbudget
from .uploads import upload_dir

SESSION_KEY = "wijkbudget_code"


@blueprint.after_request
def _no_store(response):
    """Codes, ballots and receipts must not stay in a shared computer's or proxy's cache."""
    if request.endpoint != "wijkbudget.image":
        response.headers["Cache-Control"] = "no-store"
    return response


def _visitor():
    """The signed-in or anonymous user itself, not flask_login's proxy: the permission predicates look
    at it several times each, and every look through the proxy is a lookup in the request context."""
    return current_user._get_current_object()


def get_wijkbudget(wijkbudget_id, *, projects=False) -> Wijkbudget:
    """The wijkbudget with its traject (one query: the permission checks need it), and its projects
    with their wijk when the page shows them (one more query, not one per project)."""
    options = [joinedload(Wijkbudget.traject)]
    if projects:
        options.append(selectinload(Wijkbudget.projects).joinedload(WijkbudgetProject.wijk))
    wijkbudget = db.session.get(Wijkbudget, wijkbudget_id, options=options)
    user = _visitor()
    if wijkbudget is None or not (can_view_wijkbudget(user, wijkbudget) or can_manage_wijkbudget(user, wijkbudget)):
        abort(404)  # a wijkbudget in preparation does not exist for the public
    return wijkbudget


def voting_wijkbudget(wijkbudget_id):
    """For the voting pages: this process's copy of an open wijkbudget (:mod:`.snapshot`), with its
    projects; otherwise (not open, not public, unknown) the database's, as :func:`get_wijkbudget`."""
    wijkbudget = snapshot.open_wijkbudget(current_app, wijkbudget_id)
    if wijkbudget is None:
        return get_wijkbudget(wijkbudget_id, projects=True)
    user = _visitor()
    if not (can_view_wijkbudget(user, wijkbudget) or can_manage_wijkbudget(user, wijkbudget)):
        abort(404)
    return wijkbudget


def code_rejected_message():
    """One message for wrong, used and revoked codes, so a guess learns nothing."""
    return _("Met deze code kunt u niet stemmen. Controleer of u de code goed hebt overgenomen. "
             "Klopt de code wel? Neem dan contact op met de gemeente.")


def _digest(wijkbudget):
    return session.get(SESSION_KEY, {}).get(str(wijkbudget.id))


def _render_ballot(wijkbudget, form, *, values=None, error=None, status=200):
    statistics = (voting.GESLACHT, voting.LEEFTIJD)
    return render_template("wijkbudget/ballot.html", wijkbudget=wijkbudget, form=form, values=values or {},
                           error=error, statistics=statistics,
                           fields=None if values else _blank_ballot_fields(wijkbudget, statistics),
                           action=url_for("wijkbudget.ballot", wijkbudget_id=wijkbudget.id)), status


def _blank_ballot_fields(wijkbudget, statistics):
    """The empty ballot's projects and questions, rendered once per copy of the wijkbudget and language.

    They depend on nothing but the wijkbudget (frozen while voting), the language and the
    app's URL prefix; the CSRF token and everything else about the visitor stay outside.
    """
    if not isinstance(wijkbudget, snapshot.WijkbudgetView):
        return None
    key = ("ballot_fields", str(get_locale()), request.script_root)
    html = wijkbudget.fragments.get(key)
    if html is None:
        macros = current_app.jinja_env.get_template("wijkbudget/_macros.html").module
        html = wijkbudget.fragments[key] = macros.ballot_fields(wijkbudget, {}, statistics)
    return html


def form_values(wijkbudget, data):
    """The ballot as typed, to fill the form in again after an error."""
    values = {"project": set(data.getlist("project")), "geslacht": data.get("geslacht", ""),
              "leeftijd": data.get("leeftijd", "")}
    for p in wijkbudget.projects:
        for prefix in ("points", "rank"):
            values[f"{prefix}-{p.id}"] = data.get(f"{prefix}-{p.id}", "")
    return values


@blueprint.route("/<int:wijkbudget_id>")
def overview(wijkbudget_id):
    wijkbudget = get_wijkbudget(wijkbudget_id)
    require(can_view_wijkbudget(_visitor(), wijkbudget))
    return render_template("wijkbudget/overview.html", wijkbudget=wijkbudget,
                           open_now=voting.voting_is_open(wijkbudget, clock.today()))


@blueprint.route("/<int:wijkbudget_id>/stemmen", methods=["GET", "POST"])
def enter_code(wijkbudget_id):
    """Typed codes go through the form; the letter's QR link (``?code=``) opens the ballot at once."""
    linked = request.args.get("code", "") if request.method == "GET" else ""
    if request.method == "POST":
        count_attempt("10 per minute", "wijkbudget-code")
    elif linked:
        # Opening the letter's link checks a code too, but residents behind one address (a carrier's NAT,
        # a library) open their letters' links in the same days: a wider limit, still far from guessing 80 bits.
        count_attempt("60 per minute", "wijkbudget-link")
    wijkbudget = voting_wijkbudget(wijkbudget_id)
    require(can_view_wijkbudget(_visitor(), wijkbudget))
    if not voting.voting_is_open(wijkbudget, clock.today()):
        return render_template("wijkbudget/closed.html", wijkbudget=wijkbudget)
    # A link's code needs no code form unless it is refused (most voters come by link).
    form = None if linked else CodeForm()
    typed = form is not None and form.validate_on_submit()
    if typed or linked:
        try:
            digest = codes.unused_code_hash(wijkbudget, form.code.data if typed else linked)
        except codes.CodeRejected:
            form = form or CodeForm(code=linked)
            form.code.errors = [*form.code.errors, code_rejected_message()]  # a tuple until validated
        else:
            session[SESSION_KEY] = {str(wijkbudget.id): digest}
            if typed:
                return redirect(url_for("wijkbudget.ballot", wijkbudget_id=wijkbudget.id))
            return _render_ballot(wijkbudget, BallotForm())
    return render_template("wijkbudget/code.html", wijkbudget=wijkbudget, form=form)


@blueprint.route("/<int:wijkbudget_id>/stembiljet", methods=["GET", "POST"])
def ballot(wijkbudget_id):
    wijkbudget = voting_wijkbudget(wijkbudget_id)
    require(can_view_wijkbudget(_visitor(), wijkbudget))
    if not voting.voting_is_open(wijkbudget, clock.today()):
        return render_template("wijkbudget/closed.html", wijkbudget=wijkbudget)
    if _digest(wijkbudget) is None:
        return redirect(url_for("wijkbudget.enter_code", wijkbudget_id=wijkbudget.id))
    form = BallotForm()
    if not form.validate_on_submit():
        return _render_ballot(wijkbudget, form)
    try:
        choice = voting.read_choice(wijkbudget, request.form)
    except InputError as error:
        return _render_ballot(wijkbudget, form, values=form_values(wijkbudget, request.form),
                              error=ballot_error(error), status=422)
    chosen = {p.id: p for p in wijkbudget.projects}
    return render_template("wijkbudget/confirm.html", wijkbudget=wijkbudget, form=form, choice=choice,
                           fields=choice.as_fields(wijkbudget.ballot_type), projects=chosen,
                           total=sum(chosen[pid].cost_cents for pid, _ in choice.values))


@blueprint.route("/<int:wijkbudget_id>/bevestigen", methods=["POST"])
def confirm(wijkbudget_id):
    wijkbudget = voting_wijkbudget(wijkbudget_id)
    require(can_view_wijkbudget(_visitor(), wijkbudget))
    form = BallotForm()
    digest = _digest(wijkbudget)
    if not form.validate_on_submit() or digest is None:
        return redirect(url_for("wijkbudget.enter_code", wijkbudget_id=wijkbudget.id))
    try:
        choice = voting.read_choice(wijkbudget, request.form)
        if "change" in request.form:
            return _render_ballot(wijkbudget, form, values=form_values(wijkbudget, request.form))
        receipt = voting.submit_ballot(wijkbudget, digest, choice, today=clock.today())
    except InputError as error:
        return _render_ballot(wijkbudget, form, values=form_values(wijkbudget, request.form),
                              error=ballot_error(error), status=422)
    except voting.VotingClosed:
        db.session.rollback()
        snapshot.drop(current_app, wijkbudget_id)  # the page's copy was older than the database
        return render_template("wijkbudget/closed.html", wijkbudget=get_wijkbudget(wijkbudget_id))
    except codes.CodeRejected:
        db.session.rollback()
        session.pop(SESSION_KEY, None)
        flash(code_rejected_message(), "error")
        return redirect(url_for("wijkbudget.enter_code", wijkbudget_id=wijkbudget.id))
    db.session.commit()
    session.pop(SESSION_KEY, None)
    # wijkbudget_id, not wijkbudget.id: the commit expired the object, and reading it would load it again.
    return redirect(url_for("wijkbudget.receipt", wijkbudget_id=wijkbudget_id, receipt_id=receipt))


@blueprint.route("/<int:wijkbudget_id>/bewijs/<receipt_id>")
def receipt(wijkbudget_id, receipt_id):
    wijkbudget = voting_wijkbudget(wijkbudget_id)
    require(can_view_wijkbudget(_visitor(), wijkbudget))
    row = voting.find_receipt(wijkbudget, receipt_id) or abort(404)
    return render_template("wijkbudget/receipt.html", wijkbudget=wijkbudget, receipt=row)


@blueprint.route("/<int:wijkbudget_id>/bewijs")
def check_receipt(wijkbudget_id):
    """A voter who kept the receipt number checks, later, that their ballot is stored.

    Not rate-limited, like the receipt's own URL: a receipt is 60 random bits, and finding
    one tells nothing about what was voted.
    """
    wijkbudget = get_wijkbudget(wijkbudget_id)
    require(can_view_wijkbudget(_visitor(), wijkbudget))
    form = ReceiptForm(request.args)
    status = 200
    if "nummer" in request.args and not form.validate():
        status = 422
    elif "nummer" in request.args:
        row = voting.find_receipt(wijkbudget, form.nummer.data.strip())
        if row is not None:
            return redirect(url_for("wijkbudget.receipt", wijkbudget_id=wijkbudget.id, receipt_id=row.id))
        form.nummer.errors.append(_("Dit ontvangstbewijs kennen we niet bij deze stemming. "
                                    "Controleer het nummer."))
        status = 404
    return render_template("wijkbudget/check_receipt.html", wijkbudget=wijkbudget, form=form), status


@blueprint.route("/<int:wijkbudget_id>/uitslag")
def results(wijkbudget_id):
    wijkbudget = get_wijkbudget(wijkbudget_id)
    require(can_view_wijkbudget(_visitor(), wijkbudget))
    if not can_see_results(_visitor(), wijkbudget):
        abort(404)  # hidden until published
    result = counting.result_of(wijkbudget)
    return render_template("wijkbudget/results.html", wijkbudget=wijkbudget, result=result,
                           reasons={p["id"]: explain(p, result) for p in result["projects"]},
                           support=support.weighted_support(wijkbudget))


@blueprint.route("/afbeelding/<int:project_id>")
def image(project_id):
    project = db.session.get(WijkbudgetProject, project_id)
    if project is None or not project.image:
        abort(404)
    require(can_view_wijkbudget(_visitor(), project.wijkbudget))
    return send_from_directory(upload_dir(), project.image, max_age=3600)
