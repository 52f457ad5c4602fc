"""The Nghị định 30/2020 layout of renderers.pdf_official: dates as ND 30 writes them, the signature box."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from renderers.pdf import render_pdf_document
from renderers.pdf_official import vietnamese_date

PLACE = "Thành phố Hồ Chí Minh"


def test_dates_pad_days_below_ten_and_only_january_and_february():
    assert vietnamese_date(date(2026, 2, 5), PLACE) == f"{PLACE}, ngày 05 tháng 02 năm 2026"
    assert vietnamese_date(date(2026, 3, 15), PLACE) == f"{PLACE}, ngày 15 tháng 3 năm 2026"
    assert vietnamese_date(date(2026, 12, 7), PLACE) == f"{PLACE}, ngày 07 tháng 12 năm 2026"
    assert vietnamese_date(None, PLACE) == f"{PLACE}, ngày …… tháng …… năm ……"  # to fill by hand


def test_the_official_layout_reserves_a_signature_box_on_the_last_page():
    official = {
        "agency": "Sở Tư pháp",
        "parent_agency": "Ủy ban nhân dân Thành phố Hồ Chí Minh",
        "number": "7/BC-000.00.12.H29",
        "date": date(2026, 12, 7),
        "subject": "Kết quả công tác Năm 2026",
        "span": "(Từ ngày 15/12/2025 đến ngày 14/12/2026)",
        "signer": {"authority": ["KT. GIÁM ĐỐC"], "position": "PHÓ GIÁM ĐỐC", "name": "Trần Thị Mỹ Dung"},
        "recipients": ["Sở Nội vụ;", "Lưu: VT."],
    }
    definition = {"title": {"vi": "Báo cáo"}, "fields": []}
    pdf, box = render_pdf_document(definition, {}, heading={"report_id": "r-1", "official": official})
    reader = PdfReader(io.BytesIO(pdf))
    assert box is not None and box.page == len(reader.pages) - 1
    x1, y1, x2, y2 = box.box
    width, height = (float(v) for v in reader.pages[box.page].mediabox[2:])
    assert 0 < x1 < x2 <= width and 0 < y1 < y2 <= height
    text = " ".join(reader.pages[0].extract_text().split())
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH SỞ TƯ PHÁP Số: 7/BC-000.00.12.H29" in text
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text and "Trần Thị Mỹ Dung" in text
