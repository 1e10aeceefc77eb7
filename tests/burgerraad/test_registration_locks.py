"""A registration takes the burgerraad's row lock, as the settings and the closing of registration do."""

import json

import pytest
from sqlalchemy import select

from deliberatie.burgerraad import selection, services
from deliberatie.burgerraad.models import Aanmelding, Burgerraad, BurgerraadStatus, Uitnodiging
from deliberatie.extensions import db
from tests.burgerraad.conftest import settings, with_pool
from tests.helpers import in_turn, postgres_only

REFUSED = repr(services.NotAllowedNow())


@pytest.fixture
def open_pool(world):
    """Registration open, 39 of 40 codes used; the quotas are open. ``(burgerraad id, free code)``."""
    burgerraad = with_pool(world, n=39, panel_size=6, letters=40, codes_per_letter=1)
    free = next(i.code for i in burgerraad.uitnodigingen if i.aanmelding is None)
    db.session.commit()
    return burgerraad.id, free


def _register(code):
    invitation = db.session.scalar(select(Uitnodiging).where(Uitnodiging.code == code))
    vragen = {v.name: v.id for v in invitation.burgerraad.vragen}
    services.register(invitation, {f"vraag_{vragen['geslacht']}": "vrouw", f"vraag_{vragen['leeftijd']}": "oud",
                                   "name": "Laatste", "email": "laatste@example.org", "phone": "",
                                   "available": True})


def _closer(burgerraad_id):
    """Closing registration (freezing the inputs) as a request does it."""
    return lambda: selection.commit_inputs(db.session.get(Burgerraad, burgerraad_id), actor=None)


def _count(burgerraad_id):
    return db.session.query(Aanmelding).filter_by(burgerraad_id=burgerraad_id).count()


def test_a_registration_after_registration_closed_is_refused(world, open_pool):
    burgerraad_id, code = open_pool
    invitation = db.session.scalar(select(Uitnodiging).where(Uitnodiging.code == code))
    db.session.get(Burgerraad, burgerraad_id).status = BurgerraadStatus.VASTGELEGD
    with pytest.raises(services.NotAllowedNow):
        _register(invitation.code)
    db.session.rollback()
    assert _count(burgerraad_id) == 39


@pytest.mark.postgres
def test_settings_saved_while_the_first_registration_arrives_respect_its_consent(app, database, world):
    """The first registrant consents to the purpose; an organiser changing it at that moment is refused."""
    postgres_only(database)
    burgerraad = with_pool(world, n=0, panel_size=6, letters=10, codes_per_letter=1)
    burgerraad_id, code, purpose = burgerraad.id, burgerraad.uitnodigingen[0].code, burgerraad.purpose
    db.session.commit()

    def save():
        services.update_settings(db.session.get(Burgerraad, burgerraad_id),
                                 settings(panel_size=6, codes_per_letter=1, purpose="iets anders"), actor=None)

    assert in_turn(app, lambda: _register(code), save) == ["stored", repr(services.ConsentLocked(("purpose",)))]
    assert db.session.get(Burgerraad, burgerraad_id).purpose == purpose and _count(burgerraad_id) == 1


@pytest.mark.postgres
def test_a_registration_arriving_as_registration_closes_is_refused(app, database, world, open_pool):
    postgres_only(database)
    burgerraad_id, code = open_pool

    assert in_turn(app, _closer(burgerraad_id), lambda: _register(code)) == ["stored", REFUSED]
    assert _count(burgerraad_id) == 39


@pytest.mark.postgres
def test_registration_closing_as_a_registration_arrives_freezes_it_with_the_pool(app, database, world, open_pool):
    """Closing waits for the registration, so whoever is in the pool is in the frozen inputs."""
    postgres_only(database)
    burgerraad_id, code = open_pool

    assert in_turn(app, lambda: _register(code), _closer(burgerraad_id)) == ["stored", "stored"]
    burgerraad = db.session.get(Burgerraad, burgerraad_id)
    assert burgerraad.status is BurgerraadStatus.VASTGELEGD and _count(burgerraad_id) == 40
    assert len(json.loads(burgerraad.inputs_json)["people"]) == 40


def test_the_form_says_so_when_registration_closed_as_it_was_sent(client, world, open_pool, monkeypatch):
    """Closed between the form's own status check and the lock: a message, not a 500."""
    _, code = open_pool
    assert client.post("/burgerraad/aanmelden", data={"code": code}).status_code == 302

    def closed(*args, **kwargs):
        raise services.NotAllowedNow()

    monkeypatch.setattr(services, "register", closed)
    invitation = db.session.scalar(select(Uitnodiging).where(Uitnodiging.code == code))
    vragen = {v.name: v.id for v in invitation.burgerraad.vragen}
    response = client.post("/burgerraad/aanmelden/formulier", data={
        f"vraag_{vragen['geslacht']}": "vrouw", f"vraag_{vragen['leeftijd']}": "oud", "name": "Laatste",
        "email": "laatste@example.org", "available": "y", "consent": "y"}, follow_redirects=True)
    assert response.status_code == 200 and "De aanmelding is net gesloten" in response.text
    with client.session_transaction() as state:
        assert "burgerraad_code" not in state
