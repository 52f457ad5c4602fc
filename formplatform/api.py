"""REST API v1: thin views over the services; JSON in, JSON out, errors with stable codes."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for

from formplatform.accounts import services as accounts
from formplatform.auth import current_principal, current_user, require_login, require_permission
from formplatform.errors import BadRequest, Forbidden, NotFound, localize_problems
from formplatform.models import Form, FormVersion
from formplatform.openapi import openapi_document
from formplatform.paging import MAX_PAGE, page_body
from formplatform.permissions import allows, design_owner
from formplatform.receipts import can_read_submission, make_receipt
from formplatform.security import protect_session_writes
from formplatform.services import files, forms, submissions
from i18n.babel import current_locale

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(protect_session_writes)


def json_body() -> Any:
    """The parsed JSON body; malformed JSON is a 400 with a stable code, never a 500."""
    body = request.get_json(silent=True)
    if body is None:
        raise BadRequest("invalid_json")
    return body


def form_summary(form: Form) -> dict[str, Any]:
    return {
        "key": form.id,
        "kind": form.kind,
        "title": form.title,
        "status": form.status,
        "latest_version": form.latest_version,
        "url": url_for("api.read_form", key=form.id, _external=False),
    }


def version_summary(version: FormVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "hash": version.hash,
        "published_at": version.published_at.isoformat() + "Z",
        "published_by": version.published_by,
        "submission_count": version.submission_count,
        "breaking": bool((version.diff or {}).get("breaking")),
    }


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(openapi_document())


@bp.post("/auth/token")
def issue_token() -> Any:
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest("invalid_json")
    user = accounts.authenticate(str(body.get("username", "")), str(body.get("password", "")), ip=client_ip())
    if user.must_change_password:
        raise Forbidden("password_change_required")
    token, record = accounts.issue_token(user, hours=current_app.config["TOKEN_TTL_HOURS"], name="api")
    return jsonify({"token": token, "token_type": "Bearer", "expires_at": record.expires_at.isoformat() + "Z"}), 201


@bp.get("/forms")
def list_forms() -> Any:
    include_archived = request.args.get("archived") == "1"
    items = [form_summary(f) for f in forms.list_forms(include_archived=include_archived)]
    return jsonify({"items": items, "count": len(items)})


@bp.get("/forms/<key>")
def read_form(key: str) -> Any:
    form = forms.get_form(key)
    if form.latest_version == 0 and not allows(current_principal(), "forms.design", form.owner_agency_id):
        raise NotFound()
    versions = [version_summary(v) for v in forms.list_versions(key)]
    return jsonify({**form_summary(form), "versions": versions})


@bp.get("/forms/<key>/versions/<int:number>")
def read_version(key: str, number: int) -> Any:
    version = forms.get_version(key, number)
    return jsonify(
        {
            "key": key,
            **version_summary(version),
            "definition": version.definition,
            "schema": version.schema,
            "diff": version.diff,
        }
    )


@bp.get("/forms/<key>/draft")
@require_permission("forms.design")
def read_draft(key: str) -> Any:
    design_owner(current_principal(), key)
    form = forms.get_form(key, with_draft=True)
    _, diff = forms.preview_publish(key)
    return jsonify(
        {
            "key": key,
            "revision": form.draft_revision,
            "definition": form.draft,
            "warnings": localize_problems(forms.draft_warnings(form)),
            "diff": diff.as_dict(),
        }
    )


@bp.put("/forms/<key>/draft")
@require_permission("forms.design")
def write_draft(key: str) -> Any:
    return _save_draft(key, json_body(), request.headers.get("If-Match") or request.args.get("revision"))


@bp.post("/forms/<key>/draft")
@require_permission("forms.design")
def write_draft_on_leaving(key: str) -> Any:
    """The designer's last save as the page is left (navigator.sendBeacon): a form post, since a beacon
    carries no custom headers, with `definition` (JSON text), `revision` and `csrf_token` fields."""
    try:
        definition = json.loads(request.form.get("definition", ""))
    except ValueError:
        raise BadRequest("invalid_json") from None
    return _save_draft(key, definition, request.form.get("revision"))


def _save_draft(key: str, definition: Any, expected: str | None) -> Any:
    """Replace the draft; `expected` is the draft revision the writer started from (a stale one is 409)."""
    owner = design_owner(current_principal(), key)
    if expected is not None and not str(expected).strip('"').isdigit():
        raise BadRequest("bad_revision")
    existed = Form.objects(id=key).first() is not None
    form = forms.save_draft(
        key,
        definition,
        current_user(),
        expected_revision=int(str(expected).strip('"')) if expected is not None else None,
        owner_agency_id=owner,
    )
    _, diff = forms.preview_publish(key)
    body = {
        "key": key,
        "revision": form.draft_revision,
        "warnings": localize_problems(forms.draft_warnings(form)),
        "diff": diff.as_dict(),
    }
    return jsonify(body), 200 if existed else 201


@bp.post("/forms/<key>/publish")
@require_permission("forms.design")
def publish(key: str) -> Any:
    design_owner(current_principal(), key)
    body = request.get_json(silent=True) or {}
    confirm = bool(body.get("confirm_breaking")) if isinstance(body, dict) else False
    version = forms.publish_form(key, current_user(), confirm_breaking=confirm)
    return jsonify({"key": key, **version_summary(version), "diff": version.diff}), 201


@bp.post("/forms/<key>/submissions")
def submit(key: str) -> Any:
    body = json_body()
    if not isinstance(body, dict) or "data" not in body:
        raise BadRequest("invalid_json")
    version = body.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise BadRequest("bad_version")
    agency_id = body.get("agency_id")
    if agency_id is not None and not isinstance(agency_id, str):
        raise BadRequest("bad_agency")
    submission = submissions.submit_form(
        key,
        body["data"],
        version=version,
        locale=current_locale(),
        source="api",
        actor=current_principal(),
        agency_id=agency_id,
    )
    record = submissions.submission_record(submission)
    record["receipt"] = make_receipt(submission.id)
    return jsonify(record), 201


@bp.get("/submissions/<submission_id>")
def read_submission(submission_id: str) -> Any:
    submission = submissions.get_submission(submission_id)
    if not can_read_submission(submission, current_principal(), request.args.get("receipt")):
        raise NotFound()  # outside the caller's scope: do not even confirm it exists
    return jsonify(submissions.submission_record(submission))


@bp.get("/forms/<key>/submissions")
@require_permission("submissions.read")
def list_form_submissions(key: str) -> Any:
    forms.get_form(key)
    page, per_page = page_args()
    found = submissions.list_submissions(key, current_principal(), page=page, per_page=per_page)
    return jsonify(page_body(found, [submissions.submission_record(s) for s in found.items]))


def page_args() -> tuple[int, int]:
    """?page= (1 to MAX_PAGE) and ?per_page= (1–100), with a 400 on nonsense, never a 500 on a huge number."""
    page_text, size_text = request.args.get("page", "1"), request.args.get("per_page", "20")
    digits = all(text.isascii() and text.isdecimal() for text in (page_text, size_text))
    if not (digits and len(page_text) <= 6 and len(size_text) <= 3):
        raise BadRequest("bad_page")
    page, per_page = int(page_text), int(size_text)
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= 100:
        raise BadRequest("bad_page")
    return page, per_page


def client_ip() -> str:
    return request.remote_addr or ""


@bp.post("/files")
@require_login
def upload_file() -> Any:
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest("file_required")
    content = upload.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
    record = files.store_file(
        upload.filename or "file",
        upload.mimetype,
        content,
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
        actor=current_user(),
    )
    return jsonify(record.reference()), 201
