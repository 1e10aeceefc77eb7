"""Registration with an invitation code: questions, consent, one registration per code, rate limit."""

import re

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from deliberatie.burgerraad import services
from deliberatie.burgerraad.models import Aanmelding, Burgerraad, Uitnodiging
from deliberatie.extensions import db
from deliberatie.models.types import utcnow
from tests.burgerraad.conftest import address_csv, make_burgerraad
from tests.conftest import guarded_app


@pytest.fixture
def invitations(world):
    burgerraad = make_burgerraad(world)
    services.draw_letters(burgerraad, address_csv(20), total=5, response_rates=None, seed=3,
                          actor=world["organisator"])
    db.session.commit()
    rows = db.session.scalars(select(Uitnodiging).order_by(Uitnodiging.id)).all()
    questions = {v.name: v.id for v in burgerraad.vragen}
    result = dict(burgerraad=burgerraad.id, codes=[r.code for r in rows], wijk=rows[0].wijk.name,
                  questions=questions, terms=services.consent_terms(burgerraad))
    db.session.commit()
    return result


def _form(inv, **changes):
    data = {f"vraag_{inv['questions']['geslacht']}": "vrouw", f"vraag_{inv['questions']['leeftijd']}": "oud",
            "name": "Ans de Vries", "email": "Ans@Example.org", "phone": "", "available": "y", "consent": "y",
            "voorwaarden": inv["terms"]}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_code_from_the_qr_link_is_prefilled(client, invitations):
    code = invitations["codes"][0]
    page = client.get(f"/burgerraad/aanmelden?code={code}").text
    assert f'value="{code}"' in page


def test_register_with_code_asks_the_configured_questions(client, invitations):
    code = invitations["codes"][0]
    assert client.post("/burgerraad/aanmelden", data={"code": code.replace("-", "")}).status_code == 302
    page = client.get("/burgerraad/aanmelden/formulier").text
    assert "Geslacht" in page and "Leeftijd" in page and invitations["wijk"] in page
    assert "wissen ze daarna" in page  # purpose and retention date next to the consent
    response = client.post("/burgerraad/aanmelden/formulier", data=_form(invitations))
    assert "Bedankt voor uw aanmelding" in response.text
    item = db.session.scalar(select(Aanmelding))
    assert item.answers == {"geslacht": "vrouw", "leeftijd": "oud", "wijk": invitations["wijk"]}
    assert item.email == "ans@example.org" and item.consent_at is not None and item.anon_id.startswith("P-")


def test_consent_and_availability_are_required(client, invitations):
    client.post("/burgerraad/aanmelden", data={"code": invitations["codes"][0]})
    response = client.post("/burgerraad/aanmelden/formulier", data=_form(invitations, consent=None, available=None))
    assert "Zonder toestemming" in response.text and "Alleen wie kan komen" in response.text
    response = client.post("/burgerraad/aanmelden/formulier",
                           data=_form(invitations, **{f"vraag_{invitations['questions']['leeftijd']}": "kind"}))
    assert "Not a valid choice" in response.text or "geldige keuze" in response.text
    assert db.session.query(Aanmelding).count() == 0


def test_unknown_code_and_no_code(client, invitations):
    response = client.post("/burgerraad/aanmelden", data={"code": "AAAA-BBBB-CCCC-DDDD"})
    assert response.status_code == 422 and "Deze code kennen we niet" in response.text
    response = client.get("/burgerraad/aanmelden/formulier")
    assert response.status_code == 302 and response.headers["Location"].endswith("/burgerraad/aanmelden")


def test_one_registration_per_code(app, client, invitations):
    code = invitations["codes"][0]
    other = app.test_client()
    for c in (client, other):  # two browsers get past the code check
        assert c.post("/burgerraad/aanmelden", data={"code": code}).status_code == 302
    assert "Bedankt" in client.post("/burgerraad/aanmelden/formulier", data=_form(invitations)).text
    response = other.post("/burgerraad/aanmelden/formulier", data=_form(invitations, name="Tweede"))
    assert response.status_code == 302
    assert db.session.query(Aanmelding).count() == 1
    # what the second browser (or a second press of the button) sees: not "enter your code first"
    page = other.get(response.headers["Location"]).text
    assert "Met deze code is al een aanmelding binnengekomen." in page and "Vul eerst de code" not in page
    with client.session_transaction() as state:  # the button pressed twice: the second request has the code
        state["burgerraad_code"] = code
    response = client.post("/burgerraad/aanmelden/formulier", data=_form(invitations, name="Nog eens"))
    assert "Dan is uw aanmelding gelukt." in client.get(response.headers["Location"]).text
    with client.session_transaction() as state:
        assert "burgerraad_code" not in state
    assert "al gebruikt" in client.post("/burgerraad/aanmelden", data={"code": code}).text
    # the household's second code still works
    second = db.session.scalar(select(Uitnodiging).where(
        Uitnodiging.address_id == db.session.scalar(select(Uitnodiging.address_id).where(Uitnodiging.code == code)),
        Uitnodiging.code != code)).code
    assert other.post("/burgerraad/aanmelden", data={"code": second}).status_code == 302


def test_database_refuses_a_second_registration_for_a_code(invitations):
    burgerraad = db.session.get(Burgerraad, invitations["burgerraad"])
    invitation = burgerraad.uitnodigingen[0]
    for anon in ("P-AAAAAA", "P-BBBBBB"):
        db.session.add(Aanmelding(burgerraad=burgerraad, uitnodiging_id=invitation.id, anon_id=anon,
                                  answers_json="{}", name="x", email="x@example.org", consent_at=utcnow()))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_registration_closed_outside_the_registration_phase(client, invitations):
    from deliberatie.burgerraad.models import BurgerraadStatus

    db.session.get(Burgerraad, invitations["burgerraad"]).status = BurgerraadStatus.VASTGELEGD
    db.session.commit()
    response = client.post("/burgerraad/aanmelden", data={"code": invitations["codes"][0]})
    assert "aanmelding is gesloten" in response.text


def test_code_entry_is_rate_limited(database):
    app = guarded_app(database, RATELIMIT_ENABLED=True)
    with app.app_context():
        db.create_all()
        client = app.test_client()
        codes = [client.post("/burgerraad/aanmelden", data={"code": f"AAAA-BBBB-CCCC-{i:04d}"}).status_code
                 for i in range(12)]
        db.session.remove()
        db.engine.dispose()
    assert codes[:10] == [422] * 10 and codes[-1] == 429


def test_the_address_is_stored_as_the_sign_in_spells_it(invitations):
    """The same rule as accounts (auth.services.normalise_email): spaces, case and composed accents."""
    from deliberatie.auth.services import normalise_email

    burgerraad = db.session.get(Burgerraad, invitations["burgerraad"])
    vragen = {v.name: v.id for v in burgerraad.vragen}
    typed = " Jose\u0301@Example.org "  # a decomposed é, as some keyboards send it
    item = services.register(burgerraad.uitnodigingen[0], {
        f"vraag_{vragen['geslacht']}": "man", f"vraag_{vragen['leeftijd']}": "jong", "name": "José",
        "email": typed, "phone": "", "available": True})
    assert item.email == "jos\u00e9@example.org" == normalise_email(typed)


def _shown_terms(page):
    return re.search(r'name="voorwaarden" type="hidden" value="([^"]+)"', page).group(1)


def test_consent_is_to_the_purpose_and_term_the_resident_read(client, invitations):
    """The organiser changes the purpose while a resident has the form open (nobody has registered yet,
    so that is allowed): the resident's consent was to the old text, so it is asked again."""
    from tests.burgerraad.conftest import settings

    client.post("/burgerraad/aanmelden", data={"code": invitations["codes"][0]})
    shown = _shown_terms(client.get("/burgerraad/aanmelden/formulier").text)
    burgerraad = db.session.get(Burgerraad, invitations["burgerraad"])
    services.update_settings(burgerraad, settings(purpose="de loting en onderzoek naar woonwensen",
                                                  term_ends_on=burgerraad.term_ends_on), actor=None)
    db.session.commit()
    response = client.post("/burgerraad/aanmelden/formulier", data=_form(invitations, voorwaarden=shown))
    assert response.status_code == 409
    assert "onderzoek naar woonwensen" in response.text and "opnieuw toestemming" in response.text
    consent = re.search(r'<input[^>]*name="consent"[^>]*>', response.text).group(0)
    assert "checked" not in consent  # unticked: read, then tick again
    assert 'value="Ans de Vries"' in response.text  # what was typed stays
    assert db.session.query(Aanmelding).count() == 0
    again = _shown_terms(response.text)
    assert again != shown
    response = client.post("/burgerraad/aanmelden/formulier", data=_form(invitations, voorwaarden=again))
    assert "Bedankt voor uw aanmelding" in response.text
    assert db.session.query(Aanmelding).count() == 1


def test_a_form_without_the_terms_shown_is_asked_again(client, invitations):
    client.post("/burgerraad/aanmelden", data={"code": invitations["codes"][0]})
    response = client.post("/burgerraad/aanmelden/formulier", data=_form(invitations, voorwaarden=None))
    assert response.status_code == 409 and db.session.query(Aanmelding).count() == 0
