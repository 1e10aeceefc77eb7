"""Every statistiek route for every role: login first, then 403, else 200."""


ROLES = [None, "ina@example.org", "ander@example.org", "raad@example.org", "org@example.org",
         "beheer@example.org"]


def _paths(world):
    t, c = world["traject"], world["concept"]
    return {
        "bevolking": "/statistiek/bevolking",
        "importeren": "/statistiek/bevolking/importeren",
        "traject": f"/statistiek/traject/{t}",
        "groep": f"/statistiek/traject/{t}/test-1-panel",
        "concept": f"/statistiek/traject/{c}",
        "concept_groep": f"/statistiek/traject/{c}/test-2-panel",
    }


EXPECTED = {  # anonymous, inwoner, other organiser, raadslid, organiser, beheerder
    "bevolking": (302, 403, 200, 200, 200, 200),
    "importeren": (302, 403, 403, 403, 403, 200),
    "traject": (302, 403, 403, 200, 200, 200),
    "groep": (302, 403, 403, 200, 200, 200),
    "concept": (302, 404, 404, 404, 200, 200),
    "concept_groep": (302, 404, 404, 404, 200, 200),
}


def test_every_route_by_role(client, auth, world):
    paths = _paths(world)
    for who_index, who in enumerate(ROLES):
        if who:
            auth.login(who)
        for route, statuses in EXPECTED.items():
            response = client.get(paths[route])
            assert response.status_code == statuses[who_index], (route, who)
            if statuses[who_index] == 302:
                assert "/auth/inloggen" in response.headers["Location"]
        if who:
            auth.logout()


def test_import_post_is_beheerder_only(client, auth, world):
    for who in ("org@example.org", "raad@example.org"):
        auth.login(who)
        assert client.post("/statistiek/bevolking/importeren", data={}).status_code == 403
        auth.logout()
    assert client.post("/statistiek/bevolking/importeren", data={}).status_code == 302


def test_unknown_group_and_traject_are_404(client, auth, world):
    auth.login("org@example.org")
    assert client.get(f"/statistiek/traject/{world['traject']}/bestaat-niet").status_code == 404
    assert client.get("/statistiek/traject/999").status_code == 404


def test_traject_page_links_to_statistics_for_those_who_may_see_them(client, auth, world):
    link = f"/statistiek/traject/{world['traject']}"
    for who, shown in [("org@example.org", True), ("raad@example.org", True), ("beheer@example.org", True),
                       ("ina@example.org", False), ("ander@example.org", False)]:
        auth.login(who)
        assert (link in client.get(f"/trajecten/{world['traject']}").text) is shown, who
        auth.logout()
