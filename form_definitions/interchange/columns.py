"""The survey/choices/settings columns: which definition key each holds and how its cells read and write."""

from __future__ import annotations

import datetime
import json
import mimetypes
import re
from dataclasses import dataclass
from typing import Any

from form_definitions import LANGUAGES
from form_definitions.interchange.common import number_value, whole_number
from form_definitions.interchange.expressions import ExpressionError, rule_from_cell, rule_to_cell

BILINGUAL_BASES = ("label", "hint", "heading", "unit", "min_label", "max_label", "row_total", "title", "description")
TRUE_WORDS = {"yes", "true", "1", "x"}
FALSE_WORDS = {"no", "false", "0"}
MIME = re.compile(r"^[a-z]+/[a-z0-9.+*-]+$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class CellError(ValueError):
    """A cell whose value cannot be read; `code` is the problem code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Column:
    """One definition key stored in one column (bilingual keys: one column per language)."""

    key: str
    column: str
    codec: str  # text | raw | bilingual | rule | bool | number | whole | limit | mime

    def headers(self) -> list[str]:
        """The header cells this column writes."""
        return [f"{self.column}::{lang}" for lang in LANGUAGES] if self.codec == "bilingual" else [self.column]


# Survey columns in the order they are written. Standard XLSForm columns first, then our extensions.
FIELD_COLUMNS = (
    Column("name", "name", "text"),
    Column("label", "label", "bilingual"),
    Column("help", "hint", "bilingual"),
    Column("required", "required", "bool"),
    Column("visible_if", "relevant", "rule"),
    Column("formula", "calculation", "rule"),
    Column("concept", "concept", "text"),
    Column("fill_by", "fill_by", "text"),
    Column("prefill", "prefill", "text"),
    Column("format", "format", "text"),
    Column("required_if", "required_if", "rule"),
    Column("unit", "unit", "bilingual"),
    Column("minimum", "min", "limit"),
    Column("maximum", "max", "limit"),
    Column("decimals", "decimals", "whole"),
    Column("score_max", "score_max", "number"),
    Column("min_length", "min_length", "whole"),
    Column("max_length", "max_length", "whole"),
    Column("pattern", "pattern", "raw"),
    Column("min_items", "min_items", "whole"),
    Column("max_items", "max_items", "whole"),
    Column("accept", "accept", "mime"),
    Column("max_size", "max_size", "whole"),
    Column("min_label", "min_label", "bilingual"),
    Column("max_label", "max_label", "bilingual"),
    Column("addable_rows", "addable_rows", "bool"),
    Column("max_rows", "max_rows", "whole"),
    Column("row_total", "row_total", "bilingual"),
    Column("total", "total", "bool"),
    Column("in_row_total", "in_row_total", "bool"),
    Column("row_checks", "row_checks", "json"),  # a grid's cross-field checks, as JSON text
)
# A static text's content is what a note shows, so it takes the label columns; its own label moves aside.
STATIC_COLUMNS = (Column("content", "label", "bilingual"), Column("label", "heading", "bilingual"))
SURVEY_ORDER = ["type", "name", "label::vi", "label::en", "hint::vi", "hint::en", "required", "relevant"]
SURVEY_ORDER += ["calculation", "appearance", "parameters", "field_type", "kobo--matrix_list"]
SURVEY_ORDER += ["heading::vi", "heading::en"]
SURVEY_ORDER += [h for c in FIELD_COLUMNS for h in c.headers() if h not in SURVEY_ORDER]

OPTION_COLUMNS = (Column("value", "name", "text"), Column("label", "label", "bilingual"))
POINTS_COLUMN = Column("points", "points", "number")
ROW_COLUMNS = (Column("key", "name", "text"),) + OPTION_COLUMNS[1:] + (Column("unit", "unit", "bilingual"),)
CHOICES_ORDER = ["list_name", "name", "label::vi", "label::en", "points", "unit_vi", "unit_en"]

# Settings: pyxform reads `form_title` and `form_id`; a translated `title::vi` would make its title unusable,
# so both languages travel in plain columns of their own (`title_vi`, `title_en`).
SETTINGS_COLUMNS = (Column("key", "form_id", "text"), Column("kind", "kind", "text"))
SETTINGS_TEXTS = ("title", "description")
SETTINGS_ORDER = ["form_id", "form_title", "title_vi", "title_en", "description_vi", "description_en", "kind"]
SETTINGS_ORDER += ["default_language", "version", "schema_version", "scoring", "workflow", "checks", "meta"]


def encode(column: Column, value: Any) -> dict[str, Any]:
    """Header -> cell value for one definition value (empty dict when nothing is written)."""
    if column.codec == "bilingual":
        texts = value if isinstance(value, dict) else {}
        return {f"{column.column}::{lang}": texts[lang] for lang in LANGUAGES if texts.get(lang) not in (None, "")}
    if column.codec == "bool":
        return {column.column: "yes" if value else "no"}
    if column.codec == "rule":
        return {column.column: rule_to_cell(value)}
    if column.codec == "json":
        return {column.column: json.dumps(value, ensure_ascii=False)}
    if column.codec == "mime":
        return {column.column: ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)}
    return {column.column: value}


def decode(codec: str, value: Any) -> Any:
    """The definition value of one non-empty cell; CellError when it cannot be read."""
    try:
        return _DECODERS[codec](value)
    except CellError:
        raise
    except (ValueError, TypeError, ExpressionError) as error:
        raise CellError("import_bad_expression" if codec == "rule" else "import_bad_value") from error


def text_value(value: Any) -> str:
    """A cell as text: whole numbers without '.0', dates as ISO."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def bool_value(value: Any) -> bool:
    """yes/no, TRUE/FALSE, 1/0 as a boolean."""
    word = text_value(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(value)


def _limit(value: Any) -> Any:
    # Dates are ISO text in our format; Excel users may type a real date instead.
    if isinstance(value, (datetime.date, datetime.datetime)):
        return text_value(value)[:10]
    if isinstance(value, str) and DATE.fullmatch(value.strip()):
        return value.strip()
    return number_value(value)


def _rule(value: Any) -> Any:
    if not isinstance(value, str):
        raise ExpressionError(str(value))
    return rule_from_cell(value)


def mime_types(value: Any) -> list[str]:
    """MIME types from 'application/pdf, image/png' or extensions like '.pdf .docx'."""
    found = []
    for token in re.split(r"[,;\s]+", text_value(value).strip()):
        if token.startswith(".") or "/" not in token:
            token = mimetypes.guess_type("file." + token.lstrip(".*"))[0] or token
        if not MIME.fullmatch(token.lower()):
            raise ValueError(token)
        found.append(token.lower())
    return found


_DECODERS = {
    "text": lambda v: text_value(v).strip(),
    "raw": text_value,
    "bool": bool_value,
    "rule": _rule,
    "number": number_value,
    "whole": whole_number,
    "limit": _limit,
    "mime": mime_types,
    "json": lambda v: json.loads(text_value(v)),
}
