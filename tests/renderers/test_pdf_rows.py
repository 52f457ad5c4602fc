"""The exports' PDF grid: every row once, the header on every page, Vietnamese text, long words cut, no rows."""

from __future__ import annotations

import io

from pypdf import PdfReader

from renderers.pdf_rows import rows_pdf
from renderers.tables import DataTable

HEADER = ["Mã hồ sơ", "Thủ tục", "Tổng điểm (trên 18)", "Dấu hiệu bất thường"]


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_every_row_once_and_the_header_on_every_page():
    rows = [[f"HS-{n:04d}", "Cấp bản sao trích lục hộ tịch", n % 19, None] for n in range(400)]
    texts = pages(rows_pdf(DataTable("Đánh giá", HEADER, rows, locale="vi"), gettext=str))
    assert len(texts) > 2
    assert all(text.count("Mã hồ sơ") == 1 and "Dấu hiệu" in text for text in texts)
    codes = [code for text in texts for code in text.split() if code.startswith("HS-")]
    assert codes == [f"HS-{n:04d}" for n in range(400)]
    assert "Cấp bản sao trích lục hộ tịch" in " ".join(texts[0].split())


def test_a_word_wider_than_its_column_is_cut_and_an_empty_table_keeps_its_header():
    wide = ["x" * 300, "Thủ tục", 1, "cờ"]
    text = "".join(pages(rows_pdf(DataTable("T", HEADER, [wide]), gettext=str)))
    assert "".join(text.split()).count("x") == 300
    assert "Mã hồ sơ" in pages(rows_pdf(DataTable("T", HEADER, []), gettext=str))[0]
