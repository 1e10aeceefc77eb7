"""Security headers and cookie flags on every component's main page; no secrets in the repository."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

REQUIRED_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"),
    "X-Content-Type-Options": ("nosniff",),
    "X-Frame-Options": ("DENY",),
    "Referrer-Policy": ("same-origin",),
}


def _main_pages(app):
    """One page per blueprint: the site, the auth pages, each component's public index or overview."""
    from deliberatie.extensions import db
    from deliberatie.models import Role
    from deliberatie.wijkbudget import codes
    from deliberatie.wijkbudget.models import BallotType, Phase, Wijkbudget
    from tests.factories import make_gemeente, make_traject, make_user

    gemeente = make_gemeente()
    organiser = make_user(Role.ORGANISATOR, email="org@example.org")
    traject = make_traject(gemeente, organisator=organiser)
    from datetime import date, timedelta

    wb = Wijkbudget(traject=traject, title="Kop", budget_cents=100_00, ballot_type=BallotType.APPROVAL,
                    voting_starts_on=date.today(), voting_ends_on=date.today() + timedelta(days=2),
                    code_salt=codes.new_salt(), phase=Phase.STEMMEN)
    db.session.add(wb)
    db.session.commit()
    return ["/", "/toegankelijkheid", "/auth/inloggen", "/auth/registreren", "/api/v1/gemeente",
            f"/trajecten/{traject.id}", f"/wijkbudget/{wb.id}", f"/wijkbudget/{wb.id}/stemmen",
            f"/pitches/traject/{traject.id}", f"/thematafels/traject/{traject.id}",
            "/burgerraad/aanmelden", f"/minderheidsstandpunten/{traject.id}/stellingen", "/statistiek/bevolking"]


def test_security_headers_on_every_component(app, client):
    for url in _main_pages(app):
        response = client.get(url)
        assert response.status_code < 500, url
        for name, parts in REQUIRED_HEADERS.items():
            value = response.headers.get(name, "")
            for part in parts:
                assert part in value, f"{url}: {name} lacks {part!r} (got {value!r})"
        csp = response.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, url


def test_a_views_own_security_header_wins_and_none_is_doubled(app, client):
    @app.route("/_test/own-csp")
    def own_csp():
        return "ok", 200, {"content-security-policy": "default-src 'none'"}

    response = client.get("/_test/own-csp")
    assert response.headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert response.headers.getlist("X-Frame-Options") == ["DENY"]


def test_session_signing_follows_a_key_rotation(app):
    """The session serializer is made once per key: a new key (old one as fallback) is used at once."""
    from itsdangerous import BadSignature

    interface = app.session_interface
    old = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is old  # made once, not per request
    cookie = old.dumps({"lang": "en"})
    old_key = app.secret_key
    app.secret_key = "rotated-" + old_key
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    rotated = interface.get_signing_serializer(app)
    assert rotated is not old and rotated.loads(cookie) == {"lang": "en"}
    with pytest.raises(BadSignature):
        old.loads(rotated.dumps({"lang": "nl"}))  # the new key really signs
    app.config["SECRET_KEY_FALLBACKS"] = []
    with pytest.raises(BadSignature):
        interface.get_signing_serializer(app).loads(cookie)


def test_production_sends_hsts_and_secure_cookies(monkeypatch):
    from deliberatie import create_app
    from deliberatie.config import Config

    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("TRUSTED_HOSTS", "localhost")
    config = Config()
    config.ENV = "production"
    config.__init__()  # recompute the production-dependent flags
    config.SQLALCHEMY_DATABASE_URI = "sqlite://"
    app = create_app(config)
    from deliberatie.extensions import db

    with app.app_context():
        db.create_all()
    client = app.test_client()
    response = client.get("/auth/inloggen")
    assert response.status_code == 200
    assert "max-age=" in response.headers.get("Strict-Transport-Security", "")
    cookies = response.headers.get_all("Set-Cookie")
    assert cookies, "the login form sets a session cookie (CSRF token)"
    for cookie in cookies:
        flags = cookie.lower()
        assert "secure" in flags and "httponly" in flags and "samesite=lax" in flags, cookie
    with app.app_context():
        db.engine.dispose()  # an open in-memory SQLite would warn (an error) in a later test


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    from deliberatie.config import Config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = Config.__new__(Config)
    config.ENV = "production"
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config.__init__()


def test_development_cookies_are_httponly_and_samesite(app, client):
    response = client.get("/auth/inloggen")
    for cookie in response.headers.get_all("Set-Cookie"):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA |PGP )?PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "URL with a password": re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:(?!\$|\{|\*|xxx|\.\.\.)[^/\s@'\"]{3,}@"),
    "assigned secret": re.compile(
        r"""(?i)\b(?:secret_key|password|passwd|api_key|token)\s*[:=]\s*['"]([A-Za-z0-9+/_\-]{24,})['"]"""),
}
SKIP_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".ico", ".woff", ".woff2", ".ttf", ".pdf", ".mo"}


def _tracked_files():
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in out.decode().split("\0") if name]


def test_no_secrets_in_the_repository():
    findings = []
    for path in _tracked_files():
        if path.suffix.lower() in SKIP_SUFFIXES or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for label, pattern in SECRET_PATTERNS.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                findings.append(f"{path.relative_to(ROOT)}:{line}: {label}")
    assert not findings, "secret-looking strings in tracked files:\n" + "\n".join(findings)
    for name in ("instance/secret_key", ".env"):
        assert not (ROOT / name).exists() or str(ROOT / name) not in map(str, _tracked_files()), name


def test_secret_patterns_catch_what_they_should():
    """The scanner is only worth something if it fires on the real thing."""
    samples = {  # assembled at run time, so this file does not trip its own scan
        "private key": "-----BEGIN RSA " + "PRIVATE KEY-----",
        "AWS access key": "AKIA" + "ABCDEFGHIJKLMNOP",
        "URL with a password": "postgresql://deliberatie:" + "hunter2hunter2@db.internal/deliberatie",
        "assigned secret": "SECRET_KEY = " + '"3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"',
    }
    for label, sample in samples.items():
        assert SECRET_PATTERNS[label].search(sample), label
    assert not SECRET_PATTERNS["URL with a password"].search("postgresql+psycopg://postgres@127.0.0.1:5432/x")


def _production_app(monkeypatch, hosts, server_name=""):
    from deliberatie import create_app
    from deliberatie.config import Config

    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("TRUSTED_HOSTS", hosts)
    monkeypatch.setenv("SERVER_NAME", server_name)
    config = Config.__new__(Config)
    config.ENV = "production"
    config.__init__()
    config.SQLALCHEMY_DATABASE_URI = "sqlite://"
    return create_app(config)


def test_production_refuses_to_start_without_trusted_hosts(monkeypatch):
    """Links in mails (password reset, registration) are built from the request's Host: without a list of
    the site's own host names a forged Host would mail a victim a valid link to someone else's site."""
    with pytest.raises(RuntimeError, match="TRUSTED_HOSTS"):
        _production_app(monkeypatch, "")


def test_a_forged_host_gets_no_page_and_no_mail(monkeypatch):
    from deliberatie.auth import views as auth_views
    from deliberatie.extensions import db

    app = _production_app(monkeypatch, "deliberatie.example.nl, localhost")
    assert app.config["TRUSTED_HOSTS"] == ["deliberatie.example.nl", "localhost"]
    sent = []
    monkeypatch.setattr(auth_views, "send_mail", lambda *args, **kwargs: sent.append((args, kwargs)))
    with app.app_context():
        db.create_all()
    client = app.test_client()
    forged = {"Host": "aanvaller.example"}
    refused = client.get("/auth/wachtwoord-vergeten", headers=forged, base_url="https://aanvaller.example")
    assert refused.status_code == 400 and "Ongeldig verzoek" in refused.text
    response = client.post("/auth/wachtwoord-vergeten", data={"email": "ina@example.org"},
                           base_url="https://aanvaller.example")
    assert response.status_code == 400 and sent == []
    assert client.get("/auth/inloggen", base_url="https://deliberatie.example.nl").status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_production_refuses_a_server_name_it_would_not_serve(monkeypatch):
    with pytest.raises(RuntimeError, match="SERVER_NAME must be one of TRUSTED_HOSTS"):
        _production_app(monkeypatch, "deliberatie.intern", server_name="stem.example.nl")


def test_links_in_mails_and_letters_use_the_public_name_from_an_internal_host(monkeypatch):
    """An organiser on the intranet name prints QR letters that residents open on the public one."""
    from flask import url_for

    from deliberatie.auth import views as auth_views
    from deliberatie.extensions import db
    from tests.factories import make_user

    app = _production_app(monkeypatch, "stem.example.nl, deliberatie.intern", server_name="stem.example.nl")
    sent = []
    monkeypatch.setattr(auth_views, "send_mail", lambda *args, **kwargs: sent.append(args))
    with app.app_context():
        db.create_all()
        make_user(email="ina@example.org")
        db.session.commit()
    client = app.test_client()
    internal = "https://deliberatie.intern"
    assert client.get("/auth/inloggen", base_url=internal).status_code == 200  # served on both names
    form = client.get("/auth/wachtwoord-vergeten", base_url=internal).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    client.post("/auth/wachtwoord-vergeten", data={"email": "ina@example.org", "csrf_token": token},
                base_url=internal, headers={"Referer": internal + "/auth/wachtwoord-vergeten"})
    [(_, _, body)] = sent
    assert "https://stem.example.nl/auth/wachtwoord-herstellen/" in body and "deliberatie.intern" not in body
    with app.test_request_context("/", base_url=internal):
        assert url_for("wijkbudget.enter_code", wijkbudget_id=3, code="AB", _external=True) == \
            "https://stem.example.nl/wijkbudget/3/stemmen?code=AB"
    with app.app_context():
        db.engine.dispose()

