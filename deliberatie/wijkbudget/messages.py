"""Dutch texts for the wijkbudget: rules, ballot types, the core's error codes and explanations."""

import math

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .models import BallotType, Phase
from .money import format_euros

PHASE_LABELS = {
    Phase.VOORBEREIDING: _l("In voorbereiding"),
    Phase.STEMMEN: _l("Stemmen is open"),
    Phase.GESLOTEN: _l("Stemmen is gesloten"),
    Phase.GEPUBLICEERD: _l("Uitslag gepubliceerd"),
}

BALLOT_LABELS = {
    BallotType.APPROVAL: _l("Kies projecten (eventueel minimaal en maximaal een aantal)"),
    BallotType.KNAPSACK: _l("Kies projecten die samen binnen het budget passen"),
    BallotType.CUMULATIVE: _l("Verdeel punten over de projecten"),
    BallotType.RANKING: _l("Zet uw favoriete projecten op volgorde"),
}

RULE_LABELS = {
    "greedy": _l("Meeste stemmen eerst"),
    "greedy-points": _l("Meeste punten eerst"),
    "mes-add1": _l("Gelijke verdeling (Method of Equal Shares)"),
    "mes-add1-greedy": _l("Gelijke verdeling, daarna aanvullen met meeste stemmen"),
    "phragmen": _l("Gelijke belasting (Phragmén)"),
}

RULE_EXPLANATIONS = {
    "greedy": _l("Het project met de meeste stemmen krijgt als eerste geld, dan het project met de "
                 "meeste stemmen daarna, enzovoort. Past een project niet meer in het budget dat over "
                 "is, dan slaan we het over en kijken we naar het volgende."),
    "greedy-points": _l("Het project met de meeste punten krijgt als eerste geld, dan het project met de "
                        "meeste punten daarna, enzovoort. Past een project niet meer in het budget dat over "
                        "is, dan slaan we het over en kijken we naar het volgende."),
    "mes-add1": _l("Iedere stemmer krijgt een gelijk deel van het budget. Een project gaat door als "
                   "de mensen die erop stemden het samen kunnen betalen. Zo krijgen ook kleinere groepen "
                   "in de wijk een project, en beslist niet alleen de grootste groep."),
    "mes-add1-greedy": _l("Eerst de gelijke verdeling: iedere stemmer krijgt een gelijk deel van het "
                          "budget en een project gaat door als zijn voorstanders het samen kunnen betalen. "
                          "Blijft er geld over, dan gaat het naar de projecten met de meeste stemmen die "
                          "nog passen."),
    "phragmen": _l("De kosten van gekozen projecten worden zo gelijk mogelijk verdeeld over de mensen "
                   "die erop stemden. Steeds gaat het project door dat de zwaarst belaste stemmer het "
                   "minst extra belast. De telling stopt bij het eerste project dat niet meer past."),
}

# On points and ranking ballots "most votes first" counts points (greedy-points): pabutools'
# greedy would rank by points per euro, which no municipality does and no resident expects.
APPROVAL_ONLY_RULES = ("greedy", "phragmen")
POINTS_ONLY_RULES = ("greedy-points",)

# The greedy completion after MES follows the core's greedy: points per euro on points ballots.
POINTS_EXPLANATIONS = {
    "mes-add1-greedy": _l("Eerst de gelijke verdeling: iedere stemmer krijgt een gelijk deel van het "
                          "budget en een project gaat door als zijn voorstanders het samen kunnen betalen. "
                          "Blijft er geld over, dan gaat het naar de projecten die nog passen, met de meeste "
                          "punten per euro eerst."),
}


def is_approval(ballot_type):
    return ballot_type in (BallotType.APPROVAL, BallotType.KNAPSACK)


def rules_for(ballot_type):
    """Rules that fit a ballot type (Phragmén needs yes/no ballots; points count as points)."""
    excluded = POINTS_ONLY_RULES if is_approval(ballot_type) else APPROVAL_ONLY_RULES
    return [r for r in RULE_LABELS if r not in excluded]


def rule_explanation(rule, ballot_type):
    """The plain-Dutch explanation of ``rule`` as it works on this ballot type."""
    if not is_approval(ballot_type) and rule in POINTS_EXPLANATIONS:
        return POINTS_EXPLANATIONS[rule]
    return RULE_EXPLANATIONS.get(rule, "")


def ballot_error(error, *, names=None) -> str:
    """A Dutch sentence for a :class:`~deliberatie.core.errors.InputError` from the ballot check."""
    p = error.params
    names = names or {}
    code = error.code
    if code == "ballot.over_budget":
        return _("U hebt voor %(total)s gekozen, dat is %(over)s meer dan het budget van %(budget)s. "
                 "Haal een of meer projecten weg.", total=_euros(p["total"]), over=_euros(p["over"]),
                 budget=_euros(p["budget"]))
    if code == "ballot.under_minimum":
        return _("U hebt voor %(total)s gekozen. Kies projecten voor minstens %(minimum)s.",
                 total=_euros(p["total"]), minimum=_euros(p["minimum"]))
    if code == "ballot.too_many":
        return _("U hebt %(count)s projecten gekozen. U mag er hoogstens %(max)s kiezen.",
                 count=p["count"], max=p["max"])
    if code == "ballot.too_few":
        return _("U hebt %(count)s projecten gekozen. Kies er minstens %(min)s.", count=p["count"], min=p["min"])
    if code == "ballot.too_many_points":
        return _("U hebt %(total)s punten verdeeld. U mag er hoogstens %(max)s verdelen.",
                 total=p["total"], max=p["max"])
    if code == "ballot.bad_points":
        return _("Vul bij elk project een heel aantal punten in (0 of meer).")
    if code == "ballot.bad_rank":
        return _("Kies bij elk project een plaats uit de lijst, of laat het op ‘niet gekozen’ staan.")
    if code == "ballot.duplicate_project":
        return _("Elk project mag maar één keer op uw lijst staan.")
    if code == "ballot.duplicate_rank":
        return _("Elke plaats in de volgorde mag maar één keer voorkomen.")
    if code == "ballot.gap_in_ranking":
        return _("Gebruik de plaatsen op volgorde: eerst 1, dan 2, enzovoort.")
    if code == "ballot.unknown_project":
        return _("Een gekozen project bestaat niet (meer). Laad de pagina opnieuw.")
    return _("Uw stem klopt niet. Controleer uw keuze.")


def _euros(amount) -> str:
    from fractions import Fraction

    return format_euros(int(Fraction(amount) * 100))


def explain(project, result) -> str:
    """Why a project was or was not funded, in one or two plain sentences."""
    reason = project["reason"]
    if reason == "funded":
        if result["rule"].startswith("mes"):
            return _("Gekozen: de mensen die erop stemden, konden het samen betalen met hun gelijke deel.")
        return _("Gekozen: dit project had genoeg stemmen en paste in het budget.")
    if reason == "funded_greedy":
        return _("Gekozen bij het aanvullen: na de gelijke verdeling was er nog geld over en dit project paste.")
    if project["cost_cents"] > result.get("budget_cents", project["cost_cents"]):
        # Said first: for Phragmén "stopped" would blame a stop that this project had nothing to do with.
        return _("Niet gekozen: dit project kost %(cost)s, meer dan het hele budget van %(budget)s.",
                 cost=format_euros(project["cost_cents"]), budget=format_euros(result["budget_cents"]))
    if reason == "no_support":
        return _("Niet gekozen: niemand heeft op dit project gestemd.")
    if reason == "did_not_fit":
        return _("Niet gekozen: toen dit project aan de beurt was, was er nog %(left)s over. Het kost %(cost)s.",
                 left=format_euros(project.get("budget_left_cents") or 0), cost=format_euros(project["cost_cents"]))
    if reason == "unaffordable":
        share = project.get("effective_support") or 0
        if share > 0:
            # floor and ceil: "100% paid, 0% more needed" would contradict "not funded"
            paid = min(99, math.floor(share * 100))
            more = max(1, math.ceil((1 / share - 1) * 100))
            return _("Niet gekozen: de mensen die erop stemden, konden samen %(share)s%% van de kosten betalen. "
                     "Er was ongeveer %(more)s%% meer steun nodig geweest.", share=paid, more=more)
        return _("Niet gekozen: de mensen die erop stemden, hadden hun deel al aan andere projecten besteed.")
    if reason == "outbid":
        return _("Niet gekozen: de voorstanders konden het betalen, maar andere projecten kregen meer steun per euro "
                 "en daarna was het budget op.")
    if reason == "stopped":
        return _("Niet gekozen: de telling stopte bij het eerste project dat niet meer in het budget paste.")
    return _("Niet gekozen.")
