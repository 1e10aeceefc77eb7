"""A visitor finds an open traject in their wijk, reads it, and logs in — also by keyboard alone."""

import re

import pytest


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_visitor_reads_traject_and_logs_in(live_server, browser_page, journey, javascript):
    page = browser_page
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Doe mee in Lindewaard"
    journey.check("home")
    page.get_by_role("link", name="Wijkbudget Westerhaven 2027").click()
    assert page.locator("h1").inner_text() == "Wijkbudget Westerhaven 2027"
    assert page.locator('[aria-current="step"]').count() == 1
    journey.check("traject")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    journey.check("traject-en")
    page.get_by_role("link", name="Nederlands").click()
    page.goto(live_server.url + "/auth/inloggen")
    page.get_by_label("E-mailadres").fill("organisator@lindewaard.example.org")
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()
    assert "klopt niet" in page.locator("main").inner_text()
    journey.check("login-error")
    page.get_by_label("Wachtwoord").fill("demo-organisator")
    page.get_by_role("button", name="Inloggen").click()
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    journey.check("logged-in")


def test_keyboard_only_skip_link_and_login(live_server, browser_page, journey):
    page = browser_page
    page.goto(live_server.url + "/auth/inloggen")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # Tab on to the e-mail field, type, tab to the password, submit with Enter.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    else:
        pytest.fail("e-mail field not reachable by keyboard")
    page.keyboard.type("raadslid@lindewaard.example.org")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type("demo-raadslid")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^[^?]*/(#main)?$"))
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    journey.check("keyboard-login")
