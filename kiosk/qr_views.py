"""Staff downloads of rating QR codes: a dossier's (PNG, SVG, A4 sheet) and an agency's counter poster.

A dossier's QR mints a rating token, i.e. a permission to rate: only those who handle the dossier
(dossiers.manage over its agency) may print one. A poster holds no secret: anyone who may see the
agency's dossiers may print it. Neither is cached: each dossier QR carries a new token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, request

from formplatform.agencies.models import Agency
from formplatform.auth import current_principal
from formplatform.errors import NotFound, Unauthorized
from formplatform.permissions import allows
from formplatform.satisfaction.codes import normalize_code
from formplatform.satisfaction.dossiers import MANAGE, can_view
from formplatform.satisfaction.models import Dossier
from kiosk import public_bp as bp
from kiosk.qr import dossier_rating_url, dossier_sheet_pdf, poster_pdf, poster_url, qr_png, qr_svg

KINDS: dict[str, tuple[str, Callable[[str], bytes]]] = {
    "png": ("image/png", qr_png),
    "svg": ("image/svg+xml", qr_svg),
}


def _file(body: bytes, mimetype: str, filename: str) -> Response:
    disposition = "attachment" if request.args.get("download") == "1" else "inline"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _printable_dossier(code: str) -> Dossier:
    principal = current_principal()
    if principal is None:
        raise Unauthorized()
    dossier = Dossier.objects(id=normalize_code(code)).first()
    if dossier is None or not allows(principal, MANAGE, dossier.agency_id):
        raise NotFound()
    return dossier


def _poster_agency(agency_id: str) -> Agency:
    principal = current_principal()
    if principal is None:
        raise Unauthorized()
    agency = Agency.objects(id=agency_id, active=True).first()
    if agency is None or not can_view(principal, agency.id):
        raise NotFound()
    return agency


@bp.get("/admin/dossiers/<code>/rating-qr.<kind>")
def dossier_qr(code: str, kind: str) -> Any:
    """The dossier's rating QR as PNG or SVG."""
    if kind not in KINDS:
        raise NotFound()
    dossier = _printable_dossier(code)
    mimetype, make = KINDS[kind]
    return _file(make(dossier_rating_url(dossier.id)), mimetype, f"danh-gia-{dossier.id}.{kind}")


@bp.get("/admin/dossiers/<code>/rating-sheet.pdf")
def dossier_qr_sheet(code: str) -> Any:
    """The A4 sheet to hand over at the counter."""
    dossier = _printable_dossier(code)
    agency = Agency.objects(id=dossier.agency_id).first()
    return _file(dossier_sheet_pdf(dossier, agency), "application/pdf", f"danh-gia-{dossier.id}.pdf")


@bp.get("/admin/rating-posters/<agency_id>.<kind>")
def agency_poster(agency_id: str, kind: str) -> Any:
    """An agency's poster QR as PNG or SVG, or the A4 poster as PDF."""
    agency = _poster_agency(agency_id)
    if kind == "pdf":
        return _file(poster_pdf(agency), "application/pdf", f"ap-phich-danh-gia-{agency.code}.pdf")
    if kind not in KINDS:
        raise NotFound()
    mimetype, make = KINDS[kind]
    return _file(make(poster_url(agency.id)), mimetype, f"ap-phich-danh-gia-{agency.code}.{kind}")
