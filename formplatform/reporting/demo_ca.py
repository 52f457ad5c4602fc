"""A demo certificate authority and demo signer certificates, so digital signing works out of the box.

Everything lives in one directory (DATA_DIR/demo-pki by default):

    ca-cert.pem             the demo root CA certificate (trusted when SIGNATURE_TRUST_ROOTS is unset)
    ca-key.pem              its private key (unencrypted: this CA is for demonstrations only)
    signers/<username>.p12  one PKCS#12 per demo signer, protected by DEMO_P12_PASSWORD

Never trust this CA on a production server: anyone who can read DATA_DIR can issue certificates.
Configure SIGNATURE_TRUST_ROOTS with the real CA chain instead (README, "Digital signatures").
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

# Documented demo password of every demo .p12 (README). Demo certificates prove nothing about anyone.
DEMO_P12_PASSWORD = "ChuKySo-Demo-2026"
CA_NAME = "CA Thử nghiệm — Nền tảng biểu mẫu TP.HCM (DEMO, không dùng thật)"  # as shown to users
# In the certificate the name is split: a common name is limited to 64 bytes.
CA_COMMON_NAME = "CA Thử nghiệm (DEMO, không dùng thật)"
ORGANIZATION = "Nền tảng biểu mẫu TP.HCM"
CA_YEARS, SIGNER_YEARS = 10, 3
KEY_SIZE = 2048
# Extended key usages of a document-signing certificate: RFC 9336 id-kp-documentSigning, the Microsoft
# document-signing purpose that Adobe Reader and Windows tools look for, and e-mail protection.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
MS_DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class DemoPki:
    """The demo CA on disk: where it is, its certificate and its key."""

    directory: Path
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def certificate_path(self) -> Path:
        return self.directory / "ca-cert.pem"

    def signer_path(self, username: str) -> Path:
        return self.directory / "signers" / f"{_SAFE_NAME.sub('_', username)}.p12"


def _name(oid: ObjectIdentifier, value: str) -> x509.NameAttribute:
    """A name attribute cut to 64 UTF-8 bytes at a letter boundary (the limit cryptography enforces)."""
    cut = value.encode("utf-8")[:64].decode("utf-8", errors="ignore")
    return x509.NameAttribute(oid, cut or "?")


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _write_private(path: Path, content: bytes) -> None:
    """Write a file readable by its owner only (keys and key stores)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    os.replace(temporary, path)  # atomic: a concurrent reader never sees half a file


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def _ca_certificate(key: rsa.RSAPrivateKey) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            _name(NameOID.COMMON_NAME, CA_COMMON_NAME),
        ]
    )
    now = _now()
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One creator at a time across processes (gunicorn workers): a CA key must match its certificate."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_demo_pki(directory: Path | str) -> DemoPki:
    """The demo root CA in `directory`, created on first use (idempotent: later calls load it)."""
    directory = Path(directory)
    with _locked(directory):
        return _load_or_create(directory)


def _load_or_create(directory: Path) -> DemoPki:
    cert_path, key_path = directory / "ca-cert.pem", directory / "ca-key.pem"
    if cert_path.exists() and key_path.exists():
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"{key_path} does not hold an RSA key")
        return DemoPki(directory, certificate, key)
    key = _new_key()
    certificate = _ca_certificate(key)
    pem_key = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write_private(key_path, pem_key)
    _write_private(cert_path, certificate.public_bytes(serialization.Encoding.PEM))
    return DemoPki(directory, certificate, key)


def demo_ca_exists(directory: Path | str) -> bool:
    """Whether a demo CA was created in `directory` (then it is trusted when no real roots are configured)."""
    return (Path(directory) / "ca-cert.pem").exists()


def _signer_certificate(pki: DemoPki, key: rsa.RSAPrivateKey, display_name: str, agency_name: str) -> x509.Certificate:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if agency_name:
        attributes.append(_name(NameOID.ORGANIZATION_NAME, agency_name))
    attributes.append(_name(NameOID.COMMON_NAME, display_name or "?"))
    now = _now()
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,  # non-repudiation: PAdES validators expect it on a signer's certificate
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    purposes = [DOCUMENT_SIGNING, MS_DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(pki.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(min(now + timedelta(days=365 * SIGNER_YEARS), pki.certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage(purposes), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(pki.certificate.public_key()), critical=False)
        .sign(pki.key, hashes.SHA256())
    )


def make_pkcs12(pki: DemoPki, display_name: str, agency_name: str = "", password: str = DEMO_P12_PASSWORD) -> bytes:
    """A new key and certificate for a signer, issued by the demo CA, as PKCS#12 bytes (with the CA chain)."""
    key = _new_key()
    certificate = _signer_certificate(pki, key, display_name, agency_name)
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(50_000)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(password.encode("utf-8"))
    )
    return pkcs12.serialize_key_and_certificates(
        display_name.encode("utf-8")[:64].decode("utf-8", errors="ignore").encode("utf-8"),
        key,
        certificate,
        [pki.certificate],
        encryption,
    )


def issue_demo_certificate(directory: Path | str, username: str, display_name: str, agency_name: str) -> Path:
    """The demo signer's .p12 (password DEMO_P12_PASSWORD), issued once by the demo CA of `directory`."""
    pki = ensure_demo_pki(directory)
    path = pki.signer_path(username)
    with _locked(pki.directory):
        if not path.exists():
            _write_private(path, make_pkcs12(pki, display_name or username, agency_name))
    return path


def demo_certificate_pem(path: Path | str) -> bytes:
    """The public certificate (PEM) inside a demo signer's .p12, to bind it to the signer's account."""
    _key, certificate, _chain = pkcs12.load_key_and_certificates(Path(path).read_bytes(), DEMO_P12_PASSWORD.encode())
    if certificate is None:
        raise ValueError(f"{path} holds no certificate")
    return certificate.public_bytes(serialization.Encoding.PEM)
