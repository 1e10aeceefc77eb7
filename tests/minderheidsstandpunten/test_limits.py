"""Rate limits on guessing stemcodes and on proposals (SQLite only: they do not depend on the database)."""

import pytest

from deliberatie.extensions import db
from deliberatie.minderheidsstandpunten import services
from deliberatie.minderheidsstandpunten.models import Deelname
from tests.conftest import guarded_app
from tests.factories import make_gemeente, make_traject


@pytest.fixture
def limited(database):
    app = guarded_app(database, RATELIMIT_ENABLED=True)
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
