"""The raad's report: page, JSON (open data), PDF, participatieverslag, making it public."""

from flask import Response, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..permissions import require
from . import blueprint, pdf, report, services
from .forms import OpenbaarForm
from .permissions import can_manage, can_read_report
from .views import get_traject


@blueprint.context_processor
def _report_text():
    """The report keeps dates and kinds as the JSON has them; its pages show them in words."""
    return {"long_date": report.long_date, "session_kind": report.session_kind_label}


def _readable(traject_id):
    traject = get_traject(traject_id)
    ronde = services.find_ronde(traject)
    require(can_read_report(current_user, traject, ronde))
    return traject, ronde


@blueprint.route("/<int:traject_id>/verslag")
def verslag(traject_id):
    traject, ronde = _readable(traject_id)
    form = OpenbaarForm(formdata=None, openbaar=bool(ronde and ronde.verslag_openbaar))
    return render_template("minderheidsstandpunten/verslag.html", traject=traject, ronde=ronde,
                           report=report.build(traject), can_manage=can_manage(current_user, traject),
                           form=form)


@blueprint.route("/<int:traject_id>/verslag.json")
def verslag_json(traject_id):
    traject, _ronde = _readable(traject_id)
    data = report.build(traject)
    data["participatieverslag"] = report.participatieverslag(data)
    response = jsonify(data)
    response.headers["Content-Disposition"] = f'inline; filename="verslag-{traject.id}.json"'
    return response


@blueprint.route("/<int:traject_id>/verslag.pdf")
def verslag_pdf(traject_id):
    traject, _ronde = _readable(traject_id)
    body = pdf.render(report.build(traject))
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="verslag-{traject.id}.pdf"'})


@blueprint.route("/<int:traject_id>/participatieverslag")
def participatieverslag(traject_id):
    traject, _ronde = _readable(traject_id)
    data = report.build(traject)
    return render_template("minderheidsstandpunten/participatieverslag.html", traject=traject, report=data,
                           verslag=report.participatieverslag(data))


@blueprint.route("/<int:traject_id>/verslag/openbaar", methods=["POST"])
def openbaar(traject_id):
    traject = get_traject(traject_id)
    require(can_manage(current_user, traject))
    form = OpenbaarForm()
    if form.validate_on_submit():
        services.set_report_public(traject, current_user, bool(form.openbaar.data))
        db.session.commit()
        flash(_("Het verslag is nu openbaar.") if form.openbaar.data else
              _("Het verslag is niet meer openbaar."), "success")
    return redirect(url_for(".verslag", traject_id=traject.id))
