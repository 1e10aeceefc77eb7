"""Language choice: Dutch by default, English on request, remembered in the session."""

from flask import current_app, request, session


def select_locale():
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _translations():
    """The request's translations, looked up once per request and locale instead of once per string.

    Flask-Babel's own lookup walks ``g`` several times for every ``_()`` in a
    template (some 45 per page). The cache is keyed on the locale object Flask-Babel
    keeps for the request, so ``force_locale`` and ``refresh`` still switch language.
    """
    from flask import g
    from flask_babel import get_translations

    locale = getattr(g.get("_flask_babel"), "babel_locale", None)
    cached = g.get("_deliberatie_translations")
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()  # also settles the locale
    g._deliberatie_translations = (getattr(g.get("_flask_babel"), "babel_locale", None), translations)
    return translations


def init_app(app):
    from .extensions import babel

    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )

    @app.context_processor
    def inject_language():
        from flask_babel import get_locale

        return {"current_language": str(get_locale()), "languages": app.config["LANGUAGES"]}

    # The language switch is a plain link so it works without JavaScript.
    @app.before_request
    def switch_language():
        lang = request.args.get("lang")
        if lang in app.config["LANGUAGES"]:
            session["lang"] = lang
