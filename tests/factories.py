"""Plain factory functions for tests: they add and flush, never commit."""

from datetime import date, timedelta

from deliberatie.extensions import db
from deliberatie.models import (Gemeente, LadderRung, Role, Traject, TrajectFase, TrajectStatus,
                                User, Wijk, WijkPopulatie)

PASSWORD = "wachtwoord-123"


def make_gemeente(name="Testdorp", code="GM9999", wijken=("Noord", "Zuid")):
    gemeente = Gemeente(name=name, cbs_code=code)
    for i, wijk_name in enumerate(wijken, start=1):
        wijk = Wijk(name=wijk_name, cbs_code=f"WK{code[2:]}{i:02d}")
        wijk.populatie = [WijkPopulatie(variable="geslacht", category="man", count=100 * i),
                          WijkPopulatie(variable="geslacht", category="vrouw", count=110 * i)]
        gemeente.wijken.append(wijk)
    db.session.add(gemeente)
    db.session.flush()
    return gemeente


def make_user(role=Role.INWONER, email=None, password=PASSWORD, active=True):
    user = User(email=email or f"{role.value}-{db.session.query(User).count()}@example.org",
                role=role, active=active, name=role.value.title())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_traject(gemeente, organisator=None, status=TrajectStatus.OPEN, title="Groen in de wijk",
                 ladder=LadderRung.ADVISEREN, today=None):
    today = today or date.today()
    traject = Traject(
        gemeente=gemeente, title=title, opgave="Meer groen in de straat.", ladder=ladder,
        kaders="Budget € 10.000.", belofte="De raad neemt het advies mee.", status=status,
        wijken=list(gemeente.wijken[:1]), organisatoren=[organisator] if organisator else [],
        fasen=[TrajectFase(position=1, name="Ideeën", starts_on=today - timedelta(days=5),
                           ends_on=today + timedelta(days=5))],
    )
    db.session.add(traject)
    db.session.flush()
    return traject
