"""REST API v1 routes of the designer: list, create, duplicate, archive, review, compare, export, import."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from pydantic import BaseModel, Field

from formplatform.api import json_body
from formplatform.apispec import AUTH, CountedPage, Open, Paging, api, ok, paging
from formplatform.auth import current_principal, current_user, require_permission
from formplatform.designer import api_bp, queries, review, services, transfer
from formplatform.designer.version_pages import download
from formplatform.errors import BadRequest, Forbidden, Invalid, localize_problems
from formplatform.models import Form
from formplatform.permissions import design_owner
from formplatform.services import forms


class DesignQuery(Paging):
    q: str | None = Field(None, max_length=200)
    kind: str | None = Field(None, max_length=32)
    status: str | None = Field(None, max_length=32)


class DetailsBody(Open):
    """Form details: key, kind, title {vi, en}, description {vi, en}, owner_agency_id (other names ignored)."""

    key: str = Field("", max_length=200)
    kind: str = Field("report", max_length=32)
    title: dict[str, str] | None = None
    description: dict[str, str] | None = None
    owner_agency_id: str = Field("", max_length=200)


class DuplicateBody(DetailsBody):
    version: int | None = Field(None, ge=1, description="The published version to copy (default: the draft)")


class CompareQuery(BaseModel):
    a: int | None = Field(None, ge=1)
    b: int | None = Field(None, ge=1)


class ExportQuery(BaseModel):
    format: str = Field("json", max_length=16, description="json or xlsx")


class ImportQuery(BaseModel):
    dry_run: str | None = Field(None, max_length=8, description="1 or true: only report, import nothing")


class ImportUpload(BaseModel):
    file: bytes = Field(description="An XLSForm .xlsx or a Form.io .json", json_schema_extra={"format": "binary"})
    key: str | None = Field(None, description="The new form's key; else the file's form_id or name, then file name")
    title: str | None = Field(None, description="The new form's title; else the file's title, form_id, file name")
    language: str | None = Field(None, max_length=64, description="One of: vi, en.")
    owner_agency_id: str | None = None


def designer_user() -> Any:
    """The person calling (integration clients never hold forms.design)."""
    user = current_user()
    if user is None:
        raise Forbidden()
    return user


def _time(value: Any) -> str | None:
    return value.isoformat() + "Z" if hasattr(value, "isoformat") else None


def form_record(form: Form) -> dict[str, Any]:
    """What the designer API tells about a form (never its draft)."""
    return {
        "key": form.id,
        "kind": form.kind,
        "title": form.title,
        "status": form.status,
        "owner_agency_id": form.owner_agency_id,
        "latest_version": form.latest_version,
        "draft_revision": form.draft_revision,
    }


def row_record(row: queries.FormRow) -> dict[str, Any]:
    """A line of the designer's form list, with its counts and draft state."""
    return {
        **form_record(row.form),
        "status": row.status,
        "published_at": _time(row.published_at),
        "unpublished_changes": row.unpublished_changes,
        "submission_count": row.submissions,
    }


def details_body() -> services.FormDetails:
    """Form details from the declared JSON object body."""
    body = json_body()  # an object: the declaration checked it
    return services.FormDetails.from_mapping(body)


@api_bp.get("/designer/forms")
@require_permission("forms.design")
@api.validate(query=DesignQuery, resp=ok(CountedPage), tags=["designer"], security=AUTH)
def list_design_forms() -> Any:
    """Forms the caller may design, with status, counts and draft state"""
    page, per_page = paging()
    filters = {name: (request.args.get(name) or "").strip() for name in ("q", "kind", "status")}
    rows, total = queries.list_design_forms(current_principal(), page=page, per_page=per_page, **filters)
    return jsonify({"items": [row_record(r) for r in rows], "total": total, "page": page, "per_page": per_page})


@api_bp.post("/forms")
@require_permission("forms.design")
@api.validate(json=DetailsBody, resp=ok(Open, 201, HTTP_409=None), tags=["designer"], security=AUTH)
def create_form() -> Any:
    """Create a form with an empty draft"""
    form = services.create_form(details_body(), designer_user())
    return jsonify(form_record(form)), 201


@api_bp.post("/forms/<key>/duplicate")
@require_permission("forms.design")
@api.validate(json=DuplicateBody, resp=ok(Open, 201, HTTP_409=None), tags=["designer"], security=AUTH)
def duplicate_form(key: str) -> Any:
    """Copy the draft (or `version`) to a new key without concepts"""
    design_owner(current_principal(), key)
    version = request.context.json.version  # type: ignore[attr-defined]
    form = services.duplicate_form(key, details_body(), designer_user(), version=version)
    return jsonify(form_record(form)), 201


@api_bp.post("/forms/<key>/archive")
@require_permission("forms.design")
@api.validate(resp=ok(Open, HTTP_409=None), tags=["designer"], security=AUTH)
def archive_form(key: str) -> Any:
    """Archive: no new submissions; history kept"""
    design_owner(current_principal(), key)
    return jsonify(form_record(services.archive_form(key, designer_user())))


@api_bp.post("/forms/<key>/restore")
@require_permission("forms.design")
@api.validate(resp=ok(Open, HTTP_409=None), tags=["designer"], security=AUTH)
def restore_form(key: str) -> Any:
    """Restore an archived form"""
    design_owner(current_principal(), key)
    return jsonify(form_record(services.restore_form(key, designer_user())))


@api_bp.get("/forms/<key>/publish")
@require_permission("forms.design")
@api.validate(resp=ok(Open), tags=["designer"], security=AUTH)
def review_publish(key: str) -> Any:
    """Publish review: diff, problems and missing translations"""
    design_owner(current_principal(), key)
    checked = review.review_publish(key)
    return jsonify(
        {
            "key": key,
            "next_version": checked.next_number,
            "diff": checked.diff,
            "problems": localize_problems(checked.problems),
            "missing_translations": localize_problems(checked.missing),
            "unchanged": checked.unchanged,
            "publishable": not checked.blocked,
        }
    )


@api_bp.get("/forms/<key>/compare")
@require_permission("forms.design")
@api.validate(query=CompareQuery, resp=ok(Open), tags=["designer"], security=AUTH)
def compare_versions(key: str) -> Any:
    """Diff between two published versions"""
    design_owner(current_principal(), key)
    form = forms.get_form(key)
    first, second = review.compare_args(request.args.get("a"), request.args.get("b"), form.latest_version)
    older, newer, diff = review.compare_versions(key, first, second)
    return jsonify({"key": key, "a": older.number, "b": newer.number, "diff": diff})


@api_bp.get("/forms/<key>/versions/<int:number>/export")
@require_permission("forms.design")
@api.validate(query=ExportQuery, resp=ok(None), tags=["designer"], security=AUTH)
def export_version(key: str, number: int) -> Any:
    """Download a version as JSON or as an XLSForm workbook"""
    design_owner(current_principal(), key)
    version = review.published_version(key, number)
    return download(
        transfer.export_definition(version.definition, key, f"v{number}", request.args.get("format", "json"))
    )


@api_bp.get("/forms/<key>/draft/export")
@require_permission("forms.design")
@api.validate(query=ExportQuery, resp=ok(None), tags=["designer"], security=AUTH)
def export_draft(key: str) -> Any:
    """Download the draft as JSON or as an XLSForm workbook"""
    design_owner(current_principal(), key)
    form = forms.get_form(key, with_draft=True)
    return download(transfer.export_definition(form.draft, key, "draft", request.args.get("format", "json")))


@api_bp.post("/forms/import")
@require_permission("forms.design")
@api.validate(query=ImportQuery, form=ImportUpload, resp=ok(Open, 201, HTTP_200=Open), tags=["designer"], security=AUTH)
def import_form() -> Any:
    """Import a form into a new key: `?dry_run=1` only reports (problems by row, fields found)"""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadRequest("file_required")
    language = request.form.get("language", "vi")
    report = transfer.convert_upload(
        upload.filename,
        upload.read(current_app.config["MAX_UPLOAD_BYTES"] + 1),
        key=request.form.get("key", "").strip(),
        language=language if language in ("vi", "en") else "vi",
        title=request.form.get("title", "").strip(),
    )
    result = {
        "source": report.source,
        "fatal": report.fatal,
        "warnings": localize_problems(report.warnings),
        "problems": localize_problems(report.blocking),
        "summary": report.summary,
    }
    if request.args.get("dry_run") in ("1", "true"):
        return jsonify({**result, "definition": report.definition})
    if report.fatal:
        raise Invalid(report.blocking, "form_import_failed")
    owner = request.form.get("owner_agency_id", "")
    form = transfer.import_form(report.definition, report.source, designer_user(), owner)
    return jsonify({**result, **form_record(form)}), 201
