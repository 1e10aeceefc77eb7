"""The organiser's deep democracy forms say what to record and what it is for."""

from datetime import date

from deliberatie.extensions import db
from deliberatie.minderheidsstandpunten.models import Sessie, SessieSoort

from .conftest import ORG


def test_session_form_explains_the_steps_and_what_the_counts_mean(client, auth, world):
    auth.login(ORG)
    page = client.get(f"/minderheidsstandpunten/{world['traject']}/sessies/nieuw").text
    assert "Leg eerst het voorstel en de stemming vast. Daarna legt u op de pagina van de sessie elk nee vast" in page
    assert ('<div class="utrecht-form-field-description" id="onthouding-description">Voor, tegen en onthoudingen '
            'samen zijn de aanwezigen bij de stemming.') in page
    assert 'aria-describedby="onthouding-description"' in page


def test_minority_view_form_says_how_to_count_and_what_a_group_link_adds(client, auth, world):
    sessie = Sessie(traject_id=world["traject"], soort=SessieSoort.BIJEENKOMST, title="Avond",
                    held_on=date(2026, 11, 20), voorstel="Plan", voor=6, tegen=3, onthouding=1)
    db.session.add(sessie)
    db.session.commit()
    auth.login(ORG)
    page = client.get(f"/minderheidsstandpunten/{world['traject']}/sessies/{sessie.id}").text
    assert ('id="herkend_door-description">Vraag na de stemming wie zich (een beetje) herkent in dit nee, ook wie '
            'voor stemde, en tel de handen.') in page
    assert "Dan toont het verslag voor de raad ook hoe groot die groep is" in page


def test_settings_page_says_per_session_what_is_still_to_record(client, auth, world):
    """Before the report goes to the raad: which views lack a condition, which conditions are still open."""
    from deliberatie.minderheidsstandpunten.models import Afhandeling, Standpunt, Voorwaarde, VoorwaardeSoort

    def condition(afhandeling):
        return Voorwaarde(soort=VoorwaardeSoort.TIMING, text="Later.", afhandeling=afhandeling, toelichting="")

    done = Sessie(traject_id=world["traject"], soort=SessieSoort.BIJEENKOMST, title="Avond een", voorstel="Plan",
                  held_on=date(2026, 11, 20), voor=6, tegen=3, onthouding=1, standpunten=[
                      Standpunt(title="A", redenen="r", herkend_door=1, voorwaarden=[condition(Afhandeling.NIET)])])
    busy = Sessie(traject_id=world["traject"], soort=SessieSoort.BIJEENKOMST, title="Avond twee", voorstel="Plan",
                  held_on=date(2026, 11, 21), voor=6, tegen=3, onthouding=1, standpunten=[
                      Standpunt(title="B", redenen="r", herkend_door=1),
                      Standpunt(title="C", redenen="r", herkend_door=1,
                                voorwaarden=[condition(Afhandeling.OPEN), condition(Afhandeling.OPEN)])])
    db.session.add_all([done, busy])
    db.session.commit()
    auth.login(ORG)
    page = client.get(f"/minderheidsstandpunten/{world['traject']}/beheer").text
    one = page.split(">Avond een</a>")[1].split("</li>")[0]
    two = page.split(">Avond twee</a>")[1].split("</li>")[0]
    assert one.endswith("20 november 2026): 1 minderheidsstandpunt") and "<strong>" not in one
    assert two.endswith("2 minderheidsstandpunten; <strong>1 zonder voorwaarde</strong>; "
                        "<strong>2 voorwaarden nog open</strong>")
