"""Moving definitions in and out: JSON and XLSForm exports, and XLSForm / Form.io imports."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from flask import current_app

from form_definitions.checks import check_definition
from form_definitions.interchange import definition_from_formio, definition_from_workbook, workbook_from_definition
from form_definitions.problems import Problem
from formplatform.accounts.models import User
from formplatform.audit.services import record_event
from formplatform.designer.queries import type_counts
from formplatform.designer.services import check_key, choose_owner, save_new_draft
from formplatform.errors import AppError, BadRequest, Invalid
from formplatform.limits import parse_json
from formplatform.models import Form

FORMATS = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SOURCES = {".xlsx": "xlsform", ".json": "formio"}


class TooLarge(AppError):
    """An uploaded file above MAX_UPLOAD_BYTES."""

    status, code = 413, "form_import_too_large"


@dataclass
class Export:
    """A file to download."""

    content: bytes
    mimetype: str
    filename: str


@dataclass
class ImportReport:
    """What an uploaded file would become: the converted definition (if any) and every problem found."""

    source: str  # xlsform | formio
    definition: dict[str, Any] | None
    warnings: list[Problem] = field(default_factory=list)  # from the converter: the draft can still be made
    blocking: list[Problem] = field(default_factory=list)  # the draft cannot be made as it stands

    @property
    def fatal(self) -> bool:
        return self.definition is None or bool(self.blocking)

    @property
    def summary(self) -> dict[str, int]:
        return type_counts(self.definition.get("fields") or []) if self.definition else {}


def export_definition(definition: dict[str, Any], key: str, label: str, fmt: str) -> Export:
    """A definition as a JSON document or an XLSForm-style workbook named `<key>-<label>.<fmt>`."""
    if fmt not in FORMATS:
        raise BadRequest("bad_export_format")
    if fmt == "json":
        content = json.dumps(definition, ensure_ascii=False, indent=2).encode("utf-8")
    else:
        content = workbook_from_definition(definition)
    return Export(content, FORMATS[fmt], f"{key}-{label}.{fmt}")


def read_upload(filename: str, data: bytes) -> tuple[str, Any]:
    """The kind of an uploaded file and its content, checked by extension and by content."""
    if len(data) > current_app.config["MAX_UPLOAD_BYTES"]:
        raise TooLarge()
    source = SOURCES.get(PurePath(filename or "").suffix.lower())
    if source is None:
        raise BadRequest("form_import_file_type")
    if source == "xlsform":
        if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
            raise BadRequest("form_import_unreadable")
        return source, data
    try:
        return source, parse_json(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequest("form_import_unreadable") from error


def convert_upload(filename: str, data: bytes, *, key: str = "", language: str = "vi", title: str = "") -> ImportReport:
    """Convert an uploaded workbook or Form.io schema into a definition and report every problem; saves nothing."""
    source, content = read_upload(filename, data)
    try:
        if source == "xlsform":
            imported = definition_from_workbook(content, key=key or None, title=title or None, filename=filename)
        else:
            imported = definition_from_formio(content, key=key, language=language, title=title, filename=filename)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        current_app.logger.info("import of %s failed: %r", filename, error)
        raise BadRequest("form_import_unreadable") from error
    if imported.definition is None:
        # the importer names the fatal problem last; what it noted before still helps
        fatal = imported.problems[-1:] or [Problem("", "import_no_definition")]
        return ImportReport(source, None, warnings=imported.problems[:-1], blocking=fatal)
    blocking = imported.locate(check_import(imported.definition))
    warnings = [p for p in imported.problems if p not in blocking]  # the importer repeats the checks
    return ImportReport(source, imported.definition, warnings=warnings, blocking=blocking)


def rename_import(definition: dict[str, Any], key: str, titles: dict[str, str]) -> dict[str, Any]:
    """The converted definition with the key and titles the designer set on the report page (blank: unchanged)."""
    renamed = dict(definition)
    if key.strip():
        renamed["key"] = key.strip()
    typed = {lang: text.strip() for lang, text in titles.items() if lang in ("vi", "en") and text.strip()}
    if typed:
        current = renamed.get("title") if isinstance(renamed.get("title"), dict) else {}
        renamed["title"] = {**current, **typed}
    return renamed


def check_import(definition: Any) -> list[Problem]:
    """What stops a converted definition from becoming a new form's draft."""
    if not isinstance(definition, dict):
        return []
    key = str(definition.get("key") or "")
    problems = [Problem("key", "import_key_exists", p.params) if p.code == "key_taken" else p for p in check_key(key)]
    return problems + check_definition(definition)


def import_form(definition: Any, source: str, actor: User, owner_agency_id: str = "") -> Form:
    """Create a new form whose draft is an imported definition, checked again here (it came back from a browser)."""
    problems = check_import(definition)
    if not isinstance(definition, dict):
        problems = [Problem("", "type", {"expected": "object"})]
    if problems:
        raise Invalid(problems, "form_import_failed")
    owner = choose_owner(actor, definition["key"], owner_agency_id)
    form = save_new_draft(definition["key"], definition, actor, owner)
    record_event(
        "form.import",
        actor=actor,
        target_type="form",
        target_id=form.id,
        agency_id=owner,
        details={"source": source if source in SOURCES.values() else "unknown", "fields": len(definition["fields"])},
    )
    return form
