"""The A4 rating sheets: A4 pages, Vietnamese text intact, and a QR that decodes to the printed URL."""

from __future__ import annotations

import io
import re

import qrcode
import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PdfReader

from renderers.qr_sheet import POSTER_HINT, TITLE, dossier_sheet, poster_sheet

URL = (
    "https://hailong.hochiminhcity.gov.vn/r/eyJhbGciOiJIUzI1NiJ9.WyIwMDAuMzEuMzEuSDI5LTI2MTExMC0wMDEyIiwiYWJjIl0.sig-_x"
)
AGENCY = ("UBND Phường Bến Nghé", "Ben Nghe Ward People's Committee")
PROCEDURE = ("Cấp bản sao trích lục hộ tịch", "Issuing a copy of a civil-status extract")
A4_POINTS = (595.28, 841.89)


def matrix(url: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def page_of(pdf: bytes):
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0]


def decode_drawn_qr(page) -> str:
    """Paint the page's filled rectangles (how the sheet draws the QR) onto a bitmap, then decode it."""
    stream = page.get_contents().get_data().decode("latin-1")
    rects = [tuple(map(float, m)) for m in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) (-?[\d.]+) re f", stream)]
    assert len(rects) > 50
    scale = 4
    image = Image.new("L", (int(A4_POINTS[0] * scale), int(A4_POINTS[1] * scale)), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w, h in rects:
        top, bottom = sorted((A4_POINTS[1] - y, A4_POINTS[1] - y - h))
        draw.rectangle([x * scale, top * scale, (x + w) * scale, bottom * scale], fill=0)
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    return found[0].text


def test_the_dossier_sheet_is_a4_bilingual_and_its_qr_carries_the_printed_url():
    page = page_of(dossier_sheet("000.31.31.H29-261110-0012", PROCEDURE, AGENCY, matrix(URL), URL))
    assert [round(float(v), 2) for v in page.mediabox[2:]] == list(A4_POINTS)
    text = page.extract_text()
    for expected in (*TITLE, *AGENCY, *PROCEDURE, "000.31.31.H29-261110-0012", "Mã hồ sơ / Dossier code"):
        assert expected in text
    assert URL in text.replace("\n", "")  # long links wrap, but every character is printed
    assert decode_drawn_qr(page) == URL


def test_the_poster_asks_for_the_dossier_code():
    url = "https://hailong.hochiminhcity.gov.vn/rate?agency=6cb8a96f93bf617455f83eef"
    page = page_of(poster_sheet(AGENCY, matrix(url), url))
    text = page.extract_text().replace("\n", " ")
    assert POSTER_HINT[0] in text and POSTER_HINT[1] in text and AGENCY[0] in text and url in text
    assert decode_drawn_qr(page) == url


def test_sheets_are_reproducible_and_tolerate_odd_text():
    odd = ("Phòng\tTư pháp\r\nQuận 1", "")  # control characters, decomposed letters below
    first = dossier_sheet("X-261110-0001", ("C\u00e2\u0301p ba\u0309n sao", ""), odd, matrix("u"), "u")
    second = dossier_sheet("X-261110-0001", ("C\u00e2\u0301p ba\u0309n sao", ""), odd, matrix("u"), "u")
    assert first == second
    assert "Cấp bản sao" in page_of(first).extract_text()
