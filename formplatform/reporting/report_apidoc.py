"""The OpenAPI description of the report routes (list, read, save, the chain, history, changes)."""

from __future__ import annotations

from typing import Any

from formplatform.openapi import _op

REPORT_ID = {"name": "report_id", "in": "path", "required": True, "schema": {"type": "string"}}
PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]
FILTERS = [
    {
        "name": "state",
        "in": "query",
        "schema": {"enum": ["not_started", "draft", "in_approval", "submitted", "returned", "accepted", "overdue"]},
    },
    {"name": "campaign", "in": "query", "schema": {"type": "string"}, "description": "Campaign id."},
    {"name": "form", "in": "query", "schema": {"type": "string"}, "description": "Template key."},
    {"name": "period", "in": "query", "schema": {"type": "string"}, "description": "Period key, e.g. 2026-M11."},
    {"name": "agency", "in": "query", "schema": {"type": "string"}, "description": "Agency id."},
]
STEP = {"type": "integer", "minimum": 0, "description": "The step you saw; another one answers 409."}
COMMENT = {"type": "string", "maxLength": 4000}
SAVE = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {"type": "object", "description": "Answers (agency) or the reviewer-only fields (review step)."},
        "exempt_areas": {"type": "array", "items": {"type": "string"}, "description": "PAR areas (reviewer)."},
        "comment": COMMENT | {"description": "The reviewer's general comment, kept with the review."},
        "field_comments": {
            "type": "object",
            "additionalProperties": COMMENT,
            "description": "Reviewer: section or field name -> comment, kept with the review (omitted: unchanged).",
        },
    },
}
MOVE = {"type": "object", "properties": {"comment": COMMENT, "step": STEP}}
FIELD_COMMENTS = {"type": "object", "additionalProperties": COMMENT}
ACCEPT = {
    "type": "object",
    "properties": {
        "comment": COMMENT,
        "field_comments": FIELD_COMMENTS
        | {"description": "Section or field name -> comment (omitted: those saved with the review)."},
        "step": STEP,
    },
}
RETURN = {
    "type": "object",
    "properties": {
        "comment": COMMENT,
        "field_comments": FIELD_COMMENTS
        | {"description": "Section or field name -> comment; at least one comment overall."},
        "step": STEP,
    },
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "schema": {"type": "string"},
    "description": "The revision you read (ETag); a stale one answers 409.",
}


def _move(summary: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "parameters": [REPORT_ID],
        "post": _op(summary, "The report after the move", 400, 401, 403, 404, 409, 422, body=body, auth=True),
    }


def report_paths() -> dict[str, dict[str, Any]]:
    """Path items of the report API."""
    auth = {"auth": True}
    return {
        "/reports": {
            "get": _op(
                "Reports the caller may read, newest deadline first (paged, never counted)",
                "`{items, page, per_page, has_next}`",
                400,
                401,
                403,
                **auth,
            )
            | {"parameters": [*FILTERS, *PAGING]}
        },
        "/reports/{report_id}": {
            "parameters": [REPORT_ID],
            "get": _op(
                "A report: content, reviewer entries, step, whether you act now (ETag: revision)",
                "Report",
                401,
                404,
                **auth,
            ),
            "put": _op(
                "Save the draft leniently (problems listed) or, at review, the reviewer's entries",
                "Saved report with `problems`",
                400,
                401,
                403,
                404,
                409,
                422,
                body=SAVE,
                **auth,
            )
            | {"parameters": [IF_MATCH]},
        },
        "/reports/{report_id}/submit": _move("Submit (every answer checked; 422 lists every problem)", MOVE),
        "/reports/{report_id}/approve": _move("Approve at an agency step (signing steps sign instead)", MOVE),
        "/reports/{report_id}/send-back": _move("Send back to the drafter with a comment (required)", MOVE),
        "/reports/{report_id}/accept": _move("Accept (reviewing agency), with comments per section or item", ACCEPT),
        "/reports/{report_id}/return": _move("Return for supplementation with comments per section or field", RETURN),
        "/reports/{report_id}/history": {
            "parameters": [REPORT_ID],
            "get": _op("Every step and every kept revision", "History", 401, 404, **auth),
        },
        "/reports/{report_id}/changes": {
            "parameters": [
                REPORT_ID,
                {"name": "a", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "b", "in": "query", "schema": {"type": "integer", "minimum": 1}},
            ],
            "get": _op(
                "What changed between two revisions (default: last two submissions)", "Changes", 400, 401, 404, **auth
            ),
        },
    }
