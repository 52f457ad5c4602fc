"""Dashboard tables written as CSV, XLSX, DOCX and PDF: the same header and cells in all four, Vietnamese
intact, numbers kept as numbers where the reader computes with them (CSV, XLSX) and written per locale
where people read them (DOCX, PDF)."""

from __future__ import annotations

import csv
import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from renderers.tables import DataTable, sheet_title, table_csv, table_docx, table_pdf, table_xlsx

HEADER = ["Đơn vị", "Số hồ sơ", "Tỷ lệ đúng hạn (%)", "Ghi chú"]
ROWS: list[list[str | int | float | None]] = [
    ["Ủy ban nhân dân Quận 1", 1200, 91.5, None],
    ["Sở Nội vụ", 15, None, "=SUM(B4:B5)"],
    ["Ủy ban nhân dân thành phố Thủ Đức", 2015, 100.25, "Đã rà soát"],
]


def table(**changes: object) -> DataTable:
    fields: dict[str, object] = {
        "title": "Hồ sơ theo đơn vị: Quý I/2025 [tổng hợp]",
        "columns": list(HEADER),
        "rows": [list(r) for r in ROWS],
        "subtitle": "Lọc: năm 2025, lĩnh vực Tư pháp",
    }
    return DataTable(**{**fields, **changes})  # type: ignore[arg-type]


def vi_gettext(message: str) -> str:
    return {"Page %(page)s of %(pages)s": "Trang %(page)s/%(pages)s"}.get(message, message)


def sheet_of(data: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(data)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def docx_cells(data: bytes) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in Document(io.BytesIO(data)).tables[0].rows]


def pdf_text(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_csv_starts_with_a_bom_and_parses_back_to_the_same_rows():
    data = table_csv(table())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [
        HEADER,
        ["Ủy ban nhân dân Quận 1", "1200", "91.5", ""],
        ["Sở Nội vụ", "15", "", "=SUM(B4:B5)"],
        ["Ủy ban nhân dân thành phố Thủ Đức", "2015", "100.25", "Đã rà soát"],
    ]


def test_csv_quotes_commas_quotes_and_line_breaks():
    data = table_csv(table(rows=[['Phường "Bến Thành", Quận 1', "dòng 1\ndòng 2"]], columns=["A", "B"]))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["A", "B"], ['Phường "Bến Thành", Quận 1', "dòng 1\ndòng 2"]]


def test_xlsx_has_title_subtitle_styled_header_and_numbers_as_numbers():
    sheet = sheet_of(table_xlsx(table()))
    assert sheet["A1"].value == "Hồ sơ theo đơn vị: Quý I/2025 [tổng hợp]"
    assert sheet["A1"].font.bold and sheet["A1"].font.sz > 11
    assert sheet["A2"].value == "Lọc: năm 2025, lĩnh vực Tư pháp"
    header = [c.value for c in sheet[3]]
    assert header == HEADER
    assert all(c.font.bold and c.alignment.wrap_text and c.fill.fgColor.rgb.endswith("DCE6F1") for c in sheet[3])
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert values == [[None if v is None else v for v in row] for row in ROWS]
    assert isinstance(sheet["B4"].value, int) and isinstance(sheet["C6"].value, float)
    assert sheet["B4"].data_type == "n" and sheet["D5"].data_type == "s"  # "=SUM(…)" text stays text
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:D6"
    widths = [sheet.column_dimensions[letter].width for letter in "ABCD"]
    assert widths[0] >= len("Ủy ban nhân dân thành phố Thủ Đức") and all(10 <= w <= 60 for w in widths)


def test_xlsx_sheet_name_is_derived_from_the_title():
    sheet = sheet_of(table_xlsx(table()))
    assert sheet.title == "Hồ sơ theo đơn vị Quý I 2025"
    assert len(sheet.title) <= 31 and not set(sheet.title) & set("[]:*?/\\")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Báo cáo", "Báo cáo"),
        ("a/b\\c?d*e[f]g:h", "a b c d e f g h"),
        ("'Tỷ lệ'", "Tỷ lệ"),
        ("x" * 40, "x" * 31),
        ("[]:*?", "Sheet"),
        ("History", "History 1"),
    ],
)
def test_sheet_title_is_valid_for_excel(title, expected):
    assert sheet_title(title) == expected


def test_numeric_columns_are_guessed_or_taken_as_given():
    assert table().numeric_columns() == [False, True, True, False]
    assert table(numeric=[False, False, False, True]).numeric_columns() == [False, False, False, True]
    assert table(rows=[]).numeric_columns() == [False] * 4
    assert table(rows=[[None, "12", 3, True]]).numeric_columns() == [False, False, True, False]


def test_short_and_long_rows_are_padded_or_cut_alike_in_every_writer():
    uneven = table(rows=[["Quận 3"], ["Quận 5", 1, 2.5, "x", "extra"]], subtitle="")
    assert uneven.cells() == [["Quận 3", None, None, None], ["Quận 5", 1, 2.5, "x"]]
    rows = list(csv.reader(io.StringIO(table_csv(uneven).decode("utf-8-sig"), newline="")))
    assert rows[1:] == [["Quận 3", "", "", ""], ["Quận 5", "1", "2.5", "x"]]
    sheet = sheet_of(table_xlsx(uneven))
    assert sheet["A2"].value is None and sheet.max_column == 4
    assert docx_cells(table_docx(uneven))[1:] == [["Quận 3", "", "", ""], ["Quận 5", "1", "2,5", "x"]]


def test_docx_has_the_title_subtitle_and_a_table_with_a_repeating_header():
    data = table_docx(table())
    doc = Document(io.BytesIO(data))
    assert [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Title"] == [table().title]
    assert "Lọc: năm 2025, lĩnh vực Tư pháp" in [p.text for p in doc.paragraphs]
    grid = doc.tables[0]
    assert grid.style is not None and grid.style.name == "Table Grid"
    assert docx_cells(data) == [
        HEADER,
        ["Ủy ban nhân dân Quận 1", "1.200", "91,5", ""],
        ["Sở Nội vụ", "15", "", "=SUM(B4:B5)"],
        ["Ủy ban nhân dân thành phố Thủ Đức", "2.015", "100,25", "Đã rà soát"],
    ]
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert grid.rows[1].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert doc.sections[0].orientation == WD_ORIENT.PORTRAIT
    assert doc.core_properties.title == table().title
    assert table_docx(table()) == data  # reproducible


def test_docx_writes_numbers_in_the_tables_locale_and_turns_wide_tables_landscape():
    english = docx_cells(table_docx(table(locale="en")))
    assert english[1][1:3] == ["1,200", "91.5"]
    wide = table(columns=[f"Cột {n}" for n in range(7)], rows=[list(range(7))])
    section = Document(io.BytesIO(table_docx(wide))).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height


def test_pdf_has_vietnamese_title_header_cells_and_page_numbers():
    pages = pdf_text(table_pdf(table(), gettext=vi_gettext))
    text = pages[0]
    assert "Hồ sơ theo đơn vị: Quý I/2025 [tổng hợp]" in text
    assert "Lọc: năm 2025, lĩnh vực Tư pháp" in text
    assert " ".join(HEADER) in text
    assert "Ủy ban nhân dân Quận 1 1.200 91,5" in text and "Sở Nội vụ 15 =SUM(B4:B5)" in text
    assert "Trang 1/1" in text


def test_pdf_repeats_the_header_on_each_page_and_turns_wide_tables_landscape():
    columns = [f"Chỉ tiêu {n}" for n in range(8)]
    long = table(columns=columns, rows=[[f"Phường {r}"] + [r * c for c in range(1, 8)] for r in range(150)])
    data = table_pdf(long)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 1
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
    for number, text in enumerate(pdf_text(data), start=1):
        assert text.count(" ".join(columns)) == 1
        assert f"Page {number} of {len(reader.pages)}" in text
    assert table_pdf(long) == data  # reproducible


def test_an_empty_table_still_gives_a_header_in_every_format():
    empty = table(rows=[])
    assert table_csv(empty).decode("utf-8-sig").splitlines() == [",".join(HEADER)]
    sheet = sheet_of(table_xlsx(empty))
    assert [c.value for c in sheet[3]] == HEADER and sheet.max_row == 3
    assert docx_cells(table_docx(empty)) == [HEADER]
    assert " ".join(HEADER) in pdf_text(table_pdf(empty))[0]


def test_control_characters_do_not_break_any_format():
    hostile = table(title="Báo\x00cáo\x07", rows=[["a\x0bb", 1, 2.0, "c\x1fd"]])
    assert sheet_of(table_xlsx(hostile))["A4"].value == "a b"
    assert docx_cells(table_docx(hostile))[1][0] == "a b"
    assert "a b" in pdf_text(table_pdf(hostile))[0]
    assert table_csv(hostile)  # CSV carries the text as it is


def test_docx_rows_copied_from_a_plain_row_keep_every_text_alignment_and_size():
    """Long tables copy the previous one-line row as XML: line breaks, spaces and empty cells still read back."""
    rows = [["a", 1, None], ["", 2.5, "b"], ["c", None, "two\nlines"], ["d", 3, "e"], [" f", 4, "g"], ["h", 5, "i"]]
    data = table_docx(table(columns=["A", "B", "C"], rows=rows, numeric=[False, True, False], locale="en"))
    assert docx_cells(data)[1:] == [[str(v) if v is not None else "" for v in row] for row in rows]
    word_table = Document(io.BytesIO(data)).tables[0]
    for row in word_table.rows[1:]:
        number = row.cells[1].paragraphs[0]
        assert number.alignment == WD_ALIGN_PARAGRAPH.RIGHT
        assert all(run.font.size.pt == number.runs[0].font.size.pt for run in number.runs)
    narrow = [[c.width for c in row.cells] for row in word_table.rows]
    assert all(widths == narrow[0] for widths in narrow)


def test_a_table_of_more_than_14_columns_goes_on_a3():
    wide = table(columns=[f"C{n}" for n in range(15)], rows=[list(range(15))])
    section = Document(io.BytesIO(table_docx(wide))).sections[0]
    assert round(section.page_width.mm) == 420 and round(section.page_height.mm) == 297
    page = PdfReader(io.BytesIO(table_pdf(wide))).pages[0]
    assert (round(float(page.mediabox.width) / 72 * 25.4), round(float(page.mediabox.height) / 72 * 25.4)) == (420, 297)
