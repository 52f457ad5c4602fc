"""The report PDF: every built-in template renders with Vietnamese intact, laid out like the print view,
reproducibly, with the report's identity in the heading and in the metadata."""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any

import pytest
from pypdf import PdfReader

from form_definitions.answers import check_answers
from form_definitions.library import library_definition, library_versions
from form_definitions.walk import data_fields, iter_fields
from renderers.pdf import parse_keywords, render_pdf, report_keywords
from tests.form_definitions.test_library import (
    cchc_answers_for,
    kpi_answers,
    par_answers,
    satisfaction_answers,
)
from tests.renderers.forms import ANSWERS, all_types

DIGEST = "3f" * 32
HEADING = {
    "agency": "Ủy ban nhân dân thành phố Thủ Đức",
    "period": "Quý IV/2026",
    "report_id": "r-0001",
    "form_key": "cchc-report",
    "version": 1,
    "digest": DIGEST,
    "date": datetime(2026, 12, 20, 8, 30),
}
VI = {
    "Page %(page)s of %(pages)s": "Trang %(page)s/%(pages)s",
    "Agency": "Cơ quan",
    "Item": "Chỉ tiêu",
    "Unit": "Đơn vị tính",
    "Total": "Tổng cộng",
    "Yes": "Có",
    "No": "Không",
    "No answer": "Chưa trả lời",
}
ALL_VERSIONS = [(key, n) for key, versions in library_versions().items() for n in range(1, len(versions) + 1)]


def vi_gettext(message: str) -> str:
    return VI.get(message, message)


def answers_for(key: str, number: int) -> dict[str, Any]:
    definition = library_definition(key, number)
    if key == "cchc-report":
        return cchc_answers_for(number, agency="UBND Quận 1")
    if key == "kpi-monthly":
        return kpi_answers(agency="Ủy ban nhân dân Quận 3")
    if key == "par-self-assessment":
        return par_answers(definition)
    return satisfaction_answers(comment="Cán bộ hướng dẫn tận tình, đúng hẹn.")


def render(key: str, number: int, *, locale: str = "vi", heading: dict[str, Any] | None = None) -> bytes:
    definition = library_definition(key, number)
    outcome = check_answers(definition, answers_for(key, number))
    assert outcome.problems == []
    return render_pdf(
        definition,
        outcome.data,
        locale=locale,
        totals=outcome.totals,
        score=outcome.score,
        gettext=vi_gettext if locale == "vi" else (lambda s: s),
        heading={**HEADING, "form_key": key, "version": number, **(heading or {})},
    )


def text_of(pdf: bytes) -> str:
    """All text, with runs of whitespace (line breaks in wrapped text) as single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("key", "number"), ALL_VERSIONS)
def test_every_library_version_renders_its_vietnamese_title_and_labels(key, number):
    definition = library_definition(key, number)
    pdf = render(key, number)
    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    assert flat(definition["title"]["vi"]) in text
    sections = [f for _, f in iter_fields(definition["fields"]) if f.get("type") == "section"]
    for section in sections[:4]:
        assert flat(section["label"]["vi"]) in text
    fields = data_fields(definition["fields"])
    plain = [f for f in fields if f["type"] not in ("grid", "group", "textarea") and not f.get("visible_if")]
    for field in plain[:6]:
        assert flat(field["label"]["vi"]) + ":" in text  # "label: value"
    assert "Thủ Đức" in text and "Quý IV/2026" in text  # the heading block


def test_cchc_report_has_its_full_title_agency_and_annex_table_with_totals():
    text = text_of(render("cchc-report", 1))
    assert "Báo cáo kết quả thực hiện công tác cải cách hành chính" in text
    assert "Cơ quan, đơn vị báo cáo: UBND Quận 1" in text
    assert "Quận" in text and "Thủ Đức" in text
    assert "Tổng cộng 2.015 1.895 0 120" in text  # column totals of the dossier table, Vietnamese grouping
    assert "Đơn vị đã ban hành kế hoạch cải cách hành chính năm?: Có" in text  # yes/no in words
    assert "Số liệu tính từ ngày: 15/12/2024" in text  # dates as dd/mm/yyyy
    assert "Kỳ báo cáo: Quý I" in text  # a choice by its label, not its value
    assert "Đề xuất, kiến nghị Chưa trả lời" in text  # an empty optional answer is said to be empty


def test_numbers_follow_the_locale():
    vi = text_of(render("kpi-monthly", 2))
    assert "540.000,00" in vi and "12.345,60" in vi and "23,7" in vi
    en = text_of(render("kpi-monthly", 2, locale="en"))
    assert "540,000.00" in en and "12,345.60" in en
    assert "Monthly socio-economic management indicators" in en


def test_score_and_band_are_printed():
    text = text_of(render("dossier-satisfaction", 2))
    assert "18 of 18 — Xuất sắc" in text  # the "%(points)s of %(max)s" msgid is left untranslated here
    en = text_of(render("dossier-satisfaction", 2, locale="en"))
    assert "Score: 18 of 18 — Excellent" in en


def test_pages_are_numbered_x_of_y():
    pdf = render("par-self-assessment", 1)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert f"Trang {number}/{len(pages)}" in page.extract_text()
    english = PdfReader(io.BytesIO(render("par-self-assessment", 1, locale="en"))).pages
    assert f"Page 1 of {len(english)}" in english[0].extract_text()


def test_same_input_gives_the_same_bytes_and_the_heading_changes_them():
    first, second = render("cchc-report", 1), render("cchc-report", 1)
    assert first == second
    assert render("cchc-report", 1, heading={"digest": "00" * 32}) != first


def test_the_bytes_are_the_same_in_another_process():
    """An upload signed elsewhere is matched byte for byte against a fresh rendering, maybe by another worker."""
    import hashlib
    import os
    import subprocess
    import sys

    script = (
        "import hashlib; from tests.renderers.test_pdf import render; "
        "print(hashlib.sha256(render('kpi-monthly', 2)).hexdigest())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert outputs == {hashlib.sha256(render("kpi-monthly", 2)).hexdigest()}


def test_metadata_names_the_report_and_its_digest():
    pdf = render("cchc-report", 1)
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata["/Keywords"] == report_keywords("r-0001", DIGEST)
    assert parse_keywords(metadata["/Keywords"]) == {"report": "r-0001", "digest": DIGEST}
    assert metadata["/Title"] == "Báo cáo kết quả thực hiện công tác cải cách hành chính"
    assert metadata["/CreationDate"].startswith("D:20261220083000")
    text = text_of(pdf)
    assert "r-0001" in text and DIGEST in text and "cchc-report v1" in text


def test_parse_keywords_ignores_other_words():
    assert parse_keywords("bao cao report:abc digest:ff extra:1") == {"report": "abc", "digest": "ff"}
    assert parse_keywords("") == {}


def test_groups_are_numbered_items_and_grids_have_row_and_column_totals():
    definition = all_types()
    outcome = check_answers(definition, ANSWERS)
    pdf = render_pdf(definition, outcome.data, locale="vi", totals=outcome.totals, score=outcome.score, heading=HEADING)
    text = text_of(pdf)
    assert re.search(r"Hạng mục 1\. Nội dung: Máy tính Số lượng: 2 .*2\. Nội dung: Bàn Số lượng: 3", text)
    assert "Thành tiền: 31" in text
    assert "Văn bản văn bản 200 150 75,0 425" in text  # row label, unit, cells and the row total
    assert "Total 240 150" in text  # column totals
    assert "Tổng thành tiền: 37,00" in text


def test_hostile_and_odd_text_is_drawn_as_text():
    definition = all_types()
    data = {
        "agency": "<b>Sở</b>\x00 Nội\tvụ",
        "notes": "Dòng một\r\nDòng hai — Thu\u0309 Đu\u031b\u0301c",  # decomposed letters come out composed
    }
    text = text_of(render_pdf(definition, data, locale="vi", heading=HEADING))
    assert "<b>Sở</b> Nội vụ" in text
    assert "Dòng một Dòng hai — Thủ Đức" in text
