"""Steuncodes for the pitch round: the organiser makes them and downloads them once, as CSV or letters (PDF)."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..codes import codes_csv
from ..extensions import db
from ..permissions import require
from . import blueprint, permissions as perms, services, steuncodes
from .forms import DownloadSteuncodesForm, GenerateSteuncodesForm
from .views import MESSAGES, NO_STORE, get_traject


def _managed(traject_id):
    traject = get_traject(traject_id)
    require(perms.can_manage_pitches(current_user, traject))
    return traject


@blueprint.route("/traject/<int:traject_id>/steuncodes", methods=["GET", "POST"])
def generate_steuncodes(traject_id):
    traject = _managed(traject_id)
    ronde = services.ronde_for(traject)
    if ronde is None:
        flash(MESSAGES["no_ronde"], "error")
        return redirect(url_for("pitches.ronde", traject_id=traject.id))
    form = GenerateSteuncodesForm()
    if form.validate_on_submit():
        new = steuncodes.generate(ronde, current_user, form.count.data)
        db.session.commit()
        page = render_template("pitches/steuncodes_created.html", traject=traject, codes=new,
                               download=DownloadSteuncodesForm(codes=" ".join(new)))
        return page, 200, NO_STORE
    return render_template("pitches/steuncodes.html", traject=traject, ronde=ronde, form=form,
                           total=steuncodes.count(ronde))


def _posted_codes(traject):
    """The codes just made (posted back from the page that showed them), only those of this round."""
    form = DownloadSteuncodesForm()
    if not form.validate_on_submit():
        abort(400)
    valid = steuncodes.verify_batch(services.ronde_for(traject), (form.codes.data or "").split())
    return valid, url_for("pitches.index", traject_id=traject.id, _external=True)


@blueprint.route("/traject/<int:traject_id>/steuncodes/download", methods=["POST"])
def download_steuncodes(traject_id):
    traject = _managed(traject_id)
    valid, link = _posted_codes(traject)
    text = codes_csv(valid, lambda _code: link, columns=("volgnummer", "steuncode", "steunlink"))
    return Response(text, mimetype="text/csv", headers={  # Flask adds the charset itself
        **NO_STORE, "Content-Disposition": f"attachment; filename=steuncodes-{traject.id}.csv"})


@blueprint.route("/traject/<int:traject_id>/steuncodes/brieven", methods=["POST"])
def download_steuncodes_pdf(traject_id):
    """The same codes as printable letters, one page per code."""
    traject = _managed(traject_id)
    valid, link = _posted_codes(traject)
    pdf = steuncodes.letters(services.ronde_for(traject), valid, link)
    return Response(pdf, mimetype="application/pdf", headers={
        **NO_STORE, "Content-Disposition": f"attachment; filename=steuncodes-{traject.id}.pdf"})
