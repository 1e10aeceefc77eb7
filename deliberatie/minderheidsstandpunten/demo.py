"""Demo data for "Leefbaar Centrum: thematafels": statements, planted opinion groups, a session, a terugkoppeling.

``seed(traject, users, today)`` is idempotent: it does nothing to what is
already there (statements, votes, the run, the session are each looked up).
The votes come from :func:`planted_votes`, which the tests use as well.
"""

import json
from datetime import timedelta

import numpy as np
from sqlalchemy import insert, select

from ..extensions import db
from ..models import Role, Terugkoppeling
from ..models.types import utcnow
from . import analyses, services
from .models import (Afhandeling, Deelname, Deelnemer, Sessie, SessieSoort, Standpunt, Stelling, StellingStatus,
                     Stem, Voorwaarde, VoorwaardeSoort)

# (text, agree probability for groups A: autoluw en groen, B: ondernemers, C: ouderen en bereikbaarheid)
STATEMENTS = (
    ("Het centrum moet tussen 11 en 18 uur autovrij zijn.", 0.9, 0.2, 0.1),
    ("Er moeten meer bomen komen op het Marktplein.", 0.9, 0.6, 0.7),
    ("Parkeren in het centrum mag duurder worden.", 0.8, 0.1, 0.2),
    ("Winkels hebben klanten nodig die met de auto komen.", 0.2, 0.9, 0.6),
    ("Invalidenparkeerplaatsen moeten direct voor de winkels blijven.", 0.1, 0.2, 0.97),
    ("Er moet een gratis pendelbusje komen vanaf de parkeergarage.", 0.4, 0.4, 0.95),
    ("Fietsers en voetgangers moeten voorrang krijgen in de Kerkstraat.", 0.9, 0.4, 0.3),
    ("Er moeten meer bankjes komen om even uit te rusten.", 0.5, 0.5, 0.97),
    ("Laden en lossen mag alleen 's ochtends vroeg.", 0.8, 0.2, 0.5),
    ("Het centrum is 's avonds te donker.", 0.3, 0.3, 0.9),
    ("Er moet een overdekte plek komen waar buurtbewoners elkaar ontmoeten.", 0.8, 0.6, 0.8),
    ("Terrassen mogen groter worden.", 0.8, 0.9, 0.1),
    ("De weekmarkt moet op zaterdag blijven.", 0.8, 0.9, 0.9),
    ("Geveltuintjes moeten overal mogen.", 0.9, 0.5, 0.6),
    ("De gemeente moet leegstaande winkels ombouwen tot woningen.", 0.7, 0.3, 0.5),
    ("Er moeten meer fietsenrekken komen bij de supermarkt.", 0.9, 0.6, 0.5),
    ("Vrachtwagens horen niet in het centrum.", 0.9, 0.3, 0.6),
    ("Het centrum moet kindvriendelijker worden, met een speelplek.", 0.8, 0.5, 0.6),
    ("De bus moet vaker naar het centrum rijden.", 0.8, 0.6, 0.9),
    ("Ik voel me veilig in het centrum.", 0.8, 0.8, 0.1),
    ("Evenementen op het plein zorgen voor te veel overlast.", 0.15, 0.1, 0.9),
    ("Openbare toiletten zijn hard nodig.", 0.4, 0.4, 0.97),
    ("Stoepen moeten breder en vlakker worden.", 0.5, 0.3, 0.97),
    ("Ondernemers moeten mee betalen aan het nieuwe groen.", 0.7, 0.1, 0.5),
    ("Ik wil dat het centrum er over tien jaar heel anders uitziet.", 0.8, 0.3, 0.05),
)
GROUP_SIZES = (180, 96, 24)  # 300 participants; C is the small (8%) minority
AGE_BIAS = (("25-44", "45-64", "15-24", "65+"), ("45-64", "25-44", "65+", "15-24"), ("65+", "65+", "45-64", "25-44"))


def planted_votes(rng, probabilities, sizes, *, voted_share=0.8, pass_share=0.08):
    """Votes of participants in planted opinion groups.

    Parameters
    ----------
    rng : numpy.random.Generator
    probabilities : array (groups, statements)
        Chance that a member of the group agrees (when not passing).
    sizes : sequence of int
        Members per group.

    Returns
    -------
    list of (participant, statement, value, group)
        value 1 eens, -1 oneens, 0 overslaan; participants numbered 0..n-1.
    """
    probabilities = np.asarray(probabilities, dtype=float)
    votes, person = [], 0
    for group, size in enumerate(sizes):
        for _ in range(size):
            seen = rng.random(probabilities.shape[1]) < voted_share
            for statement in np.flatnonzero(seen):
                u = rng.random()
                if u < pass_share:
                    value = 0
                else:
                    value = 1 if rng.random() < probabilities[group, statement] else -1
                votes.append((person, int(statement), value, group))
            person += 1
    return votes


def store_votes(traject, stellingen, votes, *, prefix, rng=None, ages=None, today=None):
    """Participants and their votes in bulk; returns the Deelnemer rows in participant order."""
    n = max(v[0] for v in votes) + 1
    group_of = {v[0]: v[3] for v in votes}
    people = []
    for i in range(n):
        d = Deelnemer(traject_id=traject.id, pseudonym=f"{prefix}{i:05d}")
        if rng is not None and ages is not None and rng.random() < 0.7:
            d.leeftijd = ages[group_of[i]][int(rng.integers(len(ages[group_of[i]])))]
            d.geslacht = "vrouw" if rng.random() < 0.5 else "man"
        people.append(d)
    db.session.add_all(people)
    db.session.flush()
    start = utcnow() - timedelta(days=14)
    db.session.execute(insert(Stem), [
        {"stelling_id": stellingen[s].id, "deelnemer_id": people[p].id, "value": v,
         "voted_at": start + timedelta(seconds=k)}
        for k, (p, s, v, _g) in enumerate(votes)])
    db.session.flush()
    return people


def seed(traject, users, today):
    """Statements, ~300 pseudonymous voters in three planted groups, one run, one session."""
    organisator = users[Role.ORGANISATOR]
    ronde = services.ronde_for(traject)
    if not any(s.text == STATEMENTS[0][0] for s in services.stellingen(traject)):
        ronde.deelname, ronde.open, ronde.voorstellen_toegestaan = Deelname.PSEUDONIEM, True, True
        stellingen = [Stelling(traject_id=traject.id, text=text, status=StellingStatus.ZICHTBAAR)
                      for text, *_p in STATEMENTS]
        stellingen.append(Stelling(traject_id=traject.id, status=StellingStatus.VOORGESTELD,
                                   text="Elke maand een autovrije zondag met muziek op het plein."))
        db.session.add_all(stellingen)
        db.session.flush()
        rng = np.random.default_rng(2026)
        probabilities = np.array([p for _t, *p in STATEMENTS]).T
        votes = planted_votes(rng, probabilities, GROUP_SIZES)
        store_votes(traject, stellingen, votes, prefix=f"demo{traject.id}-", rng=rng, ages=AGE_BIAS)
    if analyses.latest(traject) is None and services.has_voters(traject):
        analyses.run(traject, organisator, seed=0)
    if db.session.scalar(select(Sessie).filter_by(traject_id=traject.id)) is None:
        _session(traject, organisator, today)
    if db.session.scalar(select(Terugkoppeling).filter_by(traject_id=traject.id, title=TERUGKOPPELING[0])) is None:
        db.session.add(Terugkoppeling(traject_id=traject.id, title=TERUGKOPPELING[0], body=TERUGKOPPELING[1],
                                      published_on=today - timedelta(days=1), author=organisator))
    db.session.flush()


#: what the participants of the thematafel were told (section 6 of the raad's report)
TERUGKOPPELING = (
    "Wat we met uw inbreng over verkeer en parkeren doen",
    "Het voorstel voor een autovrij centrum tussen 11 en 18 uur gaat mee in het plan, eerst als proef van een half "
    "jaar vanaf het voorjaar. Voor en na de proef tellen we de bezoekers; omzetcijfers kan de gemeente niet "
    "opvragen. Zes invalidenparkeerplaatsen blijven bij de winkels en een pendelbusje rijdt op marktdagen. Een "
    "nieuwe stemming na een jaar komt er niet, wel een evaluatie door de raad.",
)


def _group_for(latest, traject, planted):
    """The found opinion group holding most members of a planted group."""
    if latest is None:
        return None
    bounds = np.cumsum((0,) + GROUP_SIZES)
    prefix = f"demo{traject.id}-"
    best, best_overlap = None, 0
    for group in json.loads(latest.result)["groups"]:
        overlap = sum(1 for m in group["members"] if m.startswith(prefix)
                      and bounds[planted] <= int(m[len(prefix):]) < bounds[planted + 1])
        if overlap > best_overlap:
            best, best_overlap = group["id"], overlap
    return best


def _session(traject, organisator, today):
    sessie = Sessie(
        traject_id=traject.id, soort=SessieSoort.THEMATAFEL, title="Thematafel Verkeer en parkeren",
        held_on=today - timedelta(days=3),
        voorstel="Het centrum wordt tussen 11 en 18 uur autovrij; parkeren kan in de garage aan de Singel.",
        perspectieven="Meer ruimte en rust voor voetgangers; zorgen over omzet; zorgen over bereikbaarheid "
                      "voor ouderen en mensen met een beperking; laden en lossen.",
        voor=21, tegen=6, onthouding=2,
        besluit="Het voorstel gaat mee in het plan, met de voorwaarden hieronder.")
    latest = analyses.latest(traject)
    texts = {s.text: s for s in services.stellingen(traject)}
    ondernemers = Standpunt(
        title="Ondernemers vrezen dat klanten wegblijven", herkend_door=5,
        redenen="\"Mijn vaste klanten zijn oud en komen met de auto. Als ze niet meer voor de deur kunnen "
                "stoppen, gaan ze naar de supermarkt buiten het dorp.\"",
        stellingen=[texts["Winkels hebben klanten nodig die met de auto komen."]],
        analyse_id=latest.id if latest else None, groep=_group_for(latest, traject, 1),
        voorwaarden=[
            Voorwaarde(soort=VoorwaardeSoort.TIMING, text="Eerst een proef van een half jaar.",
                       afhandeling=Afhandeling.OVERGENOMEN, toelichting="De proef start in het voorjaar."),
            Voorwaarde(soort=VoorwaardeSoort.BEWIJS, text="Omzet en bezoekers tellen voor en na de proef.",
                       afhandeling=Afhandeling.DEELS,
                       toelichting="Bezoekers worden geteld; omzetcijfers kan de gemeente niet opvragen."),
        ])
    ouderen = Standpunt(
        title="Ouderen en mensen met een beperking kunnen het centrum niet meer bereiken", herkend_door=4,
        redenen="\"Vanaf de garage is het voor mij 400 meter lopen. Dat red ik niet met mijn rollator.\"",
        stellingen=[texts["Invalidenparkeerplaatsen moeten direct voor de winkels blijven."]],
        analyse_id=latest.id if latest else None, groep=_group_for(latest, traject, 2),
        voorwaarden=[
            Voorwaarde(soort=VoorwaardeSoort.MITIGATIE,
                       text="Invalidenparkeerplaatsen blijven bij de winkels en er komt een pendelbusje.",
                       afhandeling=Afhandeling.OVERGENOMEN,
                       toelichting="Zes plaatsen blijven; het busje rijdt op marktdagen."),
            Voorwaarde(soort=VoorwaardeSoort.HERSTEMMING, text="Na een jaar opnieuw stemmen.",
                       afhandeling=Afhandeling.NIET,
                       toelichting="De raad evalueert na een jaar, maar een nieuwe stemming past niet in de "
                                   "planning van de herinrichting."),
        ])
    sessie.standpunten = [ondernemers, ouderen]
    db.session.add(sessie)
    db.session.flush()
    services.audit.record(organisator, "minderheidsstandpunten.session_add", f"sessie:{sessie.id}",
                          traject_id=traject.id, title=sessie.title, demo=True)
