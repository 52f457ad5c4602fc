"""Rating QR codes: decoded like a phone would, they open a working rating or code-entry page."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from tests.fixtures.satisfaction import ANSWERS, make_dossier, pin_of
from tests.formplatform.accounts.conftest import as_user


def decode_png(content: bytes) -> str:
    image = Image.open(io.BytesIO(content))
    assert image.format == "PNG"
    found = zxingcpp.read_barcodes(image.convert("L"))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def decode_svg(content: bytes) -> str:
    """Parse the SVG (it must be well-formed), paint its path's squares onto a bitmap and decode that."""
    root = ET.fromstring(content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    size = int(float(root.get("viewBox").split()[2]))
    scale = 8
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    paths = list(root.iter("{http://www.w3.org/2000/svg}path"))  # the dark modules, as unit squares "Mx,yH…z"
    squares = [(int(x), int(y)) for p in paths for x, y in re.findall(r"M(\d+),(\d+)H", p.get("d") or "")]
    assert squares
    for x, y in squares:
        draw.rectangle([x * scale, y * scale, (x + 1) * scale - 1, (y + 1) * scale - 1], fill=0)
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    return found[0].text


def local_path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "localhost"
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def ready(app, city, seeded):
    with app.app_context():
        return make_dossier(city, "d1_ward", seq=12, status="returned")


def test_a_dossier_png_carries_a_single_use_rating_link(app, city, ready):
    handler = as_user(app, "cv_q1")
    response = handler.get(f"/admin/dossiers/{ready.id}/rating-qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "no-store"
    url = decode_png(response.get_data())
    assert re.match(r"^http://localhost/r/[\w.-]+$", url)
    phone = app.test_client()
    page = phone.get(local_path(url) + "?lang=en")
    assert page.status_code == 200 and ready.id in page.get_data(as_text=True)
    from tests.conftest import csrf_token

    token = csrf_token(phone, local_path(url))
    rated = phone.post(local_path(url), data={**ANSWERS, "csrf_token": token})
    assert rated.status_code == 302
    again = phone.post(local_path(url), data={**ANSWERS, "csrf_token": token})
    assert again.status_code == 409  # the same QR cannot rate twice
    from formplatform.satisfaction.models import Rating

    assert Rating.objects(dossier_code=ready.id).count() == 1


def test_a_dossier_svg_is_valid_xml_with_the_same_kind_of_link(app, city, ready):
    response = as_user(app, "cv_q1").get(f"/admin/dossiers/{ready.id}/rating-qr.svg?download=1")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    url = decode_svg(response.get_data())
    assert app.test_client().get(local_path(url)).status_code == 200


def test_only_handlers_of_the_dossier_may_print_its_qr(app, city, ready):
    assert as_user(app, "cv_q3").get(f"/admin/dossiers/{ready.id}/rating-qr.png").status_code == 404
    assert as_user(app, "xem_q1").get(f"/admin/dossiers/{ready.id}/rating-qr.png").status_code == 404
    assert app.test_client().get(f"/admin/dossiers/{ready.id}/rating-qr.png").status_code == 401
    assert as_user(app, "cv_q1").get(f"/admin/dossiers/{ready.id}/rating-qr.gif").status_code == 404


def test_an_agency_poster_opens_the_code_entry_page_of_that_agency(app, city, ready):
    viewer = as_user(app, "xem_q1")
    agency = city.id("d1_ward")
    png = viewer.get(f"/admin/rating-posters/{agency}.png")
    url = decode_png(png.get_data())
    assert local_path(url) == f"/rate?agency={agency}"
    assert decode_svg(viewer.get(f"/admin/rating-posters/{agency}.svg").get_data()) == url
    phone = app.test_client()
    page = phone.get(local_path(url) + "&lang=en").get_data(as_text=True)
    assert "Ben Nghe" in page or "Bến Nghé" in page
    assert as_user(app, "cv_q3").get(f"/admin/rating-posters/{agency}.png").status_code == 404
    assert viewer.get(f"/admin/rating-posters/{agency}.gif").status_code == 404


def test_the_a4_sheets_are_pdfs_with_the_dossier_and_the_poster_text(app, city, ready):
    from pypdf import PdfReader

    handler = as_user(app, "cv_q1")
    sheet = handler.get(f"/admin/dossiers/{ready.id}/rating-sheet.pdf")
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    page = PdfReader(io.BytesIO(sheet.get_data())).pages[0]
    text = page.extract_text()
    assert ready.id in text and "Cấp bản sao trích lục hộ tịch" in text and "UBND Phường Bến Nghé" in text
    pin = pin_of(app, ready.id)
    assert "Mã PIN đánh giá" in text and f"{pin[:3]} {pin[3:]}" in text  # rating by typed code needs it
    assert "http://localhost/r/" in text.replace("\n", "")
    poster = handler.get(f"/admin/rating-posters/{city.id('d1_ward')}.pdf")
    assert "Quét mã để đánh giá" in PdfReader(io.BytesIO(poster.get_data())).pages[0].extract_text()
