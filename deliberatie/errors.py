"""Dutch error pages (and JSON errors under /api/)."""

from flask import current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

MESSAGES = {
    400: (_l("Ongeldig verzoek"), _l("Het formulier of de link klopt niet. Probeer het opnieuw.")),
    403: (_l("Geen toegang"), _l("U hebt geen toegang tot deze pagina.")),
    404: (_l("Pagina niet gevonden"), _l("Deze pagina bestaat niet (meer). Controleer het adres.")),
    405: (_l("Niet toegestaan"), _l("Deze actie kan op deze pagina niet.")),
    413: (_l("Bestand te groot"), _l("Wat u stuurde is te groot: hoogstens %(mb)s MB per keer.")),
    429: (_l("Te veel pogingen"), _l("U hebt het te vaak geprobeerd. Wacht even en probeer het dan opnieuw.")),
    500: (_l("Er ging iets mis"), _l("Er ging bij ons iets mis. Probeer het later opnieuw.")),
}


def render_error(code, detail=None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if code == 413:
        message = message % {"mb": (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // 2**20 or 1}
    if request.path.startswith("/api/"):
        return jsonify({"status": code, "title": str(title)}), code
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _l("Het formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens."))

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        if isinstance(error, SecurityError):
            # a Host outside TRUSTED_HOSTS: no URLs can be built, so no page with links either
            return current_app.response_class(f"400 {MESSAGES[400][0]}", 400, mimetype="text/plain")
        response = current_app.make_response(render_error(error.code))
        if error.code == 429:
            # Flask-Limiter's own headers would cost a storage round trip on every limited request
            # (RATELIMIT_HEADERS_ENABLED is off); a refusal says when to try again: at the latest
            # when the limit's window has passed (attempts.count_attempt gives it as retry_after).
            limit = getattr(error, "limit", None)
            wait = limit.limit.get_expiry() if limit is not None else getattr(error, "retry_after", None)
            if wait:
                response.headers["Retry-After"] = str(wait)
        return response

    @app.errorhandler(500)
    def server_error(error):
        return render_error(500)
