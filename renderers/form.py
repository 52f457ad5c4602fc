"""render_form: a definition with answers, errors and a score, as fill, view, print or blank HTML."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from form_definitions.answers import compute
from renderers.build import ViewBuilder
from renderers.values import Gettext, format_number
from renderers.views import MARKS, MODES, CellView, Context, FieldView, RowView, attach_errors

ENV = Environment(
    loader=PackageLoader("renderers"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
    auto_reload=False,  # templates ship with the package; no stat() per field on every render
)
# What the browser needs to run rules, calculations and rows (labels stay out: they are in the HTML).
CLIENT_KEYS = (
    "type",
    "name",
    "visible_if",
    "required_if",
    "formula",
    "decimals",
    "fill_by",
    "addable_rows",
    "min_items",
    "max_items",
    "max_rows",
)
COLUMN_KEYS = ("name", "type", "formula", "decimals", "total", "in_row_total")


def _identity(text: str) -> str:
    return text


def json_script(value: Any) -> Markup:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' can end the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return Markup(text)  # noqa: S704  (escaped above for the script context)


def client_fields(fields: list[Any]) -> list[dict[str, Any]]:
    """The part of a definition that form.js reads."""
    result = []
    for spec in fields:
        if not isinstance(spec, dict):
            continue
        item = {key: spec[key] for key in CLIENT_KEYS if key in spec}
        if isinstance(spec.get("fields"), list):
            item["fields"] = client_fields(spec["fields"])
        if isinstance(spec.get("columns"), list):
            item["columns"] = [{k: c[k] for k in COLUMN_KEYS if k in c} for c in spec["columns"] if isinstance(c, dict)]
        if isinstance(spec.get("rows"), list):
            item["rows"] = [{"key": r["key"]} for r in spec["rows"] if isinstance(r, dict) and "key" in r]
        if spec.get("row_total"):
            item["row_total"] = True
        if isinstance(spec.get("row_checks"), list):
            item["row_checks"] = spec["row_checks"]
        result.append(item)
    return result


def render_field(view: FieldView, ctx: Context) -> Markup:
    """One field box through its type's template (renderers/fields/<type>.html)."""
    template = ENV.get_template(f"renderers/fields/{view.kind}.html")
    return Markup(template.render(f=view, ctx=ctx, _=ctx.gettext, render=lambda v: render_field(v, ctx)))  # noqa: S704


def _summary_item(error: dict[str, Any], target: Any) -> dict[str, str]:
    message = str(error.get("message") or error.get("code") or "")
    if isinstance(target, FieldView):
        return {"label": target.label, "message": message, "href": f"#{target.focus_id}"}
    if isinstance(target, CellView):
        return {"label": target.label, "message": message, "href": f"#{target.id}"}
    if isinstance(target, RowView):
        return {"label": target.label, "message": message, "href": f"#{target.id}"}
    return {"label": "", "message": message, "href": ""}


def _score_view(definition: dict[str, Any], score: dict[str, Any] | None, ctx: Context) -> dict[str, str] | None:
    if not score or ctx.fill:
        return None
    band = score.get("band")
    label = str(band or "")
    for candidate in (definition.get("scoring") or {}).get("bands") or []:
        if band is not None and band in (candidate.get("key"), (candidate.get("label") or {}).get("en")):
            label = ctx.text(candidate.get("label"))
    numbers = {
        "points": format_number(score.get("total"), ctx.locale),
        "max": format_number(score.get("max"), ctx.locale),
    }
    return {"text": ctx.tr("%(points)s of %(max)s", **numbers), "band": label}


def render_form(
    definition: dict[str, Any],
    *,
    mode: str = "fill",
    locale: str = "vi",
    data: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
    totals: dict[str, Any] | None = None,
    score: dict[str, Any] | None = None,
    gettext: Gettext = _identity,
    action: str = "",
    csrf_token: str | None = None,
    role: str = "filler",
    show_title: bool = True,
    marks: Mapping[str, str] | None = None,
    file_url: Callable[[Mapping[str, Any]], str] | None = None,
    hidden: Mapping[str, str] | None = None,
) -> Markup:
    """The whole form: `fill` is a <form>, `view` and `print` show the answers read-only, `blank` shows
    the form as people will see it, every control disabled.

    `role="reviewer"` makes reviewer-only fields editable; `show_title=False` leaves the title and
    description to the page; `marks` flags fields by name as added, changed or removed (comparisons);
    `file_url` turns a stored file reference into a download link for the file's name; `hidden` are
    name/value pairs the form sends back as they are (beside `csrf_token`).
    """
    if mode not in MODES:
        raise ValueError(f"unknown render mode {mode!r}; expected one of {MODES}")
    if marks and not set(marks.values()) <= set(MARKS):
        raise ValueError(f"unknown field marks {sorted(set(marks.values()) - set(MARKS))}; expected {MARKS}")
    answers = {} if mode == "blank" else copy.deepcopy(data or {})  # blank: the form before anyone answers
    values, _totals = compute(definition, answers)
    ctx = Context(mode, locale, gettext, role, dict(totals or {}), score, dict(marks or {}), file_url)
    builder = ViewBuilder(ctx)
    fields = builder.fields(definition.get("fields") or [], values, values)
    summary = [_summary_item(e, t) for e, t in attach_errors(builder.targets, list(errors or []))]
    render: Callable[[FieldView], Markup] = lambda view: render_field(view, ctx)  # noqa: E731
    return Markup(  # noqa: S704  (autoescaped template)
        ENV.get_template("renderers/form.html").render(
            ctx=ctx,
            _=gettext,
            render=render,
            fields=fields,
            summary=summary,
            title=ctx.text(definition.get("title")) if show_title else "",
            description=ctx.text(definition.get("description")) if show_title else "",
            score=_score_view(definition, score, ctx),
            action=action,
            csrf_token=csrf_token,
            hidden=dict(hidden or {}),
            definition_json=json_script(
                {"fields": client_fields(definition.get("fields") or []), "checks": definition.get("checks") or []}
            ),
        )
    )
