"""Reading forms for designers: the form list with its counts, version history and field outlines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from form_definitions import KINDS
from formplatform.accounts.models import User
from formplatform.models import Form, FormVersion, by_ids
from formplatform.permissions import Principal, scope_filter
from formplatform.services.tallies import with_counts

STATUSES = ("active", "archived", "draft")
LIST_FIELDS = (
    "id",
    "kind",
    "title",
    "status",
    "owner_agency_id",
    "latest_version",
    "draft_revision",
    "draft_updated_at",
)


@dataclass
class FormRow:
    """One line of the designer's form list."""

    form: Form
    status: str  # active | archived | draft (never published)
    published_at: datetime | None = None
    unpublished_changes: bool = False
    submissions: int = 0


@dataclass
class VersionRow:
    """One published version in the history, with who published it."""

    number: int
    published_at: datetime
    publisher: str
    breaking: bool
    submissions: int
    hash: str


@dataclass
class OutlineRow:
    """One field of a definition's structure, indented by its nesting depth."""

    depth: int
    type: str
    name: str
    label: Any
    concept: str = ""
    required: bool = False
    extra: list[str] = field(default_factory=list)
    column: bool = False  # a grid column, not a field of its own


def form_filter(principal: Principal | None, *, q: str = "", kind: str = "", status: str = "") -> dict[str, Any]:
    """A raw filter: forms owned within the caller's forms.design scope, narrowed by search and filters."""
    clauses: list[dict[str, Any]] = []
    scope = scope_filter(principal, "forms.design", field="owner_agency_id")
    if scope is not None:
        clauses.append(scope)
    if q:
        # compiled regexes (icontains) match nothing on the embedded engine: DESIGN §4.2
        pattern = {"$regex": re.escape(q), "$options": "i"}
        clauses.append({"$or": [{"_id": pattern}, {"title.vi": pattern}, {"title.en": pattern}]})
    if kind in KINDS:
        clauses.append({"kind": kind})
    if status == "archived":
        clauses.append({"status": "archived"})
    elif status == "active":
        clauses += [{"status": "active"}, {"latest_version": {"$gte": 1}}]
    elif status == "draft":
        clauses += [{"status": "active"}, {"latest_version": 0}]
    if not clauses:
        return {}
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def list_design_forms(
    principal: Principal | None, *, q: str = "", kind: str = "", status: str = "", page: int = 1, per_page: int = 20
) -> tuple[list[FormRow], int]:
    """One page of the forms the caller may design, by key, with their counts and draft state."""
    query = Form.objects(__raw__=form_filter(principal, q=q, kind=kind, status=status)).only(*LIST_FIELDS)
    total = query.count()
    forms = list(query.order_by("id").skip((page - 1) * per_page).limit(per_page))
    versions = with_counts(
        list(
            FormVersion.objects(form_key__in=[f.id for f in forms]).only(
                "id", "form_key", "number", "published_at", "submission_count"
            )
        )
    )
    counts: dict[str, int] = {}
    latest: dict[str, datetime] = {}
    numbers = {f.id: f.latest_version for f in forms}
    for version in versions:
        counts[version.form_key] = counts.get(version.form_key, 0) + (version.submission_count or 0)
        if version.number == numbers.get(version.form_key):
            latest[version.form_key] = version.published_at
    return [_row(f, latest.get(f.id), counts.get(f.id, 0)) for f in forms], total


def _row(form: Form, published_at: datetime | None, submissions: int) -> FormRow:
    status = "archived" if form.status == "archived" else ("active" if form.latest_version else "draft")
    edited = form.draft_updated_at if isinstance(form.draft_updated_at, datetime) else None
    # Cheap test (no draft loaded): publishing stamps the version after the draft's last save.
    changes = published_at is None or (edited is not None and edited > published_at)
    return FormRow(form, status, published_at, bool(changes), submissions)


def version_history(key: str) -> list[VersionRow]:
    """Every published version of a form, newest first, with its publisher's name and live counts."""
    versions = with_counts(
        list(
            FormVersion.objects(form_key=key)
            .only("id", "number", "hash", "published_by", "published_at", "submission_count", "diff")
            .order_by("-number")
        )
    )
    found = by_ids(User.objects.only("id", "username", "display_name"), (v.published_by for v in versions))
    people = {u.id: u.display_name or u.username for u in found.values()}
    return [
        VersionRow(
            number=v.number,
            published_at=v.published_at,
            publisher=people.get(v.published_by or "", ""),
            breaking=bool((v.diff or {}).get("breaking")) and v.number > 1,
            submissions=v.submission_count or 0,
            hash=v.hash,
        )
        for v in versions
    ]


def outline(fields: list[dict[str, Any]], depth: int = 0) -> list[OutlineRow]:
    """The field tree of a definition as indented rows: sections, groups and grids with their parts."""
    rows: list[OutlineRow] = []
    for spec in fields:
        if not isinstance(spec, dict):
            continue
        rows.append(
            OutlineRow(
                depth=depth,
                type=str(spec.get("type", "")),
                name=str(spec.get("name", "")),
                label=spec.get("label") or spec.get("content"),
                concept=str(spec.get("concept", "")),
                required=bool(spec.get("required")),
                extra=_extras(spec),
            )
        )
        if spec.get("type") in ("section", "group"):
            rows += outline(spec.get("fields") or [], depth + 1)
        elif spec.get("type") == "grid":
            rows += [
                OutlineRow(depth + 1, str(c.get("type", "")), str(c.get("name", "")), c.get("label"), column=True)
                for c in spec.get("columns") or []
                if isinstance(c, dict)
            ]
    return rows


def _extras(spec: dict[str, Any]) -> list[str]:
    """Short technical notes shown next to a field: option values, rows of a grid, rules."""
    notes = [str(o.get("value")) for o in spec.get("options") or [] if isinstance(o, dict)]
    notes += [f"row:{r.get('key')}" for r in spec.get("rows") or [] if isinstance(r, dict)]
    notes += [key for key in ("visible_if", "required_if", "formula") if key in spec]
    return notes


def type_counts(fields: list[dict[str, Any]]) -> dict[str, int]:
    """How many fields of each type a definition has (nested fields included)."""
    counts: dict[str, int] = {}
    for row in outline(fields):
        if row.column:
            continue
        counts[row.type] = counts.get(row.type, 0) + 1
    return dict(sorted(counts.items()))
