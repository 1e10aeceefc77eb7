"""The demo traject's report has all six sections filled."""

from datetime import date

from markupsafe import escape

from deliberatie.extensions import db
from deliberatie.minderheidsstandpunten.demo import TERUGKOPPELING, seed
from deliberatie.models import Role, Terugkoppeling, Traject

from .conftest import RAAD
from .test_report_content import pdf_text


def test_demo_report_has_a_terugkoppeling_once(app, client, auth, world):
    """Section 6 of the demo report is not empty, and seeding twice adds no second terugkoppeling."""
    traject = db.session.get(Traject, world["traject"])
    for _ in range(2):
        seed(traject, {Role.ORGANISATOR: world["organisator"]}, date.today())
        db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Terugkoppeling)) == 1
    auth.login(RAAD)
    base = f"/minderheidsstandpunten/{traject.id}"
    section6 = client.get(f"{base}/verslag").text.split('id="s6"')[1]
    assert escape(TERUGKOPPELING[0]) in section6 and "Er is nog geen terugkoppeling." not in section6
    assert "Gepubliceerd op " in section6  # when the participants were told
    assert TERUGKOPPELING[0] in pdf_text(client.get(f"{base}/verslag.pdf").data)
