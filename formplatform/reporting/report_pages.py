"""Report pages: the to-do list, all reports one may read, one report at its step, what changed, PAR ranking.

The actions (save, submit, approve, send back, review) are posted to workflow_pages; this module
renders. A report outside the caller's scope answers 404, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from formplatform.accounts.views import ROLE_LABELS
from formplatform.agencies.models import Agency
from formplatform.api import page_args
from formplatform.auth import current_principal, current_user, require_login, require_permission
from formplatform.errors import BadRequest, NotFound, localize_problems
from formplatform.models import Form, by_ids
from formplatform.paging import Page, page_number
from formplatform.reporting import bp
from formplatform.reporting.header import with_header
from formplatform.reporting.models import Campaign, Report
from formplatform.reporting.par import par_view, period_ranking
from formplatform.reporting.periods import period_label
from formplatform.reporting.report_files import evidence_ids, signed_copies
from formplatform.reporting.reports import TODO_LIMIT, due_status, readable_report, todo_for, visible_reports
from formplatform.reporting.workflow_access import can_act, current_step, report_definition
from formplatform.reporting.workflow_data import agency_content, comment_targets, content, review_values
from formplatform.reporting.workflow_history import (
    changes_between,
    default_pair,
    last_return,
    people,
    revision,
    revisions_of,
    steps_of,
)
from formplatform.reporting.workflow_review import review_definition, review_form_values
from i18n.babel import current_locale
from i18n.text import localize
from renderers import format_number, render_form

FORM_ID = "fp-report-form"
TODO_PAGE = 20
VN_OFFSET = timedelta(hours=7)  # stored times are UTC; officials read Vietnam time (UTC+7, no DST)
STATE_LABELS = {
    "not_started": _l("Not started"),
    "draft": _l("Draft"),
    "in_approval": _l("In approval"),
    "submitted": _l("Submitted"),
    "returned": _l("Returned for supplementation"),
    "accepted": _l("Accepted"),
    "overdue": _l("Overdue"),
}
DUE_LABELS = {"overdue": _l("Overdue"), "due_soon": _l("Due soon"), "on_track": _l("On track"), "received": ""}


def period_text(report: Report) -> str:
    return period_label(report.period_key, current_locale(), report.period_start.date(), report.period_end.date())


def when(moment: Any, *, time: bool = True) -> str:
    """A stored (naive UTC) time as Vietnam's wall clock: dd/mm/yyyy [HH:MM]."""
    if moment is None:
        return ""
    return (moment + VN_OFFSET).strftime("%d/%m/%Y %H:%M" if time else "%d/%m/%Y")


def number(value: Any) -> str:
    """A score in the reader's number format; a dash when there is none."""
    return format_number(value, current_locale()) if value is not None else "—"


def step_text(step: dict[str, Any]) -> str:
    """Who acts at a step, in words: its own label, else the role's name."""
    if step.get("kind") == "done":
        return gettext("Completed")
    return localize(step["label"], current_locale()) if step.get("label") else str(ROLE_LABELS[step["role"]])


def _helpers(reports: list[Report]) -> dict[str, Any]:
    """What every report template needs to name agencies, forms, periods and states."""
    agencies = by_ids(Agency.objects.only("id", "name"), (r.agency_id for r in reports))
    forms = by_ids(Form.objects.only("id", "title"), (r.form_key for r in reports))  # one query, not one per form
    titles = {key: localize(form.title, current_locale()) for key, form in forms.items()}
    return {
        "agency_name": lambda r: (
            localize(agencies[r.agency_id].name, current_locale()) if r.agency_id in agencies else ""
        ),
        "form_title": lambda r: titles.get(r.form_key, r.form_key),
        "period_text": period_text,
        "step_text": step_text,
        "state_labels": STATE_LABELS,
        "due_labels": DUE_LABELS,
        "when": when,
        "number": number,
    }


@bp.get("/reports")
@require_login
def todo() -> Any:
    """What is due, when, in which state; what is waiting for me."""
    number = page_number(request.args.get("page"))
    start = (number - 1) * TODO_PAGE
    items = todo_for(current_user(), min(start + TODO_PAGE + 1, TODO_LIMIT))  # this page, and is there a next?
    page = Page(items[start : start + TODO_PAGE], number, TODO_PAGE, len(items) > start + TODO_PAGE)
    return render_template(
        "reporting/todo.html", items=page.items, page=page, **_helpers([i.report for i in page.items])
    )


@bp.get("/reports/all")
@require_login
def report_list() -> Any:
    """Every report the caller may read, filtered by state, campaign, form or period."""
    page, per_page = page_args()
    filters = {k: (request.args.get(k) or "").strip() for k in ("state", "campaign", "form", "period")}
    found = visible_reports(current_principal(), filters, page, per_page)
    return render_template(
        "reporting/report_list.html",
        items=found.items,
        page=found,
        filters=filters,
        query={k: v for k, v in filters.items() if v},
        due_status=due_status,
        **_helpers(found.items),
    )


def with_form_id(body: Markup) -> Markup:
    """Give the renderer's <form> an id, so the page's own buttons and inputs can belong to it."""
    marker = '<form class="fp-form fp-form--fill"'
    html = str(body).replace(marker, f'<form id="{FORM_ID}" class="fp-form fp-form--fill"', 1)
    return Markup(html)  # noqa: S704  (the renderer's escaped HTML, with a constant attribute added)


def comment_errors(report: Report, definition: dict[str, Any]) -> tuple[Any, list[dict[str, str]]]:
    """The latest return (if the agency is working on it) and its field comments as inline notes."""
    back = last_return(report) if report.state in ("returned", "submitted") else None
    if back is None:
        return None, []
    notes = [
        {"path": path, "code": "comment", "message": gettext("Reviewer's comment: %(comment)s", comment=text)}
        for path, text in (back.field_comments or {}).items()
    ]
    return back, notes


def file_link(report: Report) -> Callable[[Mapping[str, Any]], str]:
    """Download links for the evidence files the report holds (a file of a refused post has none yet)."""
    known = evidence_ids(report)

    def link(ref: Mapping[str, Any]) -> str:
        found = str(ref.get("id") or "")
        return url_for("reporting.evidence", report_id=report.id, file_id=found) if found in known else ""

    return link


def _render(definition: dict[str, Any], mode: str, report: Report, **options: Any) -> Markup:
    body = render_form(
        definition,
        mode=mode,
        locale=current_locale(),
        gettext=gettext,
        show_title=False,
        totals=report.totals,
        file_url=file_link(report),
        **options,
    )
    return with_form_id(body) if mode == "fill" else body


def _fill_body(report: Report, definition: dict[str, Any], errors: list[Any], state: dict[str, Any]) -> Markup:
    """The drafter's form: the posted (or stored) answers, the reviewer's entries shown locked."""
    data = {**with_header(definition, state.get("data") or report.data or {}, report), **review_values(report)}
    action = url_for("reporting.save", report_id=report.id)
    return _render(definition, "fill", report, data=data, errors=errors, csrf_token=generate_csrf(), action=action)


def _review_form(report: Report, definition: dict[str, Any], errors: list[Any], state: dict[str, Any]) -> Markup:
    """The reviewer's own form (reviewer fields, comment boxes, exempt areas)."""
    shown = state.get("review_data") or review_form_values(definition, report)
    form = review_definition(definition, report.data or {}, current_locale(), gettext)
    action = url_for("reporting.review", report_id=report.id)
    options = {"role": "reviewer", "data": shown, "errors": errors, "csrf_token": generate_csrf(), "action": action}
    return _render(form, "fill", report, **options)


def render_report(report: Report, status: int = 200, **state: Any) -> Any:
    """The report page at its current step; `state` carries posted data, errors and messages on a retry."""
    definition = report_definition(report)
    step = current_step(report)
    mine = can_act(current_user(), report)
    back, notes = comment_errors(report, definition)
    errors = list(state.get("errors") or [])
    filling = step["kind"] == "fill" and mine
    if filling and request.args.get("done") == "saved" and not errors:  # what is still to complete
        errors = localize_problems(agency_content(definition, report.data or {}, review_values(report)).problems)
    if filling:
        body = _fill_body(report, definition, errors + notes, state)
    else:
        body = _render(definition, "view", report, data=content(report), errors=notes, score=report.score)
    reviewing = step["kind"] == "review" and mine
    steps, revisions, signed = steps_of(report), revisions_of(report), signed_copies(report)
    context = {
        "report": report,
        "step": step,
        "mine": mine,
        "body": body,
        "review_form": _review_form(report, definition, errors, state) if reviewing else None,
        "form_id": FORM_ID,
        "back": back,
        "targets": _target_labels(definition),
        "history": steps,
        "revisions": revisions,
        "signed": signed,
        "names": people({s.actor_id for s in steps} | {r.created_by for r in revisions} | {c.actor_id for c in signed}),
        "pair": default_pair(report),
        "due": due_status(report),
        "par": par_view(definition, report, current_locale()),
        "message": state.get("message"),
        "done": request.args.get("done"),
        "comment": state.get("comment", ""),
        "has_errors": bool(errors),
    }
    return render_template("reporting/report.html", **context, **_helpers([report])), status


def _target_labels(definition: dict[str, Any]) -> dict[str, str]:
    return {name: localize(spec.get("label"), current_locale()) for name, spec in comment_targets(definition).items()}


@bp.get("/reports/<report_id>")
@require_login
def report(report_id: str) -> Any:
    return render_report(readable_report(current_user(), report_id))


def _number_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise BadRequest("bad_revision")
    return int(value)


@bp.get("/reports/<report_id>/changes")
@require_login
def changes(report_id: str) -> Any:
    """What changed between two revisions (default: the last two submissions)."""
    found = readable_report(current_user(), report_id)
    numbers = revisions_of(found)
    a, b = _number_arg("a"), _number_arg("b")
    if a is None or b is None:
        pair = default_pair(found)
        a, b = (a, b) if a is not None and b is not None else (pair or (None, None))
    listed: list[Any] = []
    if a is not None and b is not None:
        old, new = revision(found, a), revision(found, b)
        listed = changes_between(report_definition(found), old.data, new.data, current_locale(), gettext)
    return render_template(
        "reporting/report_changes.html",
        report=found,
        revisions=numbers,
        a=a,
        b=b,
        changes=listed,
        **_helpers([found]),
    )


@bp.get("/campaigns/<campaign_id>/periods/<period_key>/ranking")
@require_permission("compliance.read")
def ranking(campaign_id: str, period_key: str) -> Any:
    """Agencies of a PAR-index campaign period ranked by verified index out of 100."""
    campaign = Campaign.objects(id=campaign_id).first()
    if campaign is None:
        raise NotFound()
    table = period_ranking(campaign, period_key, current_principal())
    reports = [row["report"] for row in table["ranked"] + table["unscored"]] + table["pending"]
    return render_template(
        "reporting/ranking.html",
        campaign=campaign,
        period_key=period_key,
        period=period_label(period_key, current_locale()),
        table=table,
        **_helpers(reports),
    )
