"""The issue end to end: the beheerder imports figures, the raadslid sees who took part and the weighted view."""

import io

from tests.statistiek.conftest import FIGURES, figures_csv


def test_import_then_compare_and_weigh(client, auth, world):
    # new figures: a quarter of the residents aged 15+ is 15-24 (425 of 1,700)
    figures = [(v, c, {"15-24": 425, "25-44": 400, "45-64": 475, "65+": 400}.get(c, n) if v == "leeftijd" else n, b)
               for v, c, n, b in FIGURES]
    auth.login("beheer@example.org")
    response = client.post("/statistiek/bevolking/importeren", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(figures_csv(figures=figures).encode()), "cbs.csv")})
    assert response.status_code == 302
    auth.logout()

    auth.login("raad@example.org")
    groups = client.get(f"/statistiek/traject/{world['traject']}").text
    assert "Testpanel" in groups
    page = client.get(f"/statistiek/traject/{world['traject']}/test-1-panel").text
    assert "Jongeren van 15 tot 25 jaar zijn ondervertegenwoordigd: 5% van de deelnemers, 25% van de inwoners." in page
    assert "De weging klopt" in page
    weighed = client.get(f"/statistiek/traject/{world['traject']}/test-1-panel?wegen=1&variables=leeftijd"
                         "&variables=geslacht&cap=4").text
    # 25% / 5% = 5: no weight can stay under 4 times the mean
    assert "Met een grens van 4 keer het gemiddelde gewicht kan de weging niet kloppen" in weighed
    assert "De laagste grens die wel kan is 5." in weighed
