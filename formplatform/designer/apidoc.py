"""The OpenAPI description of the designer's routes, merged into /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from formplatform.openapi import KEY, NUMBER, _errors, _op, _response

BILINGUAL = {"type": "object", "properties": {"vi": {"type": "string"}, "en": {"type": "string"}}}
DETAILS = {
    "type": "object",
    "required": ["key", "title"],
    "properties": {
        "key": {"type": "string", "pattern": "^[a-z][a-z0-9-]{1,63}$"},
        "kind": {"enum": ["report", "kpi_sheet", "assessment", "questionnaire"]},
        "title": BILINGUAL,
        "description": BILINGUAL,
        "owner_agency_id": {"type": "string", "description": "Defaults to the caller's designer agency."},
    },
}
FORMAT = {"name": "format", "in": "query", "schema": {"enum": ["json", "xlsx"], "default": "json"}}
PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]


def _download(summary: str) -> dict[str, Any]:
    files = {"application/json": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "responses": {
            "200": {"description": "The file, as an attachment", "content": files},
            **_errors(400, 401, 403, 404),
        },
    }


def _import() -> dict[str, Any]:
    form = {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "An XLSForm .xlsx or a Form.io .json"},
            "key": {"type": "string", "description": "New form key (required for Form.io; default: form_id)"},
            "language": {"enum": ["vi", "en"], "description": "Language of Form.io labels"},
            "owner_agency_id": {"type": "string"},
        },
    }
    return {
        "summary": "Import a form into a new key: `?dry_run=1` only reports (problems by row, fields found)",
        "security": [{"bearer": []}],
        "parameters": [{"name": "dry_run", "in": "query", "schema": {"enum": ["0", "1"]}}],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": form}}},
        "responses": {
            "200": _response("Dry run: the report and the converted definition"),
            "201": _response("Draft created"),
            **_errors(400, 401, 403, 422),
            "413": _response("File larger than the upload limit", {"$ref": "#/components/schemas/Error"}),
        },
    }


def designer_paths() -> dict[str, dict[str, Any]]:
    """Path items (or operations to add to existing path items) of the designer API."""
    return {**_form_paths(), **_version_paths()}


def _form_paths() -> dict[str, dict[str, Any]]:
    auth = {"auth": True}
    return {
        "/designer/forms": {
            "get": _op(
                "Forms the caller may design, with status, counts and draft state", "Forms", 400, 401, 403, **auth
            )
            | {
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Key or title."},
                    {"name": "kind", "in": "query", "schema": {"type": "string"}},
                    {"name": "status", "in": "query", "schema": {"enum": ["active", "archived", "draft"]}},
                    *PAGING,
                ]
            }
        },
        "/forms": {
            "post": _op(
                "Create a form with an empty draft",
                "Form created",
                400,
                401,
                403,
                422,
                status="201",
                body=DETAILS,
                **auth,
            )
        },
        "/forms/{key}/duplicate": {
            "parameters": [KEY],
            "post": _op(
                "Copy the draft (or `version`) to a new key without concepts",
                "Copy created",
                400,
                401,
                403,
                404,
                422,
                status="201",
                body={**DETAILS, "properties": {**DETAILS["properties"], "version": {"type": "integer", "minimum": 1}}},
                **auth,
            ),
        },
        "/forms/{key}/archive": {
            "parameters": [KEY],
            "post": _op("Archive: no new submissions; history kept", "Archived form", 401, 403, 404, 409, **auth),
        },
        "/forms/{key}/restore": {
            "parameters": [KEY],
            "post": _op("Restore an archived form", "Active form", 401, 403, 404, 409, **auth),
        },
    }


def _version_paths() -> dict[str, dict[str, Any]]:
    auth = {"auth": True}
    return {
        "/forms/{key}/publish": {
            "get": _op("Publish review: diff, problems and missing translations", "Review", 401, 403, 404, **auth)
        },
        "/forms/{key}/compare": {
            "parameters": [
                KEY,
                {"name": "a", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "b", "in": "query", "schema": {"type": "integer", "minimum": 1}},
            ],
            "get": _op("Diff between two published versions", "Diff", 400, 401, 403, 404, **auth),
        },
        "/forms/{key}/versions/{number}/export": {
            "parameters": [KEY, NUMBER, FORMAT],
            "get": _download("Download a version as JSON or as an XLSForm workbook"),
        },
        "/forms/{key}/draft/export": {
            "parameters": [KEY, FORMAT],
            "get": _download("Download the draft as JSON or as an XLSForm workbook"),
        },
        "/forms/import": {"post": _import()},
    }
