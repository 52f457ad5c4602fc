"""Staff pages for dossiers: the scoped list, one dossier with its history and rating QR, the sheet import."""

from __future__ import annotations

import csv
import io
import time
from datetime import datetime
from typing import Any

from flask import Response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from formplatform.agencies.models import Agency
from formplatform.auth import current_principal, require_permission
from formplatform.errors import BadRequest, Conflict, Invalid, NotFound, Unauthorized, localize_problems
from formplatform.models import new_id
from formplatform.paging import page_number
from formplatform.permissions import Principal, allows, allows_somewhere
from formplatform.satisfaction import bp
from formplatform.satisfaction.dossier_input import COLUMNS, MAX_BYTES, DossierRow
from formplatform.satisfaction.dossier_sheets import EXAMPLE_CODE, is_example, preview_dossiers, read_upload
from formplatform.satisfaction.dossiers import (
    MANAGE,
    as_datetime,
    correct_dossier_status,
    get_dossier,
    list_dossiers,
    ratings_of,
    save_dossiers,
    visible_filter,
)
from formplatform.satisfaction.models import DOSSIER_STATUSES, IMPORT_KEEP_SECONDS, STAGES, DossierImport, Rating
from formplatform.satisfaction.periods import LOCAL_OFFSET
from formplatform.satisfaction.possession import shown_pin
from formplatform.satisfaction.words import STAGE_LABELS, STATUS_LABELS
from i18n.messages import error_title

PAGE_SIZE = 20
STATUS_BADGES = {
    "received": "muted",
    "processing": "warning",
    "supplement_requested": "warning",
    "finished": "success",
    "returned": "success",
    "rejected": "danger",
    "withdrawn": "muted",
}
RATING_LABELS = {
    "counted": _l("Rated"),
    "flagged": _l("Rated, held for review"),
    "rejected": _l("Rating rejected by a reviewer"),
    "open": _l("Not rated yet"),
    "waiting": _l("Can be rated once handled"),
}


@bp.context_processor
def dossier_helpers() -> dict[str, Any]:
    """Words and formatting shared by the dossier templates."""
    return {
        "status_labels": STATUS_LABELS,
        "stage_labels": STAGE_LABELS,
        "status_badges": STATUS_BADGES,
        "local_time": local_time,
        "rating_labels": RATING_LABELS,
    }


def local_time(value: Any, with_time: bool = True) -> str:
    """A stored UTC time as Ho Chi Minh City time, "dd/mm/yyyy HH:MM"; "" when absent."""
    moment = as_datetime(value)
    if moment is None:
        return ""
    local = moment + LOCAL_OFFSET
    return local.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


def _viewer() -> Principal:
    principal = current_principal()
    if principal is None:
        raise Unauthorized()
    return principal


def visible_agencies(principal: Principal) -> list[Agency]:
    """Agencies whose dossiers the caller may see, in tree order (parents first)."""
    scope = visible_filter(principal)
    query = {"_id": scope["agency_id"]} if scope else {}
    agencies = list(Agency.objects(__raw__=query).only("id", "code", "name", "ancestors", "type"))
    codes = {a.id: a.code for a in agencies}
    return sorted(agencies, key=lambda a: [codes.get(i, "") for i in a.lineage])


@bp.get("/admin/dossiers")
def dossiers() -> Any:
    principal = _viewer()
    filters = {name: (request.args.get(name) or "").strip() for name in ("q", "agency", "status")}
    if filters["status"] not in ("", *DOSSIER_STATUSES):
        filters["status"] = ""
    agencies = visible_agencies(principal)
    by_id = {a.id: a for a in agencies}
    if filters["agency"] not in by_id:
        filters["agency"] = ""
    page = list_dossiers(principal, page=page_number(request.args.get("page")), per_page=PAGE_SIZE, **filters)
    items = page.items
    return render_template(
        "satisfaction/dossiers.html",
        items=items,
        page=page,
        filters=filters,
        query={k: v for k, v in filters.items() if v},
        agencies=agencies,
        by_id=by_id,
        ratings=ratings_of([d.id for d in items]),
        poster_agency=by_id.get(filters["agency"]),
        can_manage=allows_somewhere(principal, MANAGE),
    )


@bp.post("/admin/dossiers/<code>/correct")
@require_permission(MANAGE)
def correct_status(code: str) -> Any:
    """Correct a wrong status (backwards too), with a reason kept in the history and the audit log."""
    try:
        found = correct_dossier_status(code, request.form.get("status", ""), request.form.get("reason", ""), _viewer())
    except Invalid as error:
        return dossier(code, correction_errors=localize_problems(error.problems), status=422)
    return redirect(url_for("satisfaction.dossier", code=found.id), 303)


@bp.get("/admin/dossiers/<code>")
def dossier(code: str, correction_errors: list[dict[str, Any]] | None = None, status: int = 200) -> Any:
    principal = _viewer()
    found = get_dossier(code, principal)
    manages = allows(principal, MANAGE, found.agency_id)
    history = sorted(found.history or [], key=lambda h: as_datetime(h.get("at")) or datetime.min)
    return render_template(
        "satisfaction/dossier.html",
        dossier=found,
        agency=Agency.objects(id=found.agency_id).first(),
        rating=Rating.objects(id=Rating.make_id(found.id)).first(),
        history=history,
        stages=STAGES,
        manages=manages,
        rating_pin=shown_pin(found.id) if manages else "",
        correction_errors=correction_errors or [],
        statuses=DOSSIER_STATUSES,
    ), status


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return "\ufeff" + buffer.getvalue()  # the BOM makes Excel read the file as UTF-8


def _report(problems: list[Any]) -> list[dict[str, Any]]:
    """Problems as table rows: spreadsheet row number, column and message, in row order."""
    report = []
    for problem in localize_problems(problems):
        number, _, column = problem["path"].partition(".")
        report.append({"row": int(number) if number.isdigit() else 0, "column": column, "message": problem["message"]})
    return sorted(report, key=lambda r: (r["row"], COLUMNS.index(r["column"]) if r["column"] in COLUMNS else 99))


def _import_page(status: int = 200, **context: Any) -> tuple[str, int]:
    context = {"report": [], "file_error": "", "columns": COLUMNS, "rows": 0, **context}
    return render_template("satisfaction/dossier_import.html", **context), status


@bp.route("/admin/dossiers/import", methods=["GET", "POST"])
@require_permission(MANAGE)
def import_dossiers() -> Any:
    """Upload a sheet; it is checked and shown row by row (the preview) before anything is imported."""
    if request.method == "GET":
        return _import_page()
    upload = request.files.get("sheet")
    try:
        if upload is None or not upload.filename:
            raise BadRequest("import_file_type")
        sheet = read_upload(upload.filename, upload.read(MAX_BYTES + 1))
    except BadRequest as error:
        return _import_page(400, file_error=error_title(error.code, error.params))
    principal = _viewer()
    DossierImport.objects(owner_id=principal.id, created__lt=time.time() - IMPORT_KEEP_SECONDS).delete()
    draft = DossierImport(
        id=new_id(),
        owner_id=principal.id,
        filename=upload.filename[:200],
        kind=sheet.kind,
        encoding=sheet.encoding,
        delimiter=sheet.delimiter,
        rows=[{"where": row.where, "values": row.values} for row in sheet.rows],
        created=time.time(),
    )
    draft.save(force_insert=True)
    return redirect(url_for("satisfaction.dossier_import_preview", draft_id=draft.id), 303)


def _draft(draft_id: str) -> DossierImport:
    """The caller's own pending import (another's, or one forgotten, is not found)."""
    draft = DossierImport.objects(id=draft_id, owner_id=_viewer().id).first()
    if draft is None or draft.created < time.time() - IMPORT_KEEP_SECONDS:
        raise NotFound("dossier_import_gone")
    return draft


def _draft_rows(draft: DossierImport) -> list[DossierRow]:
    return [DossierRow(str(row["where"]), dict(row["values"])) for row in draft.rows]


@bp.get("/admin/dossiers/import/<draft_id>")
@require_permission(MANAGE)
def dossier_import_preview(draft_id: str) -> Any:
    """Every row of the sheet with what importing it would do; confirm imports them, cancel forgets them."""
    draft = _draft(draft_id)
    verdicts = preview_dossiers(_draft_rows(draft), _viewer())
    tally = {kind: sum(v.verdict == kind for v in verdicts) for kind in VERDICTS}
    return render_template(
        "satisfaction/dossier_import_preview.html",
        draft=draft,
        verdicts=verdicts,
        tally=tally,
        importable=tally["invalid"] == 0 and (tally["new"] + tally["update"]) > 0,
        verdict_labels=VERDICTS,
        delimiter_label=DELIMITER_LABELS.get(draft.delimiter, draft.delimiter),
    ), (200 if tally["invalid"] == 0 else 422)


@bp.post("/admin/dossiers/import/<draft_id>")
@require_permission(MANAGE)
def confirm_dossier_import(draft_id: str) -> Any:
    """Import the previewed rows (checked again: the dossiers may have changed since), skipping the example."""
    draft = _draft(draft_id)
    if request.form.get("action") == "cancel":
        draft.delete()
        return redirect(url_for("satisfaction.import_dossiers"), 303)
    rows = [row for row in _draft_rows(draft) if not is_example(row)]
    try:
        outcome = save_dossiers(rows, _viewer(), source="import")
    except (Invalid, Conflict):
        return redirect(url_for("satisfaction.dossier_import_preview", draft_id=draft.id), 303)
    draft.delete()
    unchanged = len(rows) - len(outcome["created"]) - len(outcome["updated"])
    return render_template(
        "satisfaction/dossier_import_done.html", outcome=outcome, unchanged=unchanged, filename=draft.filename
    )


VERDICTS = {
    "new": _l("New dossier"),
    "update": _l("Update"),
    "unchanged": _l("No change"),
    "example": _l("The template's example row: skipped"),
    "invalid": _l("Problem: fix the sheet"),
}
DELIMITER_LABELS = {",": _l("comma"), ";": _l("semicolon"), "\t": _l("tab")}


def example_row() -> dict[str, str]:
    """The example row of the downloadable template."""
    return {
        "code": EXAMPLE_CODE,
        "agency_code": "000.00.31.H29",
        "procedure_code": "1.001234",
        "procedure_name_vi": "Cấp bản sao trích lục hộ tịch",
        "procedure_name_en": "Issuing a copy of a civil-status extract",
        "field_vi": "Hộ tịch",
        "field_en": "Civil status",
        "receive_official_id": "cb.tiepnhan",
        "receive_official_name": "Nguyễn Văn Tiếp",
        "process_official_id": "cb.xuly",
        "process_official_name": "Trần Thị Xử",
        "return_official_id": "cb.trakq",
        "return_official_name": "Lê Văn Trả",
        "applicant": "Phạm Minh Khoa",
        "received_at": "2026-11-10T08:30",
        "due_at": "2026-11-15",
        "finished_at": "13/11/2026 16:00",
        "status": "finished",
    }


@bp.get("/admin/dossiers/import/template.csv")
@require_permission(MANAGE)
def dossier_import_template() -> Any:
    example = example_row()
    body = csv_text([list(COLUMNS), [example[c] for c in COLUMNS]])
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=dossiers-template.csv"},
    )
