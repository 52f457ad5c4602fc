"""REST API v1 for exports: ask for one (202), follow its progress, download the file, list, delete.

A session or a bearer token: a user's, or an integration client's with the `submissions:read` scope.
Each principal sees only their own exports; the selection is limited to what they may read.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from pydantic import Field

from formplatform.api import json_body
from formplatform.apispec import AUTH, Open, Page, Paging, api, ok, paging
from formplatform.auth import current_principal
from formplatform.errors import Unauthorized
from formplatform.exports import api_bp, services
from formplatform.exports.pages import file_response
from formplatform.exports.runner import wake_runner
from formplatform.exports.selection import parse_selection
from formplatform.exports.words import FAILURES
from formplatform.paging import page_body
from i18n.babel import current_locale


class CreateExportBody(Open):
    """form is required for submissions and reports; ratings default to the satisfaction questionnaire."""

    source: Any = Field(
        "submissions",
        description=(
            "One of: submissions, reports, ratings. ratings: every citizen's rating of a dossier (counted, "
            "flagged, rejected), one row each: dossier "
            "code, agency code and name, procedure code and name, the official of each stage, channel, capture "
            "and receipt times (Vietnam time), questionnaire version, points per criterion (one column per "
            "concept across questionnaire versions), total of 18, overall verdict, band, status and flags. Read"
            " with satisfaction.read over the caller's agencies (a district: itself and its wards)."
        ),
    )
    form: Any = Field(None, description="Form (or report template) key; not needed for ratings.")
    format: Any = Field(
        "xlsx",
        description=(
            "One of: xlsx, csv, docx, pdf. csv: one .csv, or a .zip of one per table; docx and pdf (A4 pages): "
            "ratings only"
        ),
    )
    language: Any = Field("vi", description="One of: vi, en, both (column headers 'vi / en').")
    agency: Any = Field(
        None,
        description=(
            "Agency ids (each with its subordinate units), each within the caller's scope, else 404. Default: "
            "the caller's whole scope."
        ),
    )
    from_: Any = Field(
        None,
        description=(
            "submissions: first day submitted, ratings: first day rated (YYYY-MM-DD, Vietnam time); reports: "
            "first month a period may end in (YYYY-MM)."
        ),
        alias="from",
    )
    to: Any = Field(None, description="Last day / month, inclusive.")
    state: Any = Field(None, description="reports only; default submitted and accepted.")


def _principal() -> Any:
    principal = current_principal()
    if principal is None:
        raise Unauthorized()
    return principal


def _record(job: Any) -> dict[str, Any]:
    record = services.export_record(job)
    record["error_message"] = str(FAILURES[job.error]) if job.error in FAILURES else None
    record["links"] = {
        "self": url_for("exports_api.export_status", job_id=job.id),
        "file": url_for("exports_api.export_file", job_id=job.id) if job.state == "done" else None,
    }
    return record


@api_bp.post("/exports")
@api.validate(json=CreateExportBody, resp=ok(Open, 202, HTTP_409=None), tags=["exports"], security=AUTH)
def create_export() -> Any:
    """Ask for a background export of a form's submissions, a template's reports or the citizens' ratings, across every
    published version: columns merged by concept, choice labels from the newest version, one table (XLSX sheet or
    CSV file) per grid and repeatable group linked by the record id. Answers 202 with the job and a Location to
    poll; at most 3 exports may wait or run per caller (else 409 too_many_exports). A session or a bearer token: a
    user's, or an integration client's with the submissions:read scope (satisfaction:read for ratings). Each caller
    sees only their own exports (anyone else's answers 404); they are kept 7 days.
    """
    principal = _principal()
    body = json_body()  # an object: the declaration checked it
    job = services.request_export(principal, parse_selection(body), current_locale())
    wake_runner()
    response = jsonify(_record(job))
    response.status_code = 202
    response.headers["Location"] = url_for("exports_api.export_status", job_id=job.id)
    return response


@api_bp.get("/exports")
@api.validate(query=Paging, resp=ok(Page), tags=["exports"], security=AUTH)
def list_exports() -> Any:
    """The caller's exports, newest first (page, per_page ≤ 100). A session or a bearer token: a user's, or an
    integration client's with the submissions:read scope (satisfaction:read for ratings). Each caller sees only
    their own exports (anyone else's answers 404); they are kept 7 days.
    """
    page, per_page = paging()
    found = services.list_exports(_principal(), page=page, per_page=per_page)
    if any(job.state in ("queued", "running") for job in found.items):
        wake_runner()
    return jsonify(page_body(found, [_record(j) for j in found.items]))


@api_bp.get("/exports/<job_id>")
@api.validate(resp=ok(Open), tags=["exports"], security=AUTH)
def export_status(job_id: str) -> Any:
    """One export's state and progress; poll until state is done or failed. A session or a bearer token: a user's, or
    an integration client's with the submissions:read scope (satisfaction:read for ratings). Each caller sees only
    their own exports (anyone else's answers 404); they are kept 7 days.
    """
    job = services.own_export(_principal(), job_id)
    if job.state in ("queued", "running"):
        wake_runner()
    return jsonify(_record(job))


@api_bp.get("/exports/<job_id>/file")
@api.validate(resp=ok(None), tags=["exports"], security=AUTH)
def export_file(job_id: str) -> Any:
    """The finished file (XLSX, CSV, ZIP, DOCX or PDF) as an attachment; 404 until done. A session or a bearer token: a
    user's, or an integration client's with the submissions:read scope (satisfaction:read for ratings). Each caller
    sees only their own exports (anyone else's answers 404); they are kept 7 days.
    """
    job, chunks = services.export_file(_principal(), job_id)
    return file_response(job, chunks)


@api_bp.delete("/exports/<job_id>")
@api.validate(resp=ok(None, 204), tags=["exports"], security=AUTH)
def delete_export(job_id: str) -> Any:
    """Delete an export and its file; a running export stops. A session or a bearer token: a user's, or an integration
    client's with the submissions:read scope (satisfaction:read for ratings). Each caller sees only their own
    exports (anyone else's answers 404); they are kept 7 days.
    """
    services.delete_export(_principal(), job_id)
    return "", 204
