"""Importing accounts from a CSV or Excel sheet: a row-level report, then every account or none."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote

from flask import Response, render_template, request

from formplatform.accounts import importing
from formplatform.accounts.views import actor, bp, no_store
from formplatform.auth import require_permission
from formplatform.errors import BadRequest, Invalid, localize_problems
from i18n.messages import error_title


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return "\ufeff" + buffer.getvalue()  # the BOM makes Excel read the file as UTF-8


def _report(problems: list[Any]) -> list[dict[str, Any]]:
    """Problems as table rows: spreadsheet row number, column name and message."""
    report = []
    for problem in localize_problems(problems):
        number, _, column = problem["path"].partition(".")
        report.append({"row": int(number), "column": column, "message": problem["message"]})
    return report


@bp.route("/admin/users/import", methods=["GET", "POST"])
@require_permission("users.manage")
def import_users() -> Any:
    if request.method == "GET":
        return render_template("accounts/import.html", report=[], file_error="", columns=importing.COLUMNS)
    upload = request.files.get("sheet")
    try:
        if upload is None or not upload.filename:
            raise BadRequest("import_file_type")
        rows = importing.read_sheet(upload.filename, upload.read(importing.MAX_BYTES + 1))
        created = importing.import_users(rows, actor())
    except BadRequest as error:
        message = error_title(error.code, error.params)
        page = render_template("accounts/import.html", report=[], file_error=message, columns=importing.COLUMNS)
        return page, 400
    except Invalid as error:
        report = _report(error.problems)
        page = render_template("accounts/import.html", report=report, file_error="", columns=importing.COLUMNS)
        return page, 422
    table = [["username", "temporary_password"], *([user.username, password] for user, password in created)]
    # Passwords are never stored: the CSV travels inside this one response as a data: link.
    download = "data:text/csv;charset=utf-8," + quote(_csv_text(table))
    return no_store(render_template("accounts/import_done.html", created=created, download=download))


@bp.get("/admin/users/import/template.csv")
@require_permission("users.manage")
def import_template() -> Any:
    body = _csv_text([list(importing.COLUMNS)])
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=accounts-template.csv"},
    )
