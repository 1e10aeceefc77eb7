"""Accounts for the pitch tests: one per role they need."""

from deliberatie.models import Role
from tests.helpers import fast_user as make_user

ORG, OTHER_ORG, INA, PIET, RAAD, BEHEER = ("org@example.org", "ander@example.org", "ina@example.org",
                                           "piet@example.org", "raad@example.org", "beheer@example.org")
ROLES = {ORG: Role.ORGANISATOR, OTHER_ORG: Role.ORGANISATOR, INA: Role.INWONER, PIET: Role.INWONER,
         RAAD: Role.RAADSLID, BEHEER: Role.BEHEERDER}


def make_people() -> dict:
    """{email: user} for the organiser, another organiser, two residents, a raadslid and a beheerder."""
    return {email: make_user(role, email) for email, role in ROLES.items()}
