"""Configuration read from the environment.

SQLite in ``instance/`` is the zero-setup default; ``DATABASE_URL`` selects
PostgreSQL in production. ``SECRET_KEY`` comes from the environment; in
development a generated key is kept in ``instance/secret_key``.
"""

import os
import secrets
from pathlib import Path

from werkzeug.sansio.utils import host_is_trusted

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("DELIBERATIE_INSTANCE", ROOT / "instance"))


def _database_url():
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'deliberatie.sqlite'}")
    # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants a driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _development_secret_key():
    """A random key generated once and kept in the instance folder."""
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    ENV = os.environ.get("DELIBERATIE_ENV", "development")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {}
    # A pooled connection idle this long is checked before use (deliberatie/database.py).
    DATABASE_IDLE_PING_SECONDS = float(os.environ.get("DATABASE_IDLE_PING_SECONDS", "10"))
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGES = ("nl", "en")
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    MAX_CONTENT_LENGTH = 32 * 2**20  # the largest upload: a pool or .pb file of tens of thousands of rows
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # X-RateLimit-* headers on every limited response cost a Redis round trip each; a 429 gets
    # its Retry-After from errors.py instead.
    RATELIMIT_HEADERS_ENABLED = False
    PASSWORD_RESET_MAX_AGE = 3600
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))  # reverse proxies in front of the app
    MAIL_SERVER = os.environ.get("MAIL_SERVER")  # unset: mail is written to the log
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "noreply@deliberatie.local")

    def __init__(self):
        self.SECRET_KEY = os.environ.get("SECRET_KEY")
        production = self.ENV == "production"
        if not self.SECRET_KEY:
            if production:
                raise RuntimeError("SECRET_KEY must be set in production")
            self.SECRET_KEY = _development_secret_key()
        # The site's own host names (Flask's TRUSTED_HOSTS: another Host header gets a 400). Links in
        # mails -- password reset, registration -- are built from the request's host, so without this
        # a forged Host would mail a victim a valid link to someone else's site.
        hosts = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
        if production and not hosts:
            raise RuntimeError("TRUSTED_HOSTS must be set in production: the site's host names, comma-separated")
        self.TRUSTED_HOSTS = hosts or None
        # The public name residents use (Flask's SERVER_NAME). Set, links in mails and on printed letters
        # (QR codes) use it whichever trusted host the organiser works on (an internal name, say); it
        # does not restrict which hosts are served.
        self.SERVER_NAME = os.environ.get("SERVER_NAME", "").strip() or None
        if self.SERVER_NAME and hosts and not host_is_trusted(self.SERVER_NAME, hosts):
            raise RuntimeError("SERVER_NAME must be one of TRUSTED_HOSTS: links to it would be refused")
        # Cookies only over HTTPS in production; the development server is plain HTTP.
        self.SESSION_COOKIE_SECURE = production
        self.REMEMBER_COOKIE_SECURE = production
        self.PREFERRED_URL_SCHEME = "https" if production else "http"


class TestConfig(Config):
    __test__ = False  # not a pytest test class

    ENV = "testing"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = {}
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = False  # tests of the limits switch it on
    WTF_CSRF_ENABLED = False  # tests of CSRF switch it on
    MAIL_SERVER = None

    def __init__(self, database_url=None, engine_options=None, **overrides):
        os.environ.setdefault("SECRET_KEY", "test-" + secrets.token_hex(16))
        super().__init__()
        if database_url:
            self.SQLALCHEMY_DATABASE_URI = database_url
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options or {}
        for key, value in overrides.items():
            setattr(self, key, value)
