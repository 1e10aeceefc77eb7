"""The organiser's side: settings, projects, CSV import, images, phases, codes, paper ballots, counting."""

import io

import pytest
from sqlalchemy import func, select

from deliberatie.extensions import db
from deliberatie.models import AuditEntry
from deliberatie.wijkbudget import codes
from deliberatie.wijkbudget.models import (CodeStatus, Phase, Wijkbudget, WijkbudgetBallot, WijkbudgetCode,
                                           WijkbudgetProject)

from .helpers import codes_from_page, hidden_fields


@pytest.fixture
def org(client, auth, world):
    auth.login("org@example.org")
    return client


def _prepare(world):
    db.session.get(Wijkbudget, world["wb"]).phase = Phase.VOORBEREIDING
    db.session.commit()


def _projects(world):
    return db.session.scalar(select(func.count()).select_from(WijkbudgetProject).where(
        WijkbudgetProject.wijkbudget_id == world["wb"]))


def test_settings_form_explains_its_errors(org, world):
    response = org.post(f"/wijkbudget/nieuw/{world['traject']}", data={
        "title": "", "budget": "veel", "voting_starts_on": "2027-03-10", "voting_ends_on": "2027-03-01",
        "min_age": "12", "ballot_type": "cumulative", "rule": "phragmen"})
    text = response.text
    assert response.status_code == 200
    for message in ("Vul een bedrag in euro", "De einddatum ligt voor de begindatum",
                    "Vul in hoeveel punten", "Deze telregel past niet bij dit stembiljet. Kies uit: Meeste punten eerst,",
                        "Kies minstens één wijk"):
        assert message in text
    assert db.session.scalar(select(func.count()).select_from(Wijkbudget)) == 1


def test_settings_cannot_change_once_voting_is_open(org, world):
    page = org.get(f"/wijkbudget/{world['wb']}/bewerken")
    assert page.status_code == 200
    response = org.post(f"/wijkbudget/{world['wb']}/bewerken", data={
        "title": "Anders", "budget": "1", "wijken": [str(world["gemeente"].wijken[0].id)],
        "voting_starts_on": "2027-03-01", "voting_ends_on": "2027-03-10", "min_age": "12",
        "ballot_type": "approval", "rule": "greedy"}, follow_redirects=True)
    assert "kunt u de instellingen niet meer wijzigen" in response.text
    assert db.session.get(Wijkbudget, world["wb"]).title == "Wijkbudget Noord"


def test_bad_csv_rows_are_named_and_nothing_is_saved(org, world):
    _prepare(world)
    before = _projects(world)
    csv_text = ("titel;kosten;wijk\nGoed project;1.500;Noord\nZonder kosten;;\n;200;\n"
                "Raar bedrag;12,3x;\nVerkeerde wijk;100;Atlantis\n")
    response = org.post(f"/wijkbudget/{world['wb']}/projecten/importeren", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(csv_text.encode()), "p.csv")})
    assert response.status_code == 422
    text = response.text
    assert "Er is niets opgeslagen" in text
    assert "Regel 3: de kosten ontbreken." in text
    assert "Regel 4: de titel ontbreekt." in text
    assert "Regel 5: de kosten &#34;12,3x&#34; zijn geen bedrag" in text
    assert "Regel 6: de wijk &#34;Atlantis&#34; hoort niet bij dit wijkbudget." in text
    assert _projects(world) == before


def test_csv_without_cost_column(org, world):
    _prepare(world)
    response = org.post(f"/wijkbudget/{world['wb']}/projecten/importeren", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(b"titel,omschrijving\nA,B\n"), "p.csv")})
    assert response.status_code == 422 and "de kolom kosten ontbreekt" in response.text


def test_csv_with_commas_and_wijk(org, world):
    _prepare(world)
    before = _projects(world)
    csv_text = 'titel,kosten,wijk\n"Bomen, veel bomen",2500.50,noord\n'
    response = org.post(f"/wijkbudget/{world['wb']}/projecten/importeren", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(csv_text.encode()), "p.csv")})
    assert response.status_code == 302
    project = db.session.scalar(select(WijkbudgetProject).where(WijkbudgetProject.title == "Bomen, veel bomen"))
    assert project.cost_cents == 250050 and project.wijk.name == "Noord" and _projects(world) == before + 1


@pytest.mark.parametrize("content,message", [(b"GIF89a" + b"\0" * 20, "Kies een afbeelding in PNG, JPEG of WebP"),
                                             (b"\xff\xd8\xff" + b"\0" * 2000, "te groot")])
def test_images_are_checked_by_content_and_size(app, org, world, content, message):
    app.config["WIJKBUDGET_MAX_IMAGE_BYTES"] = 1000  # the real limit is 2 MB; a small one keeps the test light
    _prepare(world)
    response = org.post(f"/wijkbudget/{world['wb']}/projecten/nieuw", content_type="multipart/form-data",
                        data={"title": "Met plaatje", "cost": "100", "wijk_id": "",
                              "image": (io.BytesIO(content), "foto.png")})
    assert response.status_code == 200 and message in response.text
    assert db.session.scalar(select(WijkbudgetProject).where(WijkbudgetProject.title == "Met plaatje")) is None


def test_projects_are_frozen_once_voting_opens(org, world):
    pid = world["projects"]["Bankjes"]
    response = org.post(f"/wijkbudget/{world['wb']}/projecten/{pid}/verwijderen", follow_redirects=True)
    assert "alleen in de voorbereiding" in response.text
    assert db.session.get(WijkbudgetProject, int(pid)) is not None
    _prepare(world)
    assert org.post(f"/wijkbudget/{world['wb']}/projecten/{pid}/verwijderen").status_code == 302
    assert db.session.get(WijkbudgetProject, int(pid)) is None


def test_phases_go_in_order_and_are_audited(org, world):
    wb = world["wb"]
    refused = org.post(f"/wijkbudget/{wb}/fase", data={"action": "publish"}, follow_redirects=True)
    assert "past niet bij de huidige fase" in refused.text
    assert org.post(f"/wijkbudget/{wb}/tellen", data={"rule": "greedy"}, follow_redirects=True).status_code == 200
    assert db.session.get(Wijkbudget, wb).result_json is None
    assert "ziet niemand tussenstanden" in org.get(f"/wijkbudget/{wb}/tellen").text
    org.post(f"/wijkbudget/{wb}/fase", data={"action": "close"})
    no_votes = org.post(f"/wijkbudget/{wb}/tellen", data={"rule": "greedy"}, follow_redirects=True)
    assert "geen stemmen" in no_votes.text
    db.session.expire_all()
    assert db.session.get(Wijkbudget, wb).phase is Phase.GESLOTEN
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "wijkbudget.close"))
    assert entry.actor == "org@example.org" and entry.traject_id == world["traject"]


def test_open_needs_projects(org, world, app):
    wb = db.session.get(Wijkbudget, world["wb"])
    wb.phase = Phase.VOORBEREIDING
    wb.projects = []
    db.session.commit()
    response = org.post(f"/wijkbudget/{world['wb']}/fase", data={"action": "open"}, follow_redirects=True)
    assert "Voeg eerst projecten toe" in response.text


def test_generated_codes_are_hashed_typeable_and_random(org, world):
    page = org.post(f"/wijkbudget/{world['wb']}/codes", data={"count": "40"}).text
    plain = codes_from_page(page)
    assert len(set(plain)) == 40
    for code in plain:
        raw = code.replace("-", "")
        assert len(raw) == 16 and set(raw) <= set(codes.ALPHABET)
    assert not set("01IO") & set(codes.ALPHABET) and len(codes.ALPHABET) == 32  # 16 x 5 = 80 bits
    stored = set(db.session.scalars(select(WijkbudgetCode.code_hash)))
    assert not any(code in stored or code.replace("-", "") in stored for code in plain)
    wb = db.session.get(Wijkbudget, world["wb"])
    assert {codes.code_hash(wb, c) for c in plain} <= stored


def test_many_letters_come_in_pdf_parts_and_one_csv(org, world, monkeypatch):
    import re

    from deliberatie.wijkbudget import beheer

    monkeypatch.setattr(beheer, "LETTERS_PER_PDF", 2)
    page = org.post(f"/wijkbudget/{world['wb']}/codes", data={"count": "5"}).text
    forms = re.findall(r'name="codes" value="([^"]*)">\s*<input type="hidden" name="format" value="(\w+)">', page)
    everything = forms[0][0].split()
    assert forms[0][1] == "csv" and len(everything) == 5
    parts = [codes.split() for codes, fmt in forms if fmt == "pdf"]
    assert [len(p) for p in parts] == [2, 2, 1] and sum(parts, []) == everything
    assert "Brieven 1 tot en met 2 als PDF" in page and "Brieven 5 tot en met 5 als PDF" in page
    pdf = org.post(f"/wijkbudget/{world['wb']}/codes/download", data={"codes": " ".join(parts[2]), "format": "pdf"})
    assert pdf.mimetype == "application/pdf"
    from tests.wijkbudget.pdf_letters import joined, read_pages

    [(text, qr)] = read_pages(pdf.data, scale=1.5)  # one letter: the fifth code
    assert parts[2][0] in joined(text) and qr == [f"http://localhost/wijkbudget/{world['wb']}/stemmen?code={parts[2][0]}"]


def test_download_only_contains_unused_codes_of_this_wijkbudget(org, world):
    plain = world["codes"]
    response = org.post(f"/wijkbudget/{world['wb']}/codes/download",
                        data={"codes": " ".join(plain + ["ZZZZ-ZZZZ-ZZZZ-ZZZZ"]), "format": "csv"})
    rows = response.text.strip().splitlines()
    assert rows[0] == "volgnummer;stemcode;stemlink" and len(rows) == 1 + len(plain)
    assert "ZZZZ" not in response.text


def test_revoke_and_reissue(org, client, world):
    wb = world["wb"]
    page = org.post(f"/wijkbudget/{wb}/codes/intrekken", data={"code": world["codes"][0], "reissue": "y"})
    assert page.status_code == 200
    [new] = codes_from_page(page.text)
    assert new not in world["codes"]
    again = org.post(f"/wijkbudget/{wb}/codes/intrekken", data={"code": world["codes"][0]}, follow_redirects=True)
    assert "geen ongebruikte code" in again.text
    statuses = dict(db.session.execute(select(WijkbudgetCode.status, func.count()).group_by(WijkbudgetCode.status)).all())
    assert statuses[CodeStatus.REVOKED] == 1 and statuses[CodeStatus.UNUSED] == len(world["codes"])
    assert client.post(f"/wijkbudget/{wb}/stemmen", data={"code": new}).status_code == 302


def test_paper_ballot_counts_and_uses_the_code(org, world):
    wb, ids = world["wb"], world["projects"]
    response = org.post(f"/wijkbudget/{wb}/papier", data={"code": world["codes"][2], "project": [ids["Moestuin"]]})
    assert response.status_code == 302
    ballot = db.session.scalar(select(WijkbudgetBallot))
    assert ballot.paper and [c.project_id for c in ballot.choices] == [int(ids["Moestuin"])]
    again = org.post(f"/wijkbudget/{wb}/papier", data={"code": world["codes"][2], "project": [ids["Bankjes"]]})
    assert again.status_code == 422 and "Met deze code kunt u niet stemmen" in again.text
    too_many = org.post(f"/wijkbudget/{wb}/papier", data={"code": world["codes"][3], "project": list(ids.values())})
    assert too_many.status_code == 422 and "hoogstens 2" in too_many.text
    assert db.session.scalar(select(func.count()).select_from(WijkbudgetBallot)) == 1


def test_compare_and_count_with_every_rule(org, client, world):
    wb, ids = world["wb"], world["projects"]
    from .helpers import vote

    org.post("/auth/uitloggen")
    for code, chosen in zip(world["codes"], [["Speeltuin", "Bankjes"], ["Speeltuin"], ["Moestuin", "Lantaarns"],
                                              ["Moestuin"], ["Lantaarns", "Bankjes"]]):
        assert vote(client, wb, code, {"project": [ids[t] for t in chosen]}).status_code == 302
    from .conftest import PASSWORD  # noqa: F401

    client.post("/auth/inloggen", data={"email": "org@example.org", "password": "wachtwoord-123"})
    client.post(f"/wijkbudget/{wb}/fase", data={"action": "close"})
    page = client.get(f"/wijkbudget/{wb}/tellen").text
    assert page.count("<th scope=\"col\" class=\"utrecht-table__header-cell\">") >= 4 + 1
    for rule in ("greedy", "mes-add1", "mes-add1-greedy", "phragmen"):
        assert client.post(f"/wijkbudget/{wb}/tellen", data={"rule": rule}).status_code == 302
        import json

        db.session.expire_all()
        result = json.loads(db.session.get(Wijkbudget, wb).result_json)
        assert result["rule"] == rule and result["voters"] == 5
        assert result["total_cost_cents"] <= result["budget_cents"]
        preview = client.get(f"/wijkbudget/{wb}/uitslag").text
        assert "nog niet gepubliceerd" in preview


def test_hidden_ballot_fields_cannot_smuggle_foreign_projects(client, world):
    wb = world["wb"]
    client.post(f"/wijkbudget/{wb}/stemmen", data={"code": world["codes"][0]})
    fields = hidden_fields('<input type="hidden" name="project" value="99999">')
    response = client.post(f"/wijkbudget/{wb}/bevestigen", data=fields)
    assert response.status_code == 422 and "bestaat niet" in response.text


def test_replaced_and_deleted_images_leave_no_files(app, org, world):
    from pathlib import Path

    _prepare(world)
    pid = world["projects"]["Bankjes"]
    folder = Path(app.config["WIJKBUDGET_UPLOAD_DIR"])
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    for _ in range(2):
        response = org.post(f"/wijkbudget/{world['wb']}/projecten/{pid}/bewerken", content_type="multipart/form-data",
                            data={"title": "Bankjes", "cost": "4.000", "wijk_id": "", "image": (io.BytesIO(png), "a.png")})
        assert response.status_code == 302
    assert len(list(folder.iterdir())) == 1
    assert org.post(f"/wijkbudget/{world['wb']}/projecten/{pid}/verwijderen").status_code == 302
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("kind,options", [("cumulative", {"points": 10}), ("ranking", {"max_choices": 3}),
                                          ("knapsack", {})])
def test_every_ballot_type_counts_with_every_fitting_rule(app, world, kind, options):
    from datetime import date

    from deliberatie.models import Traject
    from deliberatie.wijkbudget import counting, voting
    from deliberatie.wijkbudget.models import BallotType

    from .helpers import make_wijkbudget

    wb = make_wijkbudget(db.session.get(Traject, world["traject"]), ballot_type=BallotType(kind), **options)
    plain = codes.generate_codes(wb, 5)
    p = [proj.id for proj in wb.projects]
    ballots = {"cumulative": [((p[0], 6), (p[1], 4)), ((p[2], 10),), ((p[0], 3), (p[3], 7)), ((p[1], 10),)],
               "ranking": [((p[0], 1), (p[1], 2)), ((p[2], 1),), ((p[3], 1), (p[0], 2), (p[2], 3)), ((p[1], 1),)],
               "knapsack": [((p[0], 1), (p[1], 1)), ((p[2], 1),), ((p[3], 1), (p[0], 1)), ((p[1], 1),), ()]}[kind]
    for code, values in zip(plain, ballots):
        voting.submit_ballot(wb, codes.code_hash(wb, code), voting.Choice(values=values), today=date.today())
    wb.phase = Phase.GESLOTEN
    db.session.commit()
    outcomes = counting.compare_rules(wb)
    assert [o["rule"] for o in outcomes] == (["greedy", "mes-add1", "mes-add1-greedy", "phragmen"] if kind == "knapsack"
                                             else ["greedy-points", "mes-add1", "mes-add1-greedy"])
    for outcome in outcomes:
        assert outcome["voters"] == len(ballots) and outcome["total_cost_cents"] <= wb.budget_cents
        voters = {row["id"]: row["voters"] for row in outcome["projects"]}
        assert voters == {pid: sum(1 for b in ballots if pid in dict(b)) for pid in p}
    greedy = outcomes[0]
    if kind == "cumulative":  # greedy on points: support is the total of the points
        assert {row["id"]: row["support"] for row in greedy["projects"]} == {
            pid: sum(dict(b).get(pid, 0) for b in ballots) for pid in p}
    if kind == "ranking":  # 3 places: the first gets 3 points, the third 1, however many were ranked
        assert {row["id"]: row["support"] for row in greedy["projects"]} == {
            pid: sum(4 - dict(b)[pid] for b in ballots if pid in dict(b)) for pid in p}
        assert counting.export_pb(wb).count(";3,2,1") == 1  # the open data carries the points


def test_points_ballots_count_most_points_first(app):
    """On points ballots "most votes first" is greedy-points: total points, not points per euro."""
    from deliberatie.wijkbudget.messages import rule_explanation, rules_for
    from deliberatie.wijkbudget.models import BallotType

    for kind in (BallotType.CUMULATIVE, BallotType.RANKING):
        assert "greedy-points" in rules_for(kind) and "greedy" not in rules_for(kind)
        assert "phragmen" not in rules_for(kind)
    for kind in (BallotType.APPROVAL, BallotType.KNAPSACK):
        assert "greedy" in rules_for(kind) and "greedy-points" not in rules_for(kind)
    with app.test_request_context():
        assert "punten per euro" in str(rule_explanation("mes-add1-greedy", BallotType.CUMULATIVE))
        assert "meeste stemmen" in str(rule_explanation("mes-add1-greedy", BallotType.APPROVAL))


def test_most_points_first_funds_the_most_points_not_the_cheapest(app, world):
    from datetime import date

    from sqlalchemy import select

    from deliberatie.models import User
    from deliberatie.models.types import utcnow
    from deliberatie.wijkbudget.counting import count_votes
    from deliberatie.wijkbudget.models import BallotType, Phase, WijkbudgetBallot, WijkbudgetChoice
    from deliberatie.wijkbudget.models import Wijkbudget as WB
    from tests.wijkbudget.helpers import make_wijkbudget

    traject = db.session.get(WB, world["wb"]).traject
    wb = make_wijkbudget(traject, ballot_type=BallotType.CUMULATIVE, points=10, rule="greedy-points",
                         budget_cents=900000, projects=(("Plein", 900000), ("Bankje", 100000)),
                         phase=Phase.GESLOTEN)
    plein, bankje = (p.id for p in wb.projects)
    for points in ((8, 2), (7, 3), (9, 1)):  # Plein 24 points, Bankje 6: Bankje has more points per euro
        db.session.add(WijkbudgetBallot(wijkbudget_id=wb.id, cast_on=date.today(), choices=[
            WijkbudgetChoice(project_id=plein, value=points[0]), WijkbudgetChoice(project_id=bankje, value=points[1])]))
    organiser = db.session.scalar(select(User).where(User.email == "org@example.org"))
    with app.test_request_context():
        result = count_votes(wb, organiser, rule="greedy-points", now=utcnow())
    assert [p["title"] for p in result["projects"] if p["selected"]] == ["Plein"]
