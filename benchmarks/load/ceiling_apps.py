"""The two apps ``stack_ceiling.py`` serves: gunicorn's floor and Flask's.

Each answers ``GET /`` with a page as large as a ballot page (``PAGE_BYTES``):
``bare`` is a plain WSGI callable returning fixed bytes, ``flask`` a Flask app
rendering a small Jinja template that fills it (no session, no database, no
forms). Nothing a real request needs beyond routing and a template is done.
"""

from flask import Flask, render_template
from jinja2 import DictLoader

PAGE_BYTES = 8_000
_BODY = (b"<!doctype html><title>x</title>" + b"x" * PAGE_BYTES)[:PAGE_BYTES]


def bare(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                              ("Content-Length", str(len(_BODY)))])
    return [_BODY]


_TEMPLATE = ("<!doctype html><html lang=\"{{ lang }}\"><title>{{ title }}</title><ul>"
             "{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul>")
flask = Flask(__name__)
flask.jinja_loader = DictLoader({"page.html": _TEMPLATE})  # compiled once, cached as templates are
_ITEMS = [f"project {i}: " + "x" * 60 for i in range(100)]


@flask.get("/")
def page():
    return render_template("page.html", lang="nl", title="Stemmen", items=_ITEMS)
