"""Every route against every role: anonymous -> login, wrong role -> 403, right role -> 200."""

import pytest

from deliberatie.extensions import db
from deliberatie.wijkbudget.models import Phase, Wijkbudget

GET_ROUTES = ["/wijkbudget/nieuw/{traject}", "/wijkbudget/{wb}/bewerken", "/wijkbudget/{wb}/beheer",
              "/wijkbudget/{wb}/projecten/nieuw", "/wijkbudget/{wb}/projecten/{project}/bewerken",
              "/wijkbudget/{wb}/projecten/importeren", "/wijkbudget/{wb}/codes", "/wijkbudget/{wb}/papier",
              "/wijkbudget/{wb}/tellen"]
POST_ROUTES = ["/wijkbudget/{wb}/fase", "/wijkbudget/{wb}/projecten/{project}/verwijderen",
               "/wijkbudget/{wb}/codes/download", "/wijkbudget/{wb}/codes/intrekken"]
ALL_ORGANISER_ROUTES = [("get", r) for r in GET_ROUTES] + [("post", r) for r in POST_ROUTES]


def _path(route, world):
    return route.format(traject=world["traject"], wb=world["wb"], project=world["projects"]["Bankjes"])


@pytest.mark.parametrize("method,route", ALL_ORGANISER_ROUTES)
def test_organiser_route_for_every_role(client, auth, world, method, route):
    """Anonymous -> login; inwoner, raadslid, another traject's organiser -> 403; organiser, beheerder -> 200."""
    path = _path(route, world)
    response = getattr(client, method)(path)
    assert response.status_code == 302 and "/auth/inloggen" in response.headers["Location"]
    for who in ("ina@example.org", "raad@example.org", "ander@example.org"):
        auth.login(who)
        assert getattr(client, method)(path).status_code == 403, who
        auth.logout()
    if method == "get":
        for who in ("org@example.org", "beheer@example.org"):
            auth.login(who)
            assert client.get(path).status_code == 200, who
            auth.logout()


@pytest.mark.parametrize("who", [None, "ina@example.org", "raad@example.org", "org@example.org"])
def test_public_pages_while_voting(client, auth, world, who):
    if who:
        auth.login(who)
    wb = world["wb"]
    assert client.get(f"/wijkbudget/{wb}").status_code == 200
    assert client.get(f"/wijkbudget/{wb}/stemmen").status_code == 200
    ballot = client.get(f"/wijkbudget/{wb}/stembiljet")
    assert ballot.status_code == 302 and ballot.headers["Location"].endswith(f"/wijkbudget/{wb}/stemmen")
    assert client.get(f"/wijkbudget/{wb}/bewijs/AAAA-BBBB-CCCC").status_code == 404
    expected = 404  # no result yet, for everybody
    assert client.get(f"/wijkbudget/{wb}/uitslag").status_code == expected


@pytest.mark.parametrize("who,status", [(None, 404), ("ina@example.org", 404), ("ander@example.org", 404),
                                        ("org@example.org", 200), ("beheer@example.org", 200)])
def test_wijkbudget_in_preparation_is_hidden_from_the_public(app, client, auth, world, who, status):
    db.session.get(Wijkbudget, world["wb"]).phase = Phase.VOORBEREIDING
    db.session.commit()
    if who:
        auth.login(who)
    assert client.get(f"/wijkbudget/{world['wb']}").status_code == status
    assert client.get(f"/wijkbudget/{world['wb']}/stemmen").status_code == status


def test_unknown_wijkbudget_and_image_are_404(client, world):
    assert client.get("/wijkbudget/999").status_code == 404
    assert client.get(f"/wijkbudget/afbeelding/{world['projects']['Bankjes']}").status_code == 404
