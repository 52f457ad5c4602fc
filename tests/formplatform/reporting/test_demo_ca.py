"""The demo certificate authority: created once, issuing document-signing certificates as PKCS#12."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from formplatform.reporting.demo_ca import (
    CA_COMMON_NAME,
    DEMO_P12_PASSWORD,
    DOCUMENT_SIGNING,
    demo_ca_exists,
    ensure_demo_pki,
    issue_demo_certificate,
)


@pytest.fixture(scope="module")
def pki_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-pki")


def common_name(name: x509.Name) -> str:
    return name.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def test_the_ca_is_created_once_and_then_loaded(pki_dir):
    assert not demo_ca_exists(pki_dir)
    first = ensure_demo_pki(pki_dir)
    assert demo_ca_exists(pki_dir)
    second = ensure_demo_pki(pki_dir)
    assert first.certificate == second.certificate
    assert first.certificate_path.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    key_mode = stat.S_IMODE((pki_dir / "ca-key.pem").stat().st_mode)
    assert key_mode == 0o600  # the CA key is readable by its owner only


def test_the_ca_says_it_is_a_demo_and_may_only_issue_certificates(pki_dir):
    certificate = ensure_demo_pki(pki_dir).certificate
    assert common_name(certificate.subject) == CA_COMMON_NAME
    assert "DEMO" in CA_COMMON_NAME and "Thử nghiệm" in CA_COMMON_NAME
    assert certificate.subject == certificate.issuer  # a root
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign and not usage.content_commitment


def test_a_signer_certificate_is_issued_by_the_ca_for_document_signing(pki_dir):
    pki = ensure_demo_pki(pki_dir)
    path = issue_demo_certificate(pki_dir, "ct_q1", "Nguyễn Văn Bình", "Ủy ban nhân dân Quận 1")
    key, certificate, chain = pkcs12.load_key_and_certificates(path.read_bytes(), DEMO_P12_PASSWORD.encode())
    assert key is not None and key.key_size == 2048
    assert common_name(certificate.subject) == "Nguyễn Văn Bình"
    assert certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Ủy ban nhân dân Quận 1"
    assert certificate.issuer == pki.certificate.subject
    assert chain == [pki.certificate]
    pki.certificate.public_key().verify(
        certificate.signature,
        certificate.tbs_certificate_bytes,
        padding.PKCS1v15(),
        certificate.signature_hash_algorithm,
    )
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment  # non-repudiation
    assert not usage.key_cert_sign
    purposes = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert DOCUMENT_SIGNING in purposes and ExtendedKeyUsageOID.EMAIL_PROTECTION in purposes
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    lifetime = certificate.not_valid_after_utc - datetime.now(UTC)
    assert timedelta(days=365 * 2) < lifetime <= timedelta(days=365 * 3)


def test_issuing_again_returns_the_same_file_and_a_wrong_password_does_not_open_it(pki_dir):
    first = issue_demo_certificate(pki_dir, "tp_q1", "Trần Thị Hoa", "UBND Quận 1")
    content = first.read_bytes()
    again = issue_demo_certificate(pki_dir, "tp_q1", "Another name", "Another agency")
    assert again == first and again.read_bytes() == content
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(content, b"wrong-password")


def test_user_names_cannot_escape_the_signers_folder(pki_dir):
    path = issue_demo_certificate(pki_dir, "../../etc/passwd", "X", "")
    assert path.parent == pki_dir / "signers"
    assert path.name == ".._.._etc_passwd.p12"


def test_long_vietnamese_names_are_cut_at_a_letter_boundary(pki_dir):
    name = "Ủy ban nhân dân thành phố Thủ Đức, Thành phố Hồ Chí Minh — Văn phòng"
    path = issue_demo_certificate(pki_dir, "long", name, name)
    _, certificate, _ = pkcs12.load_key_and_certificates(path.read_bytes(), DEMO_P12_PASSWORD.encode())
    cut = common_name(certificate.subject)
    assert name.startswith(cut) and len(cut.encode()) <= 64


def test_each_directory_has_its_own_ca(pki_dir, tmp_path):
    other = ensure_demo_pki(tmp_path)
    assert other.certificate != ensure_demo_pki(pki_dir).certificate
