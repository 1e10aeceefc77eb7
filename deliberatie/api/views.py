from flask import abort, jsonify
from sqlalchemy import select

from ..extensions import db
from ..models import Gemeente, Traject, TrajectStatus, Wijk
from . import blueprint, serializers
from .openapi import openapi_document

PUBLIC = (TrajectStatus.OPEN, TrajectStatus.AFGEROND)


@blueprint.route("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@blueprint.route("/gemeente")
def gemeente():
    g = db.session.scalar(select(Gemeente).order_by(Gemeente.id)) or abort(404)
    return jsonify(serializers.gemeente(g))


@blueprint.route("/wijken")
def wijken():
    rows = db.session.scalars(select(Wijk).order_by(Wijk.name)).all()
    return jsonify([serializers.wijk(w) for w in rows])


@blueprint.route("/wijken/<int:wijk_id>")
def wijk(wijk_id):
    w = db.session.get(Wijk, wijk_id) or abort(404)
    return jsonify(serializers.wijk(w, populatie=True))


@blueprint.route("/trajecten")
def trajecten():
    rows = db.session.scalars(
        select(Traject).where(Traject.status.in_(PUBLIC)).order_by(Traject.id)
    ).all()
    return jsonify([serializers.traject(t) for t in rows])


@blueprint.route("/trajecten/<int:traject_id>")
def traject(traject_id):
    t = db.session.get(Traject, traject_id)
    if t is None or t.status not in PUBLIC:
        abort(404)
    return jsonify(serializers.traject(t))
