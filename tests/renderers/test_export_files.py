"""Exports spanning three versions: a field renamed under its concept, a field removed, a choice added.

Every cell of the CSV (a zip of one CSV per table) and of the XLSX (one sheet per table) is checked.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl

from renderers.export_files import CsvStream, XlsxStream, sheet_name
from renderers.export_plan import ExportPlan, Record, Wording


def t(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


LEVEL_V1 = [{"value": "a", "label": t("Tốt", "Good")}, {"value": "b", "label": t("Kém", "Poor")}]
LEVEL_V3 = [*LEVEL_V1, {"value": "c", "label": t("Xuất sắc", "Excellent")}]
GRID = {
    "type": "grid",
    "name": "figures",
    "concept": "x.figures",
    "label": t("Số liệu", "Figures"),
    "rows": [{"key": "r1", "label": t("Hồ sơ", "Dossiers")}],
    "columns": [{"name": "plan", "type": "integer", "label": t("Kế hoạch", "Plan")}],
}


def versions() -> dict[int, dict[str, Any]]:
    staff = {"type": "integer", "name": "staff", "concept": "x.staff", "label": t("Số cán bộ", "Staff")}
    level = {"type": "choice", "name": "level", "concept": "x.level", "label": t("Mức", "Level"), "options": LEVEL_V1}
    note = {"type": "text", "name": "note", "concept": "x.note", "label": t("Ghi chú", "Note")}
    v2_staff = {**staff, "name": "headcount", "label": t("Biên chế", "Headcount")}
    return {
        1: {"title": t("Báo cáo", "Report"), "fields": [staff, level, note, GRID]},
        2: {"title": t("Báo cáo", "Report"), "fields": [v2_staff, level, note, GRID]},
        3: {"title": t("Báo cáo năm", "Yearly report"), "fields": [v2_staff, {**level, "options": LEVEL_V3}, GRID]},
    }


RECORDS = [
    Record("s1", 1, {"staff": 5, "level": "a", "note": "Đủ", "figures": {"r1": {"plan": 7}}}, ["Quận 1"]),
    Record("s2", 2, {"headcount": 6, "level": "b", "note": "Thiếu"}, ["Quận 3"]),
    Record("s3", 3, {"headcount": 8, "level": "c", "figures": {"r1": {"plan": 9}}}, ["Sở Nội vụ"]),
]
MAIN = [
    ["Record id", "Form version", "Agency", "Biên chế", "Mức", "Ghi chú"],
    ["s1", 1, "Quận 1", 5, "Tốt", "Đủ"],
    ["s2", 2, "Quận 3", 6, "Kém", "Thiếu"],
    ["s3", 3, "Sở Nội vụ", 8, "Xuất sắc", None],
]
FIGURES = [["Record id", "Row key", "Row", "Kế hoạch"], ["s1", "r1", "Hồ sơ", 7], ["s3", "r1", "Hồ sơ", 9]]


def plan() -> ExportPlan:
    wording = Wording(label=lambda text: text.get("vi", "") if isinstance(text, dict) else str(text), word=str)
    return ExportPlan(versions(), ["Agency"], wording)


def write(stream: Any, target: Path) -> None:
    for record in RECORDS:
        for table, row in plan().rows(record):
            stream.add(table, row)
    stream.close(target)


def test_columns_merge_by_concept_and_keep_removed_fields(tmp_path: Path) -> None:
    tables = plan().tables
    assert [table.title for table in tables] == ["Báo cáo năm", "Số liệu"]
    assert [c.header for c in tables[0].columns] == MAIN[0]
    assert [c.numeric for c in tables[0].columns][3] is True


def test_every_cell_of_the_xlsx(tmp_path: Path) -> None:
    target = tmp_path / "export.xlsx"
    write(XlsxStream(plan().tables, tmp_path), target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Báo cáo năm", "Số liệu"]
    sheets = [[[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in book]
    assert sheets == [MAIN, FIGURES]
    assert book["Báo cáo năm"].freeze_panes == "A2"
    assert book["Số liệu"].tables["Table2"].ref == "A1:D3"


def test_every_cell_of_the_csv_zip(tmp_path: Path) -> None:
    target = tmp_path / "export.zip"
    write(CsvStream(plan().tables, tmp_path, ["main.csv", "figures.csv"]), target)
    with zipfile.ZipFile(target) as archive:
        raw = archive.read("main.csv")
        assert raw.startswith(b"\xef\xbb\xbf")
        main = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        figures = list(csv.reader(io.StringIO(archive.read("figures.csv").decode("utf-8-sig"))))
    text = [[("" if v is None else str(v)) for v in row] for row in MAIN]
    assert main == text
    assert figures == [[str(v) for v in row] for row in FIGURES]


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_name("Báo cáo: quý [1]/2026", taken) == "Báo cáo quý 1 2026"
    assert sheet_name("Báo cáo: quý [1]/2026", taken) == "Báo cáo quý 1 2026 (2)"
    assert len(sheet_name("x" * 80, taken)) <= 31
