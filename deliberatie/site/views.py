from flask import render_template
from sqlalchemy import select

from ..extensions import db
from ..models import Gemeente, Traject, TrajectStatus
from . import blueprint


@blueprint.route("/")
def home():
    """Open trajecten per wijk, so residents find what runs in their neighbourhood."""
    gemeente = db.session.scalar(select(Gemeente).order_by(Gemeente.id))
    trajecten = db.session.scalars(
        select(Traject).where(Traject.status == TrajectStatus.OPEN).order_by(Traject.title)
    ).all()
    per_wijk = {}
    for traject in trajecten:
        for wijk in traject.wijken:
            per_wijk.setdefault(wijk, []).append(traject)
    wijken = gemeente.wijken if gemeente else []
    return render_template("site/home.html", gemeente=gemeente, wijken=wijken,
                           per_wijk=per_wijk, trajecten=trajecten)


@blueprint.route("/toegankelijkheid")
def toegankelijkheid():
    return render_template("site/toegankelijkheid.html")
