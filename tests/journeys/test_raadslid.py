"""Journey 3: a raadslid reads the minority report with opinion groups and representativeness, and prints it."""

import pytest


def _login(page, base, email, password):
    page.goto(base + "/auth/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_raadslid_reads_and_prints_minority_report(live_server, browser_page, journey, javascript):
    page = browser_page
    _login(page, live_server.url, "raadslid@lindewaard.example.org", "demo-raadslid")
    page.get_by_role("link", name="Leefbaar Centrum: thematafels").first.click()
    journey.check("traject")
    page.get_by_role("link", name="Verslag voor de raad").click()
    assert page.locator("h1").inner_text().startswith("Verslag voor de raad")
    main = page.locator("main").inner_text()
    for heading in ("1. De vraag", "2. Wie deden mee", "3. Wat de meerderheid vindt",
                    "4. Minderheidsstandpunten", "5. Waar alle groepen het over eens zijn"):
        assert heading in main
    # Who took part: a table comparing participants with the residents.
    assert page.locator("table caption", has_text="vergeleken met de inwoners").count() >= 1
    journey.check("report")
    # Printing: navigation and forms disappear, the report stays.
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert page.locator("h2#s4").is_visible()
    journey.check("report-print", accessibility=False)
    page.emulate_media(media="screen")
    pdf = page.request.get(live_server.url + page.get_by_role("link", name="Download als PDF").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


def test_raadslid_report_by_keyboard(live_server, browser_page, journey):
    page = browser_page
    _login(page, live_server.url, "raadslid@lindewaard.example.org", "demo-raadslid")
    page.goto(live_server.url + "/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Leefbaar Centrum: thematafels":
            break
    else:
        pytest.fail("traject link not reachable by keyboard")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Verslag voor de raad":
            break
    else:
        pytest.fail("report link not reachable by keyboard")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "4. Minderheidsstandpunten" in page.locator("main").inner_text()
    journey.check("report-keyboard")
