"""The OpenAPI 3.1 document of /api/v1."""

from .. import __version__

_ERROR = {"description": "Not found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(schema):
    return {"description": "OK", "content": {"application/json": {"schema": schema}}}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _id_param(name):
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}}]


SCHEMAS = {
    "Error": {"type": "object", "required": ["status", "title"],
              "properties": {"status": {"type": "integer"}, "title": {"type": "string"}}},
    "Gemeente": {
        "type": "object", "required": ["id", "name", "cbs_code", "wijken"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                       "cbs_code": {"type": "string"},
                       "wijken": {"type": "array", "items": {"type": "integer"}}},
    },
    "Wijk": {
        "type": "object", "required": ["id", "name", "cbs_code", "inwoners"],
        "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "cbs_code": {"type": "string"},
            "inwoners": {"type": "integer", "minimum": 0},
            "populatie": {"type": "array", "items": {
                "type": "object", "required": ["variable", "category", "count", "base"],
                "properties": {"variable": {"type": "string"}, "category": {"type": "string"},
                               "count": {"type": "integer", "minimum": 0}, "base": {"type": "string"}}}},
        },
    },
    "Traject": {
        "type": "object",
        "required": ["id", "title", "opgave", "status", "participatieladder", "kaders", "belofte",
                     "wijken", "fasen", "terugkoppeling"],
        "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"}, "opgave": {"type": "string"},
            "status": {"type": "string", "enum": ["open", "afgerond"]},
            "participatieladder": {"type": "string", "enum": [
                "informeren", "raadplegen", "adviseren", "coproduceren", "meebeslissen"]},
            "kaders": {"type": "string"}, "belofte": {"type": "string"},
            "wijken": {"type": "array", "items": {"type": "integer"}},
            "fasen": {"type": "array", "items": {
                "type": "object", "required": ["name", "starts_on", "ends_on"],
                "properties": {"name": {"type": "string"},
                               "starts_on": {"type": "string", "format": "date"},
                               "ends_on": {"type": "string", "format": "date"}}}},
            "terugkoppeling": {"type": "array", "items": {
                "type": "object", "required": ["title", "body", "published_on"],
                "properties": {"title": {"type": "string"}, "body": {"type": "string"},
                               "published_on": {"type": "string", "format": "date"}}}},
        },
    },
}


def openapi_document():
    return {
        "openapi": "3.1.0",
        "info": {"title": "Deliberatie open data API", "version": __version__,
                 "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/gemeente": {"get": {"summary": "The municipality", "operationId": "getGemeente",
                                  "responses": {"200": _ok(_ref("Gemeente")), "404": _ERROR}}},
            "/wijken": {"get": {"summary": "All wijken", "operationId": "listWijken",
                                "responses": {"200": _ok({"type": "array", "items": _ref("Wijk")})}}},
            "/wijken/{wijk_id}": {"get": {
                "summary": "One wijk with its population figures", "operationId": "getWijk",
                "parameters": _id_param("wijk_id"),
                "responses": {"200": _ok(_ref("Wijk")), "404": _ERROR}}},
            "/trajecten": {"get": {"summary": "Public trajecten", "operationId": "listTrajecten",
                                   "responses": {"200": _ok({"type": "array", "items": _ref("Traject")})}}},
            "/trajecten/{traject_id}": {"get": {
                "summary": "One public traject", "operationId": "getTraject",
                "parameters": _id_param("traject_id"),
                "responses": {"200": _ok(_ref("Traject")), "404": _ERROR}}},
        },
        "components": {"schemas": SCHEMAS},
    }
