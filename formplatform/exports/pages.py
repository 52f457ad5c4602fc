"""Export pages: choose what to export, watch its progress, find it again under "My exports", download."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, render_template, request, stream_with_context, url_for

from formplatform.agencies.models import Agency
from formplatform.auth import current_user, require_login
from formplatform.errors import Invalid, localize_problems
from formplatform.exports import bp, services
from formplatform.exports.models import LANGUAGES, SOURCE_FORMATS, ExportJob
from formplatform.exports.runner import wake_runner
from formplatform.exports.selection import Selection, checked_form, owner_scope, parse_selection
from formplatform.exports.words import (
    FAILURES,
    FORMAT_LABELS,
    FORMAT_NAMES,
    LANGUAGE_LABELS,
    SOURCE_LABELS,
    STATE_LABELS,
)
from formplatform.paging import page_number
from formplatform.reporting.campaign_words import REPORT_STATUS_LABELS
from formplatform.reporting.models import REPORT_STATES
from formplatform.satisfaction.questionnaire import form_key as satisfaction_form
from i18n.babel import current_locale

PAGE_SIZE = 20
MAX_PICKER = 300
WORDS = {
    "FORMAT_LABELS": FORMAT_LABELS,
    "FORMAT_NAMES": FORMAT_NAMES,
    "LANGUAGE_LABELS": LANGUAGE_LABELS,
    "SOURCE_LABELS": SOURCE_LABELS,
    "STATE_LABELS": STATE_LABELS,
    "FAILURES": FAILURES,
    "STATUS_LABELS": REPORT_STATUS_LABELS,
}
WORDS["words"] = WORDS  # for the progress macro, which sees no page variables


def _agency_choices(scope: list[str] | None) -> list[Agency]:
    query = Agency.objects(active=True) if scope is None else Agency.objects(id__in=scope, active=True)
    return list(query.only("id", "code", "name").order_by("code").limit(MAX_PICKER))


def _options_page(chosen: Selection, problems: list[dict[str, Any]] | None = None) -> Any:
    form = checked_form(chosen.form_key)
    scope = owner_scope(current_user(), chosen.source)
    return render_template(
        "exports/new.html",
        form=form,
        chosen=chosen,
        problems=problems or [],
        agency_choices=_agency_choices(scope),
        formats=SOURCE_FORMATS[chosen.source],
        languages=LANGUAGES,
        report_states=[(s, REPORT_STATUS_LABELS[s]) for s in REPORT_STATES],
        **WORDS,
    ), (422 if problems else 200)


@bp.get("/exports/new")
@require_login
def new_export() -> Any:
    """The export options, prefilled from the query (a submissions list, a dashboard or the ratings page links here)."""
    source = request.args.get("source") if request.args.get("source") in SOURCE_LABELS else "submissions"
    if not request.args.get("form") and source != "ratings":  # exports start from a form, a dashboard, ratings
        return my_exports()
    try:
        chosen = parse_selection(request.args)
    except Invalid as error:
        return _options_page(_kept(source, request.args, []), localize_problems(error.problems))
    return _options_page(chosen)


def _kept(source: str, values: Any, agencies: list[str]) -> Selection:
    """What to show again beside the problems: the source, its form and the agencies chosen."""
    form = (values.get("form") or "")[:64] or (satisfaction_form() if source == "ratings" else "")
    return Selection(source, form, agencies=agencies)


@bp.post("/exports")
@require_login
def create_export() -> Any:
    try:
        chosen = parse_selection(request.form)
    except Invalid as error:
        source = request.form.get("source") if request.form.get("source") in SOURCE_LABELS else "submissions"
        kept = _kept(source, request.form, request.form.getlist("agency"))
        return _options_page(kept, localize_problems(error.problems))
    job = services.request_export(current_user(), chosen, current_locale())
    wake_runner()
    return redirect(url_for("exports.export_job", job_id=job.id))


@bp.get("/exports")
@require_login
def my_exports() -> Any:
    page = max(page_number(request.args.get("page")), 1)
    found = services.list_exports(current_user(), page=page, per_page=PAGE_SIZE)  # type: ignore[arg-type]
    if any(job.state in ("queued", "running") for job in found.items):
        wake_runner()
    return render_template("exports/list.html", items=found.items, page=found, **WORDS)


@bp.get("/exports/<job_id>")
@require_login
def export_job(job_id: str) -> Any:
    job = services.own_export(current_user(), job_id)
    if job.state in ("queued", "running"):
        wake_runner()
    return render_template("exports/job.html", job=job, **WORDS)


@bp.get("/exports/<job_id>/file")
@require_login
def export_download(job_id: str) -> Any:
    job, chunks = services.export_file(current_user(), job_id)
    return file_response(job, chunks)


def file_response(job: ExportJob, chunks: Any) -> Response:
    """The finished file, streamed chunk by chunk, as an attachment."""
    headers = {
        "Content-Disposition": f'attachment; filename="{job.filename}"',
        "Content-Length": str(job.size),
        "X-Content-Type-Options": "nosniff",
    }
    return Response(stream_with_context(chunks), content_type=job.content_type, headers=headers)


@bp.post("/exports/<job_id>/delete")
@require_login
def delete_export(job_id: str) -> Any:
    if request.form.get("confirm") != "1":
        job = services.own_export(current_user(), job_id)
        return render_template("exports/job.html", job=job, confirm_needed=True, **WORDS), 422
    services.delete_export(current_user(), job_id)
    return redirect(url_for("exports.my_exports", deleted=1))
