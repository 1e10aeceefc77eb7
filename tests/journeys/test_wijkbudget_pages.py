"""A resident votes in the demo wijkbudget with a real browser, with and without JavaScript; axe-core on every step.

Uses the journeys' fixtures (one Playwright for the whole run); skipped with a visible
reason when Playwright or chromium is missing.
"""

import threading
from datetime import date

import pytest

from tests.journeys.conftest import _free_port


@pytest.fixture
def width():
    """Phone width only: the ballot is meant for phones, and each browser run is costly."""
    return "phone"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The demo municipality with the demo wijkbudget (and its three codes) on a real port."""
    from sqlalchemy import select
    from werkzeug.serving import make_server

    from deliberatie import create_app
    from deliberatie.config import TestConfig
    from deliberatie.demo import _seed_accounts, seed_demo
    from deliberatie.extensions import db
    from deliberatie.models import Traject
    from deliberatie.wijkbudget import demo

    database = tmp_path_factory.mktemp("wijkbudget") / "demo.sqlite"
    app = create_app(TestConfig(f"sqlite:///{database}", WTF_CSRF_ENABLED=True))
    with app.app_context():
        db.create_all()
        seed_demo()
        traject = db.session.scalar(select(Traject).filter_by(title=demo.TITLE))
        codes = demo.seed(traject, _seed_accounts(), date.today())
        wb_id = db.session.scalar(select(demo.Wijkbudget.id).filter_by(title=demo.TITLE))
        db.session.commit()
    server = make_server("127.0.0.1", _free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield type("Demo", (), {"url": f"http://127.0.0.1:{server.server_port}", "codes": list(codes), "wb": wb_id})
    server.shutdown()
    thread.join(timeout=10)


@pytest.mark.slow
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_resident_votes_with_a_demo_code(demo_server, browser_page, journey, javascript):
    page = browser_page
    code = demo_server.codes.pop()
    # The QR code on the letter opens the ballot at once.
    page.goto(f"{demo_server.url}/wijkbudget/{demo_server.wb}/stemmen?code={code}")
    assert "Uw stem" in page.locator("h1").inner_text()
    page.get_by_label("Speeltuin Havenpark opknappen", exact=False).check()
    page.get_by_label("Bankjes langs de kade", exact=False).check()
    feedback = page.locator("#wijkbudget-feedback")
    if javascript:
        assert "Gekozen: 2 projecten, samen €\u00a018.700." in feedback.inner_text()
    else:
        assert feedback.is_hidden()
    journey.check("ballot")
    page.get_by_role("button", name="Bekijk uw keuze").click()
    assert page.locator("h1").inner_text() == "Controleer uw stem"
    journey.check("confirm")
    page.get_by_role("button", name="Bevestig mijn stem").click()
    assert page.locator("h1").inner_text() == "Uw stem is meegeteld"
    journey.check("receipt")
    # Later: the voter checks the kept number (a typo first)
    number = page.locator("strong.wijkbudget-code").inner_text()
    page.get_by_role("link", name="Ontvangstbewijs controleren").click()
    page.get_by_label("Nummer van uw ontvangstbewijs").fill(number[:-1] + ("A" if number[-1] != "A" else "B"))
    page.get_by_role("button", name="Controleren").click()
    assert "kennen we niet" in page.locator("main").inner_text()
    journey.check("receipt-unknown")
    page.get_by_label("Nummer van uw ontvangstbewijs").fill(number)
    page.get_by_role("button", name="Controleren").click()
    assert page.locator("h1").inner_text() == "Uw stem is meegeteld"


@pytest.mark.slow
@pytest.mark.parametrize("javascript", [True], ids=["js"])
def test_organiser_closes_counts_compares_and_publishes(demo_server, browser_page, journey, javascript):
    page = browser_page
    page.goto(f"{demo_server.url}/auth/inloggen")
    page.get_by_label("E-mailadres").fill("organisator@lindewaard.example.org")
    page.get_by_label("Wachtwoord").fill("demo-organisator")
    page.get_by_role("button", name="Inloggen").click()
    page.goto(f"{demo_server.url}/wijkbudget/{demo_server.wb}/beheer")
    journey.check("manage")
    page.get_by_role("button", name="Stemmen sluiten").click()
    page.get_by_role("link", name="Tellen en telregels vergelijken").click()
    assert page.locator("table.wijkbudget-compare thead th").count() == 3 + 4
    journey.check("compare")
    page.get_by_label("Telregel voor de uitslag").select_option("mes-add1")
    page.get_by_role("button", name="Tellen met deze regel").click()
    page.get_by_role("button", name="Uitslag publiceren").click()
    page.goto(f"{demo_server.url}/auth/uitloggen")
    page.context.clear_cookies()
    page.goto(f"{demo_server.url}/wijkbudget/{demo_server.wb}/uitslag")
    assert page.locator("h1").inner_text() == "Uitslag: Wijkbudget Westerhaven 2027"
    assert page.locator("svg[role=img] title").text_content() == "Stemmen per project"
    assert page.locator("table.wijkbudget-results tbody tr").count() == 10
    journey.check("results")
