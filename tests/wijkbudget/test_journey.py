"""The whole wijkbudget through the client: set up, codes, vote, close, count, compare, publish, result."""

import io
from datetime import date, timedelta

from sqlalchemy import func, select

from deliberatie.extensions import db
from deliberatie.models import AuditEntry
from deliberatie.wijkbudget.models import CodeStatus, Phase, Wijkbudget, WijkbudgetBallot, WijkbudgetCode

from .helpers import codes_from_page, vote


def _settings(world, **changes):
    today = date.today()
    data = {"title": "Wijkbudget Zuid 2027", "budget": "20.000", "wijken": [str(world["gemeente"].wijken[0].id)],
            "voting_starts_on": (today - timedelta(days=1)).isoformat(),
            "voting_ends_on": (today + timedelta(days=7)).isoformat(), "min_age": "12",
            "ballot_type": "knapsack", "min_share_percent": "", "rule": "mes-add1", "explanation": "",
            "ask_statistics": "y"}
    data.update(changes)
    return data


def test_full_journey(app, client, auth, world):
    auth.login("org@example.org")
    response = client.post(f"/wijkbudget/nieuw/{world['traject']}", data=_settings(world))
    assert response.status_code == 302
    wb_id = db.session.scalar(select(Wijkbudget.id).where(Wijkbudget.title == "Wijkbudget Zuid 2027"))
    assert response.headers["Location"].endswith(f"/wijkbudget/{wb_id}/beheer")

    # projects: one by hand (with an image), three from CSV
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    response = client.post(f"/wijkbudget/{wb_id}/projecten/nieuw", content_type="multipart/form-data",
                           data={"title": "Speeltuin", "description": "Nieuwe toestellen", "cost": "12.000",
                                 "wijk_id": "", "image": (io.BytesIO(png), "speeltuin.png")})
    assert response.status_code == 302
    csv_text = "titel;kosten;omschrijving\nBankjes;4.000;Zes bankjes\nMoestuin;7000,00;Met kas\nLantaarns;9000;Fietspad\n"
    response = client.post(f"/wijkbudget/{wb_id}/projecten/importeren", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(csv_text.encode()), "projecten.csv")})
    assert response.status_code == 302
    wb = db.session.get(Wijkbudget, wb_id)
    ids = {p.title: str(p.id) for p in wb.projects}
    assert set(ids) == {"Speeltuin", "Bankjes", "Moestuin", "Lantaarns"}
    with client.get(f"/wijkbudget/afbeelding/{ids['Speeltuin']}") as image:
        assert image.data == png

    # stemcodes, shown once, downloadable as CSV and as PDF letters
    page = client.post(f"/wijkbudget/{wb_id}/codes", data={"count": "6"}).text
    plain = codes_from_page(page)
    assert len(plain) == 6 and all(len(c) == 19 and c.count("-") == 3 for c in plain)
    csv_response = client.post(f"/wijkbudget/{wb_id}/codes/download", data={"codes": " ".join(plain), "format": "csv"})
    assert csv_response.mimetype == "text/csv"
    lines = csv_response.text.strip().splitlines()
    assert len(lines) == 1 + 6 and plain[0] in lines[1] and f"code={plain[0]}" in lines[1]
    pdf = client.post(f"/wijkbudget/{wb_id}/codes/download", data={"codes": " ".join(plain), "format": "pdf"})
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")

    assert client.post(f"/wijkbudget/{wb_id}/fase", data={"action": "open"}).status_code == 302
    auth.logout()

    # residents vote (no account); the letter's QR link opens the ballot at once
    linked = client.get(f"/wijkbudget/{wb_id}/stemmen?code={plain[0]}").text
    assert "Bekijk uw keuze" in linked and plain[0] not in linked  # the code is not echoed on the ballot
    ballots = [[ids["Speeltuin"], ids["Bankjes"]], [ids["Speeltuin"]], [ids["Moestuin"], ids["Lantaarns"]],
               [ids["Bankjes"], ids["Moestuin"]], [ids["Speeltuin"], ids["Bankjes"]]]
    for code, chosen in zip(plain, ballots):
        response = vote(client, wb_id, code, {"project": chosen, "geslacht": "vrouw", "leeftijd": "25-44"})
        assert response.status_code == 302 and "/bewijs/" in response.headers["Location"]
        receipt = client.get(response.headers["Location"])
        assert "Uw stem is meegeteld" in receipt.text
    assert client.get(f"/wijkbudget/{wb_id}/uitslag").status_code == 404  # nothing before publication

    auth.login("org@example.org")
    assert client.post(f"/wijkbudget/{wb_id}/fase", data={"action": "close"}).status_code == 302
    compare = client.get(f"/wijkbudget/{wb_id}/tellen").text
    for label in ("Meeste stemmen eerst", "Method of Equal Shares", "Phragmén"):
        assert label in compare
    assert client.post(f"/wijkbudget/{wb_id}/tellen", data={"rule": "greedy"}).status_code == 302
    auth.logout()
    assert client.get(f"/wijkbudget/{wb_id}/uitslag").status_code == 404  # counted, not yet published
    auth.login("org@example.org")
    assert "nog niet gepubliceerd" in client.get(f"/wijkbudget/{wb_id}/uitslag").text
    assert client.post(f"/wijkbudget/{wb_id}/fase", data={"action": "publish"}).status_code == 302
    auth.logout()

    result = client.get(f"/wijkbudget/{wb_id}/uitslag")
    assert result.status_code == 200
    # greedy: Speeltuin (3 votes, 12.000) then Bankjes (3, 4.000) fit; Moestuin (2, 7.000) does not fit in 4.000
    assert "5 inwoners stemden" in result.text and "<svg" in result.text and "<caption" in result.text
    db.session.expire_all()
    wb = db.session.get(Wijkbudget, wb_id)
    assert wb.phase is Phase.GEPUBLICEERD
    import json
    outcome = json.loads(wb.result_json)
    funded = {p["title"] for p in outcome["projects"] if p["selected"]}
    assert funded == {"Speeltuin", "Bankjes"}
    assert outcome["total_cost_cents"] == 16_000_00
    moestuin = next(p for p in outcome["projects"] if p["title"] == "Moestuin")
    assert moestuin["reason"] == "did_not_fit" and moestuin["budget_left_cents"] == 4_000_00
    assert "was er nog €\u00a04.000 over" in result.text
    assert db.session.scalar(select(func.count()).select_from(WijkbudgetBallot)) == 5
    used = db.session.scalar(select(func.count()).select_from(WijkbudgetCode).where(
        WijkbudgetCode.wijkbudget_id == wb_id, WijkbudgetCode.status == CodeStatus.USED))
    assert used == 5
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject == f"wijkbudget:{wb_id}")))
    assert {"wijkbudget.create", "wijkbudget.open", "wijkbudget.close", "wijkbudget.count",
            "wijkbudget.publish"} <= actions
    page = client.get(f"/trajecten/{world['traject']}").text
    assert f"/wijkbudget/{wb_id}/uitslag" in page
