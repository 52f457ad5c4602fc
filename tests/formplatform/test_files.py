"""Evidence files: checked by size and by what the bytes are, stored in MongoDB, referenced by submissions."""

from __future__ import annotations

import io

import pytest

from tests.conftest import USER_PASSWORD, bearer
from tests.fixtures.definitions import t
from tests.fixtures.files import tiny_pdf

PDF = tiny_pdf("minh chung")
KEY = "evidence-report"


def definition():
    return {
        "schema_version": 1,
        "key": KEY,
        "kind": "report",
        "title": t("Minh chứng", "Evidence"),
        "fields": [
            {
                "type": "file",
                "name": "proof",
                "label": t("Tệp", "File"),
                "required": True,
                "accept": ["application/pdf"],
                "max_size": 1024,
            }
        ],
    }


def upload(client, headers, content, name="a.pdf", mimetype="application/pdf"):
    return client.post(
        "/api/v1/files",
        data={"file": (io.BytesIO(content), name, mimetype)},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_upload_needs_login(client):
    assert upload(client, {}, PDF).status_code == 401


def test_real_pdf_is_stored_and_can_be_referenced(client, admin_headers):
    client.put(f"/api/v1/forms/{KEY}/draft", json=definition(), headers=admin_headers)
    client.post(f"/api/v1/forms/{KEY}/publish", json={}, headers=admin_headers)
    stored = upload(client, admin_headers, PDF)
    assert stored.status_code == 201
    reference = stored.get_json()
    assert reference["size"] == len(PDF) and reference["content_type"] == "application/pdf"
    created = client.post(
        f"/api/v1/forms/{KEY}/submissions", json={"data": {"proof": reference}}, headers=admin_headers
    )
    assert created.status_code == 201, created.get_json()


def test_disguised_file_and_forged_reference_are_refused(client, admin_headers):
    client.put(f"/api/v1/forms/{KEY}/draft", json=definition(), headers=admin_headers)
    client.post(f"/api/v1/forms/{KEY}/publish", json={}, headers=admin_headers)
    fake = upload(client, admin_headers, b"MZ\x90\x00 not a pdf")
    assert fake.status_code == 422 and fake.get_json()["error"]["errors"][0]["code"] == "file_unreadable"
    forged = {"id": "nope", "name": "x.pdf", "size": 10, "content_type": "application/pdf"}
    response = client.post(f"/api/v1/forms/{KEY}/submissions", json={"data": {"proof": forged}}, headers=admin_headers)
    assert response.status_code == 422 and response.get_json()["error"]["errors"][0]["code"] == "file_missing"


def test_field_limits_apply_to_the_referenced_file(client, admin_headers, user):
    client.put(f"/api/v1/forms/{KEY}/draft", json=definition(), headers=admin_headers)
    client.post(f"/api/v1/forms/{KEY}/publish", json={}, headers=admin_headers)
    big = upload(client, bearer(client, "chuyenvien", USER_PASSWORD), tiny_pdf(pad=2048)).get_json()
    response = client.post(f"/api/v1/forms/{KEY}/submissions", json={"data": {"proof": big}}, headers=admin_headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["errors"][0]["path"].startswith("proof")


def test_upload_over_the_platform_limit_is_refused(client, app, admin_headers):
    limit = app.config["MAX_UPLOAD_BYTES"]
    response = upload(client, admin_headers, PDF + b"0" * limit)
    assert response.status_code in (413, 422)


def test_someone_elses_file_cannot_be_referenced(client, admin_headers, user):
    client.put(f"/api/v1/forms/{KEY}/draft", json=definition(), headers=admin_headers)
    client.post(f"/api/v1/forms/{KEY}/publish", json={}, headers=admin_headers)
    theirs = upload(client, admin_headers, PDF).get_json()
    mine = bearer(client, "chuyenvien", USER_PASSWORD)
    response = client.post(f"/api/v1/forms/{KEY}/submissions", json={"data": {"proof": theirs}}, headers=mine)
    assert response.status_code == 422 and response.get_json()["error"]["errors"][0]["code"] == "file_missing"


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _zip(**parts: bytes) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


def _disguised() -> list[tuple[str, bytes, str]]:
    from tests.fixtures.files import tiny_docx, tiny_jpeg, tiny_png

    photo = tiny_png((64, 64))
    return [
        ("application/pdf", b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>", "PDF"),
        ("application/pdf", tiny_pdf()[:200], "PDF"),  # cut short: no cross-references
        ("image/png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "PNG"),
        ("image/png", tiny_jpeg(), "PNG"),  # an image, but not the kind declared
        ("image/jpeg", b"\xff\xd8\xff\xe0<html></html>", "JPEG"),
        ("image/png", photo[: len(photo) // 2], "PNG"),
        (DOCX, b"PK\x03\x04<html></html>", "Word (.docx)"),
        (DOCX, _zip(index__html=b"<html></html>"), "Word (.docx)"),
        (XLSX, tiny_docx(), "Excel (.xlsx)"),  # a Word file called a workbook
        ("application/msword", b"\xd0\xcf\x11\xe0<html></html>", "Word (.doc)"),
        ("text/plain", b"abc\x00def", "UTF-8"),
    ]


@pytest.mark.parametrize("index", range(11))
def test_a_file_that_does_not_parse_as_its_type_is_refused_and_nothing_is_stored(app, client, admin_headers, index):
    from formplatform.models import StoredFile

    mimetype, content, kind = _disguised()[index]
    response = upload(client, admin_headers, content, name="x", mimetype=mimetype)
    assert response.status_code == 422, mimetype
    [problem] = response.get_json()["error"]["errors"]
    assert problem["code"] == "file_unreadable" and kind in problem["message"]
    vi = upload(client, {**admin_headers, "Accept-Language": "vi"}, content, name="x", mimetype=mimetype)
    assert vi.get_json()["error"]["errors"][0]["message"].startswith("Tệp bị hỏng")
    assert StoredFile.objects.count() == 0


def test_real_files_of_each_accepted_kind_are_stored(client, admin_headers):
    from tests.fixtures.files import tiny_docx, tiny_jpeg, tiny_png

    for mimetype, content in (
        ("application/pdf", tiny_pdf()),
        ("image/png", tiny_png()),
        ("image/jpeg", tiny_jpeg()),
        (DOCX, tiny_docx()),
        ("text/csv", "mã,tên\n1,Bến Nghé\n".encode()),
    ):
        assert upload(client, admin_headers, content, name="x", mimetype=mimetype).status_code == 201, mimetype


def test_an_image_with_too_many_pixels_is_refused_before_decoding(client, admin_headers, monkeypatch):
    from formplatform.services import file_checks
    from tests.fixtures.files import tiny_png

    monkeypatch.setattr(file_checks, "MAX_IMAGE_PIXELS", 11)
    response = upload(client, admin_headers, tiny_png((4, 3)), name="x.png", mimetype="image/png")
    assert response.status_code == 422 and response.get_json()["error"]["errors"][0]["code"] == "file_unreadable"
