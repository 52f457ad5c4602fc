"""REST API v1 for reports: list, read, save (If-Match revision), move along the chain, history, changes."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext
from pydantic import BaseModel, Field

from formplatform.api import json_body
from formplatform.apispec import AUTH, Open, Page, Paging, api, ok, paging
from formplatform.auth import current_principal, current_user
from formplatform.errors import BadRequest, Forbidden, localize_problems
from formplatform.paging import page_body
from formplatform.reporting import api_bp, workflow
from formplatform.reporting.models import Report
from formplatform.reporting.reports import due_status, readable_report, visible_reports
from formplatform.reporting.workflow_access import can_act, current_step, report_definition
from formplatform.reporting.workflow_data import review_values
from formplatform.reporting.workflow_history import changes_between, default_pair, revision, revisions_of, steps_of
from i18n.babel import current_locale


class ListReportsQuery(Paging):
    state: str | None = Field(
        None,
        max_length=64,
        description="One of: not_started, draft, in_approval, submitted, returned, accepted, overdue.",
    )
    campaign: str | None = Field(None, description="Campaign id.")
    form: str | None = Field(None, description="Template key.")
    period: str | None = Field(None, description="Period key, e.g. 2026-M11.")
    agency: str | None = Field(None, description="Agency id.")


class WriteReportBody(Open):
    data: dict[str, Any] = Field(..., description="Answers (agency) or the reviewer-only fields (review step).")
    exempt_areas: list[str] | None = Field(None, description="PAR areas (reviewer).")
    comment: str | None = Field(
        None, max_length=4000, description=("The reviewer's general comment, kept with the review.")
    )
    field_comments: dict[str, Any] | None = Field(
        None, description=("Reviewer: section or field name -> comment, kept with the review (omitted: unchanged).")
    )


class ActOnReportBody(Open):
    comment: str | None = Field(None, max_length=4000)
    step: int | None = Field(None, ge=0, description="The step you saw; another one answers 409.")


class ReportChangesQuery(BaseModel):
    a: int | None = Field(None, ge=1)
    b: int | None = Field(None, ge=1)


def _time(value: Any) -> str | None:
    return value.isoformat() + "Z" if hasattr(value, "isoformat") else None


def report_summary(report: Report) -> dict[str, Any]:
    """What a listing tells about a report (no content)."""
    return {
        "id": report.id,
        "campaign_id": report.campaign_id,
        "form": report.form_key,
        "version": report.version,
        "agency_id": report.agency_id,
        "period_key": report.period_key,
        "period_start": _time(report.period_start),
        "period_end": _time(report.period_end),
        "deadline": _time(report.deadline),
        "state": report.state,
        "due": due_status(report),
        "step": report.step,
        "revision": report.revision,
        "submitted_at": _time(report.submitted_at),
        "accepted_at": _time(report.accepted_at),
        "on_time": report.on_time,
    }


def review_record(report: Report) -> dict[str, Any]:
    """The reviewer's entries: verified values, exempt areas and comments (general, per section or item)."""
    review = report.review or {}
    return {
        "values": review_values(report),
        "exempt_areas": review.get("exempt_areas") or [],
        "comment": review.get("comment") or "",
        "field_comments": review.get("comments") or {},
    }


def report_record(report: Report) -> dict[str, Any]:
    """A whole report: content, the reviewer's entries, where it stands and whether the caller acts now."""
    return {
        **report_summary(report),
        "version_hash": report.version_hash,
        "data": report.data,
        "score": report.score,
        "totals": report.totals,
        "review": review_record(report),
        "signature": report.signature,
        "current_step": current_step(report),
        "can_act": can_act(current_user(), report),
    }


def _actor() -> Any:
    """Moving a report needs a person; integration clients only read."""
    user = current_user()
    if user is None:
        raise Forbidden()
    return user


def _with_etag(record: dict[str, Any], status: int = 200) -> Any:
    response = jsonify(record)
    response.headers["ETag"] = f'"{record["revision"]}"'
    return response, status


@api_bp.get("/reports")
@api.validate(query=ListReportsQuery, resp=ok(Page), tags=["reports"], security=AUTH)
def list_reports() -> Any:
    """Reports the caller may read, newest deadline first (paged, never counted)"""
    page, per_page = paging()
    filters = {k: (request.args.get(k) or "").strip() for k in ("state", "campaign", "form", "period", "agency")}
    found = visible_reports(current_principal(), filters, page, per_page)
    return jsonify(page_body(found, [report_summary(r) for r in found.items]))


@api_bp.get("/reports/<report_id>")
@api.validate(resp=ok(Open), tags=["reports"], security=AUTH)
def read_report(report_id: str) -> Any:
    """A report: content, reviewer entries, step, whether you act now (ETag: revision)"""
    return _with_etag(report_record(readable_report(current_principal(), report_id)))


@api_bp.put("/reports/<report_id>")
@api.validate(json=WriteReportBody, resp=ok(Open, HTTP_409=None), tags=["reports"], security=AUTH)
def write_report(report_id: str) -> Any:
    """Save the draft (agency) or the reviewer's entries (review step); a stale If-Match is 409."""
    report = readable_report(current_principal(), report_id)
    body = json_body()  # an object with a `data` object: the declaration checked it
    expected = request.headers.get("If-Match")
    if expected is not None and not expected.strip('"').isdigit():
        raise BadRequest("bad_revision")
    saved = workflow.save_report(
        report.id,
        body["data"],
        _actor(),
        expected_revision=int(expected.strip('"')) if expected is not None else None,
        exempt_areas=body.get("exempt_areas"),
        comments=(body.get("comment"), body.get("field_comments")) if "field_comments" in body else None,
    )
    return _with_etag({**report_record(saved.report), "problems": localize_problems(saved.problems)})


@api_bp.post("/reports/<report_id>/submit", defaults={"action": "submit"})
@api_bp.post("/reports/<report_id>/approve", defaults={"action": "approve"})
@api_bp.post("/reports/<report_id>/send-back", defaults={"action": "send-back"})
@api_bp.post("/reports/<report_id>/accept", defaults={"action": "accept"})
@api_bp.post("/reports/<report_id>/return", defaults={"action": "return"})
@api.validate(json=ActOnReportBody, resp=ok(Open, HTTP_409=None), tags=["reports"], security=AUTH)
def act_on_report(report_id: str, action: str) -> Any:
    """Move the report: submit, approve, send-back, accept, return (body: comment, field_comments, step)."""
    report = readable_report(current_principal(), report_id)
    body = request.get_json(silent=True) or {}  # declared: comment text, step a whole number, or no body
    actor, step, comment = _actor(), body.get("step"), body.get("comment") or ""
    if action == "submit":
        moved = workflow.submit_report(report.id, actor, expected_step=step)
    elif action == "approve":
        moved = workflow.approve_report(report.id, actor, comment=comment, expected_step=step)
    elif action == "send-back":
        moved = workflow.send_back(report.id, actor, comment, expected_step=step)
    elif action == "accept":
        notes = body.get("field_comments")
        moved = workflow.accept_report(report.id, actor, comment=comment, field_comments=notes, expected_step=step)
    else:
        notes = body.get("field_comments") or {}
        moved = workflow.return_report(report.id, actor, comment=comment, field_comments=notes, expected_step=step)
    return _with_etag(report_record(moved))


@api_bp.get("/reports/<report_id>/history")
@api.validate(resp=ok(Open), tags=["reports"], security=AUTH)
def report_history(report_id: str) -> Any:
    """Every step and every kept revision"""
    report = readable_report(current_principal(), report_id)
    steps = [
        {
            "action": s.action,
            "step": s.step,
            "from_state": s.from_state,
            "to_state": s.to_state,
            "actor_id": s.actor_id,
            "comment": s.comment,
            "field_comments": s.field_comments,
            "signature": s.signature or None,
            "revision": s.revision_number,
            "at": _time(s.created_at),
        }
        for s in steps_of(report)
    ]
    revisions = [
        {"number": r.number, "reason": r.reason, "created_by": r.created_by, "at": _time(r.created_at)}
        for r in revisions_of(report)
    ]
    return jsonify({"steps": steps, "revisions": revisions})


def _revision_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value is None:
        return None
    if not value.isdigit():
        raise BadRequest("bad_revision")
    return int(value)


@api_bp.get("/reports/<report_id>/changes")
@api.validate(query=ReportChangesQuery, resp=ok(Open), tags=["reports"], security=AUTH)
def report_changes(report_id: str) -> Any:
    """Answers that differ between revisions `a` and `b` (default: the last two submissions)."""
    report = readable_report(current_principal(), report_id)
    a, b = _revision_arg("a"), _revision_arg("b")
    if a is None or b is None:
        pair = default_pair(report)
        if pair is None:
            return jsonify({"a": None, "b": None, "changes": []})
        a, b = pair
    old, new = revision(report, a), revision(report, b)
    found = changes_between(report_definition(report), old.data, new.data, current_locale(), gettext)
    items = [{"path": c.path, "label": c.label, "detail": c.detail, "old": c.old, "new": c.new} for c in found]
    return jsonify({"a": a, "b": b, "changes": items})
