"""The report as a Word document: laid out like the print view (heading block, title, section headings,
bold labels with their answers, grids and groups as real tables), Vietnamese intact, in either language."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table

from form_definitions.answers import check_answers
from form_definitions.library import library_definition
from form_definitions.walk import data_fields, iter_fields
from renderers.docx import render_docx
from renderers.messages import UI_MESSAGES
from renderers.pdf import PDF_MESSAGES
from tests.fixtures.definitions import sample_v1, valid_answers
from tests.renderers.forms import ANSWERS, all_types
from tests.renderers.test_pdf import ALL_VERSIONS, HEADING, answers_for, vi_gettext


def english(message: str) -> str:
    return message


def render(key: str, number: int = 1, *, locale: str = "vi", heading: dict[str, Any] | None = None) -> bytes:
    definition = library_definition(key, number)
    outcome = check_answers(definition, answers_for(key, number))
    assert outcome.problems == []
    return render_docx(
        definition,
        outcome.data,
        locale=locale,
        totals=outcome.totals,
        score=outcome.score,
        gettext=vi_gettext if locale == "vi" else english,
        heading=heading if heading is not None else {**HEADING, "form_key": key, "version": number},
    )


def read(docx: bytes) -> DocxDocument:
    return Document(io.BytesIO(docx))


def paragraphs(doc: DocxDocument) -> list[str]:
    return [p.text for p in doc.paragraphs]


def styled(doc: DocxDocument, prefix: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith(prefix)]


def cells(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def table_with(doc: DocxDocument, header_text: str) -> Table:
    return next(t for t in doc.tables if header_text in cells(t)[0])


def local(bilingual: dict[str, str], locale: str = "vi") -> str:
    return " ".join(bilingual[locale].split())


@pytest.mark.parametrize(("key", "number"), ALL_VERSIONS)
def test_every_library_version_has_its_title_section_headings_and_bold_labels(key, number):
    definition = library_definition(key, number)
    doc = read(render(key, number))
    assert styled(doc, "Title") == [definition["title"]["vi"]]
    headings = styled(doc, "Heading")
    for _, section in iter_fields(definition["fields"]):
        if section["type"] == "section":
            assert section["label"]["vi"] in headings
    bold_labels = {p.runs[0].text for p in doc.paragraphs if p.runs and p.runs[0].bold}
    plain = [f for f in data_fields(definition["fields"]) if f["type"] not in ("grid", "group", "textarea")]
    for field in plain:
        if not field.get("visible_if"):
            assert f"{field['label']['vi']}: " in bold_labels
    assert doc.core_properties.title == definition["title"]["vi"]


def test_heading_block_is_a_borderless_two_column_table_of_what_is_given():
    doc = read(render("cchc-report"))
    block = doc.tables[0]
    assert block.style is None or block.style.name != "Table Grid"
    rows = dict(map(tuple, cells(block)))
    assert rows["Cơ quan"] == "Ủy ban nhân dân thành phố Thủ Đức"  # translated label, Vietnamese value intact
    assert rows["Reporting period"] == "Quý IV/2026"
    assert rows["Template version"] == "cchc-report v1"
    assert rows["Content digest (SHA-256)"] == "3f" * 32
    short = read(render("cchc-report", heading={"agency": "Sở Nội vụ", "report_id": "r-9"}))
    assert cells(short.tables[0]) == [["Cơ quan", "Sở Nội vụ"], ["Report id", "r-9"]]


def test_cchc_answers_read_as_in_the_print_view():
    doc = read(render("cchc-report"))
    text = paragraphs(doc)
    assert "Cơ quan, đơn vị báo cáo: UBND Quận 1" in text
    assert "Kỳ báo cáo: Quý I" in text  # a choice by its label, not its value
    assert "Số liệu tính từ ngày: 15/12/2024" in text  # dates as dd/mm/yyyy
    assert "Đơn vị đã ban hành kế hoạch cải cách hành chính năm?: Có" in text  # yes/no in words
    proposals = text.index("Đề xuất, kiến nghị")  # a textarea: label, then the answer below it
    assert text[proposals + 1] == "Chưa trả lời"  # an empty optional answer is said to be empty
    assert text[text.index("Kết quả chỉ đạo, điều hành") + 1].startswith("Nội dung mục direction")


def test_the_cchc_dossier_grid_is_a_word_table_with_row_labels_numbers_and_totals():
    doc = read(render("cchc-report"))
    grid = table_with(doc, "Số hồ sơ nhận giải quyết")
    assert grid.style is not None and grid.style.name == "Table Grid"
    rows = {row[0]: row for row in cells(grid)}
    assert rows["Chỉ tiêu"][:3] == ["Chỉ tiêu", "Đơn vị tính", "Số hồ sơ nhận giải quyết"]
    assert rows["Tiếp nhận trực tiếp tại Bộ phận Một cửa"][2:6] == ["1.200", "1.100", "0", "100"]
    assert rows["Tiếp nhận trực tuyến"][2:4] == ["800", "780"]
    assert rows["Tổng cộng"][2:6] == ["2.015", "1.895", "0", "120"]  # column totals, Vietnamese grouping
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # the header repeats on each page
    indicators = table_with(doc, "Tỷ lệ hoàn thành (%)")
    row = next(r for r in cells(indicators) if r[0].startswith("Văn bản QPPL do cơ quan"))
    assert row[2:6] == ["4", "3", "75,0", "01 văn bản chuyển sang quý II"]  # the calculated column too


def test_english_locale_gives_english_labels_and_numbers():
    definition = library_definition("cchc-report", 1)
    doc = read(render("cchc-report", locale="en"))
    period = next(f for f in data_fields(definition["fields"]) if f["name"] == "period_kind")
    q1 = next(o for o in period["options"] if o["value"] == "q1")
    assert styled(doc, "Title") == ["Administrative reform progress report"]
    assert f"{local(period['label'], 'en')}: {local(q1['label'], 'en')}" in paragraphs(doc)
    assert f"{local(period['label'])}: Quý I" not in paragraphs(doc)
    assert cells(doc.tables[0])[0] == ["Agency", "Ủy ban nhân dân thành phố Thủ Đức"]
    totals = next(r for t in doc.tables for r in cells(t) if r[0] == "Total")
    assert totals[2:6] == ["2,015", "1,895", "0", "120"]
    assert doc.core_properties.language == "en-US"


def test_kpi_grid_numbers_follow_the_locale():
    vi = [c for row in cells(table_with(read(render("kpi-monthly", 2)), "Chỉ tiêu")) for c in row]
    assert "540.000,00" in vi and "12.345,60" in vi
    en = [c for row in cells(table_with(read(render("kpi-monthly", 2, locale="en")), "Item")) for c in row]
    assert "540,000.00" in en and "12,345.60" in en


def test_score_and_points_are_summarized():
    vi = paragraphs(read(render("dossier-satisfaction", 2)))
    assert "Score: 18 of 18 — Xuất sắc" in vi
    en = paragraphs(read(render("dossier-satisfaction", 2, locale="en")))
    assert "Score: 18 of 18 — Excellent" in en
    assert "Points: 2 of 2" in en


def test_nested_sections_get_deeper_heading_levels():
    doc = read(render("par-self-assessment"))
    levels = {p.text: p.style.name for p in doc.paragraphs if p.style is not None}
    assert levels["Thông tin chung"] == "Heading 1"
    assert next(v for k, v in levels.items() if k.startswith("Lĩnh vực 1.")) == "Heading 1"
    assert next(v for k, v in levels.items() if k.startswith("Tiêu chí 1.1.")) == "Heading 2"


def test_every_field_type_renders_groups_as_tables_and_files_by_name():
    doc = read(render_docx(all_types(), ANSWERS, gettext=vi_gettext, heading={"report_id": "r-1"}))
    text = paragraphs(doc)
    assert "Tài liệu kiểm chứng: bao-cao.pdf (20 KB)" in text
    assert "Kênh tiếp nhận: Trực tuyến, Khác" in text
    assert "Có kế hoạch?: Không" in text
    assert "Phần dưới đây gồm các bảng." in text  # static text as a paragraph
    assert text[text.index("Ghi chú") + 1] == "Dòng 1\nDòng 2"  # line breaks kept
    items = cells(table_with(doc, "Nội dung"))
    assert items == [
        ["#", "Nội dung", "Số lượng", "Đơn giá", "Thành tiền"],
        ["1", "Máy tính", "2", "15,5", "31"],
        ["2", "Bàn", "3", "2", "6"],
    ]
    lines = cells(table_with(doc, "Số tiền"))
    assert lines[0] == ["#", "Tên", "Số tiền"] and lines[1] == ["1", "A", "1,25"]
    annex = cells(table_with(doc, "Tỷ lệ (%)"))
    assert annex[0][-1] == "Cộng dòng" and annex[1][:5] == ["Văn bản", "văn bản", "200", "150", "75,0"]


def test_sample_definition_in_english_hides_what_its_rules_hide():
    doc = read(render_docx(sample_v1(), valid_answers(), locale="en", heading={}))
    text = paragraphs(doc)
    assert "Level: District" in text and "Quality: Good" in text
    assert not any(t.startswith("Reason") for t in text)  # visible_if false: not on paper
    assert cells(table_with(doc, "Title")) == [["#", "Title", "Date"], ["1", "Hội nghị", "2026-03-14"]]
    annex = cells(table_with(doc, "Plan"))
    assert annex[1] == ["Documents", "10", "8", "80.0"] and annex[-1] == ["Total", "14", "12", ""]
    assert len(doc.tables) == 2 and styled(doc, "Title") == ["Sample report"]  # an empty heading adds no block


def test_an_empty_group_says_no_answer_and_hostile_text_does_not_break_the_file():
    answers = {**valid_answers(), "events": [], "agency": "Sở <b>Nội vụ</b>\x00\x07 & co"}
    doc = read(render_docx(sample_v1(), answers, gettext=vi_gettext, heading={"agency": "A\x0bB"}))
    text = paragraphs(doc)
    assert text[text.index("Sự kiện") + 1] == "Chưa trả lời"
    assert "Cơ quan: Sở <b>Nội vụ</b>   & co" in text


def test_document_is_a4_in_times_new_roman_13_with_numbered_pages():
    doc = read(render("cchc-report"))
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 13
    heading = doc.styles["Heading 1"].element.rPr.rFonts
    assert heading.get(qn("w:asciiTheme")) is None and heading.get(qn("w:hAnsi")) == "Times New Roman"
    footer = section.footer.paragraphs[0]
    instructions = [f.get(qn("w:instr")) for f in footer._p.iter(qn("w:fldSimple"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith("Report r-0001\tTrang ")
    assert doc.core_properties.language == "vi-VN"
    assert doc.core_properties.keywords == f"report:r-0001 digest:{'3f' * 32}"


def test_same_input_gives_the_same_bytes():
    assert render("cchc-report") == render("cchc-report")
    assert render("cchc-report", heading={"report_id": "r-2"}) != render("cchc-report")


def test_ui_words_go_through_gettext_and_are_listed():
    seen: set[str] = set()

    def gettext(message: str) -> str:
        seen.add(message)
        return message

    score = {"total": 2, "max": 2, "fields": {"quality": 2.0}, "band": "good"}
    render_docx(all_types(), {**ANSWERS, "items": []}, gettext=gettext, score=score, heading=HEADING)
    render_docx(all_types(), ANSWERS, gettext=gettext, heading=HEADING)
    assert seen <= set(UI_MESSAGES) | set(PDF_MESSAGES), seen - set(UI_MESSAGES) - set(PDF_MESSAGES)
    assert {"Agency", "Page %(page)s of %(pages)s", "Score", "Points", "Total", "No answer"} <= seen
