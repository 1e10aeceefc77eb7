"""Language choice: Dutch by default, English on request, remembered in the session."""

from flask import current_app, g, request, session
from flask_babel import get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup


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
    request_g = g._get_current_object()  # one context lookup instead of one per attribute
    locale = getattr(getattr(request_g, "_flask_babel", None), "babel_locale", None)
    cached = getattr(request_g, "_deliberatie_translations", None)
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()  # also settles the locale
    request_g._deliberatie_translations = (getattr(getattr(request_g, "_flask_babel", None), "babel_locale", None),
                                           translations)
    return translations


@pass_eval_context
def _template_gettext(eval_ctx, string, **variables):
    """``_()`` in templates: what Jinja's newstyle ``gettext`` does, in one call instead of three.

    Jinja's ``_`` calls ``gettext`` through the template context, which calls the
    translation function through it again; a page has some 25 of them.
    """
    rv = _translations().ugettext(string)
    if eval_ctx.autoescape:
        rv = Markup(rv)
    if not variables and "%" not in rv:
        return rv  # what ``rv % {}`` gives, without markupsafe's escaping wrapper
    return rv % variables  # always a format string, as newstyle gettext has it


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
    app.jinja_env.globals["_"] = _template_gettext

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
