"""Stage 2 and after: feasibility, algorithms, the job runner, the draw record, reserves, purge, hooks, demo."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from deliberatie import components, jobs
from deliberatie.burgerraad import selection, services
from deliberatie.burgerraad.models import Aanmelding, Burgerraad, BurgerraadStatus, DeelnemerStatus, Uitnodiging
from deliberatie.console import main as console_main
from deliberatie.core import sortition
from deliberatie.extensions import db
from deliberatie.models import AuditEntry, Traject
from deliberatie.models.job import Job, JobStatus
from tests.burgerraad.conftest import address_csv, make_burgerraad, with_pool


def _set(burgerraad, name, value, low, high):
    quotum = next(q for v in burgerraad.vragen if v.name == name for q in v.waarden if q.value == value)
    quotum.min_count, quotum.max_count = low, high


@pytest.fixture
def pool(world):
    burgerraad = with_pool(world, n=44, panel_size=6, letters=44, codes_per_letter=1)
    services.derive_quotas(burgerraad, panel_size=6, tolerance=0.5, actor=world["organisator"])
    db.session.commit()
    return burgerraad.id


def test_infeasible_quotas_are_named_and_relaxed(client, auth, world, pool):
    burgerraad = db.session.get(Burgerraad, pool)
    _set(burgerraad, "leeftijd", "jong", 4, 6)
    _set(burgerraad, "leeftijd", "oud", 4, 6)
    db.session.commit()
    auth.login("org@example.org")
    page = client.get(f"/burgerraad/{pool}/haalbaarheid").text
    assert "minstens 4 met leeftijd = jong" in page and "minstens 4 met leeftijd = oud" in page
    assert "Kleinste versoepeling (2 plaatsen in totaal)" in page
    assert client.post(f"/burgerraad/{pool}/versoepelen").status_code == 302
    burgerraad = db.session.get(Burgerraad, pool)
    assert selection.check_feasibility(burgerraad).feasible
    bounds = sorted((q.min_count, q.max_count) for v in burgerraad.vragen if v.name == "leeftijd" for q in v.waarden)
    assert sum(low for low, _ in bounds) <= 6
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "burgerraad.quotas_relaxed"))
    assert "leeftijd" in entry.details


def test_quota_form_refuses_min_above_max_and_panel_larger_than_pool(client, auth, world, pool):
    burgerraad = db.session.get(Burgerraad, pool)
    form = {"panel_size": "6"}
    for v in burgerraad.vragen:
        for q in v.waarden:
            form[f"min_{q.id}"], form[f"max_{q.id}"] = "3", "2"
    db.session.commit()
    auth.login("org@example.org")
    response = client.post(f"/burgerraad/{pool}/quota", data=form)
    assert response.status_code == 200 and "Het maximum is kleiner dan het minimum." in response.text
    # a screen reader hears the error with its field (the table cell holds no visible label)
    field = f"max_{burgerraad.vragen[0].waarden[0].id}"
    assert f'aria-describedby="{field}-error"' in response.text and f'id="{field}-error"' in response.text
    form = {k: ("" if k != "panel_size" else "500") for k in form}
    assert client.post(f"/burgerraad/{pool}/quota", data=form).status_code == 302
    page = client.get(f"/burgerraad/{pool}/haalbaarheid").text
    assert "is groter dan het aantal beschikbare aanmeldingen (44)" in page


def test_deriving_quotas_says_which_questions_have_no_population_figures(client, auth, world):
    from deliberatie.models import WijkPopulatie

    burgerraad = make_burgerraad(world, vragen="geslacht: man, vrouw\nleeftijd: jong, oud\nwijk\nwoning: huur, koop")
    services.draw_letters(burgerraad, address_csv(40), total=20, response_rates=None, seed=1, actor=None)
    burgerraad_id = burgerraad.id
    db.session.commit()
    auth.login("org@example.org")
    url = f"/burgerraad/{burgerraad_id}/quota/afleiden"
    page = client.post(url, data={"panel_size": "6", "tolerance": "25"}, follow_redirects=True).text
    assert "De quota zijn afgeleid uit de bevolkingscijfers." in page
    assert "Voor woning zijn geen bevolkingscijfers: die quota staan open (0 tot 6)." in page
    db.session.query(WijkPopulatie).delete()
    db.session.commit()
    page = client.post(url, data={"panel_size": "6", "tolerance": "25"}, follow_redirects=True).text
    assert "De quota zijn afgeleid" not in page
    assert "Er zijn geen bevolkingscijfers voor deze vragen, dus er is niets afgeleid." in page
    assert all((q.min_count, q.max_count) == (0, 6)
               for v in db.session.get(Burgerraad, burgerraad_id).vragen for q in v.waarden)


def test_quotas_sent_after_the_inputs_are_fixed_are_refused_with_a_message(client, auth, world, pool):
    """A quota page left open in a tab while a colleague fixes the inputs: saving must say it did not save."""
    burgerraad = db.session.get(Burgerraad, pool)
    before = [(q.min_count, q.max_count) for v in burgerraad.vragen for q in v.waarden]
    form = {"panel_size": "7"}
    for v in burgerraad.vragen:
        for q in v.waarden:
            form[f"min_{q.id}"], form[f"max_{q.id}"] = "0", "1"
    selection.commit_inputs(burgerraad, actor=world["organisator"])
    db.session.commit()
    auth.login("org@example.org")
    closed = "De quota kunnen nu niet worden gewijzigd"
    for path, data in (("/quota", form), ("/quota/afleiden", {"panel_size": "7", "tolerance": "10"})):
        response = client.post(f"/burgerraad/{pool}{path}", data=data)
        assert response.status_code == 409, path  # the quota page itself, with the message
        assert closed in response.text and "Vul het aantal leden" not in response.text, path
        assert 'name="panel_size"' in response.text and 'value="7"' not in response.text, path  # as stored
        assert closed not in client.get(f"/burgerraad/{pool}/quota").text  # said once, not again later
    db.session.expire_all()
    burgerraad = db.session.get(Burgerraad, pool)
    assert burgerraad.panel_size == 6
    assert [(q.min_count, q.max_count) for v in burgerraad.vragen for q in v.waarden] == before
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-1] == "burgerraad.commitment" and "burgerraad.quotas_saved" not in actions


def test_other_algorithms_for_comparison(client, auth, world, pool):
    auth.login("org@example.org")
    for algorithm in ("maximin", "nash", "legacy"):
        response = client.post(f"/burgerraad/{pool}/selectie", data={"algorithm": algorithm})
        assert client.get(response.headers["Location"]).status_code == 302
        job = db.session.scalar(select(Job).order_by(Job.id.desc()))
        result = job.result
        db.session.commit()
        assert result["algorithm"] == algorithm and result["n"] == 44
        assert sum(p for _, p in result["probabilities"]) == pytest.approx(6, abs=1e-6)
        assert result["min"] == pytest.approx(min(p for _, p in result["probabilities"]))
        page = client.get(f"/burgerraad/{pool}/kansen").text
        assert page.count("<rect") == 44 and "burgerraad-gini" in page and "veranderd" not in page
    burgerraad = db.session.get(Burgerraad, pool)
    _set(burgerraad, "geslacht", "man", 0, 6)
    db.session.commit()
    assert "De pool of de quota zijn veranderd" in client.get(f"/burgerraad/{pool}/kansen").text


def test_probabilities_are_stale_after_the_panel_size_or_household_rule_changes(client, auth, world, pool):
    auth.login("org@example.org")
    client.post(f"/burgerraad/{pool}/selectie", data={"algorithm": "leximin"})
    stale = "De pool of de quota zijn veranderd"
    assert stale not in client.get(f"/burgerraad/{pool}/kansen").text
    burgerraad = db.session.get(Burgerraad, pool)
    burgerraad.panel_size = 7  # as the quota form may do: the probabilities were for 6 members
    db.session.commit()
    assert stale in client.get(f"/burgerraad/{pool}/kansen").text
    burgerraad = db.session.get(Burgerraad, pool)
    burgerraad.panel_size, burgerraad.one_per_household = 6, False
    db.session.commit()
    assert stale in client.get(f"/burgerraad/{pool}/kansen").text
    db.session.get(Burgerraad, pool).one_per_household = True
    db.session.commit()
    assert stale not in client.get(f"/burgerraad/{pool}/kansen").text


def test_queued_job_waits_for_the_worker_and_the_page_refreshes(app, client, auth, runner, world, pool):
    app.config["JOBS_EXECUTOR"] = "queue"
    auth.login("org@example.org")
    location = client.post(f"/burgerraad/{pool}/selectie", data={"algorithm": "leximin"}).headers["Location"]
    page = client.get(location)
    assert page.status_code == 200 and '<meta http-equiv="refresh" content="2">' in page.text
    assert "In de wachtrij" in page.text
    # the automatic reload can be switched off (WCAG 2.2.1), and stays off when refreshing by hand
    still = f"{location}?verversen=nee"
    assert f'href="{still}"' in page.text and "Niet meer vanzelf verversen" in page.text
    page = client.get(still).text
    assert 'http-equiv="refresh"' not in page and "zichzelf" not in page and "In de wachtrij." in page
    assert f'href="{still}">Nu verversen' in page and "Niet meer vanzelf verversen" not in page
    result = runner.invoke(args=["jobs", "work", "--once"])
    assert result.exit_code == 0 and "1 job(s) processed" in result.output
    assert client.get(location).headers["Location"].endswith("/kansen")
    assert runner.invoke(args=["jobs", "work", "--once"]).output.startswith("0 job")


def test_a_second_click_while_the_probabilities_are_computed_starts_no_second_job(app, client, auth, runner,
                                                                                  world, pool):
    app.config["JOBS_EXECUTOR"] = "queue"
    auth.login("org@example.org")
    first = client.post(f"/burgerraad/{pool}/selectie", data={"algorithm": "leximin"}).headers["Location"]
    second = client.post(f"/burgerraad/{pool}/selectie", data={"algorithm": "maximin"})
    assert second.status_code == 302 and second.headers["Location"] == first
    page = client.get(first).text
    assert "De kansen worden al berekend. Wacht tot die berekening klaar is." in page
    assert db.session.query(Job).filter(Job.kind == selection.DISTRIBUTION_JOB).count() == 1
    assert "1 job(s) processed" in runner.invoke(args=["jobs", "work", "--once"]).output
    # once it is done, another computation may start
    third = client.post(f"/burgerraad/{pool}/selectie", data={"algorithm": "maximin"}).headers["Location"]
    assert third != first and db.session.query(Job).filter(Job.kind == selection.DISTRIBUTION_JOB).count() == 2


def test_failed_job_is_explained(app, client, auth, world, pool):
    burgerraad = db.session.get(Burgerraad, pool)
    job = selection.start_selection(burgerraad, algorithm="leximin", actor=world["organisator"])
    _set(burgerraad, "geslacht", "man", 6, 6)
    _set(burgerraad, "geslacht", "vrouw", 6, 6)
    db.session.commit()
    finished = jobs.run(job.id)
    assert finished.status is JobStatus.FAILED
    auth.login("org@example.org")
    page = client.get(f"/burgerraad/{pool}/taak/{job.id}").text
    assert "Geen enkel panel voldoet aan alle quota" in page and "http-equiv" not in page
    assert jobs.run(job.id) is None  # a finished job is not run twice


def test_draw_is_reproducible_and_verifiable_anywhere(client, auth, world, tmp_path):
    burgerraad = with_pool(world, n=44, panel_size=6, letters=30)  # two codes per letter: 22 households
    services.derive_quotas(burgerraad, panel_size=6, tolerance=0.5, actor=world["organisator"])
    db.session.commit()
    pool = burgerraad.id
    assert burgerraad.one_per_household and burgerraad.codes_per_letter == 2
    selection.commit_inputs(burgerraad, actor=world["organisator"])
    db.session.commit()
    jobs.run(selection.start_draw(burgerraad, seed=987654321, actor=world["organisator"]).id)
    burgerraad = db.session.get(Burgerraad, pool)
    record = burgerraad.record
    assert burgerraad.status is BurgerraadStatus.GELOOT and record["seed"] == 987654321
    # at most one member per address
    address = {a.anon_id: a.uitnodiging.address_id for a in burgerraad.aanmeldingen}
    assert len({address[p] for p in record["panel"]}) == len(record["panel"]) == 6
    assert [a.anon_id for a in sorted(burgerraad.aanmeldingen, key=lambda a: a.reserve_rank or 0)
            if a.status is DeelnemerStatus.RESERVE] == record["reserves"]
    # the record names nobody
    text = json.dumps(record)
    assert all(a.email not in text and a.name not in text and a.uitnodiging.address_id not in text
               for a in burgerraad.aanmeldingen)
    tampered = dict(record, seed=record["seed"] + 1)
    assert not sortition.verify(tampered).ok
    # the seed cannot be entered twice
    auth.login("org@example.org")
    assert client.post(f"/burgerraad/{pool}/loten", data={"seed": "1"}).status_code == 409
    path = tmp_path / "RECORD.json"
    path.write_text(burgerraad.record_json)
    db.session.commit()
    assert console_main(["sortition", "verify", str(path)]) == 0
    if db.engine.dialect.name != "sqlite":
        return  # the record does not depend on the database: one fresh process is enough
    env = dict(os.environ, PYTHONHASHSEED="4242")
    other = subprocess.run([sys.executable, "-m", "deliberatie.console", "sortition", "verify", str(path)],
                           env=env, capture_output=True, text=True, timeout=300)
    assert other.returncode == 0, other.stderr


@pytest.mark.parametrize("between", ["release", "legacy commitment", "new algorithm"])
def test_a_release_between_commitment_and_draw_keeps_the_draw_unless_the_algorithm_changed(
        world, pool, monkeypatch, between):
    import deliberatie

    burgerraad = db.session.get(Burgerraad, pool)
    selection.commit_inputs(burgerraad, actor=world["organisator"])
    if between == "legacy commitment":  # as /1 committed: the app's version, not the algorithm's
        fields = dict(inputs_sha256=selection.frozen_instance(burgerraad).sha256(), algorithm=burgerraad.algorithm,
                      k=burgerraad.panel_size, households=burgerraad.one_per_household,
                      lottery_size=burgerraad.lottery_size, version=deliberatie.__version__)
        burgerraad.commitment = selection.commitment_of(fields, selection.LEGACY_COMMITMENT_FORMAT)
    db.session.commit()
    if between == "release":
        monkeypatch.setattr(deliberatie, "__version__", "99.0.0")
        monkeypatch.setattr(sortition.selection, "__version__", "99.0.0")
    if between == "new algorithm":
        monkeypatch.setattr(sortition.selection, "ALGORITHM_VERSION", "deliberatie-sortition/99")
    job = jobs.run(selection.start_draw(burgerraad, seed=7, actor=world["organisator"]).id)
    burgerraad = db.session.get(Burgerraad, pool)
    if between == "new algorithm":  # the committed algorithm is not the one that would draw: refused
        assert job.status is JobStatus.FAILED and burgerraad.status is BurgerraadStatus.VASTGELEGD
    else:
        assert burgerraad.status is BurgerraadStatus.GELOOT
        assert selection.matching_commitment_text(burgerraad, burgerraad.record) is not None


def test_purge_command_leaves_no_personal_data(app, runner, world, pool):
    burgerraad = db.session.get(Burgerraad, pool)
    selection.commit_inputs(burgerraad, actor=world["organisator"])
    db.session.commit()
    jobs.run(selection.start_draw(burgerraad, seed=5, actor=world["organisator"]).id)
    burgerraad = db.session.get(Burgerraad, pool)
    personal = set()
    for a in burgerraad.aanmeldingen:
        personal |= {a.name, a.email, a.phone, a.uitnodiging.address_id, a.uitnodiging.code}
    personal |= {u.code for u in burgerraad.uitnodigingen} | {u.address_id for u in burgerraad.uitnodigingen}
    personal.discard("")
    term = burgerraad.term_ends_on
    db.session.commit()
    assert "0 burgerraad" in runner.invoke(args=["burgerraad", "purge-expired", "--today", term.isoformat()]).output
    later = (term + timedelta(days=1)).isoformat()
    # the app-wide daily command runs every component's purge, this one included
    assert "purged: 1" in runner.invoke(args=["purge-expired", "--today", later]).output
    # scan every text column of every table
    leaks = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text))]
            for row in conn.execute(select(*columns)) if columns else ():
                for value in row:
                    if isinstance(value, str) and any(p in value for p in personal):
                        leaks.append((table.name, value[:60]))
    assert leaks == []
    burgerraad = db.session.get(Burgerraad, pool)
    assert burgerraad.status is BurgerraadStatus.GEWIST and burgerraad.stats["registrations"] == 44
    assert sortition.verify(burgerraad.record).ok
    groups = components.participant_groups(app, db.session.get(Traject, world["traject"]))
    assert [len(g.records) for g in groups] == [44, 6]


def test_the_daily_purge_also_wipes_a_pool_that_was_never_drawn(app, runner, world, pool):
    """Consent ran until the end of the term, drawn or not: a cancelled or stuck burgerraad is purged too."""
    from deliberatie.models import Traject as TrajectModel
    from tests.factories import make_traject

    burgerraad = db.session.get(Burgerraad, pool)
    term = burgerraad.term_ends_on
    assert burgerraad.status is BurgerraadStatus.AANMELDEN and burgerraad.aanmeldingen
    # a second burgerraad, fixed but waiting for a draw that is still queued: it waits a day
    other_traject = make_traject(burgerraad.traject.gemeente, world["organisator"], title="Tweede")
    other_traject.wijken = list(db.session.get(TrajectModel, world["traject"]).wijken)
    db.session.flush()
    world = dict(world, traject=other_traject.id)
    waiting = with_pool(world, n=20, panel_size=4, letters=20, codes_per_letter=1)
    services.derive_quotas(waiting, panel_size=4, tolerance=1.0, actor=None)
    selection.commit_inputs(waiting, actor=None)
    waiting.term_ends_on = term
    draw = selection.start_draw(waiting, seed=3, actor=None)
    waiting_id = waiting.id
    db.session.commit()
    later = (term + timedelta(days=1)).isoformat()
    assert "1 burgerraad" in runner.invoke(args=["burgerraad", "purge-expired", "--today", later]).output
    burgerraad = db.session.get(Burgerraad, pool)
    assert burgerraad.status is BurgerraadStatus.GEWIST and burgerraad.stats["registrations"] == 44
    assert db.session.query(Aanmelding).filter_by(burgerraad_id=pool).count() == 0
    assert db.session.query(Uitnodiging).filter_by(burgerraad_id=pool).count() == 0
    assert db.session.get(Burgerraad, waiting_id).status is BurgerraadStatus.VASTGELEGD
    jobs.run(draw.id)
    assert "1 burgerraad" in runner.invoke(args=["burgerraad", "purge-expired", "--today", later]).output
    assert db.session.get(Burgerraad, waiting_id).status is BurgerraadStatus.GEWIST
    assert db.session.query(Aanmelding).count() == 0 and db.session.query(Uitnodiging).count() == 0


def test_hooks(app, world, pool):
    from deliberatie.burgerraad import traject_links
    from deliberatie.models import User

    traject = db.session.get(Traject, world["traject"])
    organiser = db.session.scalar(select(User).where(User.email == "org@example.org"))
    anonymous = AnonymousUserMixin()
    with app.test_request_context():
        labels = [label for label, _ in traject_links(traject, anonymous)]
        assert any("Aanmelden" in label for label in labels) and not any("beheren" in label for label in labels)
        assert any("beheren" in label for label, _ in traject_links(traject, organiser))
        groups = components.participant_groups(app, traject)
        assert [g.key for g in groups] == [f"burgerraad-{pool}-pool"]
        assert len(groups[0].records) == 44 and set(groups[0].records[0]) == {"geslacht", "leeftijd", "wijk"}
        assert components.outcome_summaries(app, traject) == []  # nothing drawn yet


def test_setup_link_for_organisers_without_burgerraad(app, world):
    from deliberatie.burgerraad import traject_links
    from deliberatie.models import User

    traject = db.session.get(Traject, world["traject"])
    organiser = db.session.scalar(select(User).where(User.email == "org@example.org"))
    with app.test_request_context():
        assert [label for label, _ in traject_links(traject, organiser)] == ["Burgerraad opzetten"]
        assert traject_links(traject, AnonymousUserMixin()) == []


def test_demo_seed_is_idempotent_and_biased(app, world, monkeypatch):
    from deliberatie.burgerraad import demo
    from deliberatie.models import Role

    monkeypatch.setattr(demo, "LETTERS", 300)
    traject = db.session.get(Traject, world["traject"])
    traject.wijken[0].populatie  # noqa: B018 - loaded
    users = {Role.ORGANISATOR: world["organisator"]}
    monkeypatch.setattr(demo, "QUESTIONS", "geslacht: man, vrouw\nleeftijd: jong, oud\nwijk")
    monkeypatch.setattr(demo, "BIAS", {"leeftijd": {"jong": 0.5, "oud": 1.5}})
    burgerraad = demo.seed(traject, users, date.today())
    db.session.commit()
    count = db.session.query(Aanmelding).count()
    assert 20 < count < 150 and burgerraad.status is BurgerraadStatus.AANMELDEN
    assert demo.seed(traject, users, date.today()).id == burgerraad.id
    assert db.session.query(Aanmelding).count() == count and db.session.query(Burgerraad).count() == 1
    assert selection.check_feasibility(burgerraad).feasible
    pool = services.pool_counts(burgerraad)["leeftijd"]
    share = services.population_shares(burgerraad)["leeftijd"]
    assert pool["oud"] / count > share["oud"]  # older residents respond more
    # 300 letters asked, but the small test extract has only 95 + 191 addresses: all get a letter, 2 codes each
    assert db.session.query(Uitnodiging).count() == 2 * (round(210 / 2.2) + round(420 / 2.2))


def test_solver_progress_becomes_job_progress():
    seen = []
    callback = selection._progress(seen.append)
    for done in range(0, 101):
        callback(done, 100)
    assert seen == sorted(seen) and seen[-1] == 95 and all(b - a >= 5 for a, b in zip(seen, seen[1:]))


def test_failed_draw_can_be_retried_only_with_the_same_seed(world, pool):
    burgerraad = db.session.get(Burgerraad, pool)
    selection.commit_inputs(burgerraad, actor=world["organisator"])
    job = selection.start_draw(burgerraad, seed=11, actor=world["organisator"])
    job.status, job.error = JobStatus.FAILED, '{"code": "job.crashed", "params": {}}'
    db.session.commit()
    with pytest.raises(services.NotAllowedNow):
        selection.start_draw(burgerraad, seed=12, actor=world["organisator"])
    again = selection.start_draw(burgerraad, seed=11, actor=world["organisator"])
    db.session.commit()
    assert jobs.run(again.id).status is JobStatus.DONE
    assert db.session.get(Burgerraad, pool).record["seed"] == 11


def test_failed_draw_is_offered_again_with_the_announced_seed(app, client, auth, world, pool):
    """Once the seed is entered its form is gone; after a failed draw job the overview must offer the
    same seed again (and nothing else), or the organiser is stuck in 'vastgelegd'."""
    burgerraad = db.session.get(Burgerraad, pool)
    selection.commit_inputs(burgerraad, actor=world["organisator"])
    db.session.commit()
    app.config["JOBS_EXECUTOR"] = "queue"  # the job waits: no restart offered while it may still run
    auth.login("org@example.org")
    assert client.post(f"/burgerraad/{pool}/loten", data={"seed": "11"}).status_code == 302
    job = selection.jobs.latest(selection.subject(burgerraad), selection.DRAW_JOB)
    assert "Opnieuw loten" not in client.get(f"/burgerraad/{pool}").text
    job.status, job.error = JobStatus.FAILED, '{"code": "job.crashed", "params": {}}'
    db.session.commit()
    page = client.get(f"/burgerraad/{pool}/taak/{job.id}").text
    assert f'href="/burgerraad/{pool}"' in page and "opnieuw met hetzelfde getal" in page
    page = client.get(f"/burgerraad/{pool}").text
    assert "Opnieuw loten met het getal 11" in page and 'name="seed" value="11"' in page
    app.config["JOBS_EXECUTOR"] = "thread"
    assert client.post(f"/burgerraad/{pool}/loten", data={"seed": "12"}).status_code == 409
    assert client.post(f"/burgerraad/{pool}/loten", data={"seed": "11"}).status_code == 302
    jobs.wait_all()
    db.session.expire_all()
    burgerraad = db.session.get(Burgerraad, pool)
    assert burgerraad.status is BurgerraadStatus.GELOOT and burgerraad.record["seed"] == 11
    assert "Opnieuw loten" not in client.get(f"/burgerraad/{pool}").text


def test_public_household_ids_cannot_be_linked_to_addresses(world):
    """Address ids (BAG ids) are public and the letter seed is in the audit log: the household ids in
    the public record must not be computable from them, yet group the members of one address."""
    import hashlib

    burgerraad = with_pool(world, n=44, panel_size=6, letters=30)  # two codes per letter: shared addresses
    services.derive_quotas(burgerraad, panel_size=6, tolerance=0.5, actor=world["organisator"])
    selection.commit_inputs(burgerraad, actor=world["organisator"])
    db.session.commit()
    households = {p[0]: p[2] for p in json.loads(burgerraad.inputs_json)["people"]}
    address = {a.anon_id: a.uitnodiging.address_id for a in burgerraad.aanmeldingen}
    for one in address:
        for other in address:
            assert (households[one] == households[other]) == (address[one] == address[other])
    assert len(set(address.values())) < len(address)  # some addresses do have two members
    extract = {f"A{i:04d}" for i in range(60)}
    guesses = set()
    for seed in (burgerraad.letters_seed, 0, 1):
        for salt in (f"{burgerraad.id}\x1f{seed}\x1f", f"{burgerraad.id}\x1f", ""):
            guesses |= {"h-" + hashlib.sha256(f"{salt}{a}".encode()).hexdigest()[:12] for a in extract}
    assert not guesses & set(households.values())
    # the ids are stable while registration is open (the probabilities stay current)
    assert selection.build_instance(burgerraad).sha256() == selection.frozen_instance(burgerraad).sha256()
