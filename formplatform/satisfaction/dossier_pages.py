"""Staff pages for dossiers: the scoped list, one dossier with its history and rating QR, the sheet import."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from flask import Response, render_template, request
from flask_babel import lazy_gettext as _l

from formplatform.agencies.models import Agency
from formplatform.auth import current_principal, require_permission
from formplatform.errors import BadRequest, Invalid, Unauthorized, localize_problems
from formplatform.paging import page_number
from formplatform.permissions import Principal, allows, allows_somewhere
from formplatform.satisfaction import bp
from formplatform.satisfaction.dossier_input import COLUMNS, MAX_BYTES, read_sheet
from formplatform.satisfaction.dossiers import (
    MANAGE,
    as_datetime,
    get_dossier,
    list_dossiers,
    ratings_of,
    save_dossiers,
    visible_filter,
)
from formplatform.satisfaction.models import DOSSIER_STATUSES, STAGES, Rating
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


@bp.get("/admin/dossiers/<code>")
def dossier(code: str) -> Any:
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
    )


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
    if request.method == "GET":
        return _import_page()
    upload = request.files.get("sheet")
    try:
        if upload is None or not upload.filename:
            raise BadRequest("import_file_type")
        rows = read_sheet(upload.filename, upload.read(MAX_BYTES + 1))
        outcome = save_dossiers(rows, _viewer(), source="import")
    except BadRequest as error:
        return _import_page(400, file_error=error_title(error.code, error.params))
    except Invalid as error:
        return _import_page(422, report=_report(error.problems), rows=len(rows), filename=upload.filename)
    unchanged = len(rows) - len(outcome["created"]) - len(outcome["updated"])
    return render_template(
        "satisfaction/dossier_import_done.html", outcome=outcome, unchanged=unchanged, filename=upload.filename
    )


def example_row() -> dict[str, str]:
    """The example row of the downloadable template."""
    return {
        "code": "000.00.31.H29-261110-0012",
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
