"""A small gemeente with CBS-like figures, accounts of every role, and fake participant groups."""

import pytest
from werkzeug.security import generate_password_hash

from deliberatie import components
from deliberatie.components import ParticipantGroup
from deliberatie.extensions import db
from deliberatie.models import user as user_model
from deliberatie.models import Role, TrajectStatus, WijkPopulatie
from tests.factories import make_gemeente, make_traject, make_user

# Per wijk: 2,000 residents, 1,700 aged 15+; 15-24 is 238 / 1,700 = 14% of them.
FIGURES = [
    ("geslacht", "man", 1000, "alle inwoners"), ("geslacht", "vrouw", 1000, "alle inwoners"),
    ("leeftijd", "0-14", 300, "alle inwoners"), ("leeftijd", "15-24", 238, "alle inwoners"),
    ("leeftijd", "25-44", 500, "alle inwoners"), ("leeftijd", "45-64", 562, "alle inwoners"),
    ("leeftijd", "65+", 400, "alle inwoners"),
    ("opleiding", "laag", 400, "15-74 jaar"), ("opleiding", "middelbaar", 600, "15-74 jaar"),
    ("opleiding", "hoog", 500, "15-74 jaar"),
]


def figures_csv(wijken=("Noord", "Zuid"), figures=FIGURES):
    lines = ["wijk,variable,category,count,base"]
    lines += [f"{w},{v},{c},{n},{b}" for w in wijken for v, c, n, b in figures]
    return "\n".join(lines) + "\n"


def biased_records(n_young=10):
    """200 participants: 5% aged 15-24 (residents: 14%), many highly educated."""
    ages = ["15-24"] * n_young + ["25-44"] * 60 + ["45-64"] * 70 + ["65+"] * (70 - n_young)
    education = ["laag"] * 30 + ["middelbaar"] * 70 + ["hoog"] * 100
    return tuple({"geslacht": ("man", "vrouw")[i % 2], "leeftijd": ages[i], "wijk": ("Noord", "Zuid")[i % 2],
                  "opleiding": education[(i * 7) % 200]} for i in range(200))


def _fast_hash(password, method=None):
    return generate_password_hash(password, method="scrypt:1024:8:1")  # tests only: cheap scrypt


@pytest.fixture
def world(app, monkeypatch):
    monkeypatch.setattr(user_model, "generate_password_hash", _fast_hash)
    gemeente = make_gemeente(wijken=("Noord", "Zuid"))
    for wijk in gemeente.wijken:
        wijk.populatie.clear()
    db.session.flush()
    for wijk in gemeente.wijken:
        wijk.populatie = [WijkPopulatie(variable=v, category=c, count=n, base=b) for v, c, n, b in FIGURES]
    organisator = make_user(Role.ORGANISATOR, "org@example.org")
    make_user(Role.ORGANISATOR, "ander@example.org")
    make_user(Role.INWONER, "ina@example.org")
    make_user(Role.RAADSLID, "raad@example.org")
    make_user(Role.BEHEERDER, "beheer@example.org")
    traject = make_traject(gemeente, organisator)
    traject.wijken = list(gemeente.wijken)
    concept = make_traject(gemeente, organisator, status=TrajectStatus.CONCEPT, title="Geheim plan")
    db.session.commit()
    groups = {
        traject.id: [ParticipantGroup("test-1-panel", "Testpanel", biased_records()),
                     ParticipantGroup("test-1-jong", "Zonder 65-plussers",
                                      tuple(r for r in biased_records() if r["leeftijd"] != "65+")),
                     ParticipantGroup("test-1-leeg", "Nog niemand", ())],
        concept.id: [ParticipantGroup("test-2-panel", "Geheim panel", biased_records())],
    }
    monkeypatch.setattr(components, "participant_groups", lambda app, t: groups.get(t.id, []))
    return dict(gemeente_id=gemeente.id, traject=traject.id, concept=concept.id, groups=groups)
