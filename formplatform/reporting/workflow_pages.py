"""The actions posted from a report page: save, submit, approve, send back, and the reviewer's decision.

Each view parses the form, calls one workflow service and redirects back to the report; when the
service refuses (422, or 409 because someone else moved first) the page is shown again with what the
person typed, never losing it.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, redirect, request, url_for
from flask_babel import gettext

from form_definitions.formdata import read_form
from formplatform.auth import current_user, require_login
from formplatform.errors import BadRequest, Conflict, Invalid, localize_problems
from formplatform.reporting import bp, workflow
from formplatform.reporting.report_pages import render_report
from formplatform.reporting.reports import readable_report
from formplatform.reporting.workflow_access import report_definition
from formplatform.reporting.workflow_review import COMMENT, GENERAL, read_review
from formplatform.services import files


def _int_field(name: str, code: str) -> int | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise BadRequest(code)
    return int(value)


def _uploads(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Store the evidence files of the request; input name -> file reference."""
    stored: dict[str, dict[str, Any]] = {}
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    for name, upload in request.files.items(multi=True):
        if not upload or not upload.filename:
            continue
        try:
            record = files.store_file(
                upload.filename, upload.mimetype, upload.read(limit + 1), max_bytes=limit, actor=current_user()
            )
        except Invalid as error:
            raise Invalid([type(p)(name, p.code, p.params) for p in error.problems]) from error
        stored[name] = record.reference()
    return stored


def _back(report_id: str, done: str) -> Any:
    return redirect(url_for("reporting.report", report_id=report_id, done=done))


@bp.post("/reports/<report_id>/save")
@require_login
def save(report_id: str) -> Any:
    """Save the draft as it is (problems are shown, not refused); the page's autosave asks for JSON."""
    if request.headers.get("X-Autosave") == "1":
        return _autosave(report_id)
    return _fill(report_id, submit=False)


def _autosave(report_id: str) -> Any:
    """A background save from report-autosave.js: the new revision, or 409 when someone else saved."""
    report = readable_report(current_user(), report_id)
    definition = report_definition(report)
    data = read_form(definition, request.form.to_dict(flat=False), {})
    try:
        saved = workflow.save_report(
            report.id, data, current_user(), expected_revision=_int_field("revision", "bad_revision")
        )
    except Conflict:
        return jsonify({"error": {"code": "report_conflict"}}), 409
    return jsonify({"revision": saved.report.revision, "problems": len(saved.problems)})


@bp.post("/reports/<report_id>/submit")
@require_login
def submit(report_id: str) -> Any:
    """Save, then send up the chain; a refused submission keeps the saved draft and shows every problem."""
    return _fill(report_id, submit=True)


def _fill(report_id: str, *, submit: bool) -> Any:
    report = readable_report(current_user(), report_id)
    definition = report_definition(report)
    data: dict[str, Any] = {}
    try:
        data = read_form(definition, request.form.to_dict(flat=False), _uploads(definition))
        saved = workflow.save_report(
            report.id, data, current_user(), expected_revision=_int_field("revision", "bad_revision")
        )
        if submit:
            workflow.submit_report(report.id, current_user(), expected_step=0)
            return _back(report.id, "submitted")
    except Invalid as error:
        return render_report(workflow.get_report(report.id), 422, data=data, errors=localize_problems(error.problems))
    except Conflict:
        fresh = workflow.get_report(report.id)
        message = gettext("Someone else changed this report since you opened it. Check your answers and save again.")
        return render_report(fresh, 409, data=data if fresh.step == 0 else fresh.data, message=message)
    return _back(saved.report.id, "saved")


def _comment_and_step() -> tuple[str, int | None]:
    return (request.form.get("comment") or "").strip(), _int_field("step", "bad_step")


@bp.post("/reports/<report_id>/approve")
@require_login
def approve(report_id: str) -> Any:
    report = readable_report(current_user(), report_id)
    comment, step = _comment_and_step()
    try:
        workflow.approve_report(report.id, current_user(), comment=comment, expected_step=step)
    except Invalid as error:
        return render_report(report, 422, errors=localize_problems(error.problems), comment=comment)
    return _back(report.id, "approved")


@bp.post("/reports/<report_id>/send-back")
@require_login
def send_back(report_id: str) -> Any:
    report = readable_report(current_user(), report_id)
    comment, step = _comment_and_step()
    if request.form.get("confirm") != "1":
        message = gettext("Tick the box to confirm that the report goes back to the drafter.")
        return render_report(report, 422, message=message, comment=comment)
    try:
        workflow.send_back(report.id, current_user(), comment, expected_step=step)
    except Invalid as error:
        return render_report(report, 422, errors=localize_problems(error.problems), comment=comment)
    return _back(report.id, "sent_back")


def _review_errors(error: Invalid) -> list[dict[str, Any]]:
    """Problems placed on the reviewer's form: comment problems go to their boxes."""
    placed = []
    for item in localize_problems(error.problems):
        path = item["path"]
        if path == "comment":
            path = GENERAL
        elif path and not path.startswith("exempt_areas") and item["code"] in ("unknown_field", "too_long"):
            path = f"{COMMENT}{path}"
        placed.append({**item, "path": path})
    return placed


@bp.post("/reports/<report_id>/review")
@require_login
def review(report_id: str) -> Any:
    """The reviewer saves verified scores, then (optionally) accepts or returns with comments."""
    report = readable_report(current_user(), report_id)
    action = request.form.get("action") or "save"
    if action not in ("save", "accept", "return"):
        raise BadRequest("bad_request")
    posted = read_review(report_definition(report), request.form.to_dict(flat=False))
    step = _int_field("step", "bad_step")
    if action == "return" and request.form.get("confirm") != "1":
        message = gettext("Tick the box to confirm that the report is returned to the agency.")
        return render_report(report, 422, message=message, review_data=posted["posted"])
    try:
        workflow.save_report(
            report.id,
            posted["data"],
            current_user(),
            expected_revision=_int_field("revision", "bad_revision"),
            exempt_areas=posted["exempt_areas"],
            comments=(posted["comment"], posted["field_comments"]),
        )
        if action == "accept":
            workflow.accept_report(
                report.id,
                current_user(),
                comment=posted["comment"],
                field_comments=posted["field_comments"],
                expected_step=step,
            )
        elif action == "return":
            workflow.return_report(
                report.id,
                current_user(),
                comment=posted["comment"],
                field_comments=posted["field_comments"],
                expected_step=step,
            )
    except Invalid as error:
        fresh = workflow.get_report(report.id)
        return render_report(fresh, 422, errors=_review_errors(error), review_data=posted["posted"])
    return _back(report.id, {"save": "review_saved", "accept": "accepted", "return": "returned"}[action])
