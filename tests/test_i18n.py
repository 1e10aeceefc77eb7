"""Dutch by default, English on request, on every page."""


def test_dutch_by_default_english_on_request(client):
    page = client.get("/auth/inloggen")
    assert '<html lang="nl"' in page.text and "Wachtwoord vergeten?" in page.text
    page = client.get("/auth/inloggen?lang=en")
    assert '<html lang="en"' in page.text and "Forgotten your password?" in page.text
    # The choice is remembered for the next page.
    assert '<html lang="en"' in client.get("/").text
    assert '<html lang="nl"' in client.get("/?lang=nl").text


def test_unknown_language_ignored(client):
    assert '<html lang="nl"' in client.get("/?lang=xx").text


def test_language_switch_on_every_page(client):
    for path in ("/", "/auth/inloggen", "/toegankelijkheid", "/nope"):
        text = client.get(path).text
        assert 'href="?lang=en"' in text and 'href="?lang=nl"' in text
