"""Demo data for "Burgerraad Wonen en Klimaat": letters sent, a biased pool, quotas from the population.

``seed(traject, users, today)`` is idempotent: a traject that already has a
burgerraad is left alone. The organiser can then check the quotas, run the
selection, publish the commitment and draw the panel.
"""

import random
from datetime import timedelta

from ..models import Role
from . import selection, services

LETTERS = 1500
LETTERS_SEED = 20261123
QUESTIONS = ("geslacht: man, vrouw\nleeftijd: 15-24, 25-44, 45-64, 65+\nwijk\n"
             "opleiding: laag, middelbaar, hoog")
# Who answers a letter: older and higher-educated residents respond more (as in Zeist and Ireland).
AGE_BIAS = {"15-24": 0.45, "25-44": 0.8, "45-64": 1.2, "65+": 1.5}
EDUCATION_BIAS = {"laag": 0.55, "middelbaar": 1.0, "hoog": 1.8}
BIAS = {"geslacht": {"man": 0.95, "vrouw": 1.05}, "leeftijd": AGE_BIAS, "opleiding": EDUCATION_BIAS}
BASE_RESPONSE = 0.16
SECOND_MEMBER = 0.08  # chance that a second household member registers too


def _organiser(traject, users):
    if isinstance(users, dict) and users.get(Role.ORGANISATOR) is not None:
        return users[Role.ORGANISATOR]
    return traject.organisatoren[0] if traject.organisatoren else None


def _weighted(rng, counts, values, bias):
    """A value drawn in proportion to its population count times the response bias."""
    weights = [counts.get(v, 0) * bias.get(v, 1.0) for v in values]
    if not any(weights):
        weights = [1.0] * len(values)
    return rng.choices(values, weights=weights)[0]


def _population(wijk, variable):
    return {row.category: row.count for row in wijk.populatie if row.variable == variable}


def _extract(traject):
    """A synthetic address extract: about one address per 2.2 residents."""
    lines = ["adres_id,wijk"]
    for wijk in traject.wijken:
        for n in range(max(1, round(wijk.inwoners / 2.2))):
            lines.append(f"{wijk.cbs_code}-{n:05d},{wijk.name}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def seed(traject, users, today):
    """Create the demo burgerraad of ``traject`` with registrations; return it."""
    existing = services.for_traject(traject)
    if existing is not None:
        return existing
    actor = _organiser(traject, users)
    burgerraad = services.create_burgerraad(traject, {
        "panel_size": 30, "vragen": QUESTIONS, "codes_per_letter": 2, "one_per_household": True,
        "purpose": "de loting van de burgerraad Wonen en Klimaat en contact met de gelote leden",
        "term_ends_on": today + timedelta(days=150)}, actor=actor)
    # Westerhaven usually responds less: it gets extra letters.
    rates = {w.id: (6.0 if w.name == "Westerhaven" else 10.0) for w in traject.wijken}
    services.draw_letters(burgerraad, _extract(traject), total=LETTERS, response_rates=rates,
                          seed=LETTERS_SEED, actor=actor)
    rng = random.Random(LETTERS_SEED)
    letters = {}
    for invitation in burgerraad.uitnodigingen:
        letters.setdefault(invitation.address_id, []).append(invitation)
    number = 0
    for address_id in sorted(letters):
        invitations = sorted(letters[address_id], key=lambda i: i.slot)
        wijk = invitations[0].wijk
        response = BASE_RESPONSE * (0.6 if wijk.name == "Westerhaven" else 1.0)
        if rng.random() >= response:
            continue
        members = 1 + (len(invitations) > 1 and rng.random() < SECOND_MEMBER)
        for invitation in invitations[:members]:
            number += 1
            answers = {f"vraag_{v.id}": _weighted(rng, _population(wijk, v.name), [q.value for q in v.waarden],
                                                  BIAS.get(v.name, {}))
                       for v in burgerraad.vragen if not v.from_address}
            services.register(invitation, dict(
                answers, name=f"Demodeelnemer {number}", email=f"deelnemer{number}@lindewaard.example.org",
                phone="", available=True))
    services.derive_quotas(burgerraad, panel_size=30, tolerance=0.25, actor=actor)
    report = selection.check_feasibility(burgerraad)
    if not report.feasible:
        selection.apply_relaxation(burgerraad, actor=actor)
    return burgerraad
