"""The administrative document layout of Nghị định 30/2020/NĐ-CP (Phụ lục I) for a signed report.

Top left: the parent agency (upper case) above the issuing agency (upper case, bold, a short rule below),
then "Số: 12/BC-…". Top right: the national title (Quốc hiệu) and the motto (Tiêu ngữ, underlined), then
the place and date in italics. Then the title (BÁO CÁO + what it reports on + the period). At the end:
"Nơi nhận:" on the left and the signer block on the right — authority lines (TM./KT.), position, a box
where the visible digital signature goes, and the signer's name.

Pure: a dict in, drawing on an fpdf2 document out; no Flask, no database. ND 30 prescribes Times New
Roman, which may not be redistributed: DejaVu Sans (vendored) covers every Vietnamese letter instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fpdf import FPDF

from renderers.pdf_layout import FONT, clean_text

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOCUMENT_KIND = "BÁO CÁO"
RECIPIENTS_LABEL = "Nơi nhận:"
LEFT_WIDTH, GAP = 68.0, 4.0  # mm: the agency column; the rest of the line holds the national title
SIGN_BOX = (62.0, 20.0)  # mm: width, height of the visible signature box
MM_TO_PT = 72 / 25.4


@dataclass(frozen=True)
class SignatureBox:
    """Where the visible signature goes: page index (0-based) and (x1, y1, x2, y2) in PDF points,
    origin at the bottom left (pyHanko's SigFieldSpec box)."""

    page: int
    box: tuple[int, int, int, int]


def vietnamese_date(day: date | None, place: str) -> str:
    """ "Thành phố Hồ Chí Minh, ngày 07 tháng 02 năm 2026": ND 30 pads days below 10 and months 1-2 with a zero
    (so "ngày 15 tháng 3"); the year is written plainly. Without a date, blanks to fill by hand."""
    if day is None:
        return f"{place}, ngày …… tháng …… năm ……"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _centered(doc: FPDF, x: float, width: float, height: float, text: str, style: str, size: float) -> None:
    doc.set_font(FONT, style, size)
    doc.set_x(x)
    doc.multi_cell(width, height, clean_text(text), align="C", new_x="LEFT", new_y="NEXT")


def _rule_under(doc: FPDF, x: float, width: float, text: str) -> None:
    """A thin line under the text just written, centred, as long as `text` (ND 30: the motto's underline)."""
    length = min(doc.get_string_width(clean_text(text)), width)
    y = doc.get_y() + 0.3
    doc.set_line_width(0.3)
    doc.line(x + (width - length) / 2, y, x + (width + length) / 2, y)


def header(doc: FPDF, official: dict[str, Any]) -> None:
    """The two header columns, then the place-and-date line under the national title."""
    left, top = doc.l_margin, doc.get_y()
    right = left + LEFT_WIDTH + GAP
    right_width = doc.w - doc.r_margin - right
    doc.set_y(top)
    if official.get("parent_agency"):
        _centered(doc, left, LEFT_WIDTH, 5, official["parent_agency"].upper(), "", 10.5)
    agency = official.get("agency", "").upper()
    _centered(doc, left, LEFT_WIDTH, 5, agency, "B", 10.5)
    third = min(doc.get_string_width(clean_text(agency)), LEFT_WIDTH) / 2
    y = doc.get_y() + 0.6
    doc.set_line_width(0.3)
    doc.line(left + (LEFT_WIDTH - third) / 2, y, left + (LEFT_WIDTH + third) / 2, y)
    doc.set_y(y + 2.5)
    number = official.get("number") or f"     /{official.get('symbol') or 'BC'}"
    _centered(doc, left, LEFT_WIDTH, 5, f"Số: {number}", "", 10.5)
    bottom_left = doc.get_y()
    doc.set_y(top)
    _centered(doc, right, right_width, 5, NATIONAL_TITLE, "B", 10.5)
    _centered(doc, right, right_width, 5.5, MOTTO, "B", 11.5)
    doc.set_font(FONT, "B", 11.5)
    _rule_under(doc, right, right_width, MOTTO)
    doc.set_y(doc.get_y() + 3.1)
    place_date = vietnamese_date(official.get("date"), official.get("place") or "Thành phố Hồ Chí Minh")
    _centered(doc, right, right_width, 5, place_date, "I", 10)
    doc.set_y(max(doc.get_y(), bottom_left) + 6)
    doc.set_x(left)


def title(doc: FPDF, official: dict[str, Any]) -> None:
    """BÁO CÁO, then what it reports on and the period, then the period's dates."""
    doc.set_font(FONT, "B", 13)
    doc.multi_cell(0, 6.5, DOCUMENT_KIND, align="C", new_x="LMARGIN", new_y="NEXT")
    for text, style in ((official.get("subject"), "B"), (official.get("span"), "I")):
        if text:
            doc.set_font(FONT, style, 11)
            doc.multi_cell(0, 5.5, clean_text(text), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)


def closing(doc: FPDF, official: dict[str, Any]) -> SignatureBox:
    """ "Nơi nhận:" on the left, the signer block on the right; the box the visible signature fills."""
    signer = official.get("signer") or {}
    lines = [*(signer.get("authority") or []), signer.get("position") or ""]
    needed = 6 + 5.5 * len(lines) + 2 + SIGN_BOX[1] + 3 + 5.5  # gap, lines, box, name: kept on one page
    if doc.will_page_break(needed):
        doc.add_page()
    doc.ln(6)
    top, left = doc.get_y(), doc.l_margin
    right_x = doc.w / 2
    right_width = doc.w - doc.r_margin - right_x
    doc.set_y(top)
    for line in lines:
        if line:
            _centered(doc, right_x, right_width, 5.5, line.upper(), "B", 11)
    box_x = right_x + (right_width - SIGN_BOX[0]) / 2
    box_y = doc.get_y() + 2
    doc.set_draw_color(150)
    doc.set_line_width(0.2)
    doc.rect(box_x, box_y, *SIGN_BOX)
    doc.set_draw_color(0)
    _stamp(doc, box_x, box_y, official.get("stamp"))
    doc.set_y(box_y + SIGN_BOX[1] + 3)
    _centered(doc, right_x, right_width, 5.5, signer.get("name") or "", "B", 11)
    end = doc.get_y()
    doc.set_y(top)
    doc.set_x(left)
    doc.set_font(FONT, "BI", 10)
    doc.cell(0, 5, RECIPIENTS_LABEL, new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, "", 9)
    for recipient in official.get("recipients") or []:
        doc.set_x(left)
        doc.multi_cell(right_x - left - 4, 4.5, clean_text(f"- {recipient}"), new_x="LMARGIN", new_y="NEXT")
    doc.set_y(max(end, doc.get_y()))
    return _box(doc, box_x, box_y)


def _stamp(doc: FPDF, x: float, y: float, stamp: dict[str, str] | None) -> None:
    """The visible signature's text inside the box: who signed, when, and the certificate's issuer."""
    if not stamp:
        return
    lines = [
        ("B", "Ký bởi: " + stamp.get("signer", "")),
        ("", "Thời gian ký: " + stamp.get("time", "")),
        ("", "Cơ quan cấp chứng thư: " + stamp.get("issuer", "")),
    ]
    doc.set_text_color(0, 70, 140)
    doc.set_xy(x + 1.5, y + 1.5)
    for style, text in lines:
        doc.set_font(FONT, style, 7)
        doc.set_x(x + 1.5)
        doc.multi_cell(SIGN_BOX[0] - 3, 3.4, clean_text(text), align="L", new_x="LEFT", new_y="NEXT")
    doc.set_text_color(0)


def _box(doc: FPDF, x: float, y: float) -> SignatureBox:
    width, height = SIGN_BOX
    x1, x2 = round(x * MM_TO_PT), round((x + width) * MM_TO_PT)
    y1, y2 = round((doc.h - y - height) * MM_TO_PT), round((doc.h - y) * MM_TO_PT)
    return SignatureBox(page=doc.page - 1, box=(x1, y1, x2, y2))
