"""Traject use cases. Services flush; the view commits."""

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Gemeente, LadderRung, Terugkoppeling, Traject, TrajectFase, TrajectStatus, Wijk


def _apply(traject: Traject, data: dict) -> None:
    traject.title = data["title"].strip()
    traject.opgave = data["opgave"]
    traject.kaders = data.get("kaders") or ""
    traject.belofte = data["belofte"]
    traject.ladder = LadderRung(data["ladder"])
    traject.status = TrajectStatus(data["status"])
    traject.wijken = db.session.scalars(
        select(Wijk).where(Wijk.id.in_(data["wijken"]), Wijk.gemeente_id == traject.gemeente_id)
    ).all()
    fasen = [f for f in data.get("fasen", []) if f.get("name")]
    fasen.sort(key=lambda f: f["starts_on"])
    traject.fasen = [
        TrajectFase(position=i, name=f["name"].strip(), starts_on=f["starts_on"], ends_on=f["ends_on"])
        for i, f in enumerate(fasen, start=1)
    ]


def create_traject(gemeente: Gemeente, organisator, data: dict) -> Traject:
    traject = Traject(gemeente=gemeente, organisatoren=[organisator])
    db.session.add(traject)
    _apply(traject, data)
    db.session.flush()
    return traject


def update_traject(traject: Traject, data: dict) -> Traject:
    # Replacing the phases deletes the old rows first, so positions stay unique.
    traject.fasen = []
    db.session.flush()
    _apply(traject, data)
    db.session.flush()
    return traject


def add_terugkoppeling(traject: Traject, author, data: dict, *, today: date) -> Terugkoppeling:
    item = Terugkoppeling(traject=traject, author=author, title=data["title"].strip(),
                          body=data["body"], published_on=today)
    db.session.add(item)
    db.session.flush()
    return item
