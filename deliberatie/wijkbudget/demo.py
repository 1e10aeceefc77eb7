"""Demo data: "Wijkbudget Westerhaven 2027" with projects, 200 ballots and three demo codes.

``seed(traject, users, today)`` is idempotent: the wijkbudget is created once
(looked up by traject and title); every call returns three *unused* demo
stemcodes so a newcomer can vote. Demo codes come from a fixed seed so they
can be found again; real codes never do (see :mod:`.codes`).
"""

import random
from datetime import timedelta

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import Role
from . import codes as codes_module
from .models import (BallotType, CodeStatus, Phase, Wijkbudget, WijkbudgetBallot, WijkbudgetChoice,
                     WijkbudgetCode, WijkbudgetProject)

TITLE = "Wijkbudget Westerhaven 2027"
BALLOTS = 200
PROJECTS = (  # title, euros, description, popularity in the two demo groups (A: 65%, B: 35%)
    ("Speeltuin Havenpark opknappen", 14500, "Nieuwe klimtoestellen en valdempende tegels.", 0.70, 0.10),
    ("Bankjes langs de kade", 4200, "Zes bankjes met rugleuning, ook voor ouderen.", 0.40, 0.30),
    ("Geveltuintjes Vissersbuurt", 3000, "Stoeptegels eruit, planten erin: 60 geveltuinen.", 0.05, 0.70),
    ("Buurtmoestuin Westerhof", 9800, "Een moestuin met kas en waterpunt voor de buurt.", 0.05, 0.60),
    ("Verlichting fietspad Dijkweg", 12000, "Veilig fietsen in het donker met zuinige lampen.", 0.60, 0.05),
    ("Pannakooi bij de Havenschool", 16000, "Een kooi voor straatvoetbal, open tot 21 uur.", 0.55, 0.05),
    ("Bloemenweide Zeezicht", 2500, "Inheemse bloemen voor bijen en vlinders.", 0.05, 0.60),
    ("Watertappunt bij het strandje", 3800, "Gratis drinkwater voor wandelaars en sporters.", 0.10, 0.30),
    ("Buurtkamer De Steiger: inrichting", 7500, "Meubels en een keukentje voor ontmoeting.", 0.35, 0.10),
    ("Kunstwerk op de sluisdeur", 6000, "Een muurschildering gemaakt met kinderen uit de wijk.", 0.20, 0.05),
)
GESLACHT = ("man", "vrouw", "anders")
LEEFTIJD = ("15-24", "25-44", "45-64", "65+")


def demo_codes(wijkbudget, n=3):
    """``n`` unused demo codes: found again from the fixed seed, created when missing."""
    rng = random.Random(f"demo-codes-{wijkbudget.title}")
    found = []
    while len(found) < n:
        code = codes_module.format_code("".join(rng.choice(codes_module.ALPHABET)
                                                for _ in range(codes_module.LENGTH)))
        digest = codes_module.code_hash(wijkbudget, code)
        row = db.session.scalar(select(WijkbudgetCode).filter_by(code_hash=digest))
        if row is None:
            db.session.add(WijkbudgetCode(wijkbudget_id=wijkbudget.id, code_hash=digest))
            found.append(code)
        elif row.status is CodeStatus.UNUSED:
            found.append(code)
    db.session.flush()
    return found


def _ballots(wijkbudget, projects, today, rng):
    start = wijkbudget.voting_starts_on
    days = max((today - start).days, 0)
    for _ in range(BALLOTS):
        column = 3 if rng.random() < 0.65 else 4  # two groups with different wishes: greedy and MES differ
        chosen = [p for p, spec in zip(projects, PROJECTS) if rng.random() < spec[column]][:5] or [rng.choice(projects)]
        cast_on = start + timedelta(days=rng.randint(0, days))
        db.session.add(WijkbudgetCode(wijkbudget_id=wijkbudget.id, status=CodeStatus.USED, used_on=cast_on,
                                      code_hash=codes_module.code_hash(wijkbudget, codes_module.random_code())))
        db.session.add(WijkbudgetBallot(
            wijkbudget_id=wijkbudget.id, cast_on=cast_on, paper=rng.random() < 0.08,
            geslacht=rng.choice(GESLACHT[:2]) if rng.random() < 0.8 else (None if rng.random() < 0.7 else "anders"),
            leeftijd=rng.choice(LEEFTIJD) if rng.random() < 0.8 else None,
            choices=[WijkbudgetChoice(project_id=p.id) for p in chosen]))


def seed(traject, users, today):
    """Create the demo wijkbudget in ``traject`` if missing; return three unused demo stemcodes."""
    wijkbudget = db.session.scalar(select(Wijkbudget).filter_by(traject_id=traject.id, title=TITLE))
    if wijkbudget is None:
        organisator = users.get(Role.ORGANISATOR) if isinstance(users, dict) else None
        wijkbudget = Wijkbudget(
            traject=traject, title=TITLE, budget_cents=50_000_00, voting_starts_on=today - timedelta(days=14),
            voting_ends_on=today + timedelta(days=14), min_age=12, ballot_type=BallotType.APPROVAL,
            min_choices=1, max_choices=5, rule="mes-add1", ask_statistics=True, phase=Phase.STEMMEN,
            code_salt=codes_module.new_salt(), wijken=list(traject.wijken))
        db.session.add(wijkbudget)
        wijk = traject.wijken[0] if traject.wijken else None
        projects = [WijkbudgetProject(position=i, title=title, cost_cents=euros * 100, description=text, wijk=wijk)
                    for i, (title, euros, text, *_p) in enumerate(PROJECTS, start=1)]
        wijkbudget.projects = projects
        db.session.flush()
        _ballots(wijkbudget, projects, today, random.Random(2027))
        db.session.flush()
        audit.record(organisator, "wijkbudget.open", f"wijkbudget:{wijkbudget.id}", traject_id=traject.id,
                     phase=Phase.STEMMEN.value, demo=True)
    return demo_codes(wijkbudget)
