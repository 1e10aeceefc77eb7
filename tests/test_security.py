"""Security baseline: headers, cookies, CSRF, rate limits, no debug outside development."""

import pytest

from deliberatie import create_app
from deliberatie.config import Config
from deliberatie.extensions import db
from tests.conftest import guarded_app
from tests.factories import make_gemeente, make_user


def test_security_headers_on_every_kind_of_response(client):
    for path in ("/", "/auth/inloggen", "/api/v1/wijken", "/does-not-exist"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_script(app):
    from pathlib import Path
    import re

    for path in Path(app.template_folder).rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"inline script in {path}"
        assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {path}"


def test_production_cookies_secure_and_debug_off(monkeypatch):
    monkeypatch.setenv("DELIBERATIE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("TRUSTED_HOSTS", "localhost")
    monkeypatch.setattr(Config, "ENV", "production")
    app = create_app({"DEBUG": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.debug is False
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    with app.app_context():
        db.create_all()
    assert "Strict-Transport-Security" in app.test_client().get("/").headers


def test_production_refuses_missing_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(Config, "ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Config()


@pytest.fixture
def strict_app(database):
    app = guarded_app(database, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True)
    with app.app_context():
        db.create_all()
        make_gemeente()
        make_user(email="ina@example.org")
        db.session.commit()
        yield app


@pytest.mark.parametrize("path", ["/auth/inloggen", "/auth/registreren", "/auth/registreren/some-token",
                                  "/auth/wachtwoord-vergeten", "/auth/uitloggen", "/trajecten/nieuw"])
def test_csrf_required_on_forms(strict_app, path):
    response = strict_app.test_client().post(path, data={"email": "ina@example.org", "password": "x"})
    assert response.status_code == 400
    assert "Het formulier is verlopen" in response.text


def test_login_with_csrf_token_works(strict_app):
    import re

    client = strict_app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/auth/inloggen").text).group(1)
    response = client.post("/auth/inloggen", data={"email": "ina@example.org", "password": "wachtwoord-123",
                                                   "csrf_token": token})
    assert response.status_code == 302


def test_login_is_rate_limited(strict_app):
    strict_app.config["WTF_CSRF_ENABLED"] = False
    client = strict_app.test_client()
    codes = [client.post("/auth/inloggen", data={"email": "ina@example.org", "password": "fout-fout-fout"}).status_code
             for _ in range(12)]
    assert codes[:10] == [200] * 10
    assert codes[10] == 429
    refused = client.post("/auth/inloggen", data={})
    assert "Te veel pogingen" in refused.text
    # the refusal says when to try again (the limit's window: 10 per minute)
    assert refused.headers["Retry-After"] == "60"


def test_an_upload_beyond_the_limit_gets_a_dutch_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/auth/inloggen", data={"email": "x" * 2000, "password": "x"})
    assert response.status_code == 413 and "te groot" in response.text
