"""What keeps the voting pages cheap under a peak stays correct: fixed query counts, cached
translations that still follow the language, a cached gemeente name that still follows a rename.
The process's copy of an open wijkbudget is tested in test_snapshot.py."""

import re

from flask import render_template_string
from flask_babel import force_locale

from deliberatie.extensions import db
from deliberatie.models import Gemeente, Wijk
from deliberatie.wijkbudget import snapshot
from deliberatie.wijkbudget.models import Wijkbudget, WijkbudgetProject
from tests.factories import PASSWORD


def _selects(statements):
    # The page header's gemeente name is cached per process (tested below), so not counted here.
    return [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM gemeente" not in s]


def _ballot_page_queries(client, world, statements):
    """SELECTs of a ballot page that loads the wijkbudget afresh, and of the same page right after."""
    wb = world["wb"]
    assert client.post(f"/wijkbudget/{wb}/stemmen", data={"code": world["codes"][0]}).status_code == 302
    snapshot.forget()
    statements.clear()
    page = client.get(f"/wijkbudget/{wb}/stembiljet")
    assert page.status_code == 200 and 'name="project"' in page.text
    fresh = _selects(statements)
    statements.clear()
    again = client.get(f"/wijkbudget/{wb}/stembiljet")
    assert again.status_code == 200 and again.text.count('name="project"') == page.text.count('name="project"')
    return fresh, _selects(statements)


def test_ballot_page_queries_do_not_grow_with_the_projects(app, client, world, statements):
    few, cached = _ballot_page_queries(client, world, statements)
    assert cached == []  # the process's copy of the open wijkbudget: no query at all
    wijkbudget = db.session.get(Wijkbudget, world["wb"])
    gemeente = db.session.get(Gemeente, world["gemeente"].id)
    wijken = [Wijk(name=f"Wijk {i}", cbs_code=f"WK99990{i + 5}") for i in range(6)]
    gemeente.wijken += wijken
    wijkbudget.projects += [WijkbudgetProject(position=10 + i, title=f"Extra {i}", cost_cents=100_00, wijk=w)
                            for i, w in enumerate(wijken)]
    db.session.commit()
    many, cached = _ballot_page_queries(app.test_client(), dict(world, codes=world["codes"][1:]), statements)
    # the wijkbudget with its traject; the traject's organisers; the projects with their wijk
    assert len(many) == len(few) <= 3 and cached == []


def test_translations_follow_the_locale_within_one_request(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ _('Inloggen') }}") == "Inloggen"
        with force_locale("en"):
            assert render_template_string("{{ _('Inloggen') }}") == "Log in"
        assert render_template_string("{{ _('Inloggen') }}") == "Inloggen"


def test_english_pages_after_dutch_ones_in_the_same_process(client):
    assert "Inloggen" in client.get("/").text
    assert ">Log in<" in client.get("/?lang=en").text
    assert '<html lang="nl"' in client.get("/?lang=nl").text and "Inloggen" in client.get("/").text


def test_gemeente_name_is_read_once_and_follows_a_rename(app, client, world, statements, monkeypatch):
    from deliberatie import app as app_module

    name = world["gemeente"].name
    assert name in client.get("/toegankelijkheid").text
    statements.clear()
    assert name in client.get("/toegankelijkheid").text
    assert not [s for s in statements if s.startswith("SELECT gemeente.name")]  # cached, not read every page
    db.session.get(Gemeente, world["gemeente"].id).name = "Nieuwdorp"
    db.session.commit()
    monkeypatch.setattr(app_module, "GEMEENTE_NAME_SECONDS", 0)
    assert "Nieuwdorp" in client.get("/toegankelijkheid").text  # the cached name has expired: read again


def test_voting_forms_render_their_csrf_field_as_wtforms_does(app):
    from wtforms.widgets import HiddenInput

    from deliberatie.wijkbudget.forms import BallotForm, CodeForm

    app.config["WTF_CSRF_ENABLED"] = True
    with app.test_request_context("/"):
        for form in (BallotForm(), CodeForm()):
            token = form.csrf_token.current_token
            assert token and str(form.csrf_token) == str(HiddenInput()(form.csrf_token))
            assert f'value="{token}"' in str(form.csrf_token)
            assert 'class="x"' in str(form.csrf_token(class_="x"))  # render arguments: the usual way


def test_page_chrome_is_shared_but_never_the_visitors_parts(app, world):
    """base.html's chrome is rendered once per language, URL prefix and gemeente name per process;
    who is signed in, the logout form's token and the flashed messages stay per request."""
    app.config["WTF_CSRF_ENABLED"] = True
    anonymous, beheerder, other = app.test_client(), app.test_client(), app.test_client()
    assert ">Inloggen<" in anonymous.get("/").text
    assert beheerder.post("/auth/inloggen", data={"email": "beheer@example.org", "password": PASSWORD,
                                                  "csrf_token": _token(beheerder)}).status_code == 302
    assert other.post("/auth/inloggen", data={"email": "org@example.org", "password": PASSWORD,
                                              "csrf_token": _token(other)}).status_code == 302
    signed_in = beheerder.get("/").text
    assert "Uitloggen" in signed_in and "Accounts" in signed_in and ">Inloggen<" not in signed_in
    organiser = other.get("/").text
    assert "Uitloggen" in organiser and "Accounts" not in organiser
    assert _token_in(signed_in) != _token_in(organiser)  # each session's own CSRF token
    page = anonymous.get("/").text
    assert ">Inloggen<" in page and "Uitloggen" not in page and "Accounts" not in page
    assert 'href="/static/css/app.css"' in page
    # Another URL prefix, another language: their own chrome, not the first one's.
    prefixed = anonymous.get("/", base_url="http://localhost/wijk/").text
    assert 'href="/wijk/static/css/app.css"' in prefixed and 'href="/wijk/auth/inloggen"' in prefixed
    english = anonymous.get("/?lang=en").text
    assert ">Log in<" in english and 'hreflang="en" lang="en" aria-current="true"' in english
    assert 'hreflang="nl" lang="nl" aria-current="true"' not in english
    page = anonymous.get("/?lang=nl").text
    assert 'href="/static/css/app.css"' in page and ">Inloggen<" in page
    assert 'hreflang="nl" lang="nl" aria-current="true"' in page

def _token(client):
    return _token_in(client.get("/auth/inloggen").text)


def _token_in(html):
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
