"""A signature counts only from a certificate bound to the signing account, valid, allowed to sign and
not revoked — with certificates shaped like those Vietnamese CAs issue (tests/…/vn_pki.py)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from flask_babel import force_locale

from formplatform.errors import Invalid
from tests.formplatform.reporting.test_signatures import make_report
from tests.formplatform.reporting.vn_pki import NOW, P12_PASSWORD, make_ca, make_person

CCCD_HEAD = "079080001234"


@pytest.fixture(scope="module")
def vn(tmp_path_factory: Any) -> SimpleNamespace:
    ca = make_ca()
    roots = tmp_path_factory.mktemp("roots") / "vn-roots.pem"
    roots.write_bytes(ca.pem)
    return SimpleNamespace(
        ca=ca,
        roots=roots,
        head=make_person(ca, "Lê Văn Chủ Tịch", f"CCCD:{CCCD_HEAD}"),
        other=make_person(ca, "Trần Thị Hồng Nhung", "CMND:025123456", organization="UBND Quận 3", locality="Quận 3"),
        taxed=make_person(ca, "Lê Văn Chủ Tịch", "MST:8012345678"),
        expired=make_person(
            ca, "Lê Văn Chủ Tịch", "CCCD:079080001234", valid=(NOW - timedelta(days=800), NOW - timedelta(days=1))
        ),
        encipher=make_person(ca, "Lê Văn Chủ Tịch", "CCCD:079080001234", usage={"key_encipherment": True}),
        stranger_ca=make_ca("Viettel-CA SHA-256"),
    )


@pytest.fixture
def env(app: Any, city: Any, seeded: Any, vn: SimpleNamespace, monkeypatch: Any) -> Any:
    monkeypatch.setitem(app.config, "SIGNATURE_TRUST_ROOTS", str(vn.roots))
    monkeypatch.setitem(app.config, "SIGNATURE_DEMO_CA", False)
    with app.test_request_context():
        yield SimpleNamespace(report=make_report(city), head=city.users["ct_q1"], admin=city.users["quantri"])


def sign(env: Any, person: Any) -> dict[str, Any]:
    from formplatform.reporting.signatures import sign_report

    return sign_report(env.report, person.p12, P12_PASSWORD, env.head)


def refusal(env: Any, person: Any) -> list[str]:
    with pytest.raises(Invalid) as caught:
        sign(env, person)
    return [problem.code for problem in caught.value.problems]


def register(env: Any, person: Any, *, confirm: bool) -> Any:
    from formplatform.accounts.certificates import confirm_certificate, register_certificate

    record = register_certificate(env.head, person.pem, env.head)
    return confirm_certificate(record, env.admin) if confirm else record


def test_a_trusted_certificate_of_another_person_is_refused(env, vn):
    from formplatform.audit.models import AuditEvent
    from formplatform.reporting.signatures import sign_and_approve

    assert refusal(env, vn.other) == ["certificate_not_bound"]
    assert refusal(env, vn.head) == ["certificate_not_bound"]  # not registered, no id on the account
    with pytest.raises(Invalid):
        sign_and_approve(env.report, env.head, p12=vn.other.p12, password=P12_PASSWORD)
    event = AuditEvent.objects(action="report.signature_refused").first()
    assert event.details["codes"] == ["certificate_not_bound"]
    assert event.details["serial"] == format(vn.other.certificate.serial_number, "X")
    assert env.report.reload().state == "in_approval" and env.report.signature is None


def test_a_registered_certificate_counts_only_once_an_administrator_confirmed_it(env, vn):
    from formplatform.audit.models import AuditEvent

    record = register(env, vn.head, confirm=False)
    assert record.status == "pending" and record.serial == format(vn.head.certificate.serial_number, "X")
    assert refusal(env, vn.head) == ["certificate_not_bound"]
    register(env, vn.other, confirm=True)  # someone else's certificate, even confirmed, is not the head's own
    from formplatform.accounts.certificates import confirm_certificate

    confirm_certificate(record, env.admin)
    signed = sign(env, vn.head)
    assert signed["binding"] == "registered" and signed["serial"] == record.serial
    assert "VNPT Certification Authority" in signed["issuer_name"] and signed["revocation"] == "not_checked"
    event = AuditEvent.objects(action="report.signature_stored").order_by("-at").first()
    assert event.details["serial"] == record.serial and "VNPT" in event.details["issuer_name"]


def test_a_certificate_naming_the_accounts_personal_id_or_tax_code_is_bound(env, vn, city):
    from formplatform.accounts.certificates import set_signer_ids

    assert refusal(env, vn.taxed) == ["certificate_not_bound"]
    set_signer_ids(env.head, CCCD_HEAD, "8012345678", env.admin)
    assert sign(env, vn.head)["binding"] == "subject_id"
    assert refusal(env, vn.other) == ["certificate_not_bound"]
    with pytest.raises(Invalid) as caught:
        set_signer_ids(env.head, "12AB", "99", env.admin)
    assert [p.code for p in caught.value.problems] == ["personal_id_format", "tax_code_format"]


def test_a_revoked_certificate_is_refused_once_its_crl_is_loaded(env, vn):
    from formplatform.reporting.revocation import load_crl
    from formplatform.reporting.signature_checks import trust_roots

    register(env, vn.head, confirm=True)
    load_crl(vn.ca.crl(vn.other.certificate), "vnpt.crl", env.admin, trust_roots())
    assert sign(env, vn.head)["revocation"] == "good"  # a CRL of its CA that does not list it
    load_crl(vn.ca.crl(vn.head.certificate), "vnpt-2.crl", env.admin, trust_roots())
    assert refusal(env, vn.head) == ["certificate_revoked"]


def test_crl_files_are_checked_before_they_are_used(env, vn):
    from formplatform.reporting.revocation import load_crl
    from formplatform.reporting.signature_checks import trust_roots

    for data, code in ((b"not a crl", "crl_file"), (vn.stranger_ca.crl(), "crl_untrusted"), (b"", "crl_file")):
        with pytest.raises(Invalid) as caught:
            load_crl(data, "x.crl", env.admin, trust_roots())
        assert [p.code for p in caught.value.problems] == [code]
    crl = vn.ca.crl()
    assert load_crl(crl, "a.crl", env.admin, trust_roots()).revoked == 0
    for data, code in ((crl, "crl_known"), (vn.ca.pem, "crl_file"), (b"0" * (4 * 1024 * 1024 + 1), "file_too_large")):
        with pytest.raises(Invalid) as caught:
            load_crl(data, "x.crl", env.admin, trust_roots())
        assert [p.code for p in caught.value.problems] == [code]


def test_expired_certificates_and_certificates_that_may_not_sign_are_refused(env, vn):
    from formplatform.accounts.certificates import set_signer_ids

    set_signer_ids(env.head, CCCD_HEAD, "", env.admin)
    assert refusal(env, vn.expired) == ["certificate_expired"]
    assert refusal(env, vn.encipher) == ["certificate_key_usage"]


@pytest.mark.parametrize(
    ("locale", "words"),
    [("vi", "chưa được đăng ký"), ("en", "not registered to your account")],
)
def test_refusals_are_explained_in_the_users_language(env, vn, locale, words):
    from i18n.messages import problem_message

    assert refusal(env, vn.other) == ["certificate_not_bound"]
    with force_locale(locale):
        assert words in problem_message("certificate_not_bound", {})
        revoked = problem_message("certificate_revoked", {})
    assert revoked and ("thu hồi" in revoked if locale == "vi" else "revoked" in revoked)


def test_the_report_page_shows_who_signed_with_which_certificate(env, vn, app, city):
    from formplatform.reporting.signatures import sign_and_approve
    from tests.conftest import log_in
    from tests.fixtures.city import CITY_PASSWORD

    register(env, vn.head, confirm=True)
    sign_and_approve(env.report, env.head, p12=vn.head.p12, password=P12_PASSWORD)
    client = app.test_client()
    log_in(client, "ct_q1", CITY_PASSWORD)
    html = client.get(f"/reports/{env.report.id}?lang=vi").get_data(as_text=True)
    serial = format(vn.head.certificate.serial_number, "X")
    assert 'data-state="valid"' in html  # an ECDSA signature (the PDF becomes PDF 2.0) is found valid
    assert "Lê Văn Chủ Tịch" in html and serial in html and "VNPT Certification Authority" in html
    assert 'data-revocation="not_checked"' in html and "Chưa kiểm tra tình trạng thu hồi" in html
    valid_to = (vn.head.certificate.not_valid_after_utc + timedelta(hours=7)).strftime("%d/%m/%Y")  # shown in UTC+7
    assert valid_to in html
    api = client.get(f"/api/v1/reports/{env.report.id}/signature").get_json()
    assert api["signature"]["serial"] == serial and api["checks"][0]["revocation"] == "not_checked"


@pytest.fixture
def crl_server() -> Any:
    """A local web server standing in for a CA's CRL distribution point: serves whatever `crl` holds."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    state = SimpleNamespace(crl=b"", url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_response(200)
            self.send_header("Content-Type", "application/pkix-crl")
            self.send_header("Content-Length", str(len(state.crl)))
            self.end_headers()
            self.wfile.write(state.crl)

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/vnpt.crl"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()


def test_online_checking_fetches_the_crl_a_certificate_names(env, vn, app, monkeypatch, crl_server):
    from formplatform.accounts.certificates import set_signer_ids

    monkeypatch.setitem(app.config, "SIGNATURE_REVOCATION_ONLINE", True)
    set_signer_ids(env.head, CCCD_HEAD, "", env.admin)
    person = make_person(vn.ca, "Lê Văn Chủ Tịch", f"CCCD:{CCCD_HEAD}", crl_url=crl_server.url)
    crl_server.crl = vn.ca.crl()
    assert sign(env, person)["revocation"] == "good"
    crl_server.crl = vn.ca.crl(person.certificate)
    assert refusal(env, person) == ["certificate_revoked"]
    unreachable = make_person(vn.ca, "Lê Văn Chủ Tịch", f"CCCD:{CCCD_HEAD}", crl_url="http://127.0.0.1:9/none.crl")
    assert sign(env, unreachable)["revocation"] == "not_checked"  # no network answer: said so, not refused
