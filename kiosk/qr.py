"""Rating QR codes: the URL each one carries, and the code as PNG, SVG or an A4 sheet.

A dossier's QR carries a freshly minted, signed, single-use rating token (each print gets its own
token; whichever is used first rates the dossier, the others are then refused). An agency's poster
QR carries only the agency: the page it opens asks for the dossier code.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import url_for

from formplatform.agencies.models import Agency
from formplatform.satisfaction.models import Dossier
from formplatform.satisfaction.possession import shown_pin
from kiosk.tokens import mint_rating_token
from renderers.qr_sheet import dossier_sheet, poster_sheet

# M recovers from ~15 % damage: enough for a creased slip, while the long token URL stays scannable.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
BOX_PIXELS = 10
BORDER_MODULES = 4


def dossier_rating_url(code: str) -> str:
    """The rating page of one dossier, with a new single-use token."""
    return url_for("rating.rate", token=mint_rating_token(code), _external=True)


def poster_url(agency_id: str) -> str:
    """The page behind an agency's poster: it asks for the dossier code."""
    return url_for("rating.enter_code", agency=agency_id, _external=True)


def make_qr(data: str) -> qrcode.QRCode:
    """A QR code holding `data`, of the smallest version that fits."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, box_size=BOX_PIXELS, border=BORDER_MODULES)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str) -> bytes:
    """The QR code as a black-on-white PNG."""
    buffer = io.BytesIO()
    make_qr(data).make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(data: str) -> bytes:
    """The QR code as an SVG (one path on a white background; scales to any print size)."""
    buffer = io.BytesIO()
    make_qr(data).make_image(image_factory=qrcode.image.svg.SvgPathFillImage).save(buffer)
    return buffer.getvalue()


def qr_matrix(data: str) -> list[list[bool]]:
    """Dark (True) and light modules, quiet zone included, for drawing the code in a PDF."""
    return make_qr(data).get_matrix()


def _names(value: dict[str, str] | None) -> tuple[str, str]:
    value = value or {}
    return value.get("vi") or value.get("en") or "", value.get("en") or value.get("vi") or ""


def dossier_sheet_pdf(dossier: Dossier, agency: Agency | None) -> bytes:
    """The A4 sheet a counter hands over with the result: the dossier's details and its rating QR."""
    url = dossier_rating_url(dossier.id)
    agency_names = _names(agency.name if agency else None)
    pin = shown_pin(dossier.id)
    return dossier_sheet(dossier.id, _names(dossier.procedure_name), agency_names, qr_matrix(url), url, pin)


def poster_pdf(agency: Agency) -> bytes:
    """The A4 poster of an agency's counter."""
    url = poster_url(agency.id)
    return poster_sheet(_names(agency.name), qr_matrix(url), url)
