"""What a designer reviews before publishing, and the comparison of two published versions."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from form_definitions.checks import check_definition, missing_translations
from form_definitions.problems import Problem
from form_definitions.versions import Diff, content_hash, diff_definitions
from form_definitions.walk import data_fields
from formplatform.errors import BadRequest, NotFound
from formplatform.models import Form, FormVersion
from formplatform.services import forms


@dataclass
class PublishReview:
    """The draft about to be published: its readable diff and what blocks publishing."""

    form: Form
    diff: dict[str, Any]
    problems: list[Problem]  # structural problems of the draft
    missing: list[Problem]  # texts lacking a language
    unchanged: bool  # identical to the latest version: nothing to publish

    @property
    def blocked(self) -> bool:
        return bool(self.problems or self.missing or self.unchanged)

    @property
    def next_number(self) -> int:
        return self.form.latest_version + 1


def _fields_by_name(definition: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    if not definition:
        return {}
    return {f["name"]: f for f in data_fields(definition.get("fields") or []) if isinstance(f.get("name"), str)}


def readable_diff(old: dict[str, Any] | None, new: dict[str, Any], diff: Diff) -> dict[str, Any]:
    """The diff with each change's field label and type (from the new version, or the old one when removed)."""
    before, after = _fields_by_name(old), _fields_by_name(new)
    changes = []
    for change in diff.changes:
        spec = (before if change.kind == "removed" else after).get(change.name) or {}
        if change.concept.startswith("check:"):  # a cross-field check: shown by its message
            source = (old if change.kind == "removed" else new) or {}
            check = next((c for c in source.get("checks") or [] if c.get("name") == change.name), {})
            spec = {"label": check.get("message"), "type": "check"}
        changes.append({**asdict(change), "label": spec.get("label"), "type": spec.get("type", "")})
    return {"breaking": diff.breaking, "changes": changes, "first": old is None}


def review_publish(key: str) -> PublishReview:
    """Everything the publish page shows: diff against the latest version, problems and missing texts."""
    form = forms.get_form(key, with_draft=True)
    candidate, diff = forms.preview_publish(key)
    previous = forms.get_version(key, form=form) if form.latest_version else None
    return PublishReview(
        form=form,
        diff=readable_diff(previous.definition if previous else None, candidate, diff),
        problems=check_definition(form.draft),
        missing=missing_translations(form.draft) if form.draft else [],
        unchanged=previous is not None and previous.hash == content_hash(candidate),
    )


def published_version(key: str, number: int, form: Form | None = None) -> FormVersion:
    """Published version `number` (from 1; `get_version` would read 0 as "the latest")."""
    if number < 1:
        raise NotFound()
    return forms.get_version(key, number, form=form)


def compare_versions(key: str, first: int, second: int) -> tuple[FormVersion, FormVersion, dict[str, Any]]:
    """Two published versions of a form and the readable diff from the first to the second."""
    form = forms.get_form(key)
    if not (1 <= first <= form.latest_version and 1 <= second <= form.latest_version):
        raise BadRequest("bad_compare")
    older = forms.get_version(key, first, form=form)
    newer = forms.get_version(key, second, form=form)
    return (
        older,
        newer,
        readable_diff(older.definition, newer.definition, diff_definitions(older.definition, newer.definition)),
    )


def diff_marks(diff: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Field marks for the two sides of a comparison: removed and changed fields on the older version
    (by their old name), added and changed fields on the newer one."""
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for change in diff["changes"]:
        if change["kind"] != "added":
            before[change.get("old_name") or change["name"]] = change["kind"]
        if change["kind"] != "removed":
            after[change["name"]] = change["kind"]
    return before, after


def compare_args(raw_a: Any, raw_b: Any, latest: int) -> tuple[int, int]:
    """Version numbers from ?a=&b=: the previous and latest versions by default; 400 on nonsense."""
    try:
        second = int(raw_b) if raw_b not in (None, "") else latest
        first = int(raw_a) if raw_a not in (None, "") else max(second - 1, 1)
    except (TypeError, ValueError) as error:
        raise BadRequest("bad_compare") from error
    return first, second
