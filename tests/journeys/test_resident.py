"""Journey 1: a resident gets a stemcode letter, opens its link, votes within the budget
(correcting an error on the way) and, after publication, finds out why their favourite
was or was not funded."""

from datetime import date, timedelta

import pytest

FAVOURITE = "Buurtmoestuin Westerhof"


@pytest.fixture
def wijkbudget(live_server):
    """A fresh wijkbudget in the demo traject (max 3 projects), with one letter's code."""
    from sqlalchemy import select

    from deliberatie.extensions import db
    from deliberatie.models import Role, Traject, User
    from deliberatie.wijkbudget import codes, demo, services

    with live_server.app.app_context():
        traject = db.session.scalar(select(Traject).filter_by(title=demo.TITLE))
        organisator = db.session.scalar(select(User).filter_by(role=Role.ORGANISATOR))
        today = date.today()
        wb = services.create_wijkbudget(traject, organisator, {
            "title": "Journey wijkbudget", "budget": "30000", "voting_starts_on": today - timedelta(days=1),
            "voting_ends_on": today + timedelta(days=7), "min_age": 12, "ballot_type": "approval",
            "min_choices": 1, "max_choices": 3, "rule": "mes-add1", "wijken": [w.id for w in traject.wijken]})
        services.add_projects(wb, [{"title": title, "description": text, "cost_cents": euros * 100,
                                    "wijk_id": None} for title, euros, text, *_p in demo.PROJECTS[:6]])
        services.change_phase(wb, organisator, "open", now=None)
        code = codes.generate_codes(wb, 1)[0]
        db.session.commit()
        return type("WB", (), {"id": wb.id, "code": code, "organiser_id": organisator.id})


def _publish(live_server, wb_id, organiser_id):
    from datetime import datetime, timezone

    from deliberatie.extensions import db
    from deliberatie.models import User
    from deliberatie.wijkbudget import counting, services
    from deliberatie.wijkbudget.models import Wijkbudget

    with live_server.app.app_context():
        wb = db.session.get(Wijkbudget, wb_id)
        organiser = db.session.get(User, organiser_id)
        now = datetime.now(timezone.utc)
        services.change_phase(wb, organiser, "close", now=now)
        counting.count_votes(wb, organiser, rule=wb.rule, now=now)
        services.change_phase(wb, organiser, "publish", now=now)
        db.session.commit()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_resident_votes_and_reads_why(live_server, wijkbudget, browser_page, journey, javascript):
    page = browser_page
    # The resident types the code from the letter, forgivingly (lower case, spaces).
    page.goto(f"{live_server.url}/wijkbudget/{wijkbudget.id}/stemmen")
    page.get_by_label("Uw stemcode").fill(wijkbudget.code.lower().replace("-", " "))
    journey.check("code")
    page.get_by_role("button", name="Verder").click()
    for title in (FAVOURITE, "Bankjes langs de kade", "Geveltuintjes Vissersbuurt", "Speeltuin Havenpark opknappen"):
        page.get_by_label(title, exact=False).check()
    if javascript:
        assert "4" in page.locator("#wijkbudget-feedback").inner_text()
    page.get_by_role("button", name="Bekijk uw keuze").click()
    # Four is one too many: the server says so in plain Dutch and keeps the choices.
    assert "U mag er hoogstens 3 kiezen." in page.locator("main").inner_text()
    journey.check("ballot-error")
    page.get_by_label("Speeltuin Havenpark opknappen", exact=False).uncheck()
    page.get_by_role("button", name="Bekijk uw keuze").click()
    assert page.locator("h1").inner_text() == "Controleer uw stem"
    journey.check("confirm")
    page.get_by_role("button", name="Bevestig mijn stem").click()
    assert page.locator("h1").inner_text() == "Uw stem is meegeteld"
    journey.check("receipt")
    # The same code cannot vote twice: the letter's link now shows the code page with the message.
    page.goto(f"{live_server.url}/wijkbudget/{wijkbudget.id}/stemmen?code={wijkbudget.code}")
    assert "Met deze code kunt u niet stemmen" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Bekijk uw keuze").count() == 0
    journey.check("code-used")

    _publish(live_server, wijkbudget.id, wijkbudget.organiser_id)
    page.goto(f"{live_server.url}/wijkbudget/{wijkbudget.id}/uitslag")
    row = page.locator("table.wijkbudget-results tbody tr", has_text=FAVOURITE)
    assert row.count() == 1
    why = row.locator("td").last.inner_text()
    assert len(why) > 10  # a reason in words, not just yes/no
    journey.check("results")


def test_resident_votes_by_keyboard_alone(live_server, wijkbudget, browser_page, journey):
    from tests.journeys.conftest import tab_to

    page = browser_page
    # The QR code on the letter opens the ballot at once.
    page.goto(f"{live_server.url}/wijkbudget/{wijkbudget.id}/stemmen?code={wijkbudget.code}")
    for title in (FAVOURITE, "Bankjes langs de kade"):
        tab_to(page, f"el.type === 'checkbox' && el.labels[0] && el.labels[0].textContent.includes({title!r})")
        page.keyboard.press("Space")
        assert page.evaluate("document.activeElement.checked")
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Bekijk uw keuze'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Controleer uw stem"
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Bevestig mijn stem'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Uw stem is meegeteld"
    journey.check("keyboard-receipt")
