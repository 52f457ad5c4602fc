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
        409: "Conflict (stale draft revision, or breaking change not confirmed)",
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
