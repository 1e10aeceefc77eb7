"""Fixtures for the minderheidsstandpunten tests: a traject with open stellingen and all roles."""

import numpy as np
import pytest

from deliberatie.extensions import db
from deliberatie.minderheidsstandpunten import services
from deliberatie.minderheidsstandpunten.demo import planted_votes, store_votes
from deliberatie.minderheidsstandpunten.models import Deelname, Stelling, StellingStatus
from deliberatie.models import Role, User, WijkPopulatie
from tests.factories import PASSWORD, make_gemeente, make_traject
from werkzeug.security import generate_password_hash

# One cheap hash for every test account: scrypt per user and login would dominate these tests' runtime.
CHEAP_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")

ORG, ANDER, INWONER, RAAD, BEHEER = ("org@example.org", "ander@example.org", "ina@example.org",
                                     "raad@example.org", "beheer@example.org")


@pytest.fixture
def world(app):
    gemeente = make_gemeente()
    for wijk in gemeente.wijken:  # age bands beside the factory's sex counts
        for band, count in (("0-14", 30), ("15-24", 40), ("25-44", 60), ("45-64", 60), ("65+", 50)):
            wijk.populatie.append(WijkPopulatie(variable="leeftijd", category=band, count=count))
    users = [User(email=email, role=role, name=role.value, password_hash=CHEAP_HASH)
             for role, email in ((Role.ORGANISATOR, ORG), (Role.ORGANISATOR, ANDER), (Role.INWONER, INWONER),
                                 (Role.RAADSLID, RAAD), (Role.BEHEERDER, BEHEER))]
    db.session.add_all(users)
    db.session.flush()
    organisator = users[0]
    traject = make_traject(gemeente, organisator)
    ronde = services.ronde_for(traject)
    ronde.open, ronde.deelname = True, Deelname.PSEUDONIEM
    stellingen = [Stelling(traject_id=traject.id, text=f"Stelling nummer {i}", status=StellingStatus.ZICHTBAAR)
                  for i in range(1, 4)]
    db.session.add_all(stellingen)
    db.session.commit()
    return dict(traject=traject.id, organisator=organisator, stellingen=[s.id for s in stellingen])


def planted_matrix(rng, n_statements=20, sizes=(150, 90, 20)):
    """Agree probabilities of three planted groups (rows) on ``n_statements`` statements.

    The two large groups split on statements 8-13; the small last group differs
    from both on statements 1-6, and on statement 0 it agrees (97%) while
    both large groups disagree (95%): the overall consensus points the other way.
    """
    base = rng.uniform(0.3, 0.7, n_statements)
    probabilities = np.vstack([base, base, base])
    probabilities[0, 8:14] = 0.9
    probabilities[1, 8:14] = 0.1
    for s in range(1, 7):
        agree = s % 2
        probabilities[0, s] = probabilities[1, s] = 0.85 if agree else 0.15
        probabilities[2, s] = 0.15 if agree else 0.85
    probabilities[:, 0] = (0.05, 0.05, 0.97)
    return probabilities, sizes


def seed_planted(traject, rng, *, prefix="p", sizes=(150, 90, 20), n_statements=20):
    """Statements plus planted votes stored in the DB; returns (stellingen, votes)."""
    probabilities, sizes = planted_matrix(rng, n_statements, sizes)
    stellingen = [Stelling(traject_id=traject.id, text=f"Geplante stelling {i:02d}", status=StellingStatus.ZICHTBAAR)
                  for i in range(n_statements)]
    db.session.add_all(stellingen)
    db.session.flush()
    votes = planted_votes(rng, probabilities, sizes, voted_share=0.9)
    store_votes(traject, stellingen, votes, prefix=prefix)
    return stellingen, votes
