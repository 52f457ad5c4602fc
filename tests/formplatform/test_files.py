"""Evidence files: checked by size and by what the bytes are, stored in MongoDB, referenced by submissions."""

from __future__ import annotations

import io

from tests.conftest import USER_PASSWORD, bearer
from tests.fixtures.definitions import t

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
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
    assert fake.status_code == 422 and fake.get_json()["error"]["errors"][0]["code"] == "file_type"
    forged = {"id": "nope", "name": "x.pdf", "size": 10, "content_type": "application/pdf"}
    response = client.post(f"/api/v1/forms/{KEY}/submissions", json={"data": {"proof": forged}}, headers=admin_headers)
    assert response.status_code == 422 and response.get_json()["error"]["errors"][0]["code"] == "file_missing"


def test_field_limits_apply_to_the_referenced_file(client, admin_headers, user):
    client.put(f"/api/v1/forms/{KEY}/draft", json=definition(), headers=admin_headers)
    client.post(f"/api/v1/forms/{KEY}/publish", json={}, headers=admin_headers)
    big = upload(client, bearer(client, "chuyenvien", USER_PASSWORD), PDF + b"0" * 2048).get_json()
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
