"""Demo data: a burgertop in "Leefbaar Centrum: thematafels" with 60 sign-ups, seating and first ideas.

``seed(traject, users, today)`` is idempotent: the event is looked up by
traject and title and created only once. ``users`` maps Role -> User (the
demo accounts); the demo inwoner chairs table "Groen 1" so a resident can
try the phone page.
"""

import random

from sqlalchemy import select

from ..extensions import db
from ..models import Role
from . import services
from .models import ThematafelEvent

TITLE = "Burgertop Leefbaar Centrum"
THEMES = (("Groen", 3), ("Verkeer", 2), ("Ontmoeten", 3))
FIRST_NAMES = ("Anna", "Bram", "Chaima", "Daan", "Eva", "Fatima", "Gert", "Hanna", "Ilias", "Joke", "Kees", "Lotte",
               "Mehmet", "Noor", "Oscar", "Petra", "Quinten", "Rosa", "Sem", "Tineke", "Umut", "Vera", "Wim", "Yara")
WIJKEN = ("Centrum", "Centrum", "Centrum", "Oosterpark", "Westerhaven", "Zuidwijk")
IDEAS = (  # theme, table number, title, description, dots, for, against, dissent, plenary
    ("Groen", 1, "Geveltuinen in de Kerkstraat", "Tegels eruit, planten erin, bewoners onderhouden.", 9,
     ("Koeler in de zomer", "Goedkoop"), ("Wie onderhoudt het als iemand verhuist?",), "", 31),
    ("Groen", 1, "Bomen op het Marktplein", "Zes bomen aan de zonkant.", 6, ("Schaduw op de markt",),
     ("Minder ruimte voor kramen",), "Twee marktkooplieden vrezen dat hun vaste plek verdwijnt.", 18),
    ("Verkeer", 1, "Autoluw centrum op zaterdag", "Van 10 tot 17 uur alleen laden en lossen.", 7,
     ("Veiliger voor kinderen",), ("Slecht bereikbaar voor ouderen met de auto",),
     "Ondernemers vrezen minder klanten; een proef van drie maanden zou hen meenemen.", 24),
    ("Ontmoeten", 1, "Buurtkamer in de bibliotheek", "Elke middag open, met koffie en vrijwilligers.", 8,
     ("Tegen eenzaamheid",), (), "", 12),
)
NOTES = (("Groen", 1, "Veel zorgen over hitte in de zomer; iedereen wil meer schaduw."),
         ("Verkeer", 1, "Fietsparkeren bij de Hema is een groot probleem."))


def _tafel(event, theme, number):
    return next(t for t in event.tafels if t.thema.name == theme and t.number == number)


def seed(traject, users, today):
    """Create the demo event in ``traject`` if missing; return it."""
    event = db.session.scalar(select(ThematafelEvent).filter_by(traject_id=traject.id, title=TITLE))
    if event is not None:
        return event
    organisator = users.get(Role.ORGANISATOR)
    event = services.create_event(traject, organisator, dict(
        kind="burgertop", title=TITLE, held_on=today, place="Stadhuis, Burgerzaal",
        description="Praat mee over groen, verkeer en ontmoeten in het centrum.", themes=list(THEMES), capacity=8))
    _tafel(event, "Groen", 1).voorzitter = users.get(Role.INWONER)
    for tafel in event.tafels[1:]:
        tafel.voorzitter = organisator
    rng = random.Random(2026)
    themas = event.themas
    for i in range(60):
        first = rng.choices(themas, weights=(5, 3, 3))[0]
        second = rng.choice([t for t in themas if t is not first]) if rng.random() < 0.85 else None
        services.sign_up(event, _Anonymous(), dict(
            name=f"{rng.choice(FIRST_NAMES)} {chr(65 + i % 26)}.", first=first.id, second=second.id if second else None,
            geslacht=rng.choice(("man", "vrouw")) if rng.random() < 0.9 else None,
            leeftijd=rng.choice(("15-24", "25-44", "45-64", "65+")) if rng.random() < 0.9 else None,
            wijk=rng.choice(WIJKEN) if rng.random() < 0.9 else None))
    services.run_seating(event, organisator, seed=20261123)
    for theme, number, text in NOTES:
        services.add_note(_tafel(event, theme, number), text)
    for theme, number, title, text, dots, pro, contra, dissent, plenary in IDEAS:
        idee = services.add_idea(_tafel(event, theme, number), {"title": title, "description": text})
        for argument in pro:
            services.add_argument(idee, "voor", argument)
        for argument in contra:
            services.add_argument(idee, "tegen", argument)
        services.record_table_vote(idee, dots, dissent)
        idee.plenary_votes = plenary
    db.session.flush()
    return event


class _Anonymous:
    """Sign-ups taken on paper or by phone: no account behind them."""

    is_authenticated = False
    id = None
