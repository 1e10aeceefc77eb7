"""The report never averages a minority away; the demo seed; the report degrades gracefully."""

from datetime import date
from html import escape

import numpy as np
import pytest
from sqlalchemy import insert

from deliberatie.extensions import db
from deliberatie.minderheidsstandpunten import analyses
from deliberatie.minderheidsstandpunten.models import (Analyse, Deelnemer, Sessie, SessieSoort, Stelling,
                                                       StellingStatus, Stem)
from deliberatie.models import AuditEntry, Role, Traject
from deliberatie.models.types import utcnow

from .conftest import ORG, RAAD, planted_matrix, seed_planted


def _against(report):
    """(group, statement) pairs where a group's representative statement runs against everyone's majority."""
    return [(g, r) for g in report["groups"] for r in g["representative"] if r["against_overall"]]


def test_minority_statement_shown_although_consensus_points_the_other_way(client, auth, world):
    traject = db.session.get(Traject, world["traject"])
    stellingen, votes = seed_planted(traject, np.random.default_rng(0))
    db.session.commit()
    auth.login(ORG)
    assert client.post(f"/minderheidsstandpunten/{traject.id}/analyses",
                       data={"min_votes": "7", "max_groups": "5", "seed": "0"}).status_code == 302
    auth.logout()
    auth.login(RAAD)
    report = client.get(f"/minderheidsstandpunten/{traject.id}/verslag.json").json
    planted_minority = {f"p{p:05d}" for p, _s, _v, g in votes if g == 2}
    minority = max(report["groups"], key=lambda g: len(planted_minority & set(
        next(x for x in _members(traject) if x["id"] == g["id"])["members"])))
    assert minority["id"] != report["groups"][0]["id"]
    target = stellingen[0]  # the minority agrees, everybody else disagrees
    row = next(r for r in minority["representative"] if r["statement_id"] == target.id)
    assert row["direction"] == "agree" and row["overall_direction"] == "disagree" and row["against_overall"]
    assert minority["against_consensus"]
    assert any(v["group"] and v["group"]["id"] == minority["id"] for v in report["minority_views"])
    page = client.get(f"/minderheidsstandpunten/{traject.id}/verslag").text
    section4 = page.split('id="s4"')[1].split('id="s5"')[0]
    assert f'{escape(target.text)} <strong class="mhs-flag">' in section4  # flagged beside the statement


def _members(traject):
    import json
    return json.loads(analyses.latest(traject).result)["groups"]


def _load_conversation(traject, conversation):
    """A pol.is conversation, read by the core's reader, stored as statements and votes."""
    stellingen = [Stelling(traject_id=traject.id, text=conversation.texts.get(s) or f"Stelling {s}",
                           status=StellingStatus.AFGEWEZEN if s in conversation.moderated_out
                           else StellingStatus.ZICHTBAAR)
                  for s in conversation.statements]
    people = [Deelnemer(traject_id=traject.id, pseudonym=f"ce{p}") for p in conversation.participants]
    db.session.add_all(stellingen + people)
    db.session.flush()
    now = utcnow()
    db.session.execute(insert(Stem), [
        {"stelling_id": stellingen[c].id, "deelnemer_id": people[r].id, "value": int(v), "voted_at": now}
        for r, c, v in zip(conversation.rows.tolist(), conversation.cols.tolist(), conversation.values.tolist())])
    db.session.flush()
    return stellingen


def test_canadian_electoral_reform_small_group_is_reported(client, auth, world, shared_dir):
    from deliberatie.core.opinions import read_conversation

    conversation = read_conversation(shared_dir / "data" / "opinion" / "canadian-electoral-reform")
    traject = db.session.get(Traject, world["traject"])
    _load_conversation(traject, conversation)
    analyses.run(traject, world["organisator"], seed=0)
    db.session.commit()
    auth.login(RAAD)
    report = client.get(f"/minderheidsstandpunten/{traject.id}/verslag.json").json
    clustered = report["analysis"]["clustered"]
    small = [g for g in report["groups"] if g["size"] <= 0.1 * clustered]
    assert small, "a small opinion group of its own"
    against = [(g, r) for g, r in _against(report) if g in small and r["direction"] == "agree"]
    assert against, "the small group agrees with a statement the majority rejects"
    group, row = against[0]
    assert row["overall_agree_share"] < 0.5
    assert any(v["group"] and v["group"]["id"] == group["id"] for v in report["minority_views"])
    page = client.get(f"/minderheidsstandpunten/{traject.id}/verslag").text
    section4 = page.split('id="s4"')[1].split('id="s5"')[0]
    assert f'{escape(row["text"])} <strong class="mhs-flag">' in section4


def test_report_without_anything_degrades_gracefully(client, auth, world):
    auth.login(RAAD)
    page = client.get(f"/minderheidsstandpunten/{world['traject']}/verslag").text
    assert "nog niet beschikbaar" in page
    assert "Er zijn (nog) geen minderheidsstandpunten vastgelegd." in page
    data = client.get(f"/minderheidsstandpunten/{world['traject']}/verslag.json").json
    assert data["analysis"] is None and data["groups"] == []
    pdf = client.get(f"/minderheidsstandpunten/{world['traject']}/verslag.pdf").data
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"Nog geen analyse van de stellingen.") == page.count("Nog geen analyse van de stellingen.") == 2


def test_report_compares_with_population_raw_and_weighted(client, auth, world, monkeypatch):
    """The fallback when the statistiek component offers no report section: core weighting directly."""
    from deliberatie.minderheidsstandpunten import weging

    monkeypatch.setattr(weging, "_statistiek_section", lambda traject: None)
    traject = db.session.get(Traject, world["traject"])
    people = [Deelnemer(traject_id=traject.id, pseudonym=f"x{i}", geslacht="vrouw" if i % 3 else "man",
                        leeftijd=("15-24", "25-44", "45-64", "65+")[i % 4 if i < 8 else 3]) for i in range(20)]
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all([Stem(stelling_id=world["stellingen"][0], deelnemer_id=d.id, value=1) for d in people])
    db.session.commit()
    auth.login(RAAD)
    rep = client.get(f"/minderheidsstandpunten/{traject.id}/verslag.json").json["participation"]["representation"]
    assert rep["available"]
    group = next(g for g in rep["groups"] if g["key"].startswith("minderheidsstandpunten"))
    vrouw = next(r for r in group["rows"] if r["variable"] == "geslacht" and r["category"] == "vrouw")
    assert vrouw["sample_share"] == pytest.approx(13 / 20)
    # weighted to the population (Noord + Zuid: 330 of 630 are women)
    assert vrouw["weighted_share"] == pytest.approx(330 / 630, abs=0.002)
    assert vrouw["population_share"] == pytest.approx(330 / 630, abs=0.002)


def test_demo_seed_is_idempotent_and_plants_a_small_minority(app, world):
    from deliberatie.minderheidsstandpunten.demo import GROUP_SIZES, seed

    traject = db.session.get(Traject, world["traject"])
    users = {Role.ORGANISATOR: world["organisator"]}
    seed(traject, users, date.today())
    db.session.commit()
    counts = [db.session.scalar(db.select(db.func.count()).select_from(m)) for m in (Stelling, Stem, Analyse, Sessie)]
    seed(traject, users, date.today())
    db.session.commit()
    assert counts == [db.session.scalar(db.select(db.func.count()).select_from(m))
                      for m in (Stelling, Stem, Analyse, Sessie)]
    assert db.session.scalar(db.select(db.func.count()).select_from(Deelnemer)) == sum(GROUP_SIZES)
    sessie = db.session.scalar(db.select(Sessie))
    assert len(sessie.standpunten) == 2 and all(len(s.voorwaarden) == 2 for s in sessie.standpunten)
    groups = _members(traject)
    assert len(groups) >= 3
    # the planted 8% minority (the last 24 participants) is found as a group of its own
    prefix = f"demo{traject.id}-"
    minority = {f"{prefix}{i:05d}" for i in range(sum(GROUP_SIZES) - GROUP_SIZES[-1], sum(GROUP_SIZES))}
    best = max(groups, key=lambda g: len(minority & set(g["members"])))
    assert len(minority & set(best["members"])) >= 0.8 * len(minority)
    assert sessie.standpunten[1].groep == best["id"]


def test_conversation_leaves_out_proposals_and_moderates_out_rejected(app, world):
    from deliberatie.minderheidsstandpunten import services

    traject = db.session.get(Traject, world["traject"])
    people = [services.new_anonymous(traject) for _ in range(2)]
    proposal = services.propose_stelling(traject, people[0], "Een voorstel")
    rejected = db.session.get(Stelling, world["stellingen"][2])
    for person in people:
        for stelling in [db.session.get(Stelling, i) for i in world["stellingen"]]:
            services.vote(stelling, person, "eens")
    services.moderate(rejected, world["organisator"], accept=False, reden="Dubbel")
    db.session.add(Stem(stelling_id=proposal.id, deelnemer_id=people[0].id, value=1))
    db.session.flush()
    conversation = analyses.conversation(traject)
    assert str(proposal.id) not in conversation.statements
    assert conversation.moderated_out == frozenset({str(rejected.id)})
    assert sorted(conversation.participants) == sorted(p.pseudonym for p in people)
    assert len(conversation.rows) == 6


def test_a_failing_hook_of_another_component_does_not_break_the_report(app, client, auth, world, monkeypatch):
    import deliberatie.wijkbudget as other_component

    def broken(traject):
        raise RuntimeError("kapot")

    monkeypatch.setattr(other_component, "outcome_summaries", broken)
    auth.login(RAAD)
    assert client.get(f"/minderheidsstandpunten/{world['traject']}/verslag").status_code == 200


def test_report_uses_the_statistiek_section_when_offered(client, auth, world, monkeypatch):
    from deliberatie.minderheidsstandpunten import weging

    section = {"groups": [{"key": "x", "label": "Stemmers", "n": 7, "sentences": ["Jongeren ontbreken."],
                           "rows": [{"variable": "leeftijd", "category": "15-24", "sample_share": 0.1,
                                     "population_share": 0.2, "weighted_share": 0.19, "direction": "under"}]}],
               "reason": ""}
    monkeypatch.setattr(weging, "_statistiek_section", lambda traject: section)
    auth.login(RAAD)
    page = client.get(f"/minderheidsstandpunten/{world['traject']}/verslag").text
    assert "Jongeren ontbreken." in page and "Stemmers (n = 7)" in page and "19%" in page


def test_demo_report_weighs_the_minority_group(app, world):
    from deliberatie.minderheidsstandpunten import report
    from deliberatie.minderheidsstandpunten.demo import seed

    traject = db.session.get(Traject, world["traject"])
    seed(traject, {Role.ORGANISATOR: world["organisator"]}, date.today())
    db.session.commit()
    with app.test_request_context():
        data = report.build(traject)
    small = min(data["groups"], key=lambda g: g["size"])
    assert 0 < small["weighted_share"] < 1
    if small["weighted_interval"]:
        low, high = small["weighted_interval"]
        assert low <= small["weighted_share"] <= high
    titles = [v["title"] for v in data["minority_views"]]
    assert "Ouderen en mensen met een beperking kunnen het centrum niet meer bereiken" in titles


def test_consensus_statements_are_weighted_to_the_population(app, client, auth, world):
    """Agreement with a consensus statement: raw, and raked to the population with an interval."""
    from deliberatie.minderheidsstandpunten import report, services
    from deliberatie.minderheidsstandpunten.demo import seed
    from deliberatie.statistiek.services import weighted_result

    traject = db.session.get(Traject, world["traject"])
    seed(traject, {Role.ORGANISATOR: world["organisator"]}, date.today())
    db.session.commit()
    with app.test_request_context():
        data = report.build(traject)
        assert data["majority"]["consensus"], "the demo has consensus statements"
        row = data["majority"]["consensus"][0]
        # independently: the same voters and answers through statistiek's single-answer service
        voters = [d for d in services.voters(traject) if d.geslacht or d.leeftijd]
        value = {d: v for _, d, v in services.votes_on([row["statement_id"]])}
        answers = [{1: "eens", -1: "oneens"}.get(value.get(d.id)) for d in voters]
        records = [{k: v for k, v in (("geslacht", d.geslacht), ("leeftijd", d.leeftijd)) if v} for d in voters]
        expected = weighted_result(traject, records, answers, categories=["eens", "oneens"])
    e = expected.estimates[0 if row["direction"] == "agree" else 1]
    assert row["weighted_share"] == pytest.approx(e.weighted_share, abs=0.0005)
    low, high = row["weighted_interval"]
    assert low <= row["weighted_share"] <= high and high - low > 0
    auth.login(RAAD)
    page = client.get(f"/minderheidsstandpunten/{traject.id}/verslag").text
    section3 = page.split('id="s3"')[1].split('id="s4"')[0]
    assert "gewogen naar de bevolking" in section3 and "95%-interval" in section3
    assert client.get(f"/minderheidsstandpunten/{traject.id}/verslag.pdf").data.startswith(b"%PDF")


def test_own_consensus_is_not_repeated_as_another_outcome_under_a_url_prefix(client, auth, world):
    """Mounted under a prefix (SCRIPT_NAME), section 3 still lists the stellingen's consensus only once."""
    traject = db.session.get(Traject, world["traject"])
    seed_planted(traject, np.random.default_rng(5), sizes=(40, 30, 6), n_statements=12)
    analyses.run(traject, world["organisator"], seed=0)
    db.session.commit()
    auth.login(RAAD)
    for root in ("", "/gemeente"):
        env = {"SCRIPT_NAME": root}
        data = client.get(f"/minderheidsstandpunten/{traject.id}/verslag.json", environ_overrides=env).json
        assert data["majority"]["consensus"]
        assert not [o for o in data["majority"]["outcomes"] if "/minderheidsstandpunten/" in (o["url"] or "")], root
        page = client.get(f"/minderheidsstandpunten/{traject.id}/verslag", environ_overrides=env).text
        assert "Stellingen: waar de meeste deelnemers het over eens zijn" not in page, root


def test_report_says_why_participants_cannot_be_compared_with_the_population(client, auth, world):
    """Without population figures the report explains so, instead of an empty comparison table."""
    from deliberatie.models import WijkPopulatie

    db.session.execute(db.delete(WijkPopulatie))
    people = [Deelnemer(traject_id=world["traject"], pseudonym=f"np{i}", geslacht="vrouw", leeftijd="25-44")
              for i in range(5)]
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all([Stem(stelling_id=world["stellingen"][0], deelnemer_id=d.id, value=1) for d in people])
    db.session.commit()
    auth.login(RAAD)
    base = f"/minderheidsstandpunten/{world['traject']}"
    group = client.get(f"{base}/verslag.json").json["participation"]["representation"]["groups"][0]
    assert group["error"] and group["rows"] == []
    section2 = client.get(f"{base}/verslag").text.split('id="s2"')[1].split('id="s3"')[0]
    assert escape(group["error"]) in section2 and "<table" not in section2
    assert group["error"].encode("latin-1") in client.get(f"{base}/verslag.pdf").data
    assert escape(group["error"]) in client.get(f"{base}/participatieverslag").text


def test_participatieverslag_lists_each_agreement_once_with_its_direction(client, auth, world):
    """A statement most participants reject is shown as "oneens", and common ground repeats no statement."""
    traject = db.session.get(Traject, world["traject"])
    seed_planted(traject, np.random.default_rng(0))
    analyses.run(traject, world["organisator"], seed=0)
    db.session.commit()
    auth.login(RAAD)
    base = f"/minderheidsstandpunten/{traject.id}"
    data = client.get(f"{base}/verslag.json").json
    consensus, common = data["majority"]["consensus"], data["common_ground"]
    rejected = [s for s in consensus if s["direction"] == "disagree"]
    assert rejected and {s["statement_id"] for s in consensus} & {s["statement_id"] for s in common}
    agreed = [s["statement_id"] for s in data["participatieverslag"]["agreed"]]
    assert len(agreed) == len(set(agreed)) and set(agreed) == {s["statement_id"] for s in consensus + common}
    page = client.get(f"{base}/participatieverslag").text
    section = page.split("Waarover was men het eens?")[1].split("Waarover was men het oneens?")[0]
    for s in rejected:
        assert section.count(escape(s["text"]) + " ") == 1
        assert f'{escape(s["text"])} — {round(100 * s["group_share"])}% oneens' in section


def test_opinion_map_describes_each_group_s_marker_in_dutch(client, auth, world):
    """The map's text alternative names the marker shapes the legend uses, in Dutch."""
    traject = db.session.get(Traject, world["traject"])
    seed_planted(traject, np.random.default_rng(1), sizes=(20, 14, 6), n_statements=12)
    analyse = analyses.run(traject, world["organisator"], seed=0)
    db.session.commit()
    auth.login(RAAD)
    page = client.get(f"/minderheidsstandpunten/{traject.id}/analyses/{analyse.id}").text
    desc = page.split('<desc id="kaart-uitleg">')[1].split("</desc>")[0]
    assert "teken cirkel." in desc and "teken vierkant." in desc
    assert not any(f"teken {shape}" in desc for shape in analyses.SHAPES)


def test_a_minority_view_keeps_its_opinion_group_when_the_groups_are_computed_again(client, auth, world):
    """More votes, a new run: the view linked to the small group follows that group into the new run."""
    from deliberatie.minderheidsstandpunten.demo import planted_votes, store_votes
    from deliberatie.minderheidsstandpunten.models import Standpunt

    traject = db.session.get(Traject, world["traject"])
    rng = np.random.default_rng(0)
    stellingen, votes = seed_planted(traject, rng, sizes=(60, 40, 12), n_statements=16)
    first = analyses.run(traject, world["organisator"], seed=0)
    planted = {f"p{p:05d}" for p, _s, _v, g in votes if g == 2}
    small = max(_members(traject), key=lambda g: len(planted & set(g["members"])))
    sessie = Sessie(traject_id=traject.id, soort=SessieSoort.BIJEENKOMST, title="Avond", held_on=date.today(),
                    voorstel="Een plan", voor=10, tegen=3, onthouding=1)
    sessie.standpunten = [Standpunt(title="De kleine groep", redenen="Omdat", herkend_door=3,
                                    analyse_id=first.id, groep=small["id"])]
    db.session.add(sessie)
    probabilities, _sizes = planted_matrix(rng, 16)
    later = planted_votes(rng, probabilities, (30, 20, 6), voted_share=0.9)
    store_votes(traject, stellingen, later, prefix="q")
    db.session.commit()
    auth.login(ORG)
    assert client.post(f"/minderheidsstandpunten/{traject.id}/analyses",
                       data={"min_votes": "7", "max_groups": "5", "seed": "0"}).status_code == 302
    second = analyses.latest(traject)
    assert second.id != first.id
    planted |= {f"q{p:05d}" for p, _s, _v, g in later if g == 2}
    now_small = max(_members(traject), key=lambda g: len(planted & set(g["members"])))
    report = client.get(f"/minderheidsstandpunten/{traject.id}/verslag.json").json
    view = next(v for v in report["minority_views"] if v["title"] == "De kleine groep")
    assert view["group"] is not None and view["group"]["id"] == now_small["id"]
    assert not [v for v in report["minority_views"]
                if v["kind"] == "opiniegroep" and v["group"]["id"] == now_small["id"]]
    standpunt = db.session.scalar(db.select(Standpunt))
    assert (standpunt.analyse_id, standpunt.groep) == (second.id, now_small["id"])
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="minderheidsstandpunten.minority_relink"))


def test_a_link_stays_on_the_earlier_run_when_no_new_group_holds_more_than_half_of_its_members(app, world):
    import json

    from deliberatie.minderheidsstandpunten.models import Standpunt

    def stored(groups):
        result = {"groups": [{"id": i, "members": members} for i, members in enumerate(groups)]}
        analyse = Analyse(traject_id=world["traject"], algorithm="test", parameters="{}",
                          result=json.dumps(result), participants=0, groups=len(groups))
        db.session.add(analyse)
        db.session.flush()
        return analyse, result

    old, _ = stored([["a", "b", "c", "d"], ["x", "y"], ["p", "q", "r", "s"], ["k", "l", "m"]])
    new, result = stored([["a", "e", "y", "p", "q"], ["b", "f", "r", "s"], ["x"], ["k", "l"]])
    split, half, halves, most = (Standpunt(title=t, redenen="r", herkend_door=1, analyse_id=old.id, groep=g)
                                 for t, g in (("gesplitst", 0), ("de helft", 1), ("twee helften", 2),
                                              ("de meesten", 3)))
    db.session.add(Sessie(traject_id=world["traject"], soort=SessieSoort.BIJEENKOMST, title="Avond",
                          held_on=date.today(), voorstel="Plan", standpunten=[split, half, halves, most]))
    db.session.flush()
    analyses._carry_links(db.session.get(Traject, world["traject"]), world["organisator"], new, result)
    assert (split.analyse_id, split.groep) == (old.id, 0)  # a, b, c, d went four ways
    assert (half.analyse_id, half.groep) == (old.id, 1)  # x and y went two ways: neither is the group
    assert (halves.analyse_id, halves.groep) == (old.id, 2)  # p, q and r, s: two halves, neither wins
    assert (most.analyse_id, most.groep) == (new.id, 3)  # k, l of k, l, m: more than half
    relinks = db.session.scalars(db.select(AuditEntry.subject).filter_by(
        action="minderheidsstandpunten.minority_relink")).all()
    assert relinks == [f"standpunt:{most.id}"]


def test_participatieverslag_shows_what_was_not_adopted_and_who_was_missing(client, auth, world):
    """Every condition with what was done and why, the comparison with the population, the terugkoppeling."""
    from deliberatie.minderheidsstandpunten.demo import seed
    from deliberatie.models import Terugkoppeling

    traject = db.session.get(Traject, world["traject"])
    seed(traject, {Role.ORGANISATOR: world["organisator"]}, date.today())
    db.session.add(Terugkoppeling(traject_id=traject.id, title="Wat we ermee doen", body="De proef begint.",
                                  published_on=date.today()))
    db.session.commit()
    auth.login(RAAD)
    base = f"/minderheidsstandpunten/{traject.id}"
    data = client.get(f"{base}/verslag.json").json
    page = client.get(f"{base}/participatieverslag").text
    conditions = [c for v in data["minority_views"] for c in v["conditions"]]
    assert any(c["handled"] == "niet" for c in conditions)
    for c in conditions:
        assert f'{escape(c["text"])} ({c["kind_label"]}): {c["handled_label"]}. {escape(c["reason"])}' in page
    who = page.split("Wie zijn betrokken?")[1].split("Hoe zijn zij betrokken?")[0]
    rows = [r for g in data["participation"]["representation"]["groups"] for r in g["rows"]]
    assert rows
    for r in rows:  # raw, weighted and the population, as on the report's page
        assert (f'{r["variable"]} {r["category"]}: deelnemers {round(100 * r["sample_share"])}%, '
                f'gewogen {round(100 * r["weighted_share"])}%, inwoners {round(100 * r["population_share"])}%') in who
    assert '<h2 class="utrecht-heading-2">Terugkoppeling</h2>' in page.split("Wat is er veranderd")[1]


def test_report_dates_and_session_kinds_read_as_dutch_text_while_the_json_stays_iso(client, auth, world):
    from deliberatie.models import Terugkoppeling

    traject = db.session.get(Traject, world["traject"])
    db.session.add(Sessie(traject_id=traject.id, soort=SessieSoort.THEMATAFEL, title="Tafel Groen",
                          held_on=date(2026, 11, 30), voorstel="Plan", voor=6, tegen=2, onthouding=0))
    db.session.add(Terugkoppeling(traject_id=traject.id, title="Wat we ermee doen", body="De proef begint.",
                                  published_on=date(2026, 12, 2)))
    db.session.commit()
    auth.login(RAAD)
    base = f"/minderheidsstandpunten/{traject.id}"
    page = client.get(f"{base}/verslag").text
    assert "Tafel Groen (30 november 2026): 8 aanwezigen" in page and "2026-11-30" not in page
    page = client.get(f"{base}/participatieverslag").text
    assert "Tafel Groen (Thematafel, 30 november 2026): 8 aanwezigen" in page
    assert "2026-11-30" not in page and "thematafel," not in page
    pdf = client.get(f"{base}/verslag.pdf").data
    assert b"30 november 2026" in pdf and b"2 december 2026" in pdf  # PDF strings escape the brackets
    assert b"2026-11-30" not in pdf and b"2026-12-02" not in pdf
    data = client.get(f"{base}/verslag.json").json
    assert data["participation"]["sessions"][0]["held_on"] == "2026-11-30"
    assert data["participation"]["sessions"][0]["kind"] == "thematafel"
    assert data["terugkoppeling"][0]["published_on"] == "2026-12-02"


def test_the_report_sends_no_list_of_participants_to_the_database(app, world):
    """SQLite takes at most 32,766 bound parameters in a statement: a query with one per participant
    would fail in a large traject, so no query of the report grows with the number of participants."""
    import sqlalchemy as sa

    from deliberatie.minderheidsstandpunten import report, services
    from deliberatie.minderheidsstandpunten.demo import seed

    traject = db.session.get(Traject, world["traject"])
    seed(traject, {Role.ORGANISATOR: world["organisator"]}, date.today())
    db.session.commit()
    n_voters = len(services.voters(traject))
    assert n_voters > 100
    widest = []

    def count(conn, cursor, statement, parameters, context, executemany):
        widest.append(len(parameters) if isinstance(parameters, (tuple, list, dict)) else 0)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        with app.test_request_context():
            data = report.build(traject)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert data["majority"]["consensus"] and any(r.get("weighted_share") for r in data["majority"]["consensus"])
    assert widest and max(widest) < n_voters // 2
