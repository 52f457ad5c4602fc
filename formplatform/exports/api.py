"""REST API v1 for exports: ask for one (202), follow its progress, download the file, list, delete.

A session or a bearer token: a user's, or an integration client's with the `submissions:read` scope.
Each principal sees only their own exports; the selection is limited to what they may read.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from formplatform.api import json_body, page_args
from formplatform.auth import current_principal
from formplatform.errors import BadRequest, Unauthorized
from formplatform.exports import api_bp, services
from formplatform.exports.pages import file_response
from formplatform.exports.runner import wake_runner
from formplatform.exports.selection import parse_selection
from formplatform.exports.words import FAILURES
from formplatform.paging import page_body
from i18n.babel import current_locale


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
def create_export() -> Any:
    principal = _principal()
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest("invalid_json")
    job = services.request_export(principal, parse_selection(body), current_locale())
    wake_runner()
    response = jsonify(_record(job))
    response.status_code = 202
    response.headers["Location"] = url_for("exports_api.export_status", job_id=job.id)
    return response


@api_bp.get("/exports")
def list_exports() -> Any:
    page, per_page = page_args()
    found = services.list_exports(_principal(), page=page, per_page=per_page)
    if any(job.state in ("queued", "running") for job in found.items):
        wake_runner()
    return jsonify(page_body(found, [_record(j) for j in found.items]))


@api_bp.get("/exports/<job_id>")
def export_status(job_id: str) -> Any:
    job = services.own_export(_principal(), job_id)
    if job.state in ("queued", "running"):
        wake_runner()
    return jsonify(_record(job))


@api_bp.get("/exports/<job_id>/file")
def export_file(job_id: str) -> Any:
    job, chunks = services.export_file(_principal(), job_id)
    return file_response(job, chunks)


@api_bp.delete("/exports/<job_id>")
def delete_export(job_id: str) -> Any:
    services.delete_export(_principal(), job_id)
    return "", 204
