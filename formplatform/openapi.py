"""The OpenAPI 3.1 description of REST API v1 (served at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["path", "code", "message"],
                        "properties": {
                            "path": {"type": "string"},
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "params": {"type": "object"},
                        },
                    },
                },
                "diff": {"type": "object"},
            },
        }
    },
}


def _response(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    content = {"application/json": {"schema": schema or {"type": "object"}}}
    return {"description": description, "content": content}


def _errors(*codes: int) -> dict[str, Any]:
    words = {
        400: "Malformed request",
        401: "Not authenticated",
        403: "Not allowed",
        404: "Not found",
        409: "Conflict (stale draft revision, breaking change not confirmed, already archived)",
        410: "Form archived",
        422: "Validation failed; `errors` lists every problem with its path",
    }
    return {str(code): _response(words[code], {"$ref": "#/components/schemas/Error"}) for code in codes}


def _op(
    summary: str, ok: str, *errors: int, body: dict[str, Any] | None = None, auth: bool = False, status: str = "200"
) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "responses": {status: _response(ok), **_errors(*errors)}}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if auth:
        operation["security"] = [{"bearer": []}]
    return operation


KEY = {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}
NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
LANG = {
    "name": "lang",
    "in": "query",
    "schema": {"enum": ["vi", "en"]},
    "description": "Language of messages (also Accept-Language).",
}


def openapi_document() -> dict[str, Any]:
    """The whole API description."""
    paths = {
        "/auth/token": {
            "post": _op(
                "Exchange user name and password for a bearer token",
                "Token issued",
                400,
                401,
                status="201",
                body={
                    "type": "object",
                    "required": ["username", "password"],
                    "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
                },
            )
        },
        "/forms": {"get": _op("List published forms", "Forms")},
        "/forms/{key}": {"parameters": [KEY], "get": _op("A form with its published versions", "Form", 404)},
        "/forms/{key}/versions/{number}": {
            "parameters": [KEY, NUMBER],
            "get": _op("A published version: definition and its JSON Schema (draft 2020-12)", "Version", 404),
        },
        "/forms/{key}/draft": {
            "parameters": [KEY],
            "get": _op("The draft with translation warnings and its diff", "Draft", 401, 403, 404, auth=True),
            "put": _op(
                "Create the form or replace its draft (If-Match: revision)",
                "Draft saved",
                400,
                401,
                403,
                409,
                422,
                body={"type": "object", "description": "A form definition (FORMAT.md)"},
                auth=True,
            ),
        },
        "/forms/{key}/publish": {
            "parameters": [KEY],
            "post": _op(
                "Publish the draft as the next version",
                "Version published",
                401,
                403,
                404,
                409,
                422,
                status="201",
                auth=True,
                body={"type": "object", "properties": {"confirm_breaking": {"type": "boolean"}}},
            ),
        },
        "/forms/{key}/submissions": {
            "parameters": [KEY, LANG],
            "post": _op(
                "Submit answers (latest version unless `version` is given)",
                "Stored submission",
                400,
                401,
                404,
                410,
                422,
                status="201",
                body={
                    "type": "object",
                    "required": ["data"],
                    "properties": {"version": {"type": "integer"}, "data": {"type": "object"}},
                },
            ),
        },
        "/submissions/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "receipt", "in": "query", "schema": {"type": "string"}},
            ],
            "get": _op("A stored submission with the version it pins", "Submission", 401, 403, 404),
        },
        "/agencies": {
            "get": _op(
                "Agencies the caller may read (`q` searches code and names, `type` filters; paged by code)",
                "`{items, page, per_page, has_next}` (no total: counting every match would grow with history)",
                400,
                401,
                403,
                auth=True,
            )
            | {
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "type",
                        "in": "query",
                        "schema": {"enum": ["city", "department", "district", "division", "ward"]},
                    },
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                ]
            }
        },
        "/agencies/{agency_id}": {
            "parameters": [{"name": "agency_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": _op(
                "An agency with its contact person (404 outside the caller's scope)", "Agency", 401, 404, auth=True
            ),
        },
        "/agencies/{agency_id}/contact": {
            "parameters": [{"name": "agency_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "put": _op(
                "Replace the agency's contact person (cán bộ đầu mối)",
                "Agency with the new contact",
                400,
                401,
                404,
                422,
                auth=True,
                body={
                    "type": "object",
                    "required": ["name", "phone", "email"],
                    "properties": {
                        "name": {"type": "string", "maxLength": 200},
                        "position": {"type": "string", "maxLength": 200},
                        "phone": {"type": "string", "description": "0 or +84 followed by 9–10 digits"},
                        "email": {"type": "string", "format": "email"},
                    },
                },
            ),
        },
        "/me": {
            "get": _op(
                "Who the bearer is: a user with roles and agency, or an integration client", "Caller", 401, auth=True
            )
        },
        "/users": {
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "User name, name or e-mail."},
                {
                    "name": "agency_id",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "Home agency subtree.",
                },
                {"name": "role", "in": "query", "schema": {"type": "string"}},
                {"name": "status", "in": "query", "schema": {"enum": ["active", "locked", "closed"]}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
            ],
            "get": _op(
                "Accounts whose home agency is in the caller's users.manage scope", "Accounts", 400, 401, 403, auth=True
            ),
        },
        "/users/{user_id}": {
            "parameters": [{"name": "user_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": _op("One account (404 outside the caller's scope)", "Account", 401, 403, 404, auth=True),
        },
        "/audit": {
            "parameters": [
                {"name": "action", "in": "query", "schema": {"type": "string"}, "description": "Action prefix."},
                {"name": "actor", "in": "query", "schema": {"type": "string"}, "description": "Part of a user name."},
                {"name": "target", "in": "query", "schema": {"type": "string"}, "description": "Target id."},
                {"name": "outcome", "in": "query", "schema": {"enum": ["ok", "failed"]}},
                {
                    "name": "date_from",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "First day (UTC), dd/mm/yyyy or yyyy-mm-dd.",
                },
                {
                    "name": "date_to",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "Last day (UTC, inclusive), dd/mm/yyyy or yyyy-mm-dd.",
                },
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
            ],
            "get": _op(
                "Audit events in the caller's scope, newest first (read-only: events are append-only)",
                "`{items, page, per_page, has_next}` (no total: counting every match would grow with history)",
                400,
                401,
                403,
                auth=True,
            ),
        },
        "/files": {
            "post": {
                "summary": "Upload an evidence file (multipart field `file`)",
                "security": [{"bearer": []}],
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                        }
                    }
                },
                "responses": {"201": _response("File reference"), **_errors(400, 401, 422)},
            }
        },
    }
    from formplatform.designer.apidoc import designer_paths

    for path, operations in designer_paths().items():
        paths.setdefault(path, {}).update(operations)
    paths.update(__import__("formplatform.reporting.signature_apidoc", fromlist=["_"]).signature_paths())
    paths.update(__import__("formplatform.reporting.report_apidoc", fromlist=["_"]).report_paths())  # reports
    paths.update(__import__("formplatform.reporting.campaign_apidoc", fromlist=["_"]).campaign_paths())  # campaigns
    paths.update(__import__("formplatform.satisfaction.dossier_apidoc", fromlist=["_"]).dossier_paths())  # dossiers
    paths.update(__import__("formplatform.satisfaction.results_apidoc", fromlist=["_"]).results_paths())  # results
    paths.update(__import__("formplatform.dashboards.aggregates_apidoc", fromlist=["_"]).aggregates_paths())
    paths.update(__import__("formplatform.exports.apidoc", fromlist=["_"]).export_paths())  # exports
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "HCMC form platform API",
            "version": "1.0.0",
            "description": "Versioned bilingual forms, submissions and evidence files.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
