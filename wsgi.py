"""WSGI entry point: ``gunicorn wsgi:app``."""

from deliberatie import create_app

app = create_app()
