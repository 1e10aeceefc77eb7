"""The whole of issue 4 through the test client: letters, registration, quotas, selection, draw, purge."""

import io
import json
import random
import re

from sqlalchemy import select

from deliberatie.burgerraad import services, views
from deliberatie.burgerraad.models import Aanmelding, Burgerraad, DeelnemerStatus, Uitnodiging
from deliberatie.core import sortition
from deliberatie.extensions import db
from deliberatie.models import AuditEntry
from tests.burgerraad.conftest import address_csv, settings_form


def _register(client, code, answers, name, email):
    response = client.post("/burgerraad/aanmelden", data={"code": code.lower().replace("-", " ")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/aanmelden/formulier")
    form = client.get("/burgerraad/aanmelden/formulier").text
    terms = re.search(r'name="voorwaarden" type="hidden" value="([^"]+)"', form).group(1)  # as a browser sends it
    data = {"name": name, "email": email, "phone": "", "available": "y", "consent": "y", "voorwaarden": terms}
    for key, value in answers.items():
        field = f'name="{key}"'
        assert field in form
        data[key.split('"')[0]] = value
    return client.post("/burgerraad/aanmelden/formulier", data=data)


def test_full_journey(client, auth, world, monkeypatch):
    auth.login("org@example.org")
    response = client.post(f"/burgerraad/traject/{world['traject']}/opzetten", data=settings_form())
    assert response.status_code == 302
    burgerraad_id = db.session.scalar(select(Burgerraad.id))

    # Stage 1: upload the extract and draw 20 addresses, proportional to population (Noord 210, Zuid 420)
    upload = {"extract": (io.BytesIO(address_csv(120)), "adressen.csv"), "total": "20", "spread": "bevolking",
              "seed": "42", f"respons_{world['wijken']['Noord']}": "10", f"respons_{world['wijken']['Zuid']}": "10"}
    response = client.post(f"/burgerraad/{burgerraad_id}/brieven", data=upload, content_type="multipart/form-data")
    assert response.status_code == 302
    invitations = db.session.scalars(select(Uitnodiging).order_by(Uitnodiging.id)).all()
    assert len({i.address_id for i in invitations}) == 20 and len(invitations) == 40
    per_wijk = {w: len({i.address_id for i in invitations if i.wijk_id == wid}) for w, wid in world["wijken"].items()}
    assert per_wijk == {"Noord": 7, "Zuid": 13}
    monkeypatch.setattr(views, "LETTERS_PER_PDF", 8)
    page = client.get(f"/burgerraad/{burgerraad_id}/brieven").text
    assert "Deel 3: brieven 17 tot en met 20" in page
    pdf = client.get(f"/burgerraad/{burgerraad_id}/brieven.pdf?deel=3")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.data)) == 4  # the last 4 of 20 letters
    assert client.get(f"/burgerraad/{burgerraad_id}/brieven.pdf?deel=4").status_code == 404
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "burgerraad.letters_drawn")) is not None

    # Registration: residents use their codes; older people respond more
    auth.logout()
    assert "Aanmelden voor de burgerraad" in client.get(f"/trajecten/{world['traject']}").text
    questions = {v.name: v.id for v in db.session.get(Burgerraad, burgerraad_id).vragen}
    rng = random.Random(5)
    codes = [(i.code, i.address_id) for i in invitations]
    db.session.commit()
    registered = 0
    for n, (code, _address) in enumerate(codes[:40]):
        answers = {f"vraag_{questions['geslacht']}": rng.choice(["man", "vrouw"]),
                   f"vraag_{questions['leeftijd']}": "oud" if rng.random() < 0.7 else "jong"}
        if n < 12:  # through the browser ...
            response = _register(client, code, answers, f"Inwoner {n}", f"inwoner{n}@example.org")
            assert response.status_code == 200 and "Bedankt voor uw aanmelding" in response.text
        else:  # ... and the rest through the same service, to keep the test fast
            services.register(services.find_invitation(code), dict(
                answers, name=f"Inwoner {n}", email=f"inwoner{n}@example.org", phone="", available=True))
            db.session.commit()
        registered += 1
    again = client.post("/burgerraad/aanmelden", data={"code": codes[0][0]})
    assert "al gebruikt" in again.text
    assert db.session.query(Aanmelding).count() == registered

    # Stage 2: quotas derived from the population, then made infeasible and relaxed with one click
    auth.login("org@example.org")
    response = client.post(f"/burgerraad/{burgerraad_id}/quota/afleiden", data={"panel_size": "8", "tolerance": "25"})
    assert response.status_code == 302
    page = client.get(f"/burgerraad/{burgerraad_id}/quota").text
    assert "Bevolking" in page and "Pool" in page
    burgerraad = db.session.get(Burgerraad, burgerraad_id)
    form = {"panel_size": "8"}
    for vraag in burgerraad.vragen:
        for q in vraag.waarden:
            form[f"min_{q.id}"], form[f"max_{q.id}"] = str(q.min_count), str(q.max_count)
            if (vraag.name, q.value) in (("geslacht", "man"), ("geslacht", "vrouw")):
                form[f"min_{q.id}"], form[f"max_{q.id}"] = "5", "8"
    db.session.commit()
    assert client.post(f"/burgerraad/{burgerraad_id}/quota", data=form).status_code == 302
    page = client.get(f"/burgerraad/{burgerraad_id}/haalbaarheid").text
    assert "Deze quota kunnen niet tegelijk" in page
    assert "minstens 5 met geslacht = man" in page and "minstens 5 met geslacht = vrouw" in page
    assert "Versoepeling toepassen" in page
    refused = client.post(f"/burgerraad/{burgerraad_id}/selectie", data={"algorithm": "leximin"})
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/haalbaarheid")
    assert client.post(f"/burgerraad/{burgerraad_id}/versoepelen").status_code == 302
    page = client.get(f"/burgerraad/{burgerraad_id}/haalbaarheid").text
    assert "voldoen" in page and "Selectiekansen berekenen" in page

    # Selection (LEXIMIN) outside the request, then the probabilities
    response = client.post(f"/burgerraad/{burgerraad_id}/selectie", data={"algorithm": "leximin"})
    assert response.status_code == 302 and "/taak/" in response.headers["Location"]
    response = client.get(response.headers["Location"])
    assert response.status_code == 302 and response.headers["Location"].endswith("/kansen")
    page = client.get(f"/burgerraad/{burgerraad_id}/kansen").text
    assert "Kleinste kans" in page and "<svg" in page and "Gini" in page
    assert page.count('<rect') == registered

    # Commitment first, then the seed draws the panel
    assert client.post(f"/burgerraad/{burgerraad_id}/vastleggen").status_code == 302
    burgerraad = db.session.get(Burgerraad, burgerraad_id)
    commitment = burgerraad.commitment
    db.session.commit()
    public = client.get(f"/burgerraad/{burgerraad_id}/loting").text
    assert commitment in public and "Nog niet bekend" in public
    closed = client.post("/burgerraad/aanmelden", data={"code": codes[-1][0]})
    assert "aanmelding is gesloten" in closed.text
    response = client.post(f"/burgerraad/{burgerraad_id}/loten", data={"seed": "271828"})
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).headers["Location"].endswith("/loting")

    # Public verification page and the record the core's verify accepts
    auth.logout()
    public = client.get(f"/burgerraad/{burgerraad_id}/loting").text
    assert "271828" in public and commitment in public and "Inwoner" not in public
    download = client.get(f"/burgerraad/{burgerraad_id}/RECORD.json").data
    record = json.loads(download)
    assert record["inputs_sha256"] in public
    verification = sortition.verify(record)
    assert verification.ok, verification.checks
    assert len(record["panel"]) == 8
    instance = sortition.instance_from_record(record)
    assert sortition.meets_quotas(instance, record["panel"])
    from deliberatie.burgerraad.selection import commitment_of
    assert commitment_of(record) == commitment

    # Reserves: a member drops out, the replacement keeps the quotas
    auth.login("org@example.org")
    page = client.get(f"/burgerraad/{burgerraad_id}/panel").text
    assert page.count("Afgehaakt: vervang door reserve") == 8 and "Reserve 1" in page
    member = db.session.scalar(select(Aanmelding).where(Aanmelding.status == DeelnemerStatus.PANEL)
                               .order_by(Aanmelding.anon_id))
    member_id, member_anon = member.id, member.anon_id
    db.session.commit()
    assert client.post(f"/burgerraad/{burgerraad_id}/panel/{member_id}/afgehaakt").status_code == 302
    panel = sorted(db.session.scalars(select(Aanmelding.anon_id).where(
        Aanmelding.status == DeelnemerStatus.PANEL)).all())
    db.session.commit()
    assert member_anon not in panel and len(panel) == 8
    assert sortition.meets_quotas(instance, panel)

    # Privacy: purge and nothing personal remains
    assert client.post(f"/burgerraad/{burgerraad_id}/wissen").status_code == 302
    assert db.session.query(Aanmelding).count() == 0 and db.session.query(Uitnodiging).count() == 0
    burgerraad = db.session.get(Burgerraad, burgerraad_id)
    kept = (burgerraad.record_json or "") + (burgerraad.stats_json or "")
    for n in range(registered):
        assert f"inwoner{n}@example.org" not in kept and f"Inwoner {n}" not in kept
    assert all(code not in kept for code, _ in codes)
    assert json.loads(burgerraad.stats_json)["registrations"] == registered
    db.session.commit()
    assert client.get(f"/burgerraad/{burgerraad_id}/RECORD.json").data == download  # the record stays
    page = client.get(f"/burgerraad/{burgerraad_id}").text
    assert "persoonsgegevens gewist" in page and str(registered) in page
    assert "zijn gewist" in client.get(f"/burgerraad/{burgerraad_id}/panel").text
    traject_page = client.get(f"/trajecten/{world['traject']}").text
    assert "De loting van de burgerraad controleren" in traject_page
    from deliberatie import audit
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    for action in ("letters_drawn", "quotas_relaxed", "selection_started", "commitment", "seed", "published",
                   "replaced", "purged"):
        assert f"burgerraad.{action}" in actions
    assert audit.verify() == []  # entries written by the background job keep the chain intact
