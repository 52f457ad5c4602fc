"""Registering a signing certificate (the person), confirming it (an administrator), removing it after a
confirmation page; and loading a CRL file (an administrator) — as a user meets these pages."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from tests.conftest import csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.reporting.vn_pki import make_ca, make_person


@pytest.fixture(scope="module")
def vn() -> Any:
    ca = make_ca()
    return ca, make_person(ca, "Lê Văn Chủ Tịch", "CCCD:079080001234")


def post(client: Any, path: str, data: dict[str, Any], form: str | None = None) -> Any:
    token = csrf_token(client, form or path)
    return client.post(path, data={**data, "csrf_token": token}, content_type="multipart/form-data")


def test_a_person_registers_a_certificate_and_an_administrator_confirms_it(app, client, city, seeded, vn):
    from formplatform.accounts.models import SignerCertificate

    _ca, head = vn
    log_in(client, "ct_q1", CITY_PASSWORD)
    bad = post(client, "/account/certificates", {"certificate": (io.BytesIO(b"not a cert"), "x.cer")})
    assert bad.status_code == 422 and "X.509" in bad.get_data(as_text=True)
    done = post(client, "/account/certificates", {"certificate": (io.BytesIO(head.der), "chu-tich.cer")})
    assert done.status_code == 302
    page = client.get("/account/certificates?lang=vi").get_data(as_text=True)
    serial = format(head.certificate.serial_number, "X")
    assert serial in page and "Chờ xác nhận" in page
    again = post(client, "/account/certificates", {"certificate": (io.BytesIO(head.pem), "chu-tich.pem")})
    assert again.status_code == 422  # the same certificate, PEM this time: already registered
    [record] = SignerCertificate.objects(user_id=city.users["ct_q1"].id)
    assert record.status == "pending"
    assert client.get("/admin/certificates").status_code == 403  # not an administrator

    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/certificates")})
    log_in(client, "quantri", CITY_PASSWORD)
    assert serial in client.get("/admin/certificates").get_data(as_text=True)
    user_page = f"/admin/users/{record.user_id}/certificates"
    assert post(client, f"{user_page}/{record.id}/confirm", {}, user_page).status_code == 302
    assert SignerCertificate.objects(id=record.id).first().status == "confirmed"
    wrong = post(client, user_page, {"personal_id": "12", "tax_code": ""})
    assert wrong.status_code == 422
    assert post(client, user_page, {"personal_id": "079080001234", "tax_code": ""}).status_code == 302
    assert type(city.users["ct_q1"]).objects(id=record.user_id).first().personal_id == "079080001234"
    assert post(client, f"{user_page}/{record.id}/approve", {}, user_page).status_code == 404
    removal = f"{user_page}/{record.id}/remove"
    assert "Gỡ chứng thư số" in client.get(f"{removal}?lang=vi").get_data(as_text=True)
    assert post(client, removal, {}).status_code == 302
    assert SignerCertificate.objects(id=record.id).first() is None


def test_removing_a_certificate_asks_for_confirmation_first(app, client, city, seeded, vn):
    from formplatform.accounts.certificates import register_certificate
    from formplatform.accounts.models import SignerCertificate

    with app.test_request_context():
        record = register_certificate(city.users["ct_q1"], vn[1].pem, city.users["ct_q1"])
    log_in(client, "ct_q1", CITY_PASSWORD)
    path = f"/account/certificates/{record.id}/remove"
    confirm = client.get(f"{path}?lang=en")
    assert confirm.status_code == 200 and "Remove certificate" in confirm.get_data(as_text=True)
    assert SignerCertificate.objects(id=record.id).first() is not None
    assert post(client, path, {}).status_code == 302
    assert SignerCertificate.objects(id=record.id).first() is None


def test_an_administrator_loads_a_crl_file_of_a_trusted_ca(app, client, city, seeded, vn, tmp_path, monkeypatch):
    ca, head = vn
    roots = tmp_path / "roots.pem"
    roots.write_bytes(ca.pem)
    monkeypatch.setitem(app.config, "SIGNATURE_TRUST_ROOTS", str(roots))
    log_in(client, "ct_q1", CITY_PASSWORD)
    assert client.get("/admin/signature/crls").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/certificates")})
    log_in(client, "quantri", CITY_PASSWORD)
    page = post(client, "/admin/signature/crls?lang=vi", {"crl": (io.BytesIO(b"%PDF-1.7"), "x.crl")})
    assert page.status_code == 422 and "danh sách thu hồi" in page.get_data(as_text=True)
    other = make_ca("Viettel-CA")
    refused = post(client, "/admin/signature/crls", {"crl": (io.BytesIO(other.crl()), "viettel.crl")})
    assert refused.status_code == 422
    loaded = post(client, "/admin/signature/crls", {"crl": (io.BytesIO(ca.crl(head.certificate)), "vnpt.crl")})
    assert loaded.status_code == 302
    listed = client.get("/admin/signature/crls?lang=en").get_data(as_text=True)
    assert "VNPT Certification Authority" in listed and re.search(r"<td>1</td>", listed)
