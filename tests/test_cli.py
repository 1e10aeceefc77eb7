"""`flask` commands and the `deliberatie` console script."""

import subprocess
import sys

from deliberatie.extensions import db
from deliberatie.models import Gemeente, Role, Traject, User, Wijk, WijkPopulatie


def _count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_seed_demo_is_idempotent(runner, app):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "organisator@lindewaard.example.org" in first.output
    counts = [_count(m) for m in (Gemeente, Wijk, WijkPopulatie, User, Traject)]
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert [_count(m) for m in (Gemeente, Wijk, WijkPopulatie, User, Traject)] == counts
    assert counts[1] >= 6
    assert {u.role for u in db.session.scalars(db.select(User))} == set(Role)


def test_demo_population_is_consistent(runner, app):
    runner.invoke(args=["seed-demo"])
    for wijk in db.session.scalars(db.select(Wijk)):
        totals = {}
        for row in wijk.populatie:
            if row.base == "alle inwoners":
                totals.setdefault(row.variable, 0)
                totals[row.variable] += row.count
        assert set(totals) == {"geslacht", "leeftijd", "herkomst"}
        assert len(set(totals.values())) == 1, (wijk.name, totals)
        education = sum(r.count for r in wijk.populatie if r.variable == "opleiding")
        assert 0.6 * wijk.inwoners < education < 0.9 * wijk.inwoners


def test_create_admin(runner, app):
    result = runner.invoke(args=["create-admin", "baas@example.org"], input="geheim-wachtwoord\ngeheim-wachtwoord\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).filter_by(email="baas@example.org"))
    assert user.role is Role.BEHEERDER and user.check_password("geheim-wachtwoord")
    again = runner.invoke(args=["create-admin", "baas@example.org"], input="x-x-x-x-x-x\nx-x-x-x-x-x\n")
    assert again.exit_code != 0 and "already exists" in again.output


def test_console_script_lists_subcommands():
    result = subprocess.run([sys.executable, "-m", "deliberatie.console", "--help"],
                            capture_output=True, text=True, check=True)
    for name in ("sortition", "budget", "weights", "opinions"):
        assert name in result.stdout
