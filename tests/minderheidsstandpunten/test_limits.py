"""Rate limits on guessing stemcodes and on proposals (SQLite only: they do not depend on the database)."""

import pytest

from deliberatie import create_app
from deliberatie.config import TestConfig
from deliberatie.extensions import db
from deliberatie.minderheidsstandpunten import services
from deliberatie.minderheidsstandpunten.models import Deelname
from tests.conftest import IsolatedClient
from tests.factories import make_gemeente, make_traject


@pytest.fixture
def limited(database):
    url, options, schema = database
    if schema is not None:
        pytest.skip("rate limits do not depend on the database")
    app = create_app(TestConfig(url, options, RATELIMIT_ENABLED=True))
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        traject = make_traject(make_gemeente())
        ronde = services.ronde_for(traject)
        ronde.open, ronde.deelname = True, Deelname.STEMCODE
        db.session.commit()
        yield app, traject.id


def test_guessing_stemcodes_is_limited(limited):
    app, traject_id = limited
    client = app.test_client()
    path = f"/minderheidsstandpunten/{traject_id}/stemcode"
    codes = [client.post(path, data={"code": f"AAAAA-AAA{i:02d}"}).status_code for i in range(12)]
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_proposals_are_limited(limited):
    app, traject_id = limited
    client = app.test_client()
    path = f"/minderheidsstandpunten/{traject_id}/voorstellen"
    codes = [client.post(path, data={"text": f"Voorstel nummer {i}"}).status_code for i in range(11)]
    assert 429 not in codes[:10] and codes[10] == 429
