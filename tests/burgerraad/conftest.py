"""Fixtures for the burgerraad tests: a small municipality, accounts, a traject and pools."""

import random
from datetime import date, timedelta

import pytest
from werkzeug.security import generate_password_hash

from deliberatie import jobs
from deliberatie.burgerraad import selection, services
from deliberatie.extensions import db
from deliberatie.models import Role, User, WijkPopulatie
from tests.factories import PASSWORD, make_gemeente, make_traject

_HASH = {}


def make_user(role, email):
    """Like the shared factory, but with a cheap password hash: scrypt is slow by design, and these
    tests log in many times (the login itself is tested by the foundation)."""
    if not _HASH:
        _HASH["hash"] = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    user = User(email=email, role=role, name=role.value.title(), password_hash=_HASH["hash"])
    db.session.add(user)
    db.session.flush()
    return user

QUESTIONS = "geslacht: man, vrouw\nleeftijd: jong, oud\nwijk"
AGES = {"jong": 0.45, "oud": 0.55}


@pytest.fixture
def world(app):
    app.config["JOBS_WAIT_SECONDS"] = 60  # quick selections finish inside the request
    gemeente = make_gemeente()
    for wijk in gemeente.wijken:
        base = wijk.inwoners
        wijk.populatie += [WijkPopulatie(variable="leeftijd", category=c, count=int(base * s)) for c, s in AGES.items()]
    organisator = make_user(Role.ORGANISATOR, "org@example.org")
    make_user(Role.ORGANISATOR, "ander@example.org")
    make_user(Role.INWONER, "ina@example.org")
    make_user(Role.RAADSLID, "raad@example.org")
    make_user(Role.BEHEERDER, "beheer@example.org")
    traject = make_traject(gemeente, organisator, title="Burgerraad Test")
    traject.wijken = list(gemeente.wijken)
    db.session.commit()
    yield dict(gemeente=gemeente, organisator=organisator, traject=traject.id,
               wijken={w.name: w.id for w in gemeente.wijken})
    jobs.wait_all()


def settings(**changes):
    data = {"panel_size": 8, "vragen": QUESTIONS, "codes_per_letter": 2, "one_per_household": True,
            "purpose": "de loting en contact met de leden",
            "term_ends_on": date.today() + timedelta(days=90)}
    data.update(changes)
    return data


def settings_form(**changes):
    data = settings(**changes)
    data["term_ends_on"] = data["term_ends_on"].isoformat()
    if not data["one_per_household"]:
        del data["one_per_household"]
    else:
        data["one_per_household"] = "y"
    return data


def address_csv(n=60, wijken=("Noord", "Zuid"), sep=","):
    lines = [f"adres_id{sep}wijk"] + [f"A{i:04d}{sep}{wijken[i % len(wijken)]}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def make_burgerraad(world, **changes):
    from deliberatie.models import Traject

    traject = db.session.get(Traject, world["traject"])
    burgerraad = services.create_burgerraad(traject, settings(**changes), actor=world["organisator"])
    return burgerraad


def with_pool(world, n=40, seed=1, letters=40, **changes):
    """A burgerraad with letters drawn and ``n`` registrations (older people respond more)."""
    burgerraad = make_burgerraad(world, **changes)
    services.draw_letters(burgerraad, address_csv(letters * 2), total=letters, response_rates=None, seed=seed,
                          actor=world["organisator"])
    rng = random.Random(seed)
    vragen = {v.name: v for v in burgerraad.vragen}
    for invitation in burgerraad.uitnodigingen[:n]:
        answers = {f"vraag_{vragen['geslacht'].id}": rng.choice(["man", "vrouw"]),
                   f"vraag_{vragen['leeftijd'].id}": "oud" if rng.random() < 0.65 else "jong"}
        services.register(invitation, dict(answers, name=f"Naam {invitation.id}", email=f"p{invitation.id}@example.org",
                                           phone="0612345678", available=True))
    db.session.flush()
    return burgerraad


def run_selection(burgerraad, actor, *, algorithm="leximin"):
    job = selection.start_selection(burgerraad, algorithm=algorithm, actor=actor)
    db.session.commit()
    return jobs.run(job.id)
