"""The demo municipality: fictional, with CBS-like population figures.

``seed_demo`` is idempotent: it looks every row up by its natural key and
creates only what is missing, so ``make run`` can call it every time.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from importlib import import_module

from sqlalchemy import select

from . import clock
from .extensions import db
from .models import (Gemeente, LadderRung, Role, Terugkoppeling, Traject, TrajectFase,
                     TrajectStatus, User, Wijk, WijkPopulatie)

GEMEENTE = ("Lindewaard", "GM9901")  # GM99xx: not a real CBS code

AGE_BANDS = ("0-14", "15-24", "25-44", "45-64", "65+")
EDUCATION = ("laag", "middelbaar", "hoog")  # CBS: residents aged 15-74
MIGRATION = ("Nederland", "Europa", "buiten Europa")


@dataclass(frozen=True)
class WijkProfile:
    name: str
    code: str
    inwoners: int
    vrouw: float
    ages: tuple[float, ...]  # shares over AGE_BANDS
    education: tuple[float, ...]  # shares over EDUCATION, of residents aged 15-74
    migration: tuple[float, ...]
    share_15_74: float


WIJKEN = (
    WijkProfile("Centrum", "WK990101", 6820, 0.51, (0.09, 0.19, 0.38, 0.21, 0.13), (0.14, 0.33, 0.53), (0.71, 0.14, 0.15), 0.83),
    WijkProfile("Oosterpark", "WK990102", 9410, 0.51, (0.16, 0.12, 0.27, 0.26, 0.19), (0.26, 0.42, 0.32), (0.78, 0.08, 0.14), 0.76),
    WijkProfile("Westerhaven", "WK990103", 11250, 0.50, (0.19, 0.14, 0.31, 0.23, 0.13), (0.36, 0.40, 0.24), (0.58, 0.11, 0.31), 0.75),
    WijkProfile("Noorderhout", "WK990104", 7980, 0.50, (0.21, 0.11, 0.26, 0.28, 0.14), (0.20, 0.42, 0.38), (0.84, 0.07, 0.09), 0.73),
    WijkProfile("Zuidwijk", "WK990105", 8640, 0.53, (0.12, 0.10, 0.21, 0.27, 0.30), (0.33, 0.42, 0.25), (0.80, 0.08, 0.12), 0.74),
    WijkProfile("De Brink", "WK990106", 3150, 0.50, (0.15, 0.11, 0.20, 0.30, 0.24), (0.31, 0.46, 0.23), (0.92, 0.05, 0.03), 0.75),
    WijkProfile("Kerkdorp", "WK990107", 2240, 0.49, (0.17, 0.12, 0.21, 0.29, 0.21), (0.30, 0.47, 0.23), (0.94, 0.04, 0.02), 0.76),
)

ACCOUNTS = (
    ("beheerder@lindewaard.example.org", "Bea Beheer", Role.BEHEERDER, "demo-beheerder"),
    ("organisator@lindewaard.example.org", "Otto Organisator", Role.ORGANISATOR, "demo-organisator"),
    ("raadslid@lindewaard.example.org", "Rana Raadslid", Role.RAADSLID, "demo-raadslid"),
    ("inwoner@lindewaard.example.org", "Ines Inwoner", Role.INWONER, "demo-inwoner"),
)


def split_counts(total: int, shares) -> list[int]:
    """Integer counts summing to ``total`` (largest remainder)."""
    raw = [total * s / sum(shares) for s in shares]
    counts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def population_rows(profile: WijkProfile):
    """(variable, category, count, base) rows for one wijk."""
    vrouw = round(profile.inwoners * profile.vrouw)
    rows = [("geslacht", "man", profile.inwoners - vrouw, "alle inwoners"),
            ("geslacht", "vrouw", vrouw, "alle inwoners")]
    rows += [("leeftijd", band, n, "alle inwoners")
             for band, n in zip(AGE_BANDS, split_counts(profile.inwoners, profile.ages))]
    base_15_74 = round(profile.inwoners * profile.share_15_74)
    rows += [("opleiding", level, n, "15-74 jaar")
             for level, n in zip(EDUCATION, split_counts(base_15_74, profile.education))]
    rows += [("herkomst", origin, n, "alle inwoners")
             for origin, n in zip(MIGRATION, split_counts(profile.inwoners, profile.migration))]
    return rows


def _get_or_create(model, defaults=None, **key):
    row = db.session.scalar(select(model).filter_by(**key))
    if row is None:
        row = model(**key, **(defaults or {}))
        db.session.add(row)
    return row


def _seed_gemeente():
    name, code = GEMEENTE
    gemeente = _get_or_create(Gemeente, {"name": name}, cbs_code=code)
    for profile in WIJKEN:
        wijk = _get_or_create(Wijk, {"name": profile.name, "gemeente": gemeente}, cbs_code=profile.code)
        if not wijk.populatie:
            wijk.populatie = [WijkPopulatie(variable=v, category=c, count=n, base=b)
                              for v, c, n, b in population_rows(profile)]
    db.session.flush()
    return gemeente


def _seed_accounts():
    users = {}
    for email, name, role, password in ACCOUNTS:
        user = db.session.scalar(select(User).filter_by(email=email))
        if user is None:
            user = User(email=email, name=name, role=role)
            user.set_password(password)
            db.session.add(user)
        users[role] = user
    db.session.flush()
    return users


def _phases(today, *spans):
    """Phases from (name, start offset in days, end offset in days)."""
    return [TrajectFase(position=i, name=name, starts_on=today + timedelta(days=a),
                        ends_on=today + timedelta(days=b))
            for i, (name, a, b) in enumerate(spans, start=1)]


def _trajecten(today):
    return [
        dict(title="Wijkbudget Westerhaven 2027", ladder=LadderRung.MEEBESLISSEN,
             status=TrajectStatus.OPEN, wijken=["Westerhaven"],
             opgave="Inwoners van Westerhaven beslissen samen hoe € 50.000 wordt besteed aan "
                    "projecten die de wijk leefbaarder maken.",
             kaders="Budget € 50.000. Projecten moeten binnen een jaar uitvoerbaar zijn, in de "
                    "openbare ruimte liggen en passen binnen de APV.",
             belofte="De projecten met de meeste steun die binnen het budget passen, voert de "
                     "gemeente in 2027 uit. Het college neemt de uitslag over.",
             fasen=_phases(today, ("Ideeën ophalen", -60, -15), ("Stemmen", -14, 14),
                           ("Uitvoering", 15, 380))),
        dict(title="Burgerraad Wonen en Klimaat", ladder=LadderRung.ADVISEREN,
             status=TrajectStatus.OPEN, wijken=[p.name for p in WIJKEN],
             opgave="Een gelote burgerraad van 30 inwoners adviseert de raad over betaalbaar en "
                    "duurzaam wonen in Lindewaard.",
             kaders="De raad neemt het advies over, tenzij het wettelijk of financieel niet kan; "
                    "dan legt de raad uit waarom.",
             belofte="De raad bespreekt het advies binnen drie maanden en laat per aanbeveling "
                     "weten wat ermee gebeurt.",
             fasen=_phases(today, ("Loting", -10, 20), ("Bijeenkomsten", 21, 120),
                           ("Advies aan de raad", 121, 150))),
        dict(title="Leefbaar Centrum: thematafels", ladder=LadderRung.COPRODUCEREN,
             status=TrajectStatus.OPEN, wijken=["Centrum"],
             opgave="Aan thematafels maken bewoners, ondernemers en gemeente samen plannen voor "
                    "groen, verkeer en ontmoeten in het centrum.",
             kaders="Het plan moet passen binnen het omgevingsplan en € 250.000 voor de komende "
                    "twee jaar.",
             belofte="Het plan dat aan de tafels ontstaat, legt het college ongewijzigd aan de "
                     "raad voor, met de minderheidsstandpunten erbij.",
             fasen=_phases(today, ("Thematafels", 0, 1), ("Uitwerken", 2, 60))),
        dict(title="Herinrichting Marktplein De Brink", ladder=LadderRung.RAADPLEGEN,
             status=TrajectStatus.AFGEROND, wijken=["De Brink", "Kerkdorp"],
             opgave="Hoe moet het marktplein eruitzien na de vervanging van het riool?",
             kaders="Het riool wordt in elk geval vervangen; de markt blijft op zaterdag.",
             belofte="De gemeente weegt de meningen mee in het ontwerp en laat weten wat ermee "
                     "gedaan is.",
             fasen=_phases(today, ("Enquête", -200, -170), ("Ontwerp", -169, -90)),
             terugkoppeling=("Wat we met uw mening hebben gedaan",
                             "Meer groen en bankjes: overgenomen. Parkeren op het plein: niet "
                             "overgenomen, omdat de markt de ruimte nodig heeft.")),
        dict(title="Speelplekken Noorderhout", ladder=LadderRung.RAADPLEGEN,
             status=TrajectStatus.CONCEPT, wijken=["Noorderhout"],
             opgave="Welke speelplekken heeft Noorderhout nodig?", kaders="",
             belofte="Wordt nog vastgesteld.", fasen=[]),
    ]


#: (traject title, component) in seeding order; wijkbudget before pitches, so that the
#: selected demo pitches find their wijkbudget projects.
COMPONENT_DEMOS = (
    ("Wijkbudget Westerhaven 2027", "wijkbudget"),
    ("Wijkbudget Westerhaven 2027", "pitches"),
    ("Burgerraad Wonen en Klimaat", "burgerraad"),
    ("Leefbaar Centrum: thematafels", "thematafels"),
    ("Leefbaar Centrum: thematafels", "minderheidsstandpunten"),
)


@dataclass(frozen=True)
class DemoSummary:
    accounts: list  # (email, role, password)
    stemcodes: list  # unused demo stemcodes of the wijkbudget


def seed_demo(today: date | None = None) -> DemoSummary:
    """Create what is missing of the demo municipality, its trajecten and components."""
    today = today or clock.today()
    gemeente = _seed_gemeente()
    users = _seed_accounts()
    wijken = {w.name: w for w in gemeente.wijken}
    for spec in _trajecten(today):
        if db.session.scalar(select(Traject).filter_by(title=spec["title"])):
            continue
        terugkoppeling = spec.pop("terugkoppeling", None)
        spec["wijken"] = [wijken[name] for name in spec["wijken"]]
        traject = Traject(gemeente=gemeente, organisatoren=[users[Role.ORGANISATOR]], **spec)
        if terugkoppeling:
            traject.terugkoppelingen = [Terugkoppeling(
                title=terugkoppeling[0], body=terugkoppeling[1], published_on=today - timedelta(days=60),
                author=users[Role.ORGANISATOR])]
        db.session.add(traject)
    db.session.flush()
    stemcodes = []
    for title, component in COMPONENT_DEMOS:
        traject = db.session.scalar(select(Traject).filter_by(title=title))
        result = import_module(f"deliberatie.{component}.demo").seed(traject, users, today)
        if component == "wijkbudget":
            stemcodes = list(result or [])
        db.session.flush()
    accounts = [(email, role, password) for email, _name, role, password in ACCOUNTS]
    return DemoSummary(accounts=accounts, stemcodes=stemcodes)
