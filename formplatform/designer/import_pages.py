"""Importing a form from an XLSForm workbook or a Form.io schema: a report first, then the draft."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, redirect, render_template, request, url_for

from form_definitions.problems import Problem
from formplatform.auth import require_permission
from formplatform.designer import bp, queries, transfer
from formplatform.designer.pages import designer, owner_choices
from formplatform.errors import AppError, BadRequest, Invalid, localize_problems
from formplatform.limits import parse_json
from i18n.messages import error_title

LANGUAGES = ("vi", "en")
# Notes that say something was kept in another shape; every other note says something was left out.
CHANGE_CODES = {"import_type_changed", "import_language_kept", "import_layout_flattened", "import_time_dropped"}
CHANGE_CODES |= {"import_markup_dropped", "import_renamed", "import_label_from_name", "import_component_changed"}


def report_lines(problems: list[Problem]) -> list[dict[str, Any]]:
    """Problems as report lines: sheet and row for workbook paths like "survey:12", else the path."""
    lines = []
    for problem in localize_problems(problems):
        sheet, _, row = problem["path"].partition(":")
        located = row.isdigit()
        lines.append(
            {
                "sheet": sheet if located else "",
                "row": int(row) if located else None,
                "path": "" if located else problem["path"],
                "code": problem["code"],
                "message": problem["message"],
            }
        )
    return lines


def render_import(report: transfer.ImportReport | None = None, status: int = 200, **context: Any) -> Any:
    """The import page: the upload form, and the report of the last upload when there is one."""
    values = {
        "key": request.form.get("key", "").strip(),
        "title": request.form.get("title", "").strip(),
        "language": request.form.get("language", "vi"),
    }
    context.setdefault("file_error", "")
    page = render_template(
        "designer/import.html",
        report=report,
        changed=report_lines([p for p in report.warnings if p.code in CHANGE_CODES]) if report else [],
        warnings=report_lines([p for p in report.warnings if p.code not in CHANGE_CODES]) if report else [],
        blocking=report_lines(report.blocking) if report else [],
        outline=queries.outline(report.definition.get("fields") or []) if report and report.definition else [],
        definition_json=json.dumps(report.definition, ensure_ascii=False) if report and report.definition else "",
        values=values,
        owners=owner_choices(),
        limit_mb=round(current_app.config["MAX_UPLOAD_BYTES"] / (1024 * 1024), 1),
        **context,
    )
    return page, status


@bp.route("/admin/forms/import", methods=["GET", "POST"])
@require_permission("forms.design")
def import_form() -> Any:
    """Step 1: upload and read the report (nothing saved). Step 2: create the draft from the checked result."""
    if request.method == "GET":
        return render_import()
    if request.form.get("step") == "create":
        return _create_draft()
    upload = request.files.get("file")
    language = request.form.get("language", "vi")
    try:
        if upload is None or not upload.filename:
            raise BadRequest("form_import_file_type")
        data = upload.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
        report = transfer.convert_upload(
            upload.filename,
            data,
            key=request.form.get("key", "").strip(),
            language=language if language in LANGUAGES else "vi",
            title=request.form.get("title", "").strip(),
        )
    except AppError as error:
        return render_import(file_error=error_title(error.code, {}), status=error.status)
    return render_import(report, 422 if report.fatal else 200)


def _create_draft() -> Any:
    """Create the draft from the definition the report page carried; every check runs again."""
    source = request.form.get("source", "")
    try:
        definition = parse_json(request.form.get("definition", ""))
    except json.JSONDecodeError:
        return render_import(file_error=error_title("invalid_json", {}), status=400)
    if isinstance(definition, dict):
        titles = {lang: request.form.get(f"title_{lang}", "") for lang in LANGUAGES}
        definition = transfer.rename_import(definition, request.form.get("key", ""), titles)
    try:
        form = transfer.import_form(definition, source, designer(), request.form.get("owner_agency_id", ""))
    except Invalid as error:
        if not isinstance(definition, dict):
            return render_import(file_error=error_title(error.code, {}), status=error.status)
        report = transfer.ImportReport(source, definition, blocking=error.problems)
        return render_import(report, error.status)
    return redirect(url_for("designer.editor", key=form.id))
