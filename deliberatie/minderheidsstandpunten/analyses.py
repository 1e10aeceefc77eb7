"""Opinion runs: the stored votes through the core's opinion mapping, stored as JSON.

A run keeps its parameters, the algorithm version and the whole result, so
the report can be reproduced (and explained) later even after more votes
came in. Participants appear only by their random pseudonym.
"""

import json
from collections import Counter
from dataclasses import fields, is_dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import audit
from ..core.opinions import from_votes, map_opinions
from ..extensions import db
from .models import Analyse, Deelnemer, Sessie, Standpunt, Stelling, StellingStatus, Stem


def conversation(traject):
    """The traject's latest votes as a core :class:`Conversation`.

    Statement ids are the stelling ids as strings; turned-down statements
    are passed as moderated out (as pol.is does), proposals are left out.
    """
    rows = db.session.execute(
        select(Stem.voted_at, Deelnemer.pseudonym, Stem.stelling_id, Stem.value, Stelling.status)
        .join(Deelnemer, Deelnemer.id == Stem.deelnemer_id)
        .join(Stelling, Stelling.id == Stem.stelling_id)
        .where(Stelling.traject_id == traject.id, Stelling.status != StellingStatus.VOORGESTELD)
        .order_by(Stem.id)
    ).all()
    moderated = {str(r.stelling_id) for r in rows if r.status is StellingStatus.AFGEWEZEN}
    texts = {str(s.id): s.text for s in db.session.scalars(
        select(Stelling).where(Stelling.traject_id == traject.id, Stelling.status == StellingStatus.ZICHTBAAR))}
    votes = [(int(r.voted_at.timestamp() * 1000), r.pseudonym, r.stelling_id, r.value) for r in rows]
    return from_votes(votes, moderated_out=moderated, texts=texts)


def _plain(value):
    """Dataclasses, tuples and numpy scalars as JSON-ready Python values."""
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def result_to_json(opinion_map) -> dict:
    """The parts of an :class:`OpinionMap` the pages and the report need."""
    return {
        "participants": list(opinion_map.participants),
        "coordinates": _plain(opinion_map.coordinates),
        "labels": _plain(opinion_map.labels),
        "clustered": len(opinion_map.clustered),
        "groups": [
            {"id": int(g.id), "size": len(g.members), "members": list(g.members),
             "representative": [_plain(s) for s in g.representative]}
            for g in opinion_map.groups
        ],
        "consensus": [_plain(s) for s in opinion_map.consensus],
        "group_aware_consensus": _plain(opinion_map.group_aware_consensus),
        "silhouettes": _plain(opinion_map.silhouettes),
        "statements": list(opinion_map.statements),
    }


def _totals(conv):
    """{statement: [agree, disagree, pass]} over everyone at the time of the run."""
    totals = {s: [0, 0, 0] for s in conv.statements}
    for col, value in zip(conv.cols.tolist(), conv.values.tolist()):
        totals[conv.statements[col]][{1: 0, -1: 1, 0: 2}[value]] += 1
    return totals


def run(traject, actor, *, min_votes=7, max_groups=5, seed=0) -> Analyse:
    """Map the opinions on the stored votes and store the run.

    Raises
    ------
    deliberatie.core.errors.InputError
        ``opinions.no_votes`` when nobody voted yet.
    """
    conv = conversation(traject)
    opinion_map = map_opinions(conv, min_votes=min_votes, max_groups=max_groups, seed=seed)
    params = _plain(opinion_map.parameters)
    result = result_to_json(opinion_map)
    result["totals"] = _totals(conv)
    analyse = Analyse(traject_id=traject.id, created_by_id=getattr(actor, "id", None),
                      algorithm=str(opinion_map.parameters.algorithm),
                      parameters=json.dumps(params, sort_keys=True),
                      result=json.dumps(result, separators=(",", ":")),
                      participants=len(conv.participants), groups=len(opinion_map.groups))
    db.session.add(analyse)
    db.session.flush()
    audit.record(actor, "minderheidsstandpunten.run", f"analyse:{analyse.id}", traject_id=traject.id,
                 participants=analyse.participants, groups=analyse.groups, seed=seed,
                 min_votes=min_votes, max_groups=max_groups)
    _carry_links(traject, actor, analyse, result)
    return analyse


def _carry_links(traject, actor, analyse, result):
    """Minority views linked to a group of an earlier run follow that group into this run.

    The report shows the latest run only, so a link to an earlier run would
    drop the view's group size and statements. The group that holds more than
    half of the earlier group's members is the same group; without one (also
    when two groups hold exactly half each), the link stays as it was.
    """
    group_of = {p: g["id"] for g in result["groups"] for p in g["members"]}
    earlier = {}
    linked = db.session.scalars(
        select(Standpunt).join(Sessie).where(Sessie.traject_id == traject.id, Standpunt.analyse_id.is_not(None),
                                             Standpunt.analyse_id != analyse.id, Standpunt.groep.is_not(None)))
    for standpunt in linked:
        if standpunt.analyse_id not in earlier:
            old = db.session.get(Analyse, standpunt.analyse_id)
            earlier[standpunt.analyse_id] = {g["id"]: g["members"] for g in json.loads(old.result)["groups"]}
        members = earlier[standpunt.analyse_id].get(standpunt.groep, [])
        found = Counter(group_of[p] for p in members if p in group_of).most_common(1)
        if not found or 2 * found[0][1] <= len(members):
            continue
        audit.record(actor, "minderheidsstandpunten.minority_relink", f"standpunt:{standpunt.id}",
                     traject_id=traject.id, before=f"{standpunt.analyse_id}:{standpunt.groep}",
                     after=f"{analyse.id}:{found[0][0]}")
        standpunt.analyse_id, standpunt.groep = analyse.id, found[0][0]
    db.session.flush()


def consensus_share(score, totals):
    """``(share, votes)`` of a consensus statement: everyone's share in its direction among eens and oneens.

    The base of the weighted share beside it in the report; the run's own
    ``n_success / n_trials`` counts passes too. ``(None, 0)`` when nobody decided.
    """
    agree, disagree, _passed = totals.get(score["statement"], [0, 0, 0])
    if not agree + disagree:
        return None, 0
    return (agree if score["direction"] == "agree" else disagree) / (agree + disagree), agree + disagree


def latest(traject):
    return db.session.scalar(select(Analyse).filter_by(traject_id=traject.id).order_by(Analyse.id.desc()).limit(1))


def runs(traject):
    return db.session.scalars(select(Analyse).filter_by(traject_id=traject.id).order_by(Analyse.id.desc())).all()


def group_name(index: int) -> str:
    """Groups are called A, B, C, ... (index 0 is the largest)."""
    return chr(ord("A") + index)


SHAPES = ("circle", "square", "triangle", "diamond", "cross")
SHAPE_LABELS = {"circle": _l("cirkel"), "square": _l("vierkant"), "triangle": _l("driehoek"),
                "diamond": _l("ruit"), "cross": _l("kruis")}  # read out in the map's description
COLOURS = ("#0b5394", "#b45f06", "#38761d", "#741b47", "#444444")  # colour-blind safe enough, and shapes too


def map_view(analyse, texts) -> dict:
    """Points scaled into a 0..400 SVG box, plus groups with statement texts."""
    result = json.loads(analyse.result)
    coords = result["coordinates"]
    xs = [c[0] for c in coords] or [0.0]
    ys = [c[1] for c in coords] or [0.0]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    points = []
    for (x, y), label in zip(coords, result["labels"]):
        points.append({
            "x": round(20 + 360 * (x - min(xs)) / span_x, 1),
            "y": round(20 + 360 * (1 - (y - min(ys)) / span_y), 1),
            "group": label,
            "shape": SHAPES[label % len(SHAPES)] if label >= 0 else "none",
            "colour": COLOURS[label % len(COLOURS)] if label >= 0 else "#999999",
        })
    groups = []
    for g in result["groups"]:
        groups.append({
            **g, "name": group_name(g["id"]), "shape": SHAPES[g["id"] % len(SHAPES)],
            "shape_label": str(SHAPE_LABELS[SHAPES[g["id"] % len(SHAPES)]]),
            "colour": COLOURS[g["id"] % len(COLOURS)],
            "representative": [{**s, "text": texts.get(int(s["statement"]), s["statement"])}
                               for s in g["representative"]],
        })
    consensus = []
    for s in result["consensus"]:
        share = consensus_share(s, result.get("totals", {}))[0]  # rounded as the report's JSON keeps it
        consensus.append({**s, "text": texts.get(int(s["statement"]), s["statement"]),
                          "share": round(share, 3) if share is not None else None})
    gac = [{"statement": s, "score": v, "text": texts.get(int(s), s)} for s, v in result["group_aware_consensus"]]
    return {"points": points, "groups": groups, "consensus": consensus, "group_aware": gac,
            "participants": len(coords), "clustered": result["clustered"],
            "parameters": json.loads(analyse.parameters)}
