"""The reviewer's form: the template's reviewer-only fields, a comment box per section, exempt areas.

It is itself a small form definition, rendered by the same renderer as every form, so its fields look
and behave like the report's. Its own names start with `_`, which no template field can (names start
with a letter), so they never collide with the report's data: `_comment__<section or item>`,
`_exempt` (PAR areas the agency is exempt from) and `_general_comment`. Scored PAR items show the
agency's self score next to the box of the verified score, and take a comment keyed by the item's
self-score field, so the agency sees it beside its own answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from form_definitions.formdata import read_form
from form_definitions.walk import data_fields
from formplatform.reporting.models import Report
from formplatform.reporting.par import par_areas, par_items
from formplatform.reporting.workflow_data import COMMENT_LIMIT, review_values, reviewer_names
from renderers import format_number

COMMENT = "_comment__"
EXEMPT = "_exempt"
GENERAL = "_general_comment"
Gettext = Callable[..., str]


def _same(text: str) -> dict[str, str]:
    return {"vi": text, "en": text}


def _comment_box(name: str, label: str) -> dict[str, Any]:
    return {"type": "textarea", "name": f"{COMMENT}{name}", "label": _same(label), "max_length": COMMENT_LIMIT}


def _children(section: dict[str, Any], data: dict[str, Any], locale: str, _: Gettext) -> list[dict[str, Any]]:
    """A section's reviewer fields, each PAR item with the self score beside it and its comment box."""
    items = {i.verified_name: i for i in par_items({"fields": [section]})}
    children: list[dict[str, Any]] = []
    for spec in data_fields(section.get("fields") or []):
        if spec.get("fill_by") != "reviewer":
            continue
        item = items.get(spec.get("name", ""))
        if item is None:
            children.append(spec)
            continue
        score = data.get(item.self_name)
        numbers = {"score": format_number(score, locale) if score is not None else "—"}
        numbers["max"] = format_number(item.maximum, locale)
        text = _("Self-assessed score: %(score)s of %(max)s", **numbers)
        children += [
            {"type": "static", "label": item.label, "content": _same(text)},
            spec,
            _comment_box(item.self_name, _("Comment on this item")),
        ]
    return children


def review_definition(definition: dict[str, Any], data: dict[str, Any], locale: str, _: Gettext) -> dict[str, Any]:
    """The reviewer's form for a report of `definition` whose content is `data`."""
    fields: list[dict[str, Any]] = []
    areas = par_areas(definition)
    if areas:
        options = [{"value": a["name"], "label": a["label"]} for a in areas]
        label = _("Areas this agency is exempt from (the index is rescaled to 100 without them)")
        fields.append({"type": "multi_choice", "name": EXEMPT, "label": _same(label), "options": options})
    reviewer = reviewer_names(definition)
    for spec in definition.get("fields") or []:
        if not isinstance(spec, dict):
            continue
        if spec.get("type") != "section":
            if spec.get("name") in reviewer:
                fields.append(spec)
            continue
        if not spec.get("name"):
            continue
        children = _children(spec, data, locale, _)
        children.append(_comment_box(spec["name"], _("Comment on this section")))
        fields.append(
            {"type": "section", "name": f"_review_{spec['name']}", "label": spec.get("label"), "fields": children}
        )
    fields.append(_comment_box("", _("General comment")) | {"name": GENERAL})
    return {"fields": fields}


def review_form_values(definition: dict[str, Any], report: Report) -> dict[str, Any]:
    """What the reviewer's form shows before anything is typed: the stored values, exempt areas and comments."""
    review = report.review or {}
    values = {k: v for k, v in review_values(report).items() if k in reviewer_names(definition)}
    exempt = review.get("exempt_areas") or []
    notes = {f"{COMMENT}{path}": text for path, text in (review.get("comments") or {}).items()}
    general = {GENERAL: review["comment"]} if review.get("comment") else {}
    return values | ({EXEMPT: list(exempt)} if exempt else {}) | notes | general


def read_review(definition: dict[str, Any], form: Mapping[str, Any]) -> dict[str, Any]:
    """The posted review: reviewer data, exempt areas (PAR only, else None), comment, field comments."""
    posted = read_form(review_definition(definition, {}, "vi", _plain), form, role="reviewer")
    reviewer = reviewer_names(definition)
    comments = {k[len(COMMENT) :]: v for k, v in posted.items() if k.startswith(COMMENT) and isinstance(v, str)}
    exempt = posted.get(EXEMPT) or []
    return {
        "data": {k: v for k, v in posted.items() if k in reviewer},
        "exempt_areas": [str(a) for a in exempt] if par_areas(definition) else None,
        "comment": posted.get(GENERAL) if isinstance(posted.get(GENERAL), str) else "",
        "field_comments": comments,
        "posted": posted,
    }


def _plain(text: str, **params: Any) -> str:
    return text % params if params else text
