"""Real forms from public projects (tests/fixtures/interchange/README.md): what each imports and reports.

Per file the table records whether pyxform itself converts it, whether we get a definition, and the problem codes
reported, so any change in what is kept or lost shows here. The targets of issue 16 are measured on the corpus.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pyxform.xls2json_backends import md_table_to_workbook
from pyxform.xls2xform import convert

from form_definitions.checks import check_definition
from form_definitions.interchange import definition_from_workbook

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "interchange"
DROPPED, CHANGED, LABELLED = "import_column_dropped", "import_type_changed", "import_label_from_name"
REFUSED = ("import_pyxform_refused",)
# name: (pyxform converts it, we get a definition, problem codes reported)
XLSFORMS = {
    "example-case-insensitivity": (True, True, ("import_type_dropped",) * 2),  # select_one_external, osm
    "example-group": (True, True, ("import_type_dropped",)),  # `phone number`: ODK device metadata
    "example-loop": (True, True, ("import_type_dropped",)),  # begin loop
    "example-specify-other": (True, True, ()),
    "example-text-and-integer": (True, True, ()),
    "example-yes-or-no-question": (True, True, ()),
    "fieldlist-unlabeled-group-alternate-syntax": (True, True, (LABELLED,)),
    "fieldlist-unlabeled-group-fieldlist-alternate-syntax": (True, True, (LABELLED,)),
    "fieldlist-unlabeled-group-fieldlist": (True, True, (LABELLED,)),
    "fieldlist-unlabeled-group": (True, True, (LABELLED,)),
    "fieldlist-unlabeled-repeat-fieldlist": (True, True, (LABELLED,)),
    "fieldlist-unlabeled-repeat": (True, True, (LABELLED,)),
    "guidance-hint-and-label": (True, True, (DROPPED,)),  # guidance_hint
    "guidance-hint-multi-language-hint": (True, True, (LABELLED, "import_languages_dropped")),
    "guidance-hint-multi-language-without-label": (False, True, (DROPPED, LABELLED)),
    "guidance-hint-multi-language": (True, True, (DROPPED,)),
    "guidance-hint-one-language": (True, True, (DROPPED,)),
    "guidance-hint-only-hint": (True, True, ()),
    "guidance-hint-without-label": (False, True, (DROPPED, LABELLED)),
    "note-instance-expression": (True, True, ()),
    "range-comma-separator-spaced-step-2": (True, True, (DROPPED, CHANGED)),  # step 2: a number, not a rating
    "range-comma-separator-spaced": (True, True, ()),
    "range-comma-separator": (True, True, ()),
    "range-defaults": (True, True, ()),
    "range-end-only": (True, True, (CHANGED,)),  # 0-20 is wider than a rating
    "range-float": (True, True, (DROPPED, DROPPED, CHANGED)),
    "range-invalid-end": (False, False, REFUSED),
    "range-invalid-increment": (False, False, REFUSED),
    "range-invalid-start-only": (False, False, REFUSED),
    "range-no-parameters-column": (True, True, ()),
    "range-parameters-mixed-case": (True, True, (DROPPED, CHANGED)),
    "range-parameters": (True, True, ()),
    "range-semicolon-separator": (True, True, ()),
    "rank-filter": (True, True, (DROPPED, DROPPED, DROPPED, CHANGED)),  # choice_filter and its column
    "rank-translations": (True, True, ("import_languages_dropped", CHANGED)),
    "rank": (True, True, (CHANGED,)),
    "table-list": (True, True, (LABELLED, "import_unsupported_appearance", "import_unsupported_appearance")),
}


def xlsform(name: str) -> bytes:
    """A corpus form (kept as pyxform's markdown tables) as the .xlsx workbook a user would upload."""
    buffer = io.BytesIO()
    md_table_to_workbook((CORPUS / "xlsform" / f"{name}.md").read_text(encoding="utf-8")).save(buffer)
    return buffer.getvalue()


def pyxform_converts(name: str) -> bool:
    try:
        convert(xlsform(name), file_type=".xlsx")
    except Exception:  # pyxform's refusals come in several types; any one means "not converted"
        return False
    return True


def test_every_corpus_file_is_listed():
    assert sorted(p.stem for p in (CORPUS / "xlsform").glob("*.md")) == sorted(XLSFORMS)


@pytest.mark.parametrize("name", sorted(XLSFORMS))
def test_each_xlsform_imports_and_reports_as_recorded(name):
    converts, defined, codes = XLSFORMS[name]
    imported = definition_from_workbook(xlsform(name), filename=f"{name}.xlsx")
    assert pyxform_converts(name) is converts
    assert (imported.definition is not None, tuple(sorted(p.code for p in imported.problems))) == (
        defined,
        tuple(sorted(codes)),
    )
    for problem in imported.problems:  # every note and refusal points at a sheet and row the user can find
        sheet, _, row = problem.path.partition(":")
        assert sheet in ("survey", "choices", "settings") and row.isdigit(), problem
        assert (problem.params["sheet"], problem.params["row"]) == (sheet, int(row))


def test_the_targets_hold_on_the_xlsform_corpus():
    converted = [name for name, (converts, _, _) in XLSFORMS.items() if converts]
    clean = []
    for name in converted:
        imported = definition_from_workbook(xlsform(name), filename=f"{name}.xlsx")
        if imported.definition is not None and not check_definition(imported.definition):
            clean.append(name)
    refused = [n for n, (_, defined, _) in XLSFORMS.items() if not defined]
    assert len(converted) == 32 and len(clean) / len(converted) >= 0.95  # measured: 32 of 32
    assert len(refused) == 3
