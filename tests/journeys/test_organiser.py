"""Journey 2: an organiser sets quotas from the population figures, sees an infeasible quota explained
and relaxes it, runs the selection, publishes the draw and checks it on the public verification page.

The pool (stage 1 of the product: letters and registrations) is built by the fixture through the
burgerraad services; everything after that happens in the browser.
"""

import json
import random
import re
import uuid
from datetime import date, timedelta

import pytest

from tests.journeys.conftest import WIDTHS, Journey, tab_to

ORGANISER = ("organisator@lindewaard.example.org", "demo-organisator")
QUESTIONS = "geslacht: man, vrouw\nleeftijd: 15-24, 25-44, 45-64, 65+"
AGE_BIAS = (0.7, 1.0, 1.3, 1.5)  # older residents answer a letter more often
POOL, PANEL, SEED = 48, 8, 271828


@pytest.fixture
def pool(live_server):
    """A fresh traject with a burgerraad of 8 and a pool of 48 registrations."""
    from sqlalchemy import select

    from deliberatie.burgerraad import services
    from deliberatie.extensions import db
    from deliberatie.models import Gemeente, LadderRung, Traject, TrajectStatus, User

    with live_server.app.app_context():
        organiser = db.session.scalar(select(User).filter_by(email=ORGANISER[0]))
        gemeente = db.session.scalar(select(Gemeente))
        wijken = [w for w in gemeente.wijken if w.name in ("Centrum", "Oosterpark")]
        traject = Traject(gemeente=gemeente, title=f"Burgerraad journey {uuid.uuid4().hex[:8]}",
                          ladder=LadderRung.ADVISEREN, status=TrajectStatus.OPEN, wijken=wijken,
                          opgave="Een gelote burgerraad adviseert over de journey.", kaders="Geen.",
                          belofte="De raad bespreekt het advies.", organisatoren=[organiser])
        db.session.add(traject)
        db.session.flush()
        burgerraad = services.create_burgerraad(traject, {
            "panel_size": 30, "vragen": QUESTIONS, "codes_per_letter": 1, "one_per_household": True,
            "purpose": "de loting van de burgerraad", "term_ends_on": date.today() + timedelta(days=90)},
            actor=organiser)
        extract = "adres_id,wijk\n" + "".join(f"J{n:04d},{wijken[n % 2].name}\n" for n in range(60))
        services.draw_letters(burgerraad, extract.encode(), total=POOL + 6, response_rates=None, seed=7,
                              actor=organiser)
        rng = random.Random(11)
        vragen = {v.name: v for v in burgerraad.vragen}
        bands = [q.value for q in vragen["leeftijd"].waarden]
        for n, invitation in enumerate(burgerraad.uitnodigingen[:POOL]):
            age = bands[n] if n < len(bands) else rng.choices(bands, weights=AGE_BIAS)[0]
            services.register(invitation, {
                f"vraag_{vragen['geslacht'].id}": rng.choice(["man", "vrouw"]),
                f"vraag_{vragen['leeftijd'].id}": age,
                "name": f"Journeydeelnemer {n}", "email": f"journey{n}@example.org", "phone": "",
                "available": True})
        db.session.commit()
        return type("Pool", (), {"id": burgerraad.id, "traject": traject.title})


def _login(page, base):
    page.goto(base + "/auth/inloggen")
    page.get_by_label("E-mailadres").fill(ORGANISER[0])
    page.get_by_label("Wachtwoord").fill(ORGANISER[1])
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def _wait_for(page, journey, suffix, timeout=90):
    """Wait on the job page (it refreshes itself) until the job redirects to ``suffix``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    pattern = re.compile(rf".*/burgerraad/\d+/{suffix}$")
    if pattern.match(page.url):
        return
    assert "/taak/" in page.url, page.url
    assert page.locator("progress").count() == 1 or page.get_by_text("In de wachtrij").count() == 1
    journey.check("taak", accessibility=False)  # it refreshes itself every 2 s, possibly while axe runs
    job_url = page.url
    for _ in range(timeout // 3):
        try:
            page.wait_for_url(pattern, timeout=3000)
            return
        except PlaywrightTimeout:
            assert page.locator(".utrecht-alert--error").count() == 0, page.locator("main").inner_text()
            page.goto(job_url)  # as the "Nu verversen" link does
            if pattern.match(page.url):
                return
    pytest.fail(f"the job did not finish within {timeout} s: {page.url}")


@pytest.mark.parametrize("width,javascript", [("phone", True), ("desktop", True), ("phone", False)],
                         ids=["phone-js", "desktop-js", "phone-nojs"])
def test_organiser_selects_and_publishes_a_burgerraad(live_server, pool, browser_page, journey, playwright_browser,
                                                      tmp_path, monkeypatch, width, javascript):
    from deliberatie import console

    # The views return at once, so the organiser sees the job page refresh itself (also without JS).
    monkeypatch.setitem(live_server.app.config, "JOBS_WAIT_SECONDS", 0)
    page, base = browser_page, live_server.url
    _login(page, base)

    # Stage 2: quotas derived from the population figures of the traject's wijken.
    page.goto(f"{base}/burgerraad/{pool.id}/quota")
    assert page.locator("h1").inner_text() == "Stap 2: panelgrootte en quota"
    assert f"{POOL} aanmeldingen in de pool" in page.locator("main").inner_text()
    derive = page.get_by_role("region", name="Afleiden uit de bevolkingscijfers")
    derive.get_by_label("Aantal leden").fill(str(PANEL))
    derive.get_by_label("Speling rond het evenredige aantal (%)").fill("25")
    derive.get_by_role("button", name="Quota afleiden").click()
    assert "afgeleid uit de bevolkingscijfers" in page.locator("main").inner_text()
    journey.check("quota-derived")
    man_min, man_max = page.get_by_label("Minimaal geslacht = man"), page.get_by_label("Maximaal geslacht = man")
    derived = int(man_min.input_value()), int(man_max.input_value())
    assert 0 < derived[0] <= PANEL / 2 <= derived[1] < PANEL  # about half of the residents are men
    population = page.locator("table.burgerraad-quota", has_text="Leeftijd")
    assert re.search(r"\d+\s?%", population.locator("tbody tr").first.inner_text())

    # Five men and five women in a panel of eight cannot both be met.
    for value in ("man", "vrouw"):
        page.get_by_label(f"Minimaal geslacht = {value}").fill("5")
        page.get_by_label(f"Maximaal geslacht = {value}").fill(str(PANEL))
    page.get_by_role("button", name="Quota opslaan en controleren").click()
    assert page.locator("h1").inner_text() == "Stap 3: kunnen de quota samen?"
    main = page.locator("main").inner_text()
    assert f"Geen enkel panel van {PANEL} leden voldoet aan alle quota." in main
    assert "Deze quota kunnen niet tegelijk" in main
    assert "minstens 5 met geslacht = man" in main and "minstens 5 met geslacht = vrouw" in main
    proposal = page.locator("table", has_text="Kleinste versoepeling")
    assert proposal.locator("tbody tr").count() >= 1
    journey.check("infeasible")
    page.get_by_role("button", name="Versoepeling toepassen").click()
    main = page.locator("main").inner_text()
    assert "zijn versoepeld" in main and f"Er bestaan panels van {PANEL} leden die aan alle quota voldoen." in main
    journey.check("feasible")

    # LEXIMIN outside the request: the job page refreshes itself until the probabilities are there.
    assert page.get_by_label("Methode").input_value() == "leximin"
    page.get_by_role("button", name="Selectiekansen berekenen").click()
    _wait_for(page, journey, "kansen")
    assert page.locator("h1").inner_text() == "Stap 4: ieders kans om geloot te worden"
    summary = page.locator("table", has_text="Samenvatting")
    assert "Kleinste kans" in summary.inner_text()
    assert page.locator("table.burgerraad-probabilities tbody tr").count() == POOL
    smallest = float(summary.locator("td.burgerraad-min").inner_text().replace(",", "."))
    assert 0 < smallest <= PANEL / POOL  # nobody is left out, nobody gets more than the fair share at the bottom
    journey.check("kansen")

    # Commit first (the hash is published), then the announced number draws the panel.
    page.get_by_role("button", name="Vastleggen en publiceren").click()
    assert re.search(r"/loting$", page.url)
    commitment = page.locator("code.burgerraad-hash").first.inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", commitment)
    assert "Nog niet bekend" in page.locator("main").inner_text()
    journey.check("vastgelegd")
    page.get_by_label("Het aangekondigde of live getrokken getal").fill(str(SEED))
    page.get_by_role("button", name="Loten en publiceren").click()
    _wait_for(page, journey, "loting")
    assert str(SEED) in page.locator("table.burgerraad-draw").inner_text()
    journey.check("geloot")

    # The public verification page, as an anonymous visitor.
    context = playwright_browser.new_context(viewport={"width": WIDTHS[width], "height": 900},
                                             java_script_enabled=javascript, locale="nl-NL")
    try:
        visitor = context.new_page()
        public = Journey(visitor, journey.name + "-public", javascript)
        visitor.goto(f"{base}/burgerraad/{pool.id}/loting")
        assert visitor.locator("h1").inner_text() == "De loting van de burgerraad controleren"
        draw = visitor.locator("table.burgerraad-draw").inner_text()
        assert commitment in draw and str(SEED) in draw and "LEXIMIN" in draw
        composition = {}
        for category in ("geslacht", "leeftijd"):
            table = visitor.locator("table", has_text=f"Samenstelling van het panel: {category}")
            rows = table.locator("tbody tr")
            composition[category] = {rows.nth(i).locator("th").inner_text(): int(rows.nth(i).locator("td").inner_text())
                                     for i in range(rows.count())}
            assert sum(composition[category].values()) == PANEL
        assert "Journeydeelnemer" not in visitor.content()  # no names in public
        assert visitor.get_by_role("link", name="Inloggen").count() >= 1  # really anonymous
        public.check("public-loting")

        link = visitor.get_by_role("link", name="RECORD.json downloaden").get_attribute("href")
        response = visitor.request.get(base + link)
        assert response.status == 200
        body = response.body()
        record = json.loads(body)
        assert record["seed"] == SEED and record["inputs_sha256"] in draw and len(record["panel"]) == PANEL
    finally:
        context.close()
    # The composition on the public page is that of the recorded panel, and the quotas hold.
    categories, people = record["inputs"]["categories"], {p[0]: p[1] for p in record["inputs"]["people"]}
    for category, shown in composition.items():
        column = categories.index(category)
        counted = {}
        for pid in record["panel"]:
            counted[people[pid][column]] = counted.get(people[pid][column], 0) + 1
        assert counted == {value: n for value, n in shown.items() if n}
    for category, value, low, high in record["inputs"]["quotas"]:
        assert low <= composition[category].get(value, 0) <= high
    path = tmp_path / "RECORD.json"
    path.write_bytes(body)
    assert console.main(["sortition", "verify", str(path)]) == 0


def _focused_label(text):
    """A JS condition for tab_to: the focused control is labelled ``text``."""
    return f"el.labels && el.labels[0] && el.labels[0].textContent.trim() === {text!r}"


def _button(text):
    return f"el.tagName === 'BUTTON' && el.textContent.trim() === {text!r}"


def _type_into(page, condition, text):
    """Tab to a field, select what is in it and type ``text`` over it."""

    tab_to(page, condition)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    assert page.evaluate("document.activeElement.value") == text


def _press_enter_on(page, condition):
    """Tab to a button or link and press Enter; the page navigates."""

    tab_to(page, condition)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


@pytest.mark.parametrize("width", ["phone"])
def test_organiser_journey_by_keyboard_alone(live_server, pool, browser_page, journey, playwright_browser,
                                             tmp_path, monkeypatch, width):
    """Journey 2 with Tab, typing, Enter only: no control of the selection is out of reach of the keyboard."""
    from deliberatie import console

    monkeypatch.setitem(live_server.app.config, "JOBS_WAIT_SECONDS", 0)
    page, base = browser_page, live_server.url
    page.goto(base + "/auth/inloggen")
    _type_into(page, _focused_label("E-mailadres"), ORGANISER[0])
    _type_into(page, _focused_label("Wachtwoord"), ORGANISER[1])
    _press_enter_on(page, _button("Inloggen"))
    assert "/auth/inloggen" not in page.url

    # From the overview through the steps navigation to the quotas.
    page.goto(f"{base}/burgerraad/{pool.id}")
    _press_enter_on(page, "el.tagName === 'A' && el.textContent.trim() === '2. Quota'")
    assert page.locator("h1").inner_text() == "Stap 2: panelgrootte en quota"
    in_derive = "el.closest('section[aria-labelledby=\"afleiden-heading\"]') && "
    _type_into(page, in_derive + _focused_label("Aantal leden"), str(PANEL))
    _type_into(page, in_derive + _focused_label("Speling rond het evenredige aantal (%)"), "25")
    _press_enter_on(page, _button("Quota afleiden"))
    assert "afgeleid uit de bevolkingscijfers" in page.locator("main").inner_text()

    # Five men and five women in a panel of eight: typed into the quota table field by field.
    for value in ("man", "vrouw"):
        _type_into(page, _focused_label(f"Minimaal geslacht = {value}"), "5")
        _type_into(page, _focused_label(f"Maximaal geslacht = {value}"), str(PANEL))
    _press_enter_on(page, _button("Quota opslaan en controleren"))
    assert page.locator("h1").inner_text() == "Stap 3: kunnen de quota samen?"
    main = page.locator("main").inner_text()
    assert f"Geen enkel panel van {PANEL} leden voldoet aan alle quota." in main
    assert "minstens 5 met geslacht = man" in main and "minstens 5 met geslacht = vrouw" in main
    assert page.locator("table", has_text="Kleinste versoepeling").locator("tbody tr").count() >= 1
    journey.check("keyboard-infeasible")
    _press_enter_on(page, _button("Versoepeling toepassen"))
    main = page.locator("main").inner_text()
    assert "zijn versoepeld" in main and f"Er bestaan panels van {PANEL} leden die aan alle quota voldoen." in main

    # The method select is reachable and keeps LEXIMIN; the job page refreshes itself.
    tab_to(page, _focused_label("Methode"))
    assert page.evaluate("document.activeElement.value") == "leximin"
    _press_enter_on(page, _button("Selectiekansen berekenen"))
    _wait_for(page, journey, "kansen")
    assert page.locator("h1").inner_text() == "Stap 4: ieders kans om geloot te worden"
    assert page.locator("table.burgerraad-probabilities tbody tr").count() == POOL
    smallest = float(page.locator("td.burgerraad-min").inner_text().replace(",", "."))
    assert 0 < smallest <= PANEL / POOL

    # Commit, then type the announced number and draw.
    _press_enter_on(page, _button("Vastleggen en publiceren"))
    assert re.search(r"/loting$", page.url)
    commitment = page.locator("code.burgerraad-hash").first.inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", commitment)
    _type_into(page, _focused_label("Het aangekondigde of live getrokken getal"), str(SEED))
    _press_enter_on(page, _button("Loten en publiceren"))
    _wait_for(page, journey, "loting")
    assert str(SEED) in page.locator("table.burgerraad-draw").inner_text()
    journey.check("keyboard-geloot")

    # The public page as an anonymous visitor, who downloads the record with the keyboard.
    context = playwright_browser.new_context(viewport={"width": WIDTHS[width], "height": 900},
                                             java_script_enabled=True, locale="nl-NL", accept_downloads=True)
    try:
        visitor = context.new_page()
        visitor.goto(f"{base}/burgerraad/{pool.id}/loting")
        draw = visitor.locator("table.burgerraad-draw").inner_text()
        assert commitment in draw and str(SEED) in draw
        tab_to(visitor, "el.tagName === 'A' && el.textContent.trim() === 'RECORD.json downloaden'")
        with visitor.expect_download() as download:
            visitor.keyboard.press("Enter")
        path = tmp_path / "RECORD.json"
        download.value.save_as(path)
    finally:
        context.close()
    record = json.loads(path.read_text())
    assert record["seed"] == SEED and record["inputs_sha256"] in draw and len(record["panel"]) == PANEL
    assert console.main(["sortition", "verify", str(path)]) == 0
