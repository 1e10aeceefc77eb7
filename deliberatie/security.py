"""HTTP security headers for every response, input no form may hold, the rate-limit key."""

import ipaddress

from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address


def client_network():
    """Whom a rate limit counts: the client's IPv4 address, or its IPv6 /64.

    An IPv6 household or phone gets a whole /64 and can hop through its
    addresses, so limiting single addresses would limit nothing.
    """
    address = get_remote_address()
    if ":" not in address:
        return address
    try:
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    except ValueError:
        return address

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _has_nul(form):
    return any("\x00" in value for _, value in form.items(multi=True))


def init_app(app):
    from flask import request

    from .errors import render_error

    production = app.config["ENV"] == "production"

    @app.before_request
    def refuse_nul_characters():
        """A NUL character is never meant (it comes from pasted binary or a probe) and PostgreSQL
        cannot store or compare text holding one: refused in words here, for every form at once."""
        if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded",
                                                             "multipart/form-data") and _has_nul(request.form):
            return render_error(400, _l("Een veld bevat een teken dat niet is toegestaan (een nulteken). "
                                        "Typ de tekst opnieuw in plaats van hem te plakken."))

    headers = dict(HEADERS)
    if production:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    @app.after_request
    def set_security_headers(response):
        # As setdefault for each, in one pass: a view's own value of a header wins.
        present = {name.lower() for name in response.headers.keys()}
        for name, value in headers.items():
            if name.lower() not in present:
                response.headers.add(name, value)
        return response
