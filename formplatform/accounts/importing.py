"""Importing many accounts from a CSV or Excel sheet: every row is checked first, then all or none."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from form_definitions.problems import Problem
from formplatform.accounts.checks import check_details, check_grants, clean_details
from formplatform.accounts.models import User
from formplatform.accounts.services import create_account
from formplatform.agencies.models import Agency
from formplatform.audit.services import record_event
from formplatform.errors import BadRequest, Invalid

COLUMNS = ("username", "display_name", "email", "phone", "position", "agency_code", "roles")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
# An .xlsx is a zip; refuse archives that would inflate far beyond any real sheet of 1000 accounts.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 30


@dataclass(frozen=True)
class SheetRow:
    """One data row: its number as the spreadsheet shows it (the header is row 1) and its cells by column."""

    number: int
    values: dict[str, str]


Plan = tuple[SheetRow, str, list[tuple[str, str]]]  # row, home agency id, (role, agency id) grants


def read_sheet(filename: str, content: bytes) -> list[SheetRow]:
    """Rows of an uploaded CSV (UTF-8, BOM tolerated) or XLSX workbook; file-level problems raise 400."""
    if len(content) > MAX_BYTES:
        raise BadRequest("import_too_large")
    extension = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if extension == "xlsx" and content.startswith(b"PK\x03\x04"):
        table = _xlsx_table(content)
    elif extension == "csv" and not content.startswith(b"PK\x03\x04"):
        table = _csv_table(content)
    else:
        raise BadRequest("import_file_type")
    return _rows(table)


def _csv_table(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadRequest("import_file_type") from error
    if "\x00" in text:
        raise BadRequest("import_file_type")
    try:
        return [row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text, newline=""))][: MAX_ROWS + 2]
    except csv.Error as error:
        raise BadRequest("import_unreadable") from error


def _xlsx_table(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise BadRequest("import_too_large")
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True)
            return [[_cell(value) for value in row] for row in rows]
        finally:
            workbook.close()
    except BadRequest:
        raise
    except Exception as error:  # noqa: BLE001 - openpyxl raises many types for a damaged workbook
        raise BadRequest("import_unreadable") from error


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(table: list[list[str]]) -> list[SheetRow]:
    if not table:
        raise BadRequest("import_empty")
    header = [str(name).strip().lower() for name in table[0]]
    if not set(COLUMNS) <= set(header):
        raise BadRequest("import_columns")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {name: str(cells[i]).strip() if i < len(cells) else "" for i, name in enumerate(header)}
        if any(values.get(column) for column in COLUMNS):
            rows.append(SheetRow(number, {column: values.get(column, "") for column in COLUMNS}))
    if not rows:
        raise BadRequest("import_empty")
    if len(rows) > MAX_ROWS:
        raise BadRequest("import_too_many_rows")
    return rows


def _codes(rows: list[SheetRow]) -> dict[str, Agency]:
    codes = {row.values["agency_code"].upper() for row in rows}
    for row in rows:
        codes |= {p.partition("@")[2].strip().upper() for p in row.values["roles"].split(";")}
    return {a.code: a for a in Agency.objects(code__in=sorted(c for c in codes if c))}


def _check_agencies(row: SheetRow, pairs: list[tuple[str, str]] | None, agencies: dict[str, Agency]) -> list[Problem]:
    code = row.values["agency_code"]
    problems = []
    if code and code.upper() not in agencies:
        problems.append(Problem(f"{row.number}.agency_code", "unknown_agency", {"agency": code}))
    if pairs is None:
        problems.append(Problem(f"{row.number}.roles", "roles_format"))
    for missing in dict.fromkeys(c for _, c in pairs or [] if c.upper() not in agencies):
        problems.append(Problem(f"{row.number}.roles", "unknown_agency", {"agency": missing}))
    return problems


def check_row(row: SheetRow, actor: User, agencies: dict[str, Agency]) -> tuple[list[Problem], Plan]:
    """Problems of one row (paths `<row>.<column>`), and what to create: home agency id and grants."""
    values = clean_details(row.values)
    problems = [Problem(f"{row.number}.{p.path}", p.code, p.params) for p in check_details(values, new=True)]
    pairs = parse_roles(values["roles"])
    problems += _check_agencies(row, pairs, agencies)
    home = agencies.get(values["agency_code"].upper())
    grants = [(role, agencies[code.upper()].id) for role, code in pairs or [] if code.upper() in agencies]
    for problem in check_grants(actor, home.id if home else None, grants):
        column = "agency_code" if problem.path == "agency_id" else "roles"
        # An unknown home agency and malformed or unknown roles are reported above: do not call them missing.
        already_said = (problem.path == "agency_id" and home is None and values["agency_code"]) or (
            problem.code == "roles_required" and (pairs is None or bool(pairs))
        )
        if not already_said:
            problems.append(Problem(f"{row.number}.{column}", problem.code, problem.params))
    return problems, (row, home.id if home else "", grants)


def parse_roles(text: str) -> list[tuple[str, str]] | None:
    """`role@agency_code;role@agency_code` as (role, agency code) pairs; None when malformed."""
    pairs = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        role, at, code = part.partition("@")
        if not at or not role.strip() or not code.strip():
            return None
        pairs.append((role.strip().lower(), code.strip()))
    return pairs


def plan_import(
    rows: list[SheetRow], actor: User
) -> tuple[list[Problem], list[tuple[SheetRow, list[tuple[str, str]]]]]:
    """Check every row (also user names repeated in the sheet or already taken) before anything is created."""
    agencies = _codes(rows)
    problems: list[Problem] = []
    plan = []
    first_row: dict[str, int] = {}
    for row in rows:
        row_problems, row_plan = check_row(row, actor, agencies)
        name = row.values["username"].lower()
        if name in first_row:
            row_problems.append(Problem(f"{row.number}.username", "username_repeated", {"row": first_row[name]}))
        first_row.setdefault(name, row.number)
        problems += row_problems
        plan.append(row_plan)
    taken = {u.username for u in User.objects(username__in=sorted(first_row)).only("username")}
    problems += [
        Problem(f"{r.number}.username", "username_taken") for r in rows if r.values["username"].lower() in taken
    ]
    return sorted(problems, key=_problem_order), plan


def _problem_order(problem: Problem) -> tuple[int, int]:
    number, _, column = problem.path.partition(".")
    return int(number), COLUMNS.index(column) if column in COLUMNS else len(COLUMNS)


def import_users(rows: list[SheetRow], actor: User) -> list[tuple[User, str]]:
    """Create every account of the sheet, or none when any row has a problem; returns temporary passwords."""
    problems, plan = plan_import(rows, actor)
    if problems:
        raise Invalid(problems)
    created: list[tuple[User, str]] = []
    for row, home_id, grants in plan:
        try:
            created.append(create_account({**row.values, "agency_id": home_id}, grants, actor))
        except Invalid as error:
            _roll_back(created, actor)
            raise Invalid(
                [Problem(f"{row.number}.{_column(p.path)}", p.code, p.params) for p in error.problems]
            ) from error
    record_event(
        "user.import", actor=actor, details={"count": len(created), "usernames": [u.username for u, _ in created]}
    )
    return created


def _column(path: str) -> str:
    return "agency_code" if path == "agency_id" else "roles" if path.startswith("roles") else path


def _roll_back(created: list[tuple[User, str]], actor: User) -> None:
    """Someone took a user name while the sheet was being imported: remove what this import created."""
    names = [user.username for user, _ in created]
    User.objects(id__in=[user.id for user, _ in created]).delete()
    record_event("user.import_rollback", actor=actor, outcome="failed", details={"usernames": names})
