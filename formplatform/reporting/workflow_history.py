"""A report's history (every step, every frozen revision) and what changed between two revisions.

The reviewer compares the last two submissions after a resubmission: each answer, each grid cell and
each group row is compared as the person would read it, with the labels of the pinned version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from form_definitions.walk import data_fields
from formplatform.accounts.models import User
from formplatform.errors import NotFound
from formplatform.models import by_ids
from formplatform.reporting.models import Report, ReportRevision, ReportStep
from i18n.text import localize
from renderers import render_value
from renderers.values import Gettext


@dataclass
class Change:
    """One answer that differs: its label (and grid row / column or group row), old text, new text."""

    path: str
    label: str
    detail: str
    old: str
    new: str


def steps_of(report: Report) -> list[ReportStep]:
    return list(ReportStep.of(report.id).order_by("created_at"))


def revisions_of(report: Report) -> list[ReportRevision]:
    return list(ReportRevision.of(report.id).order_by("number").exclude("data", "totals"))


def people(ids: set[str | None]) -> dict[str, str]:
    """Display names of the people in a history (user id -> name)."""
    found = by_ids(User.objects.only("id", "display_name", "username"), ids)
    return {u.id: u.display_name or u.username for u in found.values()}


def last_return(report: Report) -> ReportStep | None:
    """The reviewer's latest return, whose comments the agency works through."""
    return ReportStep.of(report.id).filter(action="return").order_by("-created_at").first()


def default_pair(report: Report) -> tuple[int, int] | None:
    """The two revisions to compare by default: the last two that left the agency (else the last two)."""
    revisions = revisions_of(report)
    sent = [r.number for r in revisions if r.reason in ("submitted", "resubmitted")]
    numbers = sent if len(sent) >= 2 else [r.number for r in revisions]
    return (numbers[-2], numbers[-1]) if len(numbers) >= 2 else None


def revision(report: Report, number: int) -> ReportRevision:
    found = ReportRevision.of(report.id).filter(number=number).first()
    if found is None:
        raise NotFound()
    return found


def _cells(spec: dict[str, Any], value: Any, locale: str, gettext: Gettext) -> dict[str, tuple[str, str, str]]:
    """Grid cells and group row answers as path -> (label, detail, text)."""
    label = localize(spec.get("label"), locale)
    found: dict[str, tuple[str, str, str]] = {}
    if spec["type"] == "grid":
        row_labels = {r.get("key"): localize(r.get("label"), locale) for r in spec.get("rows") or []}
        rows = value.items() if isinstance(value, dict) else enumerate(value if isinstance(value, list) else [])
        for key, row in rows:
            if not isinstance(row, dict):
                continue
            row_label = row_labels.get(key) or gettext("Row %(number)s") % {"number": int(key) + 1}
            for column in spec.get("columns") or []:
                text = render_value(column, row.get(column.get("name")), locale, gettext)
                detail = f"{row_label} — {localize(column.get('label'), locale)}"
                found[f"{spec['name']}.{key}.{column.get('name')}"] = (label, detail, text)
        return found
    for index, row in enumerate(value if isinstance(value, list) else []):
        if not isinstance(row, dict):
            continue
        for inner in data_fields(spec.get("fields") or []):
            text = render_value(inner, row.get(inner.get("name")), locale, gettext)
            detail = f"{gettext('Row %(number)s') % {'number': index + 1}} — {localize(inner.get('label'), locale)}"
            found[f"{spec['name']}.{index}.{inner.get('name')}"] = (label, detail, text)
    return found


def readable(definition: dict[str, Any], data: dict[str, Any], locale: str, gettext: Gettext) -> dict[str, Any]:
    """Every answer as path -> (label, detail, text), in form order."""
    found: dict[str, tuple[str, str, str]] = {}
    for spec in data_fields(definition.get("fields") or []):
        if not spec.get("name"):
            continue
        value = data.get(spec["name"])
        if spec["type"] in ("grid", "group"):
            found.update(_cells(spec, value, locale, gettext))
        else:
            found[spec["name"]] = (localize(spec.get("label"), locale), "", render_value(spec, value, locale, gettext))
    return found


def changes_between(
    definition: dict[str, Any], old: dict[str, Any], new: dict[str, Any], locale: str, gettext: Gettext
) -> list[Change]:
    """Answers whose readable text differs between two contents, in form order (rows added or removed too)."""
    before = readable(definition, old or {}, locale, gettext)
    after = readable(definition, new or {}, locale, gettext)
    paths = list(after) + [p for p in before if p not in after]
    changed = []
    for path in paths:
        label, detail, new_text = after.get(path) or (before[path][0], before[path][1], "")
        old_text = before[path][2] if path in before else ""
        if old_text != new_text:
            changed.append(Change(path, label, detail, old_text, new_text))
    return changed
