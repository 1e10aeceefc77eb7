"""The participatieverslag tells the whole story: the say participants had, what was decided, who answered."""

from datetime import date

from markupsafe import escape

from deliberatie.extensions import db
from deliberatie.minderheidsstandpunten.demo import seed
from deliberatie.models import Role, Traject

from .conftest import RAAD


def test_participatieverslag_names_the_rung_the_promise_and_what_was_decided(app, client, auth, world):
    traject = db.session.get(Traject, world["traject"])
    seed(traject, {Role.ORGANISATOR: world["organisator"]}, date.today())
    db.session.commit()
    auth.login(RAAD)
    base = f"/minderheidsstandpunten/{traject.id}"
    data = client.get(f"{base}/verslag.json").json
    verslag = data["participatieverslag"]
    assert verslag["question"] == data["question"]
    assert verslag["decisions"]["sessions"] == data["majority"]["sessions"]
    page = client.get(f"{base}/participatieverslag").text
    q = data["question"]
    assert escape(f'Trede {q["ladder_step"]} van 5 op de participatieladder: {q["ladder_label"]}') in page
    assert f'<strong>Belofte aan de deelnemers:</strong> {escape(q["belofte"])}' in page
    agreed = page.split("Waarover was men het eens?")[1].split("Waarover was men het oneens?")[0]
    s = data["majority"]["sessions"][0]
    assert (f'<strong>{escape(s["title"])}</strong>: {escape(s["proposal"])} Stemming: {s["for"]} voor, '
            f'{s["against"]} tegen, {s["abstain"]} onthouding. {escape(s["decision"])}') in agreed
    who = page.split("Wie zijn betrokken?")[1].split("Hoe zijn zij betrokken?")[0]
    part = data["participation"]
    assert (f'{part["statement_voters"]} deelnemers beantwoordden stellingen. '
            f'{part["statement_voters_with_profile"]} van hen gaven hun leeftijd of geslacht op') in who
