"""A report's content as the chain handles it: who writes which fields, evidence files, comments, revisions.

The agency writes every field but the reviewer's (`fill_by: reviewer`); the reviewer writes only
those. Either side sends back values of the other side unchanged without complaint (a client that
reads a report and writes it back), but a changed value of the other side is refused. The reviewer's
entries live in `report.review["values"]`, apart from `report.data`: the agency signs its own content,
and verified scores written afterwards must not look like a change to the signed report.
"""

from __future__ import annotations

from typing import Any

from form_definitions.answers import Outcome, check_answers
from form_definitions.problems import Problem
from form_definitions.walk import data_fields
from formplatform.accounts.models import User
from formplatform.errors import Invalid
from formplatform.models import StoredFile
from formplatform.reporting.models import Report, ReportRevision

COMMENT_LIMIT = 4000


def reviewer_names(definition: dict[str, Any]) -> set[str]:
    """Top-level data fields that only the reviewing agency fills."""
    return {f["name"] for f in data_fields(definition.get("fields") or []) if f.get("fill_by") == "reviewer"}


def review_values(report: Report) -> dict[str, Any]:
    """The reviewer's own entries (verified scores …), kept apart from the agency's signed content."""
    return dict((report.review or {}).get("values") or {})


def content(report: Report) -> dict[str, Any]:
    """The whole content to show and score: the agency's data with the reviewer's entries."""
    return {**(report.data or {}), **review_values(report)}


def agency_content(definition: dict[str, Any], data: Any, reviewed: dict[str, Any]) -> Outcome:
    """Check what the agency writes (leniently: problems are returned); reviewer fields are not its to change.

    A reviewer value sent back unchanged is ignored; a changed one is refused (422).
    """
    if not isinstance(data, dict):
        return Outcome({}, [Problem("", "type", {"expected": "object"})], None)
    reviewer = reviewer_names(definition)
    refused = [Problem(n, "reviewer_only") for n in sorted(reviewer & set(data)) if data[n] != reviewed.get(n)]
    if refused:
        raise Invalid(refused)
    return check_answers(definition, {k: v for k, v in data.items() if k not in reviewer})


def reviewer_content(definition: dict[str, Any], data: Any, report: Report) -> dict[str, Any]:
    """Check what the reviewer writes; returns the reviewer's values. Agency fields are not its to change."""
    if not isinstance(data, dict):
        raise Invalid([Problem("", "type", {"expected": "object"})])
    reviewer = reviewer_names(definition)
    stored = report.data or {}
    changed = [n for n in sorted(set(data) - reviewer) if data[n] != stored.get(n)]
    if changed:
        raise Invalid([Problem(n, "agency_only") for n in changed])
    values = {k: v for k, v in data.items() if k in reviewer and v is not None and v != ""}
    outcome = check_answers(definition, {**stored, **values}, role="reviewer")
    blocking = [p for p in outcome.problems if p.path.split(".")[0] in reviewer]
    if blocking:
        raise Invalid(blocking)
    return {k: outcome.data[k] for k in reviewer if outcome.data.get(k) is not None}


def file_refs(value: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every evidence file reference ({"id", "name", "size", "content_type"}) in `value`, with its data path."""
    if isinstance(value, dict) and {"id", "name", "size", "content_type"} <= set(value):
        return [(path, value)]
    if isinstance(value, dict):
        return [ref for k, v in value.items() for ref in file_refs(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [ref for i, v in enumerate(value) for ref in file_refs(v, f"{path}.{i}")]
    return []


def file_problems(data: dict[str, Any], stored: dict[str, Any], actor: User | None) -> list[Problem]:
    """Evidence files must exist; a file new to this report must have been uploaded by the actor.

    Files already in the report stay valid whoever uploaded them: colleagues take turns on a report.
    """
    refs = file_refs(data, "")
    if not refs:
        return []
    known = {ref["id"] for _, ref in file_refs(stored, "")}
    fields = ("id", "size", "content_type", "uploaded_by")
    files = {f.id: f for f in StoredFile.objects(id__in=[r["id"] for _, r in refs]).only(*fields)}
    problems = []
    for path, ref in refs:
        record = files.get(ref["id"])
        mine = actor is not None and record is not None and record.uploaded_by == actor.id
        if record is None or record.size != ref["size"] or (ref["id"] not in known and not mine):
            problems.append(Problem(path, "file_missing"))
    return problems


def comment_targets(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What a reviewer may comment on: every section and every data field, by name."""
    found: dict[str, dict[str, Any]] = {}

    def walk(fields: list[Any]) -> None:
        for spec in fields:
            if not isinstance(spec, dict):
                continue
            if spec.get("name") and spec.get("type") != "static":
                found[spec["name"]] = spec
            if spec.get("type") == "section":
                walk(spec.get("fields") or [])

    walk(definition.get("fields") or [])
    return found


def clean_comments(
    definition: dict[str, Any], comment: Any, field_comments: Any, *, required: bool
) -> tuple[str, dict[str, str]]:
    """Trimmed comments; unknown paths, oversized texts and (when `required`) no comment at all are 422."""
    text = comment.strip() if isinstance(comment, str) else ""
    if field_comments is not None and not isinstance(field_comments, dict):
        raise Invalid([Problem("field_comments", "type", {"expected": "object"})])
    targets = comment_targets(definition)
    problems: list[Problem] = []
    cleaned: dict[str, str] = {}
    for path, value in (field_comments or {}).items():
        note = value.strip() if isinstance(value, str) else ""
        if not note:
            continue
        if path not in targets:
            problems.append(Problem(str(path), "unknown_field"))
        elif len(note) > COMMENT_LIMIT:
            problems.append(Problem(str(path), "too_long", {"limit": COMMENT_LIMIT}))
        else:
            cleaned[path] = note
    if len(text) > COMMENT_LIMIT:
        problems.append(Problem("comment", "too_long", {"limit": COMMENT_LIMIT}))
    if required and not text and not cleaned and not problems:
        problems.append(Problem("comment", "comment_required"))
    if problems:
        raise Invalid(problems)
    return text, cleaned


def freeze_revision(report: Report, reason: str, actor: User | None) -> int:
    """Keep a frozen copy of the report's content; returns its number (1, 2, …)."""
    last = ReportRevision.of(report.id).order_by("-number").only("number").first()
    number = (last.number if last else 0) + 1
    ReportRevision(
        report_id=report.id,
        number=number,
        data=content(report),
        score=report.score,
        totals=report.totals,
        reason=reason,
        created_by=actor.id if actor else None,
    ).save(force_insert=True)
    return number


def latest_revision_number(report_id: str) -> int | None:
    last = ReportRevision.of(report_id).order_by("-number").only("number").first()
    return last.number if last else None
