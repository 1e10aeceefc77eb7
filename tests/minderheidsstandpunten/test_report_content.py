"""The raad's report as a raadslid reads it: like compared with like, dissent beside the majority, page = PDF = JSON."""

import json
import re
from datetime import date
from markupsafe import escape

import pytest

from deliberatie.extensions import db
from deliberatie.minderheidsstandpunten import analyses, report
from deliberatie.minderheidsstandpunten.demo import seed
from deliberatie.models import Role, Traject

from .conftest import RAAD


def pdf_text(data: bytes) -> str:
    """The text lines of an (uncompressed) fpdf2 PDF joined by spaces, as a reader reads the wrapped lines."""
    lines = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", data)
    unescaped = (re.sub(rb"\\(.)", rb"\1", line).decode("latin-1") for line in lines)
    return " ".join(unescaped)


def pct(share):
    return f"{round(100 * share)}%"


@pytest.fixture
def demo(app, world):
    traject = db.session.get(Traject, world["traject"])
    seed(traject, {Role.ORGANISATOR: world["organisator"]}, date.today())
    db.session.commit()
    return traject


def _fetch(client, auth, traject):
    auth.login(RAAD)
    base = f"/minderheidsstandpunten/{traject.id}"
    return (client.get(f"{base}/verslag.json").json, client.get(f"{base}/verslag").text,
            pdf_text(client.get(f"{base}/verslag.pdf").data), client.get(f"{base}/participatieverslag").text)


def test_consensus_share_is_on_the_base_of_its_weighted_share(app, client, auth, demo):
    """Raw and weighted agreement both count only eens and oneens, so they differ by the weighting alone.

    The opinion run's own count puts "overslaan" in the denominator; beside a weighted share
    without the passes, that made the raw share look lower and the weighting look stronger.
    """
    result = json.loads(analyses.latest(demo).result)
    data, page, pdf, _verslag = _fetch(client, auth, demo)
    assert data["majority"]["consensus"]
    for row in data["majority"]["consensus"]:
        agree, disagree, passed = result["totals"][str(row["statement_id"])]
        assert passed > 0  # the demo has passes, so the two bases differ
        mine = agree if row["direction"] == "agree" else disagree
        assert row["group_share"] == pytest.approx(mine / (agree + disagree), abs=0.0005)
        assert row["group_votes"] == agree + disagree
        # the same base as overall_agree_share: the two directions add up to one
        expected_agree = row["group_share"] if row["direction"] == "agree" else 1 - row["group_share"]
        assert row["overall_agree_share"] == pytest.approx(expected_agree, abs=0.001)
        word = "eens" if row["direction"] == "agree" else "oneens"
        assert f'{escape(row["text"])} — {pct(row["group_share"])} {word}' in page
        assert f'({pct(row["group_share"])} {word}' in pdf
    section3 = page.split('id="s3"')[1].split('id="s4"')[0]
    assert "wie de stelling oversloeg, telt hier niet mee" in section3


def test_the_traject_page_summary_uses_the_same_share_as_the_report(app, demo):
    with app.test_request_context():
        data = report.build(demo)
        summary = report.own_summary(demo)[0]
    shown = dict(summary.rows)
    for row in data["majority"]["consensus"]:
        word = "eens" if row["direction"] == "agree" else "oneens"
        assert shown[row["text"]] == f'{pct(row["group_share"])} {word}'


def test_group_table_compares_the_group_with_everyone_in_the_same_direction_and_base(app, client, auth, demo):
    """"Deze groep: 93% oneens" stands beside everyone's share oneens, both with passes counted."""
    result = json.loads(analyses.latest(demo).result)
    data, page, pdf, _verslag = _fetch(client, auth, demo)
    rows = [(g, r) for g in data["groups"] for r in g["representative"]]
    assert any(r["direction"] == "disagree" for _g, r in rows)
    section4 = page.split('id="s4"')[1].split('id="s5"')[0]
    for group, row in rows:
        agree, disagree, passed = result["totals"][str(row["statement_id"])]
        mine = agree if row["direction"] == "agree" else disagree
        assert row["overall_share"] == pytest.approx(mine / (agree + disagree + passed), abs=0.0005)
        word = "eens" if row["direction"] == "agree" else "oneens"
        if any(v["group"] and v["group"]["id"] == group["id"] for v in data["minority_views"]):
            cells = (f'<td class="utrecht-table__cell">{pct(row["group_share"])} {word}</td>\n'
                     f'      <td class="utrecht-table__cell">{pct(row["overall_share"])} {word}</td>')
            assert cells in section4
            assert (f'deze groep {pct(row["group_share"])} {word}, alle deelnemers {pct(row["overall_share"])} '
                    f'{word}') in pdf
    assert "Alle deelnemers: eens" not in section4


def test_consensus_statements_a_minority_group_rejects_are_marked_everywhere(app, client, auth, demo):
    """The demo's small group C wants the disabled parking kept, which most participants reject:
    section 3, the PDF and the participatieverslag say so beside the majority's statement."""
    data, page, pdf, verslag = _fetch(client, auth, demo)
    small = min(data["groups"], key=lambda g: g["size"])
    contested = [c for c in data["majority"]["consensus"] if c["contested_by"]]
    assert contested
    parking = next(c for c in contested if c["text"].startswith("Invalidenparkeerplaatsen"))
    assert parking["direction"] == "disagree"
    assert {"group_id": small["id"], "name": small["name"], "direction": "agree"}.items() <= \
        parking["contested_by"][0].items()
    for c in data["majority"]["consensus"]:
        opposite = {r["statement_id"] for g in data["groups"] for r in g["representative"]
                    if r["direction"] != c["direction"]}
        assert bool(c["contested_by"]) == (c["statement_id"] in opposite)
    flag = f'(opiniegroep {small["name"]} denkt er anders over)'
    section3 = page.split('id="s3"')[1].split('id="s4"')[0]
    agreed = verslag.split("Waarover was men het eens?")[1].split("Waarover was men het oneens?")[0]
    for c in data["majority"]["consensus"]:
        item = section3.split(escape(c["text"]) + " — ")[1].split("</li>")[0]
        assert (flag in item) == bool(c["contested_by"]), c["text"]
        line = agreed.split(escape(c["text"]) + " — ")[1].split("</li>")[0]
        assert (flag in line) == bool(c["contested_by"]), c["text"]
        assert (f'{c["text"].rstrip(".")} ({pct(c["group_share"])}' in pdf)
    assert pdf.count(flag) == sum(1 for c in data["majority"]["consensus"] if c["contested_by"])


def test_pdf_carries_what_the_page_shows(app, client, auth, demo):
    """The PDF is what a raadslid takes to the meeting: the proposal voted on, the kaders, who is missing,
    every flag a minority has, sizes with intervals, the statements linked to a view and how the groups were made."""
    data, page, pdf, _verslag = _fetch(client, auth, demo)
    q = data["question"]
    assert f'Trede {q["ladder_step"]} van 5 op de participatieladder' in pdf
    assert q["kaders"] and f'Kaders: {q["kaders"]}'.replace("€", "EUR") in pdf
    assert f'Belofte aan de deelnemers: {q["belofte"]}' in pdf
    for group in data["participation"]["representation"]["groups"]:
        for sentence in group.get("sentences") or ():
            assert sentence in pdf and escape(sentence) in page
    session = data["majority"]["sessions"][0]
    assert (f'{session["title"]}: {session["proposal"]} Stemming: {session["for"]} voor, {session["against"]} tegen, '
            f'{session["abstain"]} onthouding.') in pdf
    big = data["majority"]["largest_group"]
    assert f'De grootste opiniegroep is groep {big["name"]}: {big["size"]} deelnemers' in pdf
    for view in data["minority_views"]:
        group = view["group"]
        low, high = group["weighted_interval"]
        assert (f'Opiniegroep {group["name"]}: {group["size"]} deelnemers, {pct(group["share"])} van wie in een '
                f'opiniegroep is ingedeeld; gewogen naar de bevolking {pct(group["weighted_share"])} '
                f'(95%-interval {pct(low)} tot {pct(high)}).') in pdf
        for r in group["representative"]:
            line = f'{r["text"].rstrip(".")}: deze groep {pct(r["group_share"])}'
            assert line in pdf
            after = pdf.split(line)[1][:120]
            assert ("(anders dan de meerderheid)" in after.split(" - ")[0]) == r["against_overall"], r["text"]
        for s in view["statements"]:
            assert f'Stellingen: {s["text"]}' in pdf
    assert ".." not in pdf.split("Opiniegroepen berekend met")[0].replace("...", "")  # no doubled full stops
    assert f'(analyse {data["analysis"]["id"]})' in pdf
    assert "6. Terugkoppeling aan de deelnemers" in pdf


def test_numbers_agree_between_page_json_and_pdf(app, client, auth, demo):
    data, page, pdf, verslag = _fetch(client, auth, demo)
    part = data["participation"]
    sentence = (f'{part["statement_voters"]} deelnemers beantwoordden stellingen ({part["statements"]} stellingen in '
                f'totaal). {part["statement_voters_with_profile"]} van hen gaven hun leeftijd of geslacht op')
    assert sentence in page and sentence in pdf
    assert 0 < part["statement_voters_with_profile"] < part["statement_voters"]
    assert "Gewogen percentages ontbreken" not in page and "Gewogen percentages ontbreken" not in pdf
    stats = next(g for g in part["representation"]["groups"] if g["key"].startswith("minderheidsstandpunten"))
    assert stats["n"] == part["statement_voters_with_profile"]  # the n of the comparison is explained
    analysis = data["analysis"]
    clustered = (f'{analysis["clustered"]} van de {analysis["participants"]} deelnemers aan de stellingen stemden op '
                 f'genoeg stellingen (minstens {analysis["parameters"]["min_votes"]})')
    assert clustered in page and clustered in pdf
    for view in data["minority_views"]:
        g = view["group"]
        size = (f'Opiniegroep {g["name"]}: {g["size"]} deelnemers, {pct(g["share"])} van wie in een opiniegroep '
                'is ingedeeld')
        assert size in page and size in pdf
        assert f'gewogen naar de bevolking {pct(g["weighted_share"])}' in page
        assert (f'opiniegroep {g["name"]}, {g["size"]} deelnemers ({pct(g["share"])}); gewogen naar de bevolking '
                f'{pct(g["weighted_share"])}') in verslag
        for c in view["conditions"]:
            assert f'{c["text"].rstrip(".")}. Gedaan: {c["handled_label"]}. {c["reason"]}' in pdf


def test_comparison_says_what_was_weighted_on_and_what_weighting_cannot_fix(app, client, auth, demo):
    """The "Gewogen" column equals the inwoners by construction: the report says why, and on what it weighs."""
    data, page, pdf, _verslag = _fetch(client, auth, demo)
    groups = [g for g in data["participation"]["representation"]["groups"] if g.get("weighted_on")]
    assert groups
    section2 = page.split('id="s2"')[1].split('id="s3"')[0]
    for group in groups:
        said = f'Gewogen naar: {", ".join(group["weighted_on"])}.'
        assert section2.count(said) >= 1 and said in pdf
    limit = "Weging corrigeert alleen voor deze kenmerken."
    assert section2.count(limit) == len(groups) == pdf.count(limit)


def test_representation_sentences_follow_their_own_group_s_table(client, auth, world, monkeypatch):
    from deliberatie.minderheidsstandpunten import weging

    row = {"variable": "leeftijd", "category": "15-24", "sample_share": 0.1, "population_share": 0.2,
           "weighted_share": 0.2, "direction": "under"}
    section = {"groups": [{"key": f"g{i}", "label": f"Groep {i}", "n": 7, "sentences": [f"Zin over groep {i}."],
                           "weighted_on": ["leeftijd"], "rows": [row]} for i in (1, 2)], "reason": ""}
    monkeypatch.setattr(weging, "_statistiek_section", lambda traject: section)
    auth.login(RAAD)
    page = client.get(f"/minderheidsstandpunten/{world['traject']}/verslag").text
    order = [page.index(x) for x in ("Groep 1 (n = 7)", "Zin over groep 1.", "Groep 2 (n = 7)", "Zin over groep 2.")]
    assert order == sorted(order)


def test_opinion_map_shows_the_report_s_consensus_shares(app, client, auth, demo):
    """From the report to the opinion map, a consensus statement keeps its percentage."""
    data, _page, _pdf, _verslag = _fetch(client, auth, demo)
    kaart = client.get(f"/minderheidsstandpunten/{demo.id}/analyses/{data['analysis']['id']}").text
    section = kaart.split("Waar de meerderheid het over eens is")[1].split("Gemeenschappelijke grond")[0]
    assert "wie de stelling oversloeg, telt hier niet mee" in section
    for row in data["majority"]["consensus"]:
        word = "eens" if row["direction"] == "agree" else "oneens"
        assert f'{escape(row["text"])} — {pct(row["group_share"])} {word}</li>' in section


def test_report_gives_the_session_s_perspectives_and_links_the_opinion_map(app, client, auth, demo):
    data, page, pdf, _verslag = _fetch(client, auth, demo)
    session = data["majority"]["sessions"][0]
    assert session["perspectives"].startswith("Meer ruimte en rust voor voetgangers")
    section3 = page.split('id="s3"')[1].split('id="s4"')[0]
    assert f'Perspectieven die naar voren kwamen:</strong> {escape(session["perspectives"])}' in section3
    assert f'Perspectieven die naar voren kwamen: {session["perspectives"]}' in pdf
    kaart = f'/minderheidsstandpunten/{demo.id}/analyses/{data["analysis"]["id"]}'
    assert f'href="{kaart}">Opiniekaart</a>' in page
    assert client.get(kaart).status_code == 200  # whoever reads the report may open the map


def test_common_ground_shows_each_group_s_agreement_and_flags_a_group_without_a_majority(app, client, auth, demo):
    """The group-aware ranking is a product over groups: a top-5 statement may still split a group.

    In the demo, group C (planted at 50% agreement) is split on the bicycle racks: the report says so
    instead of listing it under "waar alle groepen het over eens zijn" without a word.
    """
    data, page, pdf, verslag = _fetch(client, auth, demo)
    result = json.loads(analyses.latest(demo).result)
    common = data["common_ground"]
    assert common and all(len(c["groups"]) == len(data["groups"]) for c in common)
    with app.test_request_context():  # the counts agree with the run's own, where the run kept them
        stored = [(g["id"], e) for g in result["groups"] for e in g["representative"]]
        shares = report._group_agreement(result, sorted({int(e["statement"]) for _g, e in stored}))
    for gid, e in stored:
        got = next(x for x in shares[int(e["statement"])] if x["group_id"] == gid)
        assert got["votes"] == e["n_trials"]
        assert got["agree_share"] == pytest.approx(e["agree_share"], abs=0.0005)
    racks = next(c for c in common if c["text"].startswith("Er moeten meer fietsenrekken"))
    assert not racks["every_group_agrees"]
    flag = "(niet in elke groep een meerderheid)"
    section5 = page.split('id="s5"')[1].split('id="s6"')[0]
    for c in common:
        assert c["every_group_agrees"] == all(g["agree_share"] > 0.5 for g in c["groups"])
        shown = ", ".join(f'groep {g["name"]} {pct(g["agree_share"])} eens' for g in c["groups"])
        item = section5.split(escape(c["text"]) + " — ")[1].split("</li>")[0]
        assert item.startswith(shown) and (flag in item) != c["every_group_agrees"]
        assert f'{c["text"].rstrip(".")}: {shown}' in pdf
    assert pdf.count(flag) == section5.count(flag) == sum(1 for c in common if not c["every_group_agrees"])
    # the participatieverslag lists each agreement once; a split group is flagged there too
    agreed = verslag.split("Waarover was men het eens?")[1].split("Waarover was men het oneens?")[0]
    assert agreed.count(flag) == sum(1 for c in common if not c["every_group_agrees"])
    line = agreed.split(escape(racks["text"]) + " — ")[1].split("</li>")[0]
    assert flag in line
