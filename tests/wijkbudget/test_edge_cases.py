"""Edge cases found in review: odd ballot input, absurd amounts, linked error summaries, impossible
ballot settings, and a project that costs more than the whole budget."""

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from deliberatie.extensions import db
from deliberatie.models import Traject
from deliberatie.wijkbudget import codes, counting, voting
from deliberatie.wijkbudget.models import BallotType, Phase, Wijkbudget, WijkbudgetBallot, WijkbudgetProject
from deliberatie.wijkbudget.money import parse_euros

from .helpers import make_wijkbudget


def _ballots():
    return db.session.scalar(select(func.count()).select_from(WijkbudgetBallot))


def _other(world, **options):
    wb = make_wijkbudget(db.session.get(Traject, world["traject"]), **options)
    plain = codes.generate_codes(wb, 2)
    db.session.commit()
    return wb.id, {p.title: str(p.id) for p in wb.projects}, plain


@pytest.fixture
def org(client, auth, world):
    auth.login("org@example.org")
    return client


def _prepare(wb_id, **settings):
    wb = db.session.get(Wijkbudget, wb_id)
    wb.phase = Phase.VOORBEREIDING
    for name, value in settings.items():
        setattr(wb, name, value)
    db.session.commit()


# --- The ballot: input a browser would not send, answered in words, never with a server error ---

@pytest.mark.parametrize("value", ["²", "9" * 5000, "x"])
def test_points_that_are_not_a_plain_number_are_refused_in_words(client, world, value):
    wb, ids, plain = _other(world, ballot_type=BallotType.CUMULATIVE, points=10)
    client.post(f"/wijkbudget/{wb}/stemmen", data={"code": plain[0]})
    response = client.post(f"/wijkbudget/{wb}/stembiljet", data={f"points-{ids['Bankjes']}": value})
    assert response.status_code == 422 and "Vul bij elk project een heel aantal punten in" in response.text
    assert _ballots() == 0


@pytest.mark.parametrize("value", ["x", "²", "1.5"])
def test_a_place_that_is_not_a_place_gets_a_message_about_places_not_points(client, world, value):
    wb, ids, plain = _other(world, ballot_type=BallotType.RANKING, max_choices=3, rule="mes-add1")
    client.post(f"/wijkbudget/{wb}/stemmen", data={"code": plain[0]})
    response = client.post(f"/wijkbudget/{wb}/stembiljet", data={f"rank-{ids['Bankjes']}": value})
    assert response.status_code == 422
    error = re.search(r'<span id="ballot-error">([^<]+)</span>', response.text).group(1)
    assert error.startswith("Kies bij elk project een plaats uit de lijst") and "punten" not in error
    assert _ballots() == 0


@pytest.mark.parametrize("kind,options,field", [
    ("approval", {"max_choices": 1}, "project"), ("cumulative", {"points": 1}, "points"),
    ("ranking", {"max_choices": 1, "rule": "mes-add1"}, "rank")])
def test_the_ballot_error_names_the_projects_and_links_to_them(client, world, kind, options, field):
    wb, ids, plain = _other(world, ballot_type=BallotType(kind), **options)
    first, second = ids["Bankjes"], ids["Speeltuin"]
    data = {"approval": {"project": [first, second]}, "cumulative": {f"points-{first}": "1", f"points-{second}": "1"},
            "ranking": {f"rank-{first}": "1", f"rank-{second}": "2"}}[kind]
    client.post(f"/wijkbudget/{wb}/stemmen", data={"code": plain[0]})
    page = client.post(f"/wijkbudget/{wb}/stembiljet", data=data).text
    summary = re.search(r'<a class="utrecht-link" href="#([^"]+)">Projecten: <span id="ballot-error">([^<]+)</span>',
                        page)
    assert summary and summary.group(1) == f"{field}-{first}" and f'id="{field}-{first}"' in page
    assert summary.group(2).startswith("U hebt")
    fieldset = re.search(r'<fieldset class="([^"]*)" id="ballot-projects"\s+aria-describedby="([^"]*)"', page)
    assert fieldset.group(2) == "ballot-rules ballot-error" and "invalid" in fieldset.group(1)
    assert page.count('id="ballot-error"') == 1


def test_a_blank_ballot_page_has_no_error_and_the_same_fieldset(client, world):
    page = client.get(f"/wijkbudget/{world['wb']}/stemmen?code={world['codes'][0]}").text
    assert 'id="ballot-projects"\n          aria-describedby="ballot-rules">' in page and "ballot-error" not in page


# --- Money: what the columns cannot hold is refused like any other bad amount ---

def test_parse_euros_refuses_amounts_beyond_the_maximum():
    from deliberatie.wijkbudget.money import MAX_CENTS

    assert parse_euros(f"{MAX_CENTS // 100}") == MAX_CENTS
    for text in (f"{MAX_CENTS // 100},01", "9" * 25, "9" * 5000):
        with pytest.raises(ValueError):
            parse_euros(text)


def test_an_absurd_project_cost_is_a_form_error_not_a_crash(org, world):
    _prepare(world["wb"])
    response = org.post(f"/wijkbudget/{world['wb']}/projecten/nieuw", data={"title": "Duur", "cost": "9" * 25,
                                                                          "wijk_id": ""})
    assert response.status_code == 200 and "Vul een bedrag in euro" in response.text
    assert db.session.scalar(select(WijkbudgetProject).where(WijkbudgetProject.title == "Duur")) is None


def _import(org, world, data: bytes):
    _prepare(world["wb"])
    before = db.session.scalar(select(func.count()).select_from(WijkbudgetProject))
    response = org.post(f"/wijkbudget/{world['wb']}/projecten/importeren", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(data), "p.csv")})
    assert db.session.scalar(select(func.count()).select_from(WijkbudgetProject)) == before  # nothing half-saved
    return response


def test_an_absurd_cost_in_the_csv_names_its_row_and_saves_nothing(org, world):
    response = _import(org, world, f"titel;kosten\nGoed;1.500\nDuur;{'9' * 25}\n".encode())
    assert response.status_code == 422 and "Regel 3: de kosten" in response.text


@pytest.mark.parametrize("budget,message", [("0", "Het budget moet meer dan € 0 zijn."),
                                            ("0,00", "Het budget moet meer dan € 0 zijn."),
                                            ("9" * 25, "Vul een bedrag in euro")])
def test_a_budget_of_nothing_or_of_too_much_is_a_form_error(org, world, budget, message):
    response = org.post(f"/wijkbudget/nieuw/{world['traject']}", data={
        "title": "Leeg", "budget": budget, "wijken": [str(world["gemeente"].wijken[0].id)],
        "voting_starts_on": "2027-03-01", "voting_ends_on": "2027-03-10", "min_age": "12",
        "ballot_type": "approval", "rule": "greedy"})
    assert response.status_code == 200 and message in response.text and 'href="#budget"' in response.text
    assert db.session.scalar(select(func.count()).select_from(Wijkbudget)) == 1


# --- Paper ballots: a refused code is the code field's error, a wrong ballot the projects' ---

def test_paper_ballot_errors_are_linked_to_their_field(org, world):
    wb, ids = world["wb"], world["projects"]
    wrong = org.post(f"/wijkbudget/{wb}/papier", data={"code": "ABCD-EFGH-JKLM-NPQR", "project": [ids["Bankjes"]]})
    assert wrong.status_code == 422 and 'href="#code"' in wrong.text
    assert "Met deze code kunt u niet stemmen" in wrong.text
    assert 'aria-invalid="true"' in wrong.text and 'checked' in wrong.text  # the choice is kept
    too_many = org.post(f"/wijkbudget/{wb}/papier", data={"code": world["codes"][0], "project": list(ids.values())})
    assert too_many.status_code == 422 and f'href="#project-{ids["Bankjes"]}">Projecten: ' in too_many.text
    assert _ballots() == 0


def test_paper_ballot_after_closing_says_so(org, world):
    wb, ids = world["wb"], world["projects"]
    db.session.get(Wijkbudget, wb).phase = Phase.GESLOTEN
    db.session.commit()
    response = org.post(f"/wijkbudget/{wb}/papier", data={"code": world["codes"][0], "project": [ids["Bankjes"]]})
    assert response.status_code == 422 and "zolang het stemmen open is" in response.text and _ballots() == 0


# --- Opening: settings no ballot can meet are refused before residents find out ---

@pytest.mark.parametrize("settings", [
    {"ballot_type": BallotType.APPROVAL, "min_choices": 5, "max_choices": None},
    {"ballot_type": BallotType.RANKING, "min_choices": 5, "max_choices": 6, "rule": "mes-add1"}])
def test_open_refuses_a_minimum_above_the_number_of_projects(org, world, settings):
    _prepare(world["wb"], **settings)
    response = org.post(f"/wijkbudget/{world['wb']}/fase", data={"action": "open"}, follow_redirects=True)
    assert "Stemmers moeten minstens 5 projecten kiezen, maar er zijn 4 projecten." in response.text
    db.session.expire_all()
    assert db.session.get(Wijkbudget, world["wb"]).phase is Phase.VOORBEREIDING


def test_open_refuses_a_minimum_spend_the_projects_cannot_reach(org, world):
    # Budget € 20.000, spend at least half; "Brug" does not fit at all, so at most € 3.000 can be chosen.
    wb, _ids, _plain = _other(world, ballot_type=BallotType.KNAPSACK, min_share_percent=50, phase=Phase.VOORBEREIDING,
                              projects=(("Bankjes", 300000), ("Brug", 2500000)))
    response = org.post(f"/wijkbudget/{wb}/fase", data={"action": "open"}, follow_redirects=True)
    assert ("Stemmers moeten minstens €\u00a010.000 besteden, maar de projecten die binnen het budget passen "
            "kosten samen €\u00a03.000.") in response.text
    db.session.expire_all()
    assert db.session.get(Wijkbudget, wb).phase is Phase.VOORBEREIDING


def test_open_refuses_a_minimum_spend_no_combination_of_projects_lands_on(org, world):
    # Budget € 20.000, spend at least 90%: € 12.000 and € 10.000 together are too dear, each alone too little
    wb, _ids, _plain = _other(world, ballot_type=BallotType.KNAPSACK, min_share_percent=90, phase=Phase.VOORBEREIDING,
                              projects=(("Speeltuin", 1200000), ("Moestuin", 1000000)))
    response = org.post(f"/wijkbudget/{wb}/fase", data={"action": "open"}, follow_redirects=True)
    assert "Geen enkele combinatie van projecten kost samen tussen €\u00a018.000 en het budget" in response.text
    db.session.expire_all()
    assert db.session.get(Wijkbudget, wb).phase is Phase.VOORBEREIDING


def test_the_subset_sum_check_is_exact_on_small_sets():
    from itertools import combinations

    from deliberatie.wijkbudget.services import _some_sum_between

    costs = [300, 500, 700, 1100]
    for low in range(0, 2700, 100):
        for high in range(low, 2700, 100):
            brute = any(low <= sum(c) <= high for n in range(len(costs) + 1) for c in combinations(costs, n))
            assert _some_sum_between(costs, low, high) is brute, (low, high)
    assert _some_sum_between([1, 2], 0, 10**12) is None  # too large to tell: the caller lets it pass


@pytest.mark.parametrize("settings", [{"ballot_type": BallotType.APPROVAL, "min_choices": 4},
                                      {"ballot_type": BallotType.KNAPSACK, "min_share_percent": 100}])
def test_open_allows_settings_that_can_just_be_met(org, world, settings):
    # Knapsack: Bankjes + Moestuin + Lantaarns cost exactly the budget of € 20.000.
    _prepare(world["wb"], max_choices=None, **settings)
    org.post(f"/wijkbudget/{world['wb']}/fase", data={"action": "open"})
    db.session.expire_all()
    assert db.session.get(Wijkbudget, world["wb"]).phase is Phase.STEMMEN


# --- Results: a project dearer than the whole budget says so, whatever the rule ---

def _count_and_publish(client, world, kind, rule, ballots, *, projects=(("A", 1200000), ("B", 1200000),
                                                                    ("C", 500000)), **options):
    """Count ``ballots`` (tuples of (project index, value)), publish, and return the results page's reason
    per project title."""
    wb = make_wijkbudget(db.session.get(Traject, world["traject"]), ballot_type=BallotType(kind), rule=rule,
                         projects=projects, **options)
    plain = codes.generate_codes(wb, len(ballots))
    ids = [p.id for p in wb.projects]
    for code, values in zip(plain, ballots):
        choice = voting.Choice(values=tuple((ids[i], v) for i, v in values))
        voting.submit_ballot(wb, codes.code_hash(wb, code), choice, today=date.today())
    wb.phase = Phase.GESLOTEN
    counting.count_votes(wb, None, rule=rule, now=None)
    wb.phase = Phase.GEPUBLICEERD
    db.session.commit()
    page = client.get(f"/wijkbudget/{wb.id}/uitslag").text
    return {title: why for title, why in re.findall(
        r'<th scope="row" class="utrecht-table__header-cell">(\w+)</th>'
        r'.*?<td class="utrecht-table__cell">(?:ja|nee)</td>'
        r'\s*<td class="utrecht-table__cell">([^<]*)</td>', page, re.S)}


@pytest.mark.parametrize("rule", ["greedy", "phragmen", "mes-add1"])
def test_a_project_above_the_budget_is_explained_as_such(client, world, rule):
    why = _count_and_publish(client, world, "approval", rule, [((0, 1), (1, 1))] * 2,
                             projects=(("Brug", 2500000), ("Bankjes", 400000)))
    # Phragmén skipped it rather than stopping there; every rule funds Bankjes
    assert why["Brug"] == "Niet gekozen: dit project kost €\u00a025.000, meer dan het hele budget van €\u00a020.000."
    assert why["Bankjes"].startswith("Gekozen")


# --- CSV import: a row that does not fit the columns is named, never read half ---

def test_an_unquoted_decimal_comma_in_a_comma_separated_csv_is_refused(org, world):
    response = _import(org, world, b"titel,kosten,omschrijving\nGoed,1500,Prima\nBankjes,1.234,50,Vier bankjes\n")
    assert response.status_code == 422 and "Regel 3: meer waarden dan kolommen." in response.text
    assert db.session.scalar(select(WijkbudgetProject).where(WijkbudgetProject.title == "Bankjes",
                                                             WijkbudgetProject.cost_cents == 123400)) is None


def test_trailing_empty_cells_are_fine(org, world):
    _prepare(world["wb"])
    csv_text = "titel;kosten\nSpeelveld;2.000;;\n"
    response = org.post(f"/wijkbudget/{world['wb']}/projecten/importeren", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(csv_text.encode()), "p.csv")})
    assert response.status_code == 302
    cost = select(WijkbudgetProject.cost_cents).where(WijkbudgetProject.title == "Speelveld")
    assert db.session.scalar(cost) == 200000


def test_a_minimum_age_of_zero_is_a_valid_setting(org, world):
    response = org.post(f"/wijkbudget/nieuw/{world['traject']}", data={
        "title": "Voor iedereen", "budget": "5.000", "wijken": [str(world["gemeente"].wijken[0].id)],
        "voting_starts_on": "2027-03-01", "voting_ends_on": "2027-03-10", "min_age": "0",
        "ballot_type": "approval", "rule": "greedy"})
    assert response.status_code == 302
    assert db.session.scalar(select(Wijkbudget.min_age).where(Wijkbudget.title == "Voor iedereen")) == 0
    empty = org.post(f"/wijkbudget/nieuw/{world['traject']}", data={
        "title": "Zonder leeftijd", "budget": "5.000", "wijken": [str(world["gemeente"].wijken[0].id)],
        "voting_starts_on": "2027-03-01", "voting_ends_on": "2027-03-10", "min_age": "",
        "ballot_type": "approval", "rule": "greedy"})
    assert empty.status_code == 200 and 'href="#min_age"' in empty.text


def test_a_paper_ballot_without_its_code_keeps_the_choices(org, world):
    wb, ids = world["wb"], world["projects"]
    response = org.post(f"/wijkbudget/{wb}/papier",
                        data={"code": "", "project": [ids["Moestuin"]], "geslacht": "vrouw"})
    assert response.status_code == 422 and 'href="#code"' in response.text
    moestuin = ids["Moestuin"]
    assert re.search(rf'value="{moestuin}"\s+id="project-{moestuin}" data-cost="\d+"[^>]* checked>', response.text)
    assert '<option value="vrouw" selected>' in response.text and _ballots() == 0


@pytest.mark.parametrize("rule", ["greedy", "mes-add1-greedy", "phragmen"])
def test_money_left_over_never_goes_to_a_project_nobody_chose(client, world, rule):
    # pabutools' rules would fund C with the money left; a vote funds only what someone chose
    why = _count_and_publish(client, world, "approval", rule, [((0, 1),), ((0, 1),)])
    assert why["C"] == "Niet gekozen: niemand heeft op dit project gestemd."
    assert why["A"].startswith("Gekozen")


def test_a_tie_goes_to_the_earlier_project_and_the_page_says_so(client, world):
    # A and B: one vote each, € 12.000 each, a budget of € 20.000: only one fits
    why = _count_and_publish(client, world, "approval", "greedy", [((1, 1),), ((0, 1),)])
    assert why["A"].startswith("Gekozen") and why["B"].startswith("Niet gekozen")
    counted = db.session.scalar(select(Wijkbudget).where(Wijkbudget.result_json.is_not(None)))
    page = client.get(f"/wijkbudget/{counted.id}/uitslag").text
    assert "dan het project dat eerder op de lijst kwam" in page


def test_a_ranking_without_a_top_k_ranks_every_project(client, world):
    # no top k set: the ballot offers a place for every project, so the first place is worth 3 points
    why = _count_and_publish(client, world, "ranking", "greedy-points", [((2, 1), (0, 2)), ((1, 1),)],
                             max_choices=None)
    assert why["C"].startswith("Gekozen") and why["A"].startswith("Niet gekozen")
    counted = db.session.scalar(select(Wijkbudget).where(Wijkbudget.result_json.is_not(None)))
    assert {p["title"]: p["support"] for p in counting.result_of(counted)["projects"]} == {"A": 2, "B": 3, "C": 3}


def test_a_ranking_of_one_project_counts(client, world):
    # Each voter ranks one project of two places: a first place is worth 2 points, however short the
    # ranking (pabutools' Borda would give a one-project ranking nothing, and fund nothing by votes)
    why = _count_and_publish(client, world, "ranking", "mes-add1", [((0, 1),), ((0, 1),), ((1, 1),)],
                             max_choices=2)
    assert why["A"].startswith("Gekozen: de mensen die erop stemden")
    assert why["C"] == "Niet gekozen: niemand heeft op dit project gestemd."


def test_csv_problems_name_the_line_in_the_file_also_after_a_cell_over_two_lines(org, world):
    csv_text = 'titel;kosten;omschrijving\nBankjes;1.500;"Vier bankjes,\nmet rugleuning"\nSpeeltuin;;\n'
    response = _import(org, world, csv_text.encode())
    assert response.status_code == 422 and "Regel 4: de kosten ontbreken." in response.text


@pytest.mark.parametrize("data,message", [
    (b'titel;kosten\nBankjes;1.500\n"Speeltuin;2.000\n' + b"x" * 140_000 + b"\n",
     "Regel 3: deze regel kan niet worden gelezen. Staat er een aanhalingsteken"),
    (b"titel;kosten\nBank\x00jes;1.500\n", "Het bestand is geen tekst in UTF-8."),
])
def test_csv_that_cannot_be_read_or_stored_is_refused_in_words(org, world, data, message):
    response = _import(org, world, data)
    assert response.status_code == 422 and message in response.text


def test_an_image_sent_once_voting_is_open_leaves_no_file(app, org, world):
    from pathlib import Path

    pid = world["projects"]["Bankjes"]
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    response = org.post(f"/wijkbudget/{world['wb']}/projecten/{pid}/bewerken", content_type="multipart/form-data",
                        data={"title": "Bankjes", "cost": "4.000", "wijk_id": "", "image": (io.BytesIO(png), "a.png")},
                        follow_redirects=True)
    assert "alleen in de voorbereiding" in response.text
    folder = Path(app.config["WIJKBUDGET_UPLOAD_DIR"])
    assert not folder.exists() or list(folder.iterdir()) == []
    assert db.session.get(WijkbudgetProject, int(pid)).image is None


@pytest.mark.parametrize("kind,options,field", [("approval", {}, "project"), ("cumulative", {"points": 10}, "points"),
                                                ("ranking", {"max_choices": 2, "rule": "mes-add1"}, "rank")])
def test_each_projects_description_and_wijk_are_read_with_its_input(client, world, kind, options, field):
    wb_id, ids, plain = _other(world, ballot_type=BallotType(kind), **options)
    wb = db.session.get(Wijkbudget, wb_id)
    wb.projects[0].wijk = wb.wijken[0]
    wb.projects[1].description = ""
    db.session.commit()
    first, second = ids["Bankjes"], ids["Speeltuin"]
    page = client.get(f"/wijkbudget/{wb_id}/stemmen?code={plain[0]}").text
    assert re.search(rf'id="{field}-{first}"[^>]* aria-describedby="about-{first} wijk-{first}"', page)
    assert f'<p class="utrecht-paragraph" id="about-{first}">Over Bankjes</p>' in page
    assert f'id="wijk-{first}">Wijk: {wb.wijken[0].name}</p>' in page
    second_input = re.search(rf'<(?:input|select)[^>]* id="{field}-{second}"[^>]*>', page).group(0)
    assert "aria-describedby" not in second_input
