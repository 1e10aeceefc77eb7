"""What keeps the voting pages cheap under a peak stays correct: fixed query counts, cached
translations that still follow the language, a cached gemeente name that still follows a rename."""

import pytest
import sqlalchemy as sa
from flask import render_template_string
from flask_babel import force_locale

from deliberatie.extensions import db
from deliberatie.models import Gemeente, Wijk
from deliberatie.wijkbudget.models import Wijkbudget, WijkbudgetProject


@pytest.fixture
def statements(app):
    """The SQL statements the app sends, collected while the test runs."""
    seen = []

    def collect(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", collect)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", collect)


def _ballot_page_queries(client, world, statements):
    wb = world["wb"]
    assert client.post(f"/wijkbudget/{wb}/stemmen", data={"code": world["codes"][0]}).status_code == 302
    statements.clear()
    page = client.get(f"/wijkbudget/{wb}/stembiljet")
    assert page.status_code == 200 and 'name="project"' in page.text
    # The page header's gemeente name is cached per process (tested below), so not counted here.
    return [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM gemeente" not in s]


def test_ballot_page_queries_do_not_grow_with_the_projects(app, client, world, statements):
    few = _ballot_page_queries(client, world, statements)
    wijkbudget = db.session.get(Wijkbudget, world["wb"])
    gemeente = db.session.get(Gemeente, world["gemeente"].id)
    wijken = [Wijk(name=f"Wijk {i}", cbs_code=f"WK99990{i + 5}") for i in range(6)]
    gemeente.wijken += wijken
    wijkbudget.projects += [WijkbudgetProject(position=10 + i, title=f"Extra {i}", cost_cents=100_00, wijk=w)
                            for i, w in enumerate(wijken)]
    db.session.commit()
    many = _ballot_page_queries(app.test_client(), dict(world, codes=world["codes"][1:]), statements)
    assert len(many) == len(few) <= 2  # the wijkbudget with its traject; the projects with their wijk


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
