"""Years, codes and ids never get thousands separators; quantities follow the locale (vi 1.234,5 · en 1,234.5).

On the page (view and print), in Word/PDF exports of submissions and in dashboard tables.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from form_definitions.answers import check_answers
from form_definitions.library import library_definition
from renderers.export_files import PagedStream
from renderers.export_plan import ExportPlan, Record, Wording
from renderers.form import render_form
from renderers.tables import DataTable, table_xlsx
from tests.form_definitions.test_library import cchc_answers_for

QUANTITY = {"counter": {"received": 1234, "resolved_on_time": 1200, "resolved_late": 0, "pending": 34}}


def page(number: int, locale: str) -> str:
    definition = library_definition("cchc-report", number)
    outcome = check_answers(definition, cchc_answers_for(number, year=2026, annex_dossiers=QUANTITY))
    assert outcome.problems == []
    html = render_form(definition, mode="view", locale=locale, data=outcome.data, totals=outcome.totals)
    return str(html)


def test_the_year_prints_plain_and_quantities_in_the_locale_on_the_page():
    for number in (1, 2):  # v2 says "format": "plain"; v1, published before, by its concept ending in .year
        vi, en = page(number, "vi"), page(number, "en")
        assert "2026" in vi and "2.026" not in vi and "1.234" in vi
        assert "2026" in en and "2,026" not in en and "1,234" in en


def test_word_and_pdf_exports_keep_the_year_plain_and_group_quantities():
    versions = {1: library_definition("cchc-report", 1), 2: library_definition("cchc-report", 2)}
    wording = Wording(label=lambda text: text.get("vi", "") if isinstance(text, dict) else str(text), word=str)
    plan = ExportPlan(versions, ["Agency"], wording)
    main = plan.tables[0]
    year = next(i for i, c in enumerate(main.columns) if c.header == "Năm báo cáo")
    assert main.columns[year].plain and main.columns[year].numeric
    stream = PagedStream(main, "docx", subtitle="", locale="vi", gettext=str)
    data = cchc_answers_for(2, year=2026)
    for table, row in plan.rows(Record("r-1", 2, data, ["UBND Quận 1"])):
        if table == 0:
            stream.add(table, row)
    texts = stream.table.texts()[0]
    assert texts[year] == "2026"


def test_dashboard_tables_mark_plain_columns_in_every_writer():
    table = DataTable("KPI", ["Năm", "Doanh thu"], [[2026, 12345.5]], numeric=[True, True], plain=[True, False])
    assert table.texts() == [["2026", "12.345,5"]]
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(table))).active
    year, revenue = sheet.cell(row=4, column=1), sheet.cell(row=4, column=2)
    assert (year.value, year.number_format) == (2026, "0")
    assert revenue.value == 12345.5 and revenue.number_format == "#,##0.0#"
    english: Any = DataTable("KPI", ["Year", "Revenue"], [[2026, 12345.5]], plain=[True, False], locale="en")
    assert english.texts() == [["2026", "12,345.5"]]


def test_the_printed_pdf_shows_the_year_plain_and_quantities_grouped():
    from tests.renderers.test_pdf import render, text_of

    for number in (1, 2):
        text = text_of(render("cchc-report", number))
        assert "2025" in text and "2.025" not in text and "1.200" in text
