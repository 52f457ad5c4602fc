"""A4 sheets with a rating QR code: one per dossier (handed over at the counter) and a poster per agency.

Pure: the caller gives the QR module matrix (rows of booleans, quiet zone included), the URL it
encodes and the names to print; no Flask, no database. The sheets are always bilingual — a
citizen reads whichever language they prefer — so their fixed wording lives here in both languages.
The QR is drawn as vector rectangles, so it stays sharp at any printer resolution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fpdf import FPDF
from fpdf.enums import WrapMode

from renderers.pdf import CREATOR, DEFAULT_DATE, FONTS_DIR
from renderers.pdf_layout import FONT, clean_text

Bilingual = tuple[str, str]  # (Vietnamese, English)
Matrix = Sequence[Sequence[bool]]

TITLE: Bilingual = ("Đánh giá mức độ hài lòng", "Rate how your dossier was handled")
DOSSIER_HINT: Bilingual = (
    "Quét mã QR bằng điện thoại để đánh giá việc giải quyết hồ sơ của bạn. Mã chỉ dùng được một lần.",
    "Scan the QR code with your phone to rate how your dossier was handled. The code works once.",
)
POSTER_HINT: Bilingual = (
    "Quét mã để đánh giá — bạn sẽ được hỏi mã hồ sơ và mã PIN đánh giá (in trên giấy biên nhận).",
    "Scan to rate — you will be asked for your dossier code and rating PIN (printed on your receipt).",
)
LABELS = {
    "agency": ("Cơ quan giải quyết", "Handling agency"),
    "code": ("Mã hồ sơ", "Dossier code"),
    "procedure": ("Thủ tục", "Procedure"),
    "pin": ("Mã PIN đánh giá", "Rating PIN"),
    "url": ("Hoặc mở địa chỉ", "Or open"),
}
QR_MM = 110.0
MARGIN = 18.0
GREY = 90


@dataclass(frozen=True)
class QrSheet:
    """What one sheet shows: its rows of (label, value), the QR matrix, the URL and the instruction."""

    rows: tuple[tuple[Bilingual, Bilingual], ...]
    matrix: Matrix
    url: str
    hint: Bilingual
    agency: Bilingual


def dossier_sheet(code: str, procedure: Bilingual, agency: Bilingual, matrix: Matrix, url: str, pin: str = "") -> bytes:
    """The sheet for one dossier: its code, rating PIN (to rate by typing the code), procedure and agency,
    its single-use rating QR and URL."""
    rows: tuple[tuple[Bilingual, Bilingual], ...] = ((LABELS["code"], (code, "")),)
    if pin:
        rows += ((LABELS["pin"], (pin, "")),)
    rows += ((LABELS["procedure"], procedure),)
    return render_qr_sheet(QrSheet(rows, matrix, url, DOSSIER_HINT, agency), title=f"{TITLE[0]} — {code}")


def poster_sheet(agency: Bilingual, matrix: Matrix, url: str) -> bytes:
    """The counter poster of an agency: its QR opens the page that asks for a dossier code."""
    return render_qr_sheet(QrSheet((), matrix, url, POSTER_HINT, agency), title=f"{TITLE[0]} — {agency[0]}")


def _pdf() -> FPDF:
    doc = FPDF(orientation="P", unit="mm", format="A4")
    doc.add_font(FONT, "", str(FONTS_DIR / "DejaVuSans.ttf"))
    doc.add_font(FONT, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
    doc.set_margins(MARGIN, 16, MARGIN)
    doc.set_auto_page_break(auto=False)
    doc.set_creator(CREATOR)
    doc.set_lang("vi")
    return doc


def render_qr_sheet(sheet: QrSheet, *, title: str = TITLE[0], created: datetime = DEFAULT_DATE) -> bytes:
    """One A4 page: bilingual title, agency, rows, a large QR, the instruction and the URL under it."""
    doc = _pdf()
    doc.set_title(clean_text(title))
    doc.set_creation_date(created if created.tzinfo else created.replace(tzinfo=UTC))
    doc.add_page()
    _centered(doc, TITLE[0], 22, bold=True)
    _centered(doc, TITLE[1], 14, grey=True)
    doc.ln(4)
    _centered(doc, sheet.agency[0], 13, bold=True)
    if sheet.agency[1] and sheet.agency[1] != sheet.agency[0]:
        _centered(doc, sheet.agency[1], 10, grey=True)
    doc.ln(3)
    for label, value in sheet.rows:
        _row(doc, label, value)
    doc.ln(4)
    _draw_qr(doc, sheet.matrix, doc.get_y())
    doc.set_y(doc.get_y() + QR_MM + 4)
    _centered(doc, sheet.hint[0], 12, bold=True)
    _centered(doc, sheet.hint[1], 10.5, grey=True)
    doc.ln(3)
    _centered(doc, f"{LABELS['url'][0]} / {LABELS['url'][1]}:", 8.5, grey=True)
    doc.set_font(FONT, "", 8.5)
    doc.multi_cell(0, 4.2, clean_text(sheet.url), align="C", wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


def _centered(doc: FPDF, text: str, size: float, *, bold: bool = False, grey: bool = False) -> None:
    if not text:
        return
    doc.set_font(FONT, "B" if bold else "", size)
    doc.set_text_color(GREY if grey else 0)
    doc.multi_cell(0, size * 0.5, clean_text(text), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_text_color(0)


def _row(doc: FPDF, label: Bilingual, value: Bilingual) -> None:
    """A label in both languages on the left, the value (and its English form, when different) on the right."""
    label_width = 52.0
    top = doc.get_y()
    doc.set_font(FONT, "", 9)
    doc.set_text_color(GREY)
    doc.multi_cell(label_width, 5, clean_text(f"{label[0]} / {label[1]}"), new_x="RIGHT", new_y="TOP")
    doc.set_text_color(0)
    doc.set_font(FONT, "B", 12)
    doc.multi_cell(0, 6, clean_text(value[0]), new_x="LMARGIN", new_y="NEXT")
    if value[1] and value[1] != value[0]:
        doc.set_x(MARGIN + label_width)
        doc.set_font(FONT, "", 9.5)
        doc.multi_cell(0, 5, clean_text(value[1]), new_x="LMARGIN", new_y="NEXT")
    doc.set_y(max(doc.get_y(), top + 10) + 1.5)


def _draw_qr(doc: FPDF, matrix: Matrix, top: float) -> None:
    """Dark modules as filled rectangles, one per horizontal run (far fewer shapes than one per module)."""
    size = len(matrix)
    if not size:
        return
    module = QR_MM / size
    left = (doc.w - QR_MM) / 2
    doc.set_fill_color(0)
    for y, line in enumerate(matrix):
        x = 0
        while x < size:
            if not line[x]:
                x += 1
                continue
            start = x
            while x < size and line[x]:
                x += 1
            # a hair of overlap so that no white seams show between neighbouring rows
            doc.rect(left + start * module, top + y * module, (x - start) * module, module + 0.02, style="F")
