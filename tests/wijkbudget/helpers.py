"""Factories and client helpers for the wijkbudget tests (add and flush, never commit)."""

import re
from datetime import date, timedelta

from deliberatie.extensions import db
from deliberatie.wijkbudget import codes
from deliberatie.wijkbudget.models import BallotType, Phase, Wijkbudget, WijkbudgetProject

PROJECTS = (("Bankjes", 400000), ("Speeltuin", 1200000), ("Moestuin", 700000), ("Lantaarns", 900000))


def make_wijkbudget(traject, *, phase=Phase.STEMMEN, ballot_type=BallotType.APPROVAL, budget_cents=2000000,
                    projects=PROJECTS, today=None, **options):
    today = today or date.today()
    options.setdefault("voting_starts_on", today - timedelta(days=3))
    options.setdefault("voting_ends_on", today + timedelta(days=3))
    options.setdefault("rule", "greedy")
    wijkbudget = Wijkbudget(traject=traject, title="Wijkbudget Noord", budget_cents=budget_cents,
                            ballot_type=ballot_type, phase=phase, code_salt=codes.new_salt(),
                            wijken=list(traject.wijken), **options)
    wijkbudget.projects = [WijkbudgetProject(position=i, title=title, cost_cents=cost, description=f"Over {title}")
                           for i, (title, cost) in enumerate(projects, start=1)]
    db.session.add(wijkbudget)
    db.session.flush()
    return wijkbudget


def project_ids(wijkbudget):
    return {p.title: str(p.id) for p in wijkbudget.projects}


def vote(client, wijkbudget_id, code, data):
    """Enter the code, fill in the ballot, confirm. Returns the final response (not followed)."""
    response = client.post(f"/wijkbudget/{wijkbudget_id}/stemmen", data={"code": code})
    if response.status_code != 302:
        return response
    response = client.post(f"/wijkbudget/{wijkbudget_id}/stembiljet", data=data)
    if response.status_code != 200 or "Bevestig mijn stem" not in response.text:
        return response
    return client.post(f"/wijkbudget/{wijkbudget_id}/bevestigen", data=hidden_fields(response.text))


def hidden_fields(page):
    """The confirm page's hidden inputs as a list of (name, value) pairs (MultiDict-friendly)."""
    from werkzeug.datastructures import MultiDict

    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    return MultiDict(pairs)


def codes_from_page(page):
    return re.search(r'name="codes" value="([^"]*)"', page).group(1).split()
