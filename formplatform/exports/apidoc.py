"""The OpenAPI description of the export routes (merged by formplatform/openapi.py)."""

from __future__ import annotations

from typing import Any

from formplatform.openapi import _op

JOB = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}
WHO = (
    " A session or a bearer token: a user's, or an integration client's with the submissions:read scope "
    "(satisfaction:read for ratings). Each caller sees only their own exports (anyone else's answers 404); "
    "they are kept 7 days."
)
BODY = {
    "type": "object",
    "description": "form is required for submissions and reports; ratings default to the satisfaction questionnaire.",
    "properties": {
        "source": {
            "enum": ["submissions", "reports", "ratings"],
            "default": "submissions",
            "description": "ratings: every citizen's rating of a dossier (counted, flagged, rejected), one row each: "
            "dossier code, agency code and name, procedure code and name, the official of each stage, channel, "
            "capture and receipt times (Vietnam time), questionnaire version, points per criterion (one column per "
            "concept across questionnaire versions), total of 18, overall verdict, band, status and flags. Read "
            "with satisfaction.read over the caller's agencies (a district: itself and its wards).",
        },
        "form": {"type": "string", "description": "Form (or report template) key; not needed for ratings."},
        "format": {
            "enum": ["xlsx", "csv", "docx", "pdf"],
            "default": "xlsx",
            "description": "csv: one .csv, or a .zip of one per table; docx and pdf (A4 pages): ratings only",
        },
        "language": {
            "enum": ["vi", "en", "both"],
            "default": "vi",
            "description": "Column headers ('vi / en' for both).",
        },
        "agency": {
            "type": "array",
            "items": {"type": "string"},
            "maxItems": 50,
            "description": "Agency ids (each with its subordinate units), each within the caller's scope, else 404. "
            "Default: the caller's whole scope.",
        },
        "from": {
            "type": "string",
            "description": "submissions: first day submitted, ratings: first day rated (YYYY-MM-DD, Vietnam "
            "time); reports: first month a period may end in (YYYY-MM).",
        },
        "to": {"type": "string", "description": "Last day / month, inclusive."},
        "state": {
            "type": "array",
            "items": {"enum": ["not_started", "draft", "in_approval", "submitted", "returned", "accepted"]},
            "description": "reports only; default submitted and accepted.",
        },
    },
}
RECORD = (
    "id, state (queued, running, done, failed), progress {done, total, percent}, selection, created_at, error and "
    "error_message (failed), file {name, content_type, size, sha256} when done, links {self, file}"
)


def export_paths() -> dict[str, Any]:
    """Paths to merge into the API description."""
    create = _op(
        "Ask for a background export of a form's submissions, a template's reports or the citizens' ratings, "
        "across every published version: columns merged by concept, choice labels from the newest version, one "
        "table (XLSX sheet or CSV file) per grid and repeatable group linked by the record id. Answers 202 with "
        "the job and a Location to poll; at most 3 exports may wait or run per caller (else 409 "
        "too_many_exports)." + WHO,
        RECORD,
        400,
        401,
        403,
        404,
        409,
        422,
        body=BODY,
        auth=True,
        status="202",
    )
    listing = _op(
        "The caller's exports, newest first (page, per_page ≤ 100)." + WHO,
        "items, page, per_page, has_next (no total: a list is never counted)",
        400,
        401,
        auth=True,
    )
    status = _op(
        "One export's state and progress; poll until state is done or failed." + WHO, RECORD, 401, 404, auth=True
    )
    status["parameters"] = [JOB]
    file = _op(
        "The finished file (XLSX, CSV, ZIP, DOCX or PDF) as an attachment; 404 until done." + WHO,
        "the file",
        401,
        404,
        auth=True,
    )
    file["parameters"] = [JOB]
    delete = _op(
        "Delete an export and its file; a running export stops." + WHO, "deleted", 401, 404, auth=True, status="204"
    )
    delete["parameters"] = [JOB]
    return {
        "/exports": {"post": create, "get": listing},
        "/exports/{job_id}": {"get": status, "delete": delete},
        "/exports/{job_id}/file": {"get": file},
    }
