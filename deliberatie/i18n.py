"""Language choice: Dutch by default, English on request, remembered in the session."""

from flask import current_app, request, session


def select_locale():
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app):
    from .extensions import babel

    babel.init_app(app, locale_selector=select_locale)

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
