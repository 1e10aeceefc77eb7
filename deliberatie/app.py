"""The application factory."""

import logging
import time

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from werkzeug.routing import IntegerConverter

from . import cli, components, database, errors, i18n, jobs, security
from .config import INSTANCE, ROOT, Config
from .extensions import csrf, db, limiter, login_manager, migrate


GEMEENTE_NAME_SECONDS = 60  # a renamed gemeente shows in every process's page header within a minute
CHROME_PARTS = ("stylesheets", "skip_link", "logo", "nav_label", "home_item", "login_item", "lang_switch", "footer")
CHROME_KEEP = 32  # rendered chromes kept per process (languages x gemeente names x URL prefixes)


class DatabaseId(IntegerConverter):
    """``<int:…>`` in URLs: ids beyond the database's INTEGER range are a 404, not a 500."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, unchanged, with the signing serializer made once per key.

    Flask builds a new serializer twice per request (to read the cookie and to
    write it); it holds nothing but the keys and settings, so one per secret key
    (and fallbacks) serves every request.
    """

    _cached = (None, None)

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached_keys, serializer = self._cached
        if cached_keys != keys:
            serializer = super().get_signing_serializer(app)
            self._cached = (keys, serializer)
        return serializer


def create_app(config=None):
    """Create the app.

    ``config`` is a config object (``Config()``, ``TestConfig()``) or a
    mapping of overrides applied on top of :class:`Config`.
    """
    app = Flask(
        "deliberatie",
        root_path=str(ROOT / "deliberatie"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(INSTANCE),
    )
    if config is None or isinstance(config, dict):
        app.config.from_object(Config())
        app.config.update(config or {})
    else:
        app.config.from_object(config)
    app.debug = app.debug and app.config["ENV"] == "development"
    app.session_interface = SessionInterface()
    app.url_map.converters["int"] = DatabaseId
    if app.config.get("PROXY_COUNT"):
        # Behind a reverse proxy: trust its X-Forwarded-* headers, so rate limits see the real client.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    logging.basicConfig(level=logging.INFO)

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    jobs.init_app(app)

    from . import api, auth, beheer, privacy, site, trajecten

    for blueprint in (site.blueprint, auth.blueprint, trajecten.blueprint, beheer.blueprint,
                      privacy.blueprint):
        app.register_blueprint(blueprint)
    app.register_blueprint(api.blueprint)
    csrf.exempt(api.blueprint)  # read-only, no cookies needed
    components.register_components(app)
    _init_templates(app)
    return app


def _init_templates(app):
    """Jinja helpers: permission predicates (templates never repeat a rule) and formatting."""
    from flask import g, request
    from flask_babel import format_date, format_decimal, format_percent
    from sqlalchemy import select

    from . import permissions
    from .models import Gemeente
    from .trajecten.forms import LADDER_LABELS

    cached = {"name": "", "read_at": 0.0}  # per app: the page header's name, not a query on every page

    def gemeente_name():
        if "gemeente_name" not in g:
            if cached["name"] and time.monotonic() - cached["read_at"] < GEMEENTE_NAME_SECONDS:
                g.gemeente_name = cached["name"]
            else:
                g.gemeente_name = db.session.scalar(select(Gemeente.name).order_by(Gemeente.id)) or ""
                cached.update(name=g.gemeente_name, read_at=time.monotonic())
        return g.gemeente_name

    chromes = {}  # per app: (language, URL prefix, gemeente name) -> the rendered chrome

    def page_chrome(language):
        """The parts of base.html that are the same for every visitor (templates/_chrome.html).

        They depend on the language, the gemeente's name and the app's URL prefix only, so each
        process renders them once per combination instead of some ten ``url_for`` and ``_()``
        per page. Nothing about the visitor is in them: base.html keeps login state, the
        logout form's CSRF token and flashed messages per request.
        """
        name = gemeente_name()
        key = (language, request.script_root, name)
        chrome = chromes.get(key)
        if chrome is None:
            macros = app.jinja_env.get_template("_chrome.html").module
            arguments = {"logo": (name,), "lang_switch": (language,)}
            chrome = {part: getattr(macros, part)(*arguments.get(part, ())) for part in CHROME_PARTS}
            if app.jinja_env.auto_reload:
                return chrome  # development: an edited _chrome.html shows on the next page
            if len(chromes) >= CHROME_KEEP:
                chromes.clear()
            chromes[key] = chrome
        return chrome

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        gemeente_name=gemeente_name,
        page_chrome=page_chrome,
        ladder_label=lambda rung: LADDER_LABELS[rung].split(":")[0],
        format_date=format_date,
        format_decimal=format_decimal,
        format_percent=format_percent,
        **{name: getattr(permissions, name) for name in permissions.PREDICATES},
    )


@login_manager.user_loader
def load_user(session_id):
    """The account of a session or remember cookie (``User.get_id``), or None once its password changed."""
    import hmac

    from .models import User

    user_id, _, fingerprint = str(session_id).partition(".")
    if not (user_id.isascii() and user_id.isdigit() and int(user_id) < 2**31 and fingerprint):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(fingerprint.encode(), user.session_fingerprint().encode()):
        return None
    return user
