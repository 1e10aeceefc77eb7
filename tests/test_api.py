"""The read-only JSON API and its OpenAPI document."""

import pytest

from deliberatie.extensions import db
from deliberatie.models import TrajectStatus
from tests.factories import make_gemeente, make_traject

jsonschema = pytest.importorskip("jsonschema")


@pytest.fixture
def data(app):
    gemeente = make_gemeente()
    open_traject = make_traject(gemeente)
    concept = make_traject(gemeente, status=TrajectStatus.CONCEPT, title="Concept")
    db.session.commit()
    return dict(gemeente=gemeente.id, wijk=gemeente.wijken[0].id, open=open_traject.id, concept=concept.id)


def _validator(client, schema):
    document = client.get("/api/v1/openapi.json").get_json()
    resolver_schema = dict(schema, components=document["components"])
    return jsonschema.Draft202012Validator(resolver_schema)


def _schema_for(client, path, status="200"):
    document = client.get("/api/v1/openapi.json").get_json()
    response = document["paths"][path]["get"]["responses"][status]
    return response["content"]["application/json"]["schema"]


@pytest.mark.parametrize("path,template", [
    ("/api/v1/gemeente", "/gemeente"), ("/api/v1/wijken", "/wijken"),
    ("/api/v1/wijken/{wijk}", "/wijken/{wijk_id}"), ("/api/v1/trajecten", "/trajecten"),
    ("/api/v1/trajecten/{open}", "/trajecten/{traject_id}")])
def test_responses_match_openapi(client, data, path, template):
    response = client.get(path.format(**data))
    assert response.status_code == 200 and response.is_json
    _validator(client, _schema_for(client, template)).validate(response.get_json())


def test_openapi_lists_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    routes = {rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    routes.discard("/openapi.json")
    assert routes == set(document["paths"])


def test_concept_trajecten_are_not_published(client, data):
    ids = [t["id"] for t in client.get("/api/v1/trajecten").get_json()]
    assert data["open"] in ids and data["concept"] not in ids
    response = client.get(f"/api/v1/trajecten/{data['concept']}")
    assert response.status_code == 404 and response.get_json() == {"status": 404, "title": "Pagina niet gevonden"}


def test_wijk_population_figures(client, data):
    wijk = client.get(f"/api/v1/wijken/{data['wijk']}").get_json()
    assert wijk["inwoners"] == 210
    assert {(p["category"], p["count"]) for p in wijk["populatie"]} == {("man", 100), ("vrouw", 110)}


def test_api_is_read_only(client, data):
    assert client.post("/api/v1/trajecten").status_code == 405


def test_open_data_readable_from_other_sites_without_credentials(client, data):
    """A dashboard on another origin may fetch the open data; cookies never come along."""
    for path in ("/api/v1/trajecten", f"/api/v1/trajecten/{data['open']}", "/api/v1/openapi.json",
                 f"/api/v1/trajecten/{data['concept']}"):
        response = client.get(path, headers={"Origin": "https://dashboard.example"})
        assert response.headers.get("Access-Control-Allow-Origin") == "*", path
        assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": "https://x.example"}).headers
