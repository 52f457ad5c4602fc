"""Dossier rows as one-stop systems send them: one flat format for API JSON and CSV/XLSX columns.

Every row is checked on its own here (format, dates, status, agency); what needs the whole batch or
the database beyond agencies (scope, existing dossiers, repeated codes) is checked in `dossiers.py`.
Dates are ISO (`2026-11-10`, `2026-11-10T09:30`, with or without an offset) or `10/11/2026 [09:30]`;
a time without an offset is Ho Chi Minh City time, and everything is stored as naive UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from form_definitions.problems import Problem, join_path
from formplatform.agencies.models import Agency
from formplatform.errors import BadRequest
from formplatform.satisfaction.codes import normalize_code, parse_dossier_code
from formplatform.satisfaction.models import DOSSIER_STATUSES, STAGES
from formplatform.satisfaction.periods import LOCAL_OFFSET, local_date
from i18n.messages import register_errors, register_problems

OFFICIAL_COLUMNS = tuple(f"{stage}_official_{part}" for stage in STAGES for part in ("id", "name"))
DATE_COLUMNS = ("received_at", "due_at", "finished_at")
COLUMNS = (
    "code",
    "agency_code",
    "procedure_code",
    "procedure_name_vi",
    "procedure_name_en",
    "field_vi",
    "field_en",
    *OFFICIAL_COLUMNS,
    "applicant",
    *DATE_COLUMNS,
    "status",
)
REQUIRED = ("code", "procedure_name_vi", "received_at", "status")
LIMITS = {"code": 64, "agency_code": 20, "procedure_code": 64, "applicant": 200}
TEXT_LIMIT = 300  # names of procedures, fields and officials
ID_LIMIT = 64  # officials' ids
MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024  # the limit the shared "import_too_large" message names
DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")

register_problems(
    {
        "bad_code": _l(
            "A dossier code is the agency code, the receipt date (YYMMDD) and a 4-digit number, "
            "e.g. 000.00.31.H29-261110-0012."
        ),
        "code_date_mismatch": _l(
            "The date in the dossier code (%(code_date)s) is not the received date (%(received)s)."
        ),
        "bad_date": _l("Enter a date as YYYY-MM-DD or DD/MM/YYYY, optionally with a time (HH:MM)."),
        "bad_status": _l("Unknown status %(status)s; use one of %(choices)s."),
        "due_before_received": _l("The due date is before the received date."),
        "status_unchanged": _l("The dossier already has this status."),
        "correction_reason_required": _l("Say why the status is corrected (at least %(min)s characters)."),
        "status_backwards": _l(
            "The dossier is already %(current)s; a status only moves forward, so %(requested)s cannot follow. "
            "Correct a wrong status on the dossier's page, with a reason."
        ),
        "finished_before_received": _l("The finishing date is before the received date."),
        "duplicate_in_batch": _l("This dossier code is repeated; it first appears at row %(first)s."),
        "agency_changed": _l("This dossier is already registered with another handling agency, which cannot change."),
        "agency_inactive": _l("The agency %(agency)s is closed."),
        "agency_not_in_code": _l(
            "Give agency_code: the agency part of the dossier code (%(agency)s) is not an agency."
        ),
        "official_id_required": _l("Give the official's id together with the name."),
        "unknown_column": _l("There is no column %(column)s."),
        "not_text": _l("Give this value as text."),
    }
)
register_errors(
    {
        "dossier_rows_required": _l('Send one dossier object or {"dossiers": [ ... ]} with 1 to 1000 dossiers.'),
        "dossier_import_columns": _l(
            "The first row must name the columns, at least code, procedure_name_vi, received_at and status."
        ),
        "dossier_import_empty": _l("The sheet has no dossiers."),
        "bad_status_filter": _l("Unknown dossier status in the filter."),
        "dossier_import_too_many_rows": _l("The sheet has more than 1000 dossiers; split it into several files."),
    }
)


@dataclass(frozen=True)
class DossierRow:
    """One incoming row: where it came from (`"3"` for sheet row 3, `"dossiers.0"`, or `""`) and its cells."""

    where: str
    values: dict[str, str]

    def path(self, column: str) -> str:
        return join_path(self.where, column)


@dataclass
class DossierData:
    """A row's values once checked, ready to store."""

    code: str
    agency: Agency | None
    status: str
    received_at: datetime
    due_at: datetime | None = None
    finished_at: datetime | None = None
    procedure_code: str = ""
    procedure_name: dict[str, str] = field(default_factory=dict)
    field_name: dict[str, str] = field(default_factory=dict)
    officials: dict[str, dict[str, str]] = field(default_factory=dict)
    applicant: str = ""


def parse_moment(text: str) -> datetime | None:
    """A naive UTC datetime from ISO or DD/MM/YYYY text (local time when no offset is given); None if invalid."""
    text = (text or "").strip()
    match = DMY.match(text)
    try:
        if match:
            day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
            moment = datetime(year, month, day, hour, minute, second)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    else:
        moment -= LOCAL_OFFSET
    return moment if 2000 <= local_date(moment).year <= 2099 else None


def row_from_json(item: Any, where: str) -> tuple[DossierRow, list[Problem]]:
    """A row from one JSON object: numbers become text, null empty; unknown keys and nested values are problems."""
    values = dict.fromkeys(COLUMNS, "")
    problems: list[Problem] = []
    for key, value in item.items():
        if key not in COLUMNS:
            problems.append(Problem(join_path(where, key), "unknown_column", {"column": key}))
        elif isinstance(value, dict | list | bool):
            problems.append(Problem(join_path(where, key), "not_text"))
        else:
            values[key] = "" if value is None else str(value).strip()
    return DossierRow(where, values), problems


def rows_from_json(body: Any) -> tuple[list[DossierRow], list[Problem]]:
    """Rows of an API body: one dossier object, or {"dossiers": [...]} with up to 1000 of them."""
    if isinstance(body, dict) and "dossiers" in body:
        items = body["dossiers"]
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_ROWS or len(body) != 1:
            raise BadRequest("dossier_rows_required")
        if not all(isinstance(item, dict) for item in items):
            raise BadRequest("dossier_rows_required")
        pairs = [row_from_json(item, f"dossiers.{i}") for i, item in enumerate(items)]
    elif isinstance(body, dict):
        pairs = [row_from_json(body, "")]
    else:
        raise BadRequest("dossier_rows_required")
    return [row for row, _ in pairs], [p for _, found in pairs for p in found]


def _text_problems(row: DossierRow) -> list[Problem]:
    problems = [Problem(row.path(c), "required") for c in REQUIRED if not row.values[c]]
    for column, value in row.values.items():
        limit = LIMITS.get(column) or (ID_LIMIT if column.endswith("_id") else TEXT_LIMIT)
        if len(value) > limit:
            problems.append(Problem(row.path(column), "too_long", {"limit": limit}))
    for stage in STAGES:
        if row.values[f"{stage}_official_name"] and not row.values[f"{stage}_official_id"]:
            problems.append(Problem(row.path(f"{stage}_official_id"), "official_id_required"))
    status = row.values["status"]
    if status and status not in DOSSIER_STATUSES:
        problems.append(
            Problem(row.path("status"), "bad_status", {"status": status, "choices": ", ".join(DOSSIER_STATUSES)})
        )
    return problems


def _dates(row: DossierRow) -> tuple[dict[str, datetime | None], list[Problem]]:
    moments: dict[str, datetime | None] = {}
    problems = []
    for column in DATE_COLUMNS:
        text = row.values[column]
        moments[column] = parse_moment(text) if text else None
        if text and moments[column] is None:
            problems.append(Problem(row.path(column), "bad_date"))
    received = moments["received_at"]
    if received is not None:
        for column, code in (("due_at", "due_before_received"), ("finished_at", "finished_before_received")):
            other = moments[column]
            # by local day: a due date without a time means "by the end of that day"
            if other is not None and local_date(other) < local_date(received):
                problems.append(Problem(row.path(column), code))
    return moments, problems


def _code_problems(row: DossierRow, code: str, received: datetime | None) -> list[Problem]:
    if not code:
        return []
    parsed = parse_dossier_code(code)
    if parsed is None:
        return [Problem(row.path("code"), "bad_code")]
    # The code's date is the receipt date (Thông tư 01/2018 Điều 19): a mismatch means a wrong code or date.
    if received is not None and parsed.received != local_date(received):
        params = {"code_date": _dmy(parsed.received), "received": _dmy(local_date(received))}
        return [Problem(row.path("received_at"), "code_date_mismatch", params)]
    return []


def _dmy(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _agency(row: DossierRow, code: str, agencies: dict[str, Agency]) -> tuple[Agency | None, list[Problem]]:
    """The handling agency: agency_code when given, else the agency part of the dossier code."""
    given = row.values["agency_code"].strip().upper()
    if given:
        agency = agencies.get(given)
        if agency is None:
            return None, [Problem(row.path("agency_code"), "unknown_agency", {"agency": given})]
    else:
        parsed = parse_dossier_code(code)
        if parsed is None:
            return None, []  # reported as bad_code
        agency = agencies.get(parsed.agency)
        if agency is None:
            return None, [Problem(row.path("agency_code"), "agency_not_in_code", {"agency": parsed.agency})]
    if not agency.active:
        return None, [Problem(row.path("agency_code"), "agency_inactive", {"agency": agency.code})]
    return agency, []


def agency_codes(rows: list[DossierRow]) -> set[str]:
    """Every agency code a batch may name (given or inside a dossier code), to load them in one query."""
    codes = {row.values["agency_code"].strip().upper() for row in rows}
    codes |= {parsed.agency for row in rows if (parsed := parse_dossier_code(row.values["code"]))}
    return {code for code in codes if code}


def check_row(row: DossierRow, agencies: dict[str, Agency]) -> tuple[list[Problem], DossierData | None]:
    """Problems of one row on its own, and its checked values when it has none."""
    code = normalize_code(row.values["code"])
    moments, problems = _dates(row)
    problems = _text_problems(row) + problems + _code_problems(row, code, moments["received_at"])
    agency, agency_problems = _agency(row, code, agencies) if code else (None, [])
    problems += agency_problems
    if problems or agency is None or moments["received_at"] is None:
        return problems, None
    values = row.values
    officials = {
        stage: {"id": values[f"{stage}_official_id"], "name": values[f"{stage}_official_name"]}
        for stage in STAGES
        if values[f"{stage}_official_id"]
    }
    return problems, DossierData(
        code=code,
        agency=agency,
        status=values["status"],
        received_at=moments["received_at"],
        due_at=moments["due_at"],
        finished_at=moments["finished_at"],
        procedure_code=values["procedure_code"],
        procedure_name={"vi": values["procedure_name_vi"], "en": values["procedure_name_en"]},
        field_name={"vi": values["field_vi"], "en": values["field_en"]},
        officials=officials,
        applicant=values["applicant"],
    )
