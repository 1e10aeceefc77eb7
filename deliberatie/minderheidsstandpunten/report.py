"""The raad's report: one plain dict that the page, the PDF and the JSON share.

Sections: 1 question, rung and promise; 2 who took part (raw and weighted);
3 the majority outcome; 4 every minority view, never averaged away; 5 the
common ground; 6 the terugkoppeling. :func:`participatieverslag` regroups the
same content under the Omgevingswet headings.
"""

import json
from datetime import date

from flask import current_app, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import components
from ..trajecten.forms import LADDER_LABELS
from . import analyses, services, weging
from .forms import SOORT_LABELS
from .models import Afhandeling, SessieSoort, StellingStatus, VoorwaardeSoort

OWN_SUMMARY_KEY = "minderheidsstandpunten"
AFHANDELING_LABELS = {
    Afhandeling.OPEN: _l("nog open"), Afhandeling.OVERGENOMEN: _l("overgenomen"),
    Afhandeling.DEELS: _l("deels overgenomen"), Afhandeling.NIET: _l("niet overgenomen"),
}

KIND_LABELS = {
    VoorwaardeSoort.TIMING: _l("timing"), VoorwaardeSoort.BEWIJS: _l("bewijs"), VoorwaardeSoort.MITIGATIE: _l("maatregel"),
    VoorwaardeSoort.COMPENSATIE: _l("compensatie"), VoorwaardeSoort.HERSTEMMING: _l("opnieuw stemmen"),
}


def long_date(iso: str) -> str:
    """A date of the report (ISO, as the JSON keeps it) as readers read it, e.g. "30 november 2026"."""
    return format_date(date.fromisoformat(iso), "long")


def session_kind_label(kind: str) -> str:
    """A session's kind (its value in the JSON) by the label of the session form."""
    return str(SOORT_LABELS[SessieSoort(kind)])


def _direction(agree, disagree):
    if agree > disagree:
        return "agree"
    if disagree > agree:
        return "disagree"
    return None


def _statement(score, texts, totals):
    """A representative/consensus statement with the overall result beside it.

    ``group_share`` is the group's share in ``direction`` of its members who
    answered the statement, "overslaan" included (as the opinion run counts);
    ``overall_share`` is everyone's share in the same direction on the same
    base, so the two can be read side by side. ``overall_agree_share`` is
    everyone's "eens" among those who answered eens or oneens.
    """
    agree, disagree, passed = totals.get(score["statement"], [0, 0, 0])
    overall = _direction(agree, disagree)
    decided = agree + disagree
    answered = decided + passed
    return {
        "statement_id": int(score["statement"]),
        "text": texts.get(int(score["statement"]), score["statement"]),
        "direction": score["direction"],
        "group_share": round(score["n_success"] / score["n_trials"], 3) if score["n_trials"] else None,
        "group_votes": score["n_trials"],
        "overall_share": (round((agree if score["direction"] == "agree" else disagree) / answered, 3)
                          if answered else None),
        "overall_agree_share": round(agree / decided, 3) if decided else None,
        "overall_direction": overall,
        "against_overall": overall is not None and overall != score["direction"],
    }


def _consensus_statement(score, texts, totals):
    """A majority consensus statement: its share among everyone who answered eens or oneens.

    That is the base of the weighted share beside it (passes are no answer to
    weigh), so raw and weighted differ by the weighting alone.
    """
    row = _statement(score, texts, totals)
    share, votes = analyses.consensus_share(score, totals)
    if share is not None:
        row["group_share"], row["group_votes"] = round(share, 3), votes
    return row


def _contested(consensus, groups):
    """Mark each consensus statement with the opinion groups whose own statement on it points the other way."""
    for c in consensus:
        c["contested_by"] = [
            {"group_id": g["id"], "name": g["name"], "direction": r["direction"], "group_share": r["group_share"]}
            for g in groups for r in g["representative"]
            if r["statement_id"] == c["statement_id"] and r["direction"] != c["direction"]]


def _group_agreement(result, statement_ids):
    """{statement id: [per opinion group: its "eens" share, votes]} from the votes of the run's members.

    Every answer counts, "overslaan" included, as in the groups' tables. The run
    stores per-group counts only for each group's representative statements, so
    these come from the members' (latest) votes.
    """
    group_of = {p: g["id"] for g in result["groups"] for p in g["members"]}
    counts = {}
    for stelling_id, value, pseudonym in services.votes_by_pseudonym(list(statement_ids)):
        if pseudonym in group_of:
            c = counts.setdefault((stelling_id, group_of[pseudonym]), [0, 0])
            c[0] += value > 0
            c[1] += 1
    out = {}
    for sid in statement_ids:
        out[sid] = []
        for g in result["groups"]:
            agree, votes = counts.get((sid, g["id"]), (0, 0))
            out[sid].append({"group_id": g["id"], "name": analyses.group_name(g["id"]), "votes": votes,
                             "agree_share": round(agree / votes, 3) if votes else None})
    return out


def build(traject) -> dict:
    texts = {s.id: s.text for s in services.stellingen(traject)}
    analyse = analyses.latest(traject)
    result = json.loads(analyse.result) if analyse else None
    totals = result.get("totals", {}) if result else {}
    weights = weging.participant_weights(traject)
    voters = services.voters(traject)
    sessies = services.sessies(traject)

    consensus = [_consensus_statement(s, texts, totals) for s in result["consensus"]] if result else []
    weighted = weging.statement_shares(traject, {c["statement_id"]: c["direction"] for c in consensus})
    for c in consensus:
        share = weighted.get(c["statement_id"])
        c["weighted_share"], c["weighted_interval"] = (share[0], list(share[1:])) if share else (None, None)
    groups = []
    if result:
        clustered = result["clustered"] or 1
        intervals = weging.group_shares(traject, result)
        for g in result["groups"]:
            reps = [_statement(s, texts, totals) for s in g["representative"]]
            groups.append({
                "id": g["id"], "name": analyses.group_name(g["id"]), "size": g["size"],
                "share": round(g["size"] / clustered, 3),
                "weighted_share": (intervals[g["id"]][0] if g["id"] in intervals
                                   else weging.weighted_share(weights, g["members"], result)),
                "weighted_interval": list(intervals[g["id"]][1:]) if g["id"] in intervals else None,
                "representative": reps,
                "against_consensus": any(r["against_overall"] for r in reps),
            })
    largest = groups[0]["id"] if groups else None
    _contested(consensus, groups)

    minority_views, linked_groups = [], set()
    for sessie in sessies:
        for st in sessie.standpunten:
            group = next((g for g in groups if analyse and st.analyse_id == analyse.id and st.groep == g["id"]),
                         None)
            if group is not None:
                linked_groups.add(group["id"])
            minority_views.append({
                "kind": "standpunt", "title": st.title, "session": sessie.title,
                "session_kind": sessie.soort.value, "held_on": sessie.held_on.isoformat(),
                "recognised_by": st.herkend_door, "present": sessie.present,
                "reasons": st.redenen,
                "statements": [{"statement_id": s.id, "text": s.text} for s in st.stellingen],
                "group": group,
                "conditions": [{"kind": v.soort.value, "kind_label": str(KIND_LABELS[v.soort]), "text": v.text,
                                "handled": v.afhandeling.value,
                                "handled_label": str(AFHANDELING_LABELS[v.afhandeling]), "reason": v.toelichting}
                               for v in st.voorwaarden],
            })
    for group in groups:
        if group["id"] != largest and group["id"] not in linked_groups:
            minority_views.append({"kind": "opiniegroep", "title": _("Opiniegroep %(name)s", name=group["name"]),
                                   "session": None, "session_kind": None, "held_on": None, "recognised_by": None,
                                   "present": None, "reasons": "", "statements": [], "group": group,
                                   "conditions": []})

    outcomes = [
        {"title": str(o.title), "rows": [[str(x) for x in r] for r in o.rows], "url": o.url}
        for o in components.outcome_summaries(current_app, traject)
        if not (o.url or "").startswith(f"{request.script_root}/{OWN_SUMMARY_KEY}/")  # also under a URL prefix
    ]
    common = ([{"statement_id": int(s), "text": texts.get(int(s), s), "score": round(v, 3)}
               for s, v in result["group_aware_consensus"][:5]] if result else [])
    if common:
        per_group = _group_agreement(result, [c["statement_id"] for c in common])
        for c in common:  # the ranking is a product over groups: a high rank need not be a majority in each
            c["groups"] = per_group[c["statement_id"]]
            c["every_group_agrees"] = all(g["agree_share"] is not None and g["agree_share"] > 0.5
                                          for g in c["groups"])

    return {
        "traject": {"id": traject.id, "title": traject.title},
        "question": {"opgave": traject.opgave, "ladder": traject.ladder.value,
                     "ladder_step": traject.ladder.step, "ladder_label": str(LADDER_LABELS[traject.ladder]),
                     "belofte": traject.belofte, "kaders": traject.kaders},
        "participation": {
            "statement_voters": len(voters),
            "statement_voters_with_profile": sum(1 for d in voters if d.geslacht or d.leeftijd),
            "statements": len([t for t in services.stellingen(traject, StellingStatus.ZICHTBAAR)]),
            "sessions": [{"title": s.title, "kind": s.soort.value, "held_on": s.held_on.isoformat(),
                          "present": s.present} for s in sessies],
            "representation": weging.representation_section(traject),
        },
        "majority": {
            "outcomes": outcomes,
            "consensus": consensus,
            "sessions": [{"title": s.title, "proposal": s.voorstel, "perspectives": s.perspectieven, "for": s.voor,
                          "against": s.tegen, "abstain": s.onthouding, "decision": s.besluit}
                         for s in sessies],
            "largest_group": groups[0] if groups else None,
        },
        "minority_views": minority_views,
        "groups": groups,
        "common_ground": common,
        "terugkoppeling": [{"title": t.title, "body": t.body, "published_on": t.published_on.isoformat()}
                           for t in traject.terugkoppelingen],
        "analysis": ({"id": analyse.id, "algorithm": analyse.algorithm,
                      "parameters": json.loads(analyse.parameters),
                      "created_at": analyse.created_at.isoformat(), "participants": analyse.participants,
                      "clustered": result["clustered"]} if analyse else None),
    }


def participatieverslag(report) -> dict:
    """The Omgevingswet's participatieverslag: who, how, agreed, disagreed, what changed.

    ``question`` carries the participatieladder rung and its promise (how much say the
    participants were given), ``decisions`` the outcomes and the sessions' votes.
    """
    changed = [
        {"view": v["title"], "condition": c["text"], "handled": c["handled_label"], "reason": c["reason"]}
        for v in report["minority_views"] for c in v["conditions"]
        if c["handled"] in (Afhandeling.OVERGENOMEN.value, Afhandeling.DEELS.value)
    ]
    common = {s["statement_id"]: s for s in report["common_ground"]}
    consensus = [{**s, **{k: common[s["statement_id"]][k] for k in ("groups", "every_group_agrees")
                          if k in common.get(s["statement_id"], {})}}
                 for s in report["majority"]["consensus"]]  # a split group shows here too
    seen = {s["statement_id"] for s in consensus}
    return {
        "question": report["question"],
        "who": report["participation"],
        "how": report["participation"]["sessions"],
        "decisions": {"outcomes": report["majority"]["outcomes"], "sessions": report["majority"]["sessions"]},
        "agreed": consensus + [s for s in report["common_ground"] if s["statement_id"] not in seen],
        "disagreed": report["minority_views"],
        "changed": changed,
        "terugkoppeling": report["terugkoppeling"],
    }


def own_summary(traject):
    """This component's outcome for the report of any traject (consensus statements)."""
    analyse = analyses.latest(traject)
    if analyse is None:
        return []
    result = json.loads(analyse.result)
    texts = {s.id: s.text for s in services.stellingen(traject)}
    totals = result.get("totals", {})
    rows = []
    for s in result["consensus"]:
        share = _consensus_statement(s, texts, totals)["group_share"]
        share = round(100 * share) if share is not None else 0
        word = _("eens") if s["direction"] == "agree" else _("oneens")
        rows.append((texts.get(int(s["statement"]), s["statement"]), f"{share}% {word}"))
    return [components.OutcomeSummary(
        title=_("Stellingen: waar de meeste deelnemers het over eens zijn"), rows=tuple(rows),
        url=url_for("minderheidsstandpunten.kaart", traject_id=traject.id, analyse_id=analyse.id))]
