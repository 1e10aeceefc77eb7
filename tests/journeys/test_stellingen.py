"""A resident answers stellingen with the keyboard alone: moving through the answers sends none of them."""


def test_resident_answers_a_statement_by_keyboard_alone(live_server, browser_page, journey):
    from sqlalchemy import select

    from deliberatie.extensions import db
    from deliberatie.models import Traject
    from tests.journeys.conftest import tab_to

    with live_server.app.app_context():
        traject_id = db.session.scalar(select(Traject.id).filter_by(title="Leefbaar Centrum: thematafels"))
    page = browser_page
    page.goto(f"{live_server.url}/minderheidsstandpunten/{traject_id}/stellingen")
    statement = page.locator("form.mhs-vote legend").inner_text()
    assert page.locator("#stem-hint").is_visible()  # told beforehand that a click saves at once
    assert page.locator("form.mhs-vote fieldset").get_attribute("aria-describedby") == "stem-hint"
    journey.check("stelling")
    tab_to(page, "el.type === 'radio' && el.value === 'eens'")
    # Arrow keys move through eens, oneens, overslaan and select each on the way (as browsers do)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "overslaan"
    assert page.locator("form.mhs-vote legend").inner_text() == statement, "an answer was sent on the way"
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Opslaan en volgende'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    main = page.locator("main").inner_text()
    assert "U heeft 1 van de" in main
    answers = page.locator("details.mhs-answers li")
    assert answers.count() == 1 and " ".join(answers.first.text_content().split()) == f"{statement}: overgeslagen"
    # with the mouse, a click on an answer still saves it at once
    page.get_by_label("Oneens").click()
    page.wait_for_function("document.body.innerText.includes('U heeft 2 van de')")
