"""Real forms from public projects (tests/fixtures/interchange/README.md): what each imports and reports.

Per file the table records whether pyxform itself converts it, whether we get a definition, and the problem codes
reported, so any change in what is kept or lost shows here. The targets of issue 16 are measured on the corpus.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pyxform.xls2json_backends import md_table_to_workbook
from pyxform.xls2xform import convert

from form_definitions.checks import check_definition
from form_definitions.interchange import definition_from_formio, definition_from_workbook

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
    for name in refused:  # each refusal names the sheet, the row and the column
        (problem,) = definition_from_workbook(xlsform(name), filename=f"{name}.xlsx").problems
        assert (problem.params["sheet"], problem.params["row"], problem.params["column"]) == ("survey", 2, "parameters")


BUTTON = ("import_unsupported_component", "submit")  # a submit button: our pages bring their own
SETTING = "import_unsupported_setting"
# name: (problem code, component key) of everything reported; every file gives a definition with no fatal problem
FORMIO = {
    "conditionalWizardPages": (("import_unsupported_component", "form"),),  # a nested form by reference
    "formWithCalcValue": (("import_javascript", "checkbox"), BUTTON),  # calculateValue as a script
    "formWithCheckboxRadioType": (),
    "formWithConditionalEmail": (BUTTON,),
    "formWithDayComp": (BUTTON, (SETTING, "day")),  # its defaultValue
    "formWithEditGrid": (BUTTON, (SETTING, "dataGrid")),
    "formWithFileComponent": (BUTTON,),
    "formWithHiddenComponents": (BUTTON, (SETTING, "radio"), (SETTING, "select"), (SETTING, "selectBoxes")),
    "formWithNumbers": (BUTTON, ("import_unsupported_component", "validate"), (SETTING, "dataGrid")),
    "formWithPlaceholders": (
        ("import_no_options", "select"),
        ("import_no_options", "select1"),
        ("import_unsupported_component", "address"),
        BUTTON,
        ("import_unsupported_component", "tags"),
    ),
    "formWithSelectBoxes": (BUTTON,),
    "formWithSignature": (("import_unsupported_component", "signature"),),  # a wizard: its page is a section
}


def formio(name: str) -> dict:
    return json.loads((CORPUS / "formio" / f"{name}.json").read_text(encoding="utf-8"))


def test_every_formio_file_is_listed():
    assert sorted(p.stem for p in (CORPUS / "formio").glob("*.json")) == sorted(FORMIO)


@pytest.mark.parametrize("name", sorted(FORMIO))
def test_each_formio_form_imports_and_reports_as_recorded(name):
    imported = definition_from_formio(formio(name), filename=f"{name}.json")
    assert imported.definition is not None and check_definition(imported.definition) == []
    assert tuple(sorted((p.code, p.params.get("key")) for p in imported.problems)) == tuple(sorted(FORMIO[name]))
    for problem in imported.problems:  # every report names the component by its key and its place in the file
        assert problem.path.startswith("components[") and "key" in problem.params


def test_formio_wizard_pages_and_conditions_arrive():
    definition = definition_from_formio(formio("conditionalWizardPages"), filename="x.json").definition
    first, second = definition["fields"]
    assert (first["type"], first["name"], second["name"]) == ("section", "page1", "page2")
    assert second["visible_if"] == {"==": [{"var": "number"}, "5"]}
    email = definition_from_formio(formio("formWithConditionalEmail"), filename="x.json").definition["fields"][1]
    assert (email["type"], email["visible_if"]) == ("email", {"==": [{"var": "radio"}, "english"]})
    assert definition["key"] == "testwizardconditional" and definition["title"] == {"vi": "test wizard conditional"}
