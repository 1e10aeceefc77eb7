"""Rate limits on guessing stemcodes and on proposals, CSRF on leaving a shared computer.

SQLite only: neither depends on the database.
"""

import re

import pytest

from deliberatie.extensions import db
from deliberatie.minderheidsstandpunten import services
from deliberatie.minderheidsstandpunten.models import Deelname, Deelnemer, Stelling, StellingStatus, Stem
from deliberatie.minderheidsstandpunten.views import NEW_ANONYMOUS_PER_HOUR
from tests.conftest import guarded_app
from tests.factories import make_gemeente, make_traject


def _open_stellingen(database, deelname, **settings):
    """An app with ``settings`` and a traject whose stellingen (one) are open in ``deelname`` mode."""
    app = guarded_app(database, **settings)
    with app.app_context():
        db.create_all()
        traject = make_traject(make_gemeente())
        ronde = services.ronde_for(traject)
        ronde.open, ronde.deelname = True, deelname
        stelling = Stelling(traject_id=traject.id, text="Meer bankjes in het park.", status=StellingStatus.ZICHTBAAR)
        db.session.add(stelling)
        db.session.commit()
        yield app, traject.id, stelling.id


@pytest.fixture
def limited(database):
    yield from _open_stellingen(database, Deelname.STEMCODE, RATELIMIT_ENABLED=True)


@pytest.fixture
def strict(database):
    yield from _open_stellingen(database, Deelname.PSEUDONIEM, WTF_CSRF_ENABLED=True)


def test_guessing_stemcodes_is_limited(limited):
    app, traject_id, _stelling = limited
    client = app.test_client()
    path = f"/minderheidsstandpunten/{traject_id}/stemcode"
    codes = [client.post(path, data={"code": f"AAAAA-AAA{i:02d}"}).status_code for i in range(12)]
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_proposals_are_limited(limited):
    app, traject_id, _stelling = limited
    client = app.test_client()
    path = f"/minderheidsstandpunten/{traject_id}/voorstellen"
    codes = [client.post(path, data={"text": f"Voorstel nummer {i}"}).status_code for i in range(11)]
    assert 429 not in codes[:10] and codes[10] == 429


def _token(page):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_leaving_a_shared_computer_needs_the_csrf_token(strict):
    """Another site cannot end a resident's session; with the token the next person starts afresh."""
    app, traject_id, stelling_id = strict
    client = app.test_client()
    b = f"/minderheidsstandpunten/{traject_id}"
    token = _token(client.get(f"{b}/stellingen").text)
    client.post(f"{b}/stellingen/{stelling_id}", data={"stem": "eens", "csrf_token": token})
    page = client.get(f"{b}/stellingen").text
    assert "U heeft 1 van de 1 stellingen beantwoord." in page
    assert client.post(f"{b}/afsluiten").status_code == 400
    assert "U heeft 1 van de 1 stellingen beantwoord." in client.get(f"{b}/stellingen").text
    assert client.post(f"{b}/afsluiten", data={"csrf_token": _token(page)}).status_code == 302
    assert "U heeft 0 van de 1 stellingen beantwoord." in client.get(f"{b}/stellingen").text
    assert db.session.scalar(db.select(db.func.count()).select_from(Stem)) == 1


@pytest.fixture
def anonymous(database):
    yield from _open_stellingen(database, Deelname.PSEUDONIEM, RATELIMIT_ENABLED=True)


def _count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_new_anonymous_participants_are_limited_per_address(anonymous):
    """A script that drops its cookie cannot stuff the conversation; known participants go on voting."""
    app, traject_id, stelling_id = anonymous
    path = f"/minderheidsstandpunten/{traject_id}/stellingen/{stelling_id}"
    browsers = [app.test_client() for _ in range(NEW_ANONYMOUS_PER_HOUR)]
    assert {b.post(path, data={"stem": "eens"}).status_code for b in browsers} == {302}
    assert _count(Deelnemer) == NEW_ANONYMOUS_PER_HOUR
    refused = app.test_client().post(path, data={"stem": "oneens"})
    assert refused.status_code == 429 and "Te veel pogingen" in refused.text
    proposal = app.test_client().post(f"/minderheidsstandpunten/{traject_id}/voorstellen",
                                      data={"text": "Een stelling van een script."})
    assert proposal.status_code == 429
    assert _count(Deelnemer) == NEW_ANONYMOUS_PER_HOUR and _count(Stem) == NEW_ANONYMOUS_PER_HOUR
    assert _count(Stelling) == 1  # nothing half-saved
    # residents who already take part change their answers as often as they like
    for choice in ("oneens", "overslaan", "eens"):
        assert browsers[0].post(path, data={"stem": choice}).status_code == 302
    # another address is not affected
    other = app.test_client().post(path, data={"stem": "eens"}, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 302 and _count(Deelnemer) == NEW_ANONYMOUS_PER_HOUR + 1
