"""Demo data: a pitch round in "Wijkbudget Westerhaven 2027" with support, a jury and a published ranking.

``seed(traject, users, today)`` is idempotent (the round is looked up by
traject; nothing is added when it exists). ``users`` maps Role -> User.
Three selected pitches are the projects now on the wijkbudget ballot: when
the wijkbudget demo has been seeded first, they link to those projects.
Supporters, initiators and the resident jury member are 40 inactive demo
accounts (they cannot log in); the demo inwoner supports the first two pitches.
"""

import random
import secrets
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..models import Role, User
from . import bridge, ranking, services
from .models import JuryKind, JuryLid, JuryScore, Pitch, PitchStatus, PitchUpdate, Steun

SUPPORTERS = 40
PITCHES = (  # title, euros, problem, plan, dragers, status, reason, supporters
    ("Speeltuin Havenpark opknappen", 14500, "De toestellen in het Havenpark zijn oud en onveilig.",
     "Nieuwe klimtoestellen en valdempende tegels; de buurt helpt bij de keuze.",
     "Ouders van de Havenschool (12 vrijwilligers)", PitchStatus.GESELECTEERD,
     "Haalbaar, veel steun en de jury gaf de hoogste score. Staat nu op het stembiljet.", 34),
    ("Bankjes langs de kade", 4200, "Ouderen kunnen langs de kade nergens even zitten.",
     "Zes bankjes met rugleuning, om de 200 meter.", "Seniorenvereniging Westerhaven", PitchStatus.GESELECTEERD,
     "Eenvoudig uit te voeren en breed gesteund. Staat nu op het stembiljet.", 27),
    ("Geveltuintjes Vissersbuurt", 3000, "De Vissersbuurt is stenig en heet in de zomer.",
     "Stoeptegels eruit, planten erin: 60 geveltuinen die bewoners zelf onderhouden.",
     "Bewonerscommissie Vissersbuurt", PitchStatus.GESELECTEERD,
     "Past in het klimaatbeleid; bewoners nemen het onderhoud op zich. Staat nu op het stembiljet.", 19),
    ("Hondenuitlaatveld bij de dijk", 8000, "Honden lopen los op het speelveld.",
     "Een omheind uitlaatveld aan de voet van de dijk.", "Drie hondenbezitters", PitchStatus.AFGEWEZEN,
     "Valt buiten de kaders: de dijk is van het waterschap, niet van de gemeente. We hebben het idee "
     "doorgestuurd naar het waterschap.", 11),
    ("Jongerenhonk in de haven", 22000, "Jongeren hebben geen eigen plek in de wijk.",
     "Een zeecontainer als ontmoetingsplek, ingericht door jongeren zelf.", "Jongerenwerk en vijf jongeren",
     PitchStatus.HAALBAARHEIDSTOETS, "We kijken of er een vergunning kan komen voor de plek bij de haven.", 8),
)
CRITERIA = (("Haalbaarheid", 10), ("Betekenis voor de wijk", 10), ("Draagvlak en eigen inzet", 10))


def _supporters():
    users = []
    for i in range(1, SUPPORTERS + 1):
        email = f"bewoner{i:02d}@westerhaven.example.org"
        user = db.session.scalar(select(User).filter_by(email=email))
        if user is None:
            user = User(email=email, name=f"Demobewoner {i}", role=Role.INWONER, active=False,
                        password_hash=generate_password_hash(secrets.token_hex(16), method="pbkdf2:sha256:1000"))
            db.session.add(user)
        users.append(user)
    db.session.flush()
    return users


def seed(traject, users, today):
    """Create the demo pitch round in ``traject`` if missing; return the round."""
    ronde = services.ronde_for(traject)
    if ronde is not None:
        return ronde
    organisator = users.get(Role.ORGANISATOR)
    ronde = services.save_ronde(traject, organisator, dict(
        support_threshold=25, jury_weight=60, public_weight=40, event_on=today - timedelta(days=30),
        event_place="Buurthuis De Steiger", criteria=list(CRITERIA)))
    supporters = _supporters()
    jury = [(users.get(Role.RAADSLID), JuryKind.RAADSLID), (organisator, JuryKind.AMBTENAAR),
            (supporters[-1], JuryKind.INWONER)]  # the last demo account supports nothing
    ronde.jury = [JuryLid(user=u, kind=k) for u, k in jury if u is not None]
    resident = users.get(Role.INWONER)
    rng = random.Random(2027)
    wijk = traject.wijken[0] if traject.wijken else None
    for n, (title, euros, problem, plan, dragers, status, reason, support) in enumerate(PITCHES):
        initiator = supporters[-2 - n]
        pitch = Pitch(traject=traject, initiator=initiator, title=title, problem=problem, plan=plan,
                      cost_cents=euros * 100, wijk=wijk, dragers=dragers, status=status, status_reason=reason,
                      ask="Uitvoering door de gemeente; de buurt helpt mee.")
        pitch.updates = [PitchUpdate(status=PitchStatus.ONTVANGEN, reason=""),
                         PitchUpdate(status=status, reason=reason)]
        db.session.add(pitch)
        backers = supporters[:support] + ([resident] if resident is not None and n < 2 else [])
        pitch.support = [Steun(user=u) for u in backers]
        db.session.flush()
        if len(pitch.support) >= ronde.support_threshold:
            pitch.on_agenda_at = pitch.created_at
        if status is not PitchStatus.AFGEWEZEN:
            for lid in ronde.jury:
                base = 8 if status is PitchStatus.GESELECTEERD else 5
                for criterium in ronde.criteria:
                    db.session.add(JuryScore(pitch=pitch, jurylid=lid, criterium=criterium,
                                             score=min(10, max(0, base + rng.randint(-2, 2)))))
        if status is PitchStatus.GESELECTEERD:
            pitch.wijkbudget_project_id = bridge.find_wijkbudget_project(pitch)
    db.session.flush()
    ranking.publish_ranking(traject, organisator, "De jury (een raadslid, een ambtenaar en een inwoner) telde "
                             "voor 60%, de steun van inwoners voor 40%. De drie hoogst geplaatste pitches die "
                             "binnen de kaders passen, staan nu op het stembiljet van het wijkbudget.")
    return ronde
