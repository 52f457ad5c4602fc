"""Test certificates shaped like those of Vietnamese CAs (VNPT-CA, Viettel-CA, Ban Cơ yếu): a subject
with C=VN, ST/L Hồ Chí Minh, O, CN in Vietnamese with diacritics and UID=CMND:/CCCD:/MST:, made with
cryptography at test time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, Encoding, pkcs12
from cryptography.x509.oid import NameOID

P12_PASSWORD = "MatKhau-Token-2026"
NOW = datetime.now(UTC).replace(microsecond=0)
SIGNING = {"digital_signature": True, "content_commitment": True}


def _usage(**flags: bool) -> x509.KeyUsage:
    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement")
    names += ("key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{name: flags.get(name, False) for name in names})


@dataclass
class Ca:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(Encoding.PEM)

    def crl(self, *revoked: x509.Certificate, when: datetime | None = None) -> bytes:
        """A DER CRL of this CA listing `revoked` (revoked a day before `when`, default now)."""
        at = when or NOW
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(at - timedelta(hours=1))
            .next_update(at + timedelta(days=7))
        )
        for certificate in revoked:
            entry = x509.RevokedCertificateBuilder().serial_number(certificate.serial_number)
            builder = builder.add_revoked_certificate(entry.revocation_date(at - timedelta(days=1)).build())
        return builder.sign(self.key, hashes.SHA256()).public_bytes(Encoding.DER)


def make_ca(name: str = "VNPT Certification Authority") -> Ca:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "VNPT Group"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "VNPT-CA Trust Network"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=3650))
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(key_cert_sign=True, crl_sign=True, digital_signature=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Ca(key, certificate)


@dataclass
class Person:
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(Encoding.DER)

    @property
    def p12(self) -> bytes:
        name = b"signer"
        return pkcs12.serialize_key_and_certificates(
            name, self.key, self.certificate, None, BestAvailableEncryption(P12_PASSWORD.encode())
        )


def make_person(
    ca: Ca,
    name: str,
    uid: str,
    *,
    organization: str = "UBND Quận 1",
    locality: str = "Quận 1",
    usage: dict[str, bool] | None = None,
    valid: tuple[datetime, datetime] | None = None,
    crl_url: str = "",
) -> Person:
    """A personal signing certificate: CN in Vietnamese, UID=CCCD:/CMND:/MST:…, as VN CAs issue them."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "TP. Hồ Chí Minh"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, locality),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.USER_ID, uid),
        ]
    )
    start, end = valid or (NOW - timedelta(days=30), NOW + timedelta(days=730))
    builder = x509.CertificateBuilder()
    if crl_url:  # where the CA publishes its CRL, as real certificates say
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    certificate = (
        builder.subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(**(usage if usage is not None else SIGNING)), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    return Person(key, certificate)
