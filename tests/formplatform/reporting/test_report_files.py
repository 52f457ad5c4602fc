"""Evidence files of a report open for whoever may read the report, and for nobody else."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import bearer, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.fixtures.files import tiny_pdf
from tests.formplatform.reporting.workflow_support import FAKE_SIGNATURE, make_report, par_data, users

EVIDENCE_NAME = 'Kế hoạch số 12 đợt 1 "CCHC".pdf'
EVIDENCE = tiny_pdf("bang chung cai cach hanh chinh")


@pytest.fixture
def evidence(app: Any, city: Any, seeded: Any) -> dict[str, Any]:
    """A District 1 PAR report with one evidence file, at the reviewer's step; and a file of no report."""
    from formplatform.reporting import workflow
    from formplatform.services.files import store_file
    from formplatform.services.forms import get_version

    with app.test_request_context():
        u = users(city)
        definition = get_version("par-self-assessment", 1).definition
        report = make_report(city, "par-self-assessment")
        ref = store_file(EVIDENCE_NAME, "application/pdf", EVIDENCE, max_bytes=10_000, actor=u["cv_q1"]).reference()
        stray = store_file("khac.pdf", "application/pdf", tiny_pdf("khac"), max_bytes=10_000, actor=u["cv_q1"])
        workflow.save_report(report.id, {**par_data(definition, evidence=False), "s1_1_1_evidence": ref}, u["cv_q1"])
        workflow.submit_report(report.id, u["cv_q1"])
        workflow.approve_report(report.id, u["tp_q1"])
        workflow.approve_report(report.id, u["ct_q1"], signature=FAKE_SIGNATURE)
    return {"report": report.id, "file": ref["id"], "stray": stray.id}


def download(client: Any, username: str, path: str) -> Any:
    client._cookies.clear()
    log_in(client, username, CITY_PASSWORD)
    return client.get(path)


@pytest.mark.parametrize("username", ["cv_q1", "xem_q1", "tp_q1", "ct_q1", "thamdinh", "xem_tp"])
def test_the_agency_its_approvers_and_the_reviewer_download_the_evidence(client, evidence, username):
    response = download(client, username, f"/reports/{evidence['report']}/files/{evidence['file']}")
    assert response.status_code == 200 and response.data == EVIDENCE
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="Ke hoach so 12 dot 1 _CCHC_.pdf"' in disposition  # ASCII fallback, no quote breaks out
    assert f"filename*=UTF-8''{quote(EVIDENCE_NAME, safe='')}" in disposition  # RFC 5987: the exact name


def test_another_district_and_files_outside_the_report_get_404(client, evidence):
    report = evidence["report"]
    assert download(client, "cv_q3", f"/reports/{report}/files/{evidence['file']}").status_code == 404
    for other in (evidence["stray"], "no-such-file"):
        assert download(client, "thamdinh", f"/reports/{report}/files/{other}").status_code == 404
    assert download(client, "thamdinh", f"/reports/no-such-report/files/{evidence['file']}").status_code == 404
    client._cookies.clear()
    assert client.get(f"/reports/{report}/files/{evidence['file']}").status_code in (302, 401)


def test_the_api_serves_evidence_with_the_same_scope(client, evidence):
    path = f"/api/v1/reports/{evidence['report']}/files/{evidence['file']}"
    found = client.get(path, headers=bearer(client, "thamdinh", CITY_PASSWORD))
    assert found.status_code == 200 and found.data == EVIDENCE
    assert client.get(path, headers=bearer(client, "cv_q3", CITY_PASSWORD)).status_code == 404


def test_the_file_name_links_to_the_download_on_the_report_page(app, client, evidence):
    link = f'href="/reports/{evidence["report"]}/files/{evidence["file"]}"'
    for username in ("thamdinh", "cv_q1"):
        html = download(client, username, f"/reports/{evidence['report']}?lang=en").get_data(as_text=True)
        anchor = re.search(rf'<a class="fp-file-link" {link}>([^<]*)</a>', html)
        assert anchor and anchor.group(1).startswith("Kế hoạch số 12 đợt 1 &#34;CCHC&#34;.pdf")


def test_a_returned_report_links_its_evidence_in_the_form_being_revised(app, client, city, evidence):
    from formplatform.reporting import workflow

    with app.test_request_context():
        workflow.return_report(evidence["report"], users(city)["thamdinh"], comment="Bổ sung tài liệu")
    html = download(client, "cv_q1", f"/reports/{evidence['report']}?lang=en").get_data(as_text=True)
    assert 'type="file"' in html and f'href="/reports/{evidence["report"]}/files/{evidence["file"]}"' in html
