"""REST API v1: thin views over the services; JSON in, JSON out, errors with stable codes."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from pydantic import BaseModel, Field

from form_definitions.problems import Problem
from formplatform.accounts import services as accounts
from formplatform.apispec import AUTH, Open, Page, Paging, Submission, api, json_body, ok, openapi_document, paging
from formplatform.auth import current_principal, current_user, require_login, require_permission
from formplatform.errors import BadRequest, Forbidden, Invalid, NotFound, localize_problems
from formplatform.models import Form, FormVersion
from formplatform.paging import MAX_PAGE, page_body
from formplatform.permissions import allows, design_owner
from formplatform.receipts import can_read_submission, make_receipt
from formplatform.security import protect_session_writes
from formplatform.services import files, forms, submissions
from i18n.babel import current_locale

bp = Blueprint("api", __name__, url_prefix="/api/v1")
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "worker-src 'self' blob:; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
bp.before_request(protect_session_writes)


class Credentials(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class Token(BaseModel):
    token: str
    token_type: str
    expires_at: str


class FormList(BaseModel):
    items: list[dict[str, Any]]
    count: int


class Archived(BaseModel):
    archived: str | None = Field(None, description="1: include archived forms")


class Definition(Open):
    """A form definition (see the designer's documentation for its parts)."""


class DraftQuery(BaseModel):
    revision: int | None = Field(None, ge=0, description="The draft revision the change is based on (or If-Match)")


class DraftBeacon(BaseModel):
    """The designer's last save, sent by navigator.sendBeacon as a form post."""

    definition: str = Field(description="The form definition, as JSON text")
    revision: str | None = Field(None, pattern=r"^[0-9]+$", description="The draft revision the change is based on")
    csrf_token: str | None = Field(None, description="Required with a session cookie, not with a bearer token")


class PublishBody(BaseModel):
    confirm_breaking: bool = False


class SubmissionBody(BaseModel):
    data: dict[str, Any]
    version: int | None = Field(None, ge=1, description="Default: the latest published version")
    agency_id: str | None = Field(None, max_length=200)


class ReceiptQuery(BaseModel):
    receipt: str | None = Field(None, max_length=500, description="The receipt given when the answers were filed")


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


@bp.get("/docs")
def docs() -> Any:
    """The API reference, rendered in the browser from the OpenAPI document (vendored Redoc, no CDN)."""
    response = current_app.make_response(render_template("formplatform/api_docs.html"))
    # Redoc styles itself with injected <style> elements and searches in a blob: worker.
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@bp.post("/auth/token")
@api.validate(json=Credentials, resp=ok(Token, 201), tags=["auth"])
def issue_token() -> Any:
    """Exchange user name and password for a bearer token"""
    body = request.context.json  # type: ignore[attr-defined]
    user = accounts.authenticate(body.username, body.password, ip=client_ip())
    if user.must_change_password:
        raise Forbidden("password_change_required")
    token, record = accounts.issue_token(user, hours=current_app.config["TOKEN_TTL_HOURS"], name="api")
    return jsonify({"token": token, "token_type": "Bearer", "expires_at": record.expires_at.isoformat() + "Z"}), 201


@bp.get("/forms")
@api.validate(query=Archived, resp=ok(FormList), tags=["forms"])
def list_forms() -> Any:
    """List published forms"""
    include_archived = request.args.get("archived") == "1"
    items = [form_summary(f) for f in forms.list_forms(include_archived=include_archived)]
    return jsonify({"items": items, "count": len(items)})


@bp.get("/forms/<key>")
@api.validate(resp=ok(Open), tags=["forms"])
def read_form(key: str) -> Any:
    """A form with its published versions"""
    form = forms.get_form(key)
    if form.latest_version == 0 and not allows(current_principal(), "forms.design", form.owner_agency_id):
        raise NotFound()
    versions = [version_summary(v) for v in forms.list_versions(key)]
    return jsonify({**form_summary(form), "versions": versions})


@bp.get("/forms/<key>/versions/<int:number>")
@api.validate(resp=ok(Open), tags=["forms"])
def read_version(key: str, number: int) -> Any:
    """One published version: definition, JSON Schema and the diff to the previous version"""
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
@api.validate(resp=ok(Open), tags=["designer"], security=AUTH)
def read_draft(key: str) -> Any:
    """The editable draft with its warnings and the diff to the latest version"""
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
@api.validate(
    query=DraftQuery, json=Definition, resp=ok(Open, HTTP_201=Open, HTTP_409=None), tags=["designer"], security=AUTH
)
def write_draft(key: str) -> Any:
    """Create or replace the draft (If-Match: the revision it is based on)"""
    return _save_draft(key, json_body(), request.headers.get("If-Match") or request.args.get("revision"))


@bp.post("/forms/<key>/draft")
@require_permission("forms.design")
@api.validate(form=DraftBeacon, resp=ok(Open, HTTP_201=Open, HTTP_409=None), tags=["designer"], security=AUTH)
def write_draft_on_leaving(key: str) -> Any:
    """Save the draft as the designer page is left (navigator.sendBeacon: a form post, no custom headers)"""
    try:
        definition = json.loads(request.form.get("definition", ""))
    except ValueError:  # the declared text is there but is no definition: refused like any invalid definition
        raise Invalid([Problem("definition", "invalid_json")], "invalid_definition") from None
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
@api.validate(json=PublishBody, resp=ok(Open, 201, HTTP_409=None), tags=["designer"], security=AUTH)
def publish(key: str) -> Any:
    """Publish the draft as a new immutable version (breaking changes need confirm_breaking)"""
    design_owner(current_principal(), key)
    body = request.context.json  # type: ignore[attr-defined]
    version = forms.publish_form(key, current_user(), confirm_breaking=body.confirm_breaking)
    return jsonify({"key": key, **version_summary(version), "diff": version.diff}), 201


@bp.post("/forms/<key>/submissions")
@api.validate(json=SubmissionBody, resp=ok(Submission, 201, HTTP_410=None), tags=["submissions"])
def submit(key: str) -> Any:
    """File answers against a published version; the answers are validated against that version"""
    body = request.context.json  # type: ignore[attr-defined]
    submission = submissions.submit_form(
        key,
        body.data,
        version=body.version,
        locale=current_locale(),
        source="api",
        actor=current_principal(),
        agency_id=body.agency_id,
    )
    record = submissions.submission_record(submission)
    record["receipt"] = make_receipt(submission.id)
    return jsonify(record), 201


@bp.get("/submissions/<submission_id>")
@api.validate(query=ReceiptQuery, resp=ok(Submission), tags=["submissions"])
def read_submission(submission_id: str) -> Any:
    """One submission (its author, a reader in scope, or whoever holds its receipt)"""
    submission = submissions.get_submission(submission_id)
    if not can_read_submission(submission, current_principal(), request.args.get("receipt")):
        raise NotFound()  # outside the caller's scope: do not even confirm it exists
    return jsonify(submissions.submission_record(submission))


@bp.get("/forms/<key>/submissions")
@require_permission("submissions.read")
@api.validate(query=Paging, resp=ok(Page), tags=["submissions"], security=AUTH)
def list_form_submissions(key: str) -> Any:
    """Pull the submissions of a form, newest first, one page at a time"""
    forms.get_form(key)
    page, per_page = paging()
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
@api.validate(resp=ok(Open, 201), tags=["files"], security=AUTH)
def upload_file() -> Any:
    """Upload a file (multipart field `file`) to reference from answers"""
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
