"""The JSON API fuzzed from its own OpenAPI document, through the WSGI app (no network).

Schemathesis generates requests for every operation in /api/v1/openapi.json
(ids in and out of range, odd query strings) and checks every response: no
5xx, status code documented, body and content type as the schema says. Runs on
SQLite and PostgreSQL with a small seeded municipality, so found ids exist.
"""

import contextvars

import schemathesis
from hypothesis import HealthCheck, settings

CASES_PER_OPERATION = 25
CASES = {"count": 0}


def _isolated(app):
    """Each request in an empty context, as on a server (like tests/conftest.py's IsolatedClient)."""
    def wsgi(environ, start_response):
        return list(contextvars.Context().run(app, environ, start_response))
    return wsgi


def test_api_conforms_to_its_schema(app):
    """Every operation, CASES_PER_OPERATION generated cases each (schemathesis' checks on every response)."""
    from hypothesis import given

    from deliberatie.extensions import db
    from deliberatie.models import Role, TrajectStatus
    from tests.factories import make_gemeente, make_traject, make_user

    gemeente = make_gemeente()
    organiser = make_user(Role.ORGANISATOR)
    make_traject(gemeente, organisator=organiser)
    make_traject(gemeente, organisator=organiser, status=TrajectStatus.CONCEPT, title="Nog geheim")
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _isolated(app))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    counts = {}
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        counts[label] = 0

        @settings(max_examples=CASES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        @given(case=operation.as_strategy())
        def run(case):
            counts[label] += 1
            response = case.call_and_validate()
            assert response.status_code < 500

        run()
    CASES["count"] += sum(counts.values())
    print(f"schemathesis: {sum(counts.values())} cases over {len(counts)} operations: {counts}")
    assert all(counts.values())


def test_concept_trajecten_stay_out_of_the_api(app, client):
    """The fuzzing cannot know what must be absent: a concept traject never appears."""
    from deliberatie.extensions import db
    from deliberatie.models import Role, TrajectStatus
    from tests.factories import make_gemeente, make_traject, make_user

    gemeente = make_gemeente()
    hidden = make_traject(gemeente, organisator=make_user(Role.ORGANISATOR), status=TrajectStatus.CONCEPT,
                          title="Nog geheim")
    db.session.commit()
    listed = client.get("/api/v1/trajecten").get_json()
    items = listed if isinstance(listed, list) else listed.get("items", listed.get("trajecten", []))
    assert all(item.get("id") != hidden.id for item in items)
    assert client.get(f"/api/v1/trajecten/{hidden.id}").status_code == 404


def test_huge_ids_are_not_found(app, client):
    """Found by this fuzzing (a 500 from the database), fixed in 9a34c78: ids beyond INTEGER are a 404."""
    for url in (f"/api/v1/wijken/{2**63}", f"/api/v1/trajecten/{2**31}", f"/trajecten/{2**40}"):
        assert client.get(url).status_code == 404, url
