"""Signer certificates bound to accounts: registered by their holder, confirmed by an administrator, or
bound by the personal id / tax code that Vietnamese CAs write into the certificate's subject.

VNPT-CA, Viettel-CA, FPT-CA and the government CA (Ban Cơ yếu Chính phủ) put the holder's identifier in
the subject as UID (OID 0.9.2342.19200300.100.1.1) — "CMND:079…", "CCCD:079…", "MST:0301…" — and some
in serialNumber (2.5.4.5) with the same prefixes. A certificate is a public document, so uploading one
proves nothing: only a confirmed registration or an identifier an administrator recorded on the
account binds it.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from flask_babel import lazy_gettext as _l

from form_definitions.problems import Problem
from formplatform.accounts.models import SignerCertificate, User
from formplatform.audit.services import record_event
from formplatform.errors import Invalid
from formplatform.models import utcnow
from i18n.messages import register_problems

CERTIFICATE_LIMIT = 64 * 1024  # a certificate is 1-3 KB; a chain a few more
ID_PREFIXES = {"CMND": "personal_id", "CCCD": "personal_id", "MST": "tax_code"}
_ID_VALUE = re.compile(r"^\s*(CMND|CCCD|MST)\s*[:=]\s*([0-9A-Za-z-]{6,20})\s*$", re.IGNORECASE)
_DIGITS = re.compile(r"^[0-9]{9}$|^[0-9]{12}$")
_TAX = re.compile(r"^[0-9]{10}(-[0-9]{3})?$")

register_problems(
    {
        "certificate_file": _l("The file is not an X.509 certificate (PEM .pem/.crt/.cer or DER .cer/.der)."),
        "certificate_is_ca": _l("This is a certificate authority's certificate, not a person's signing certificate."),
        "certificate_known": _l("This certificate is already registered for this account."),
        "personal_id_format": _l("A personal id is 9 digits (CMND) or 12 digits (CCCD)."),
        "tax_code_format": _l("A personal tax code is 10 digits, optionally followed by -NNN."),
    }
)


def _refuse(code: str, **params: Any) -> Invalid:
    return Invalid([Problem("certificate", code, params)])


def load_certificate(data: bytes) -> x509.Certificate:
    """The first certificate of a PEM or DER file; Invalid (with a clear code) for anything else."""
    if not data:
        raise _refuse("certificate_file")
    if len(data) > CERTIFICATE_LIMIT:
        raise _refuse("file_too_large", limit=CERTIFICATE_LIMIT)
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificates(data)[0]
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise _refuse("certificate_file") from None


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def subject_ids(certificate: x509.Certificate) -> dict[str, set[str]]:
    """{"personal_id": {...}, "tax_code": {...}} found in the subject's UID and serialNumber attributes."""
    found: dict[str, set[str]] = {"personal_id": set(), "tax_code": set()}
    for oid in (NameOID.USER_ID, NameOID.SERIAL_NUMBER):
        for attribute in certificate.subject.get_attributes_for_oid(oid):
            match = _ID_VALUE.match(str(attribute.value))
            if match:
                found[ID_PREFIXES[match.group(1).upper()]].add(match.group(2))
    return found


def certificate_binding(user: User, der: bytes) -> str | None:
    """How `der` is bound to the account: "registered" (confirmed), "subject_id", or None (not bound)."""
    confirmed = SignerCertificate.objects(user_id=user.id, fingerprint=fingerprint(der), status="confirmed").first()
    if confirmed is not None:
        return "registered"
    ids = subject_ids(x509.load_der_x509_certificate(der))
    if user.personal_id and user.personal_id in ids["personal_id"]:
        return "subject_id"
    if user.tax_code and user.tax_code in ids["tax_code"]:
        return "subject_id"
    return None


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _readable(name: x509.Name) -> str:
    """ "CN=Lê Văn A, O=UBND Quận 1, C=VN": most specific first, spaced so that it wraps."""
    return ", ".join(attribute.rfc4514_string() for attribute in reversed(list(name)))


def describe(certificate: x509.Certificate) -> dict[str, Any]:
    """Subject, issuer, serial and validity as a person reads them."""
    return {
        "subject": _readable(certificate.subject),
        "issuer": _readable(certificate.issuer),
        "serial": format(certificate.serial_number, "X"),
        "not_before": certificate.not_valid_before_utc.replace(tzinfo=None),
        "not_after": certificate.not_valid_after_utc.replace(tzinfo=None),
    }


def register_certificate(user: User, data: bytes, actor: User, *, confirmed: bool = False) -> SignerCertificate:
    """Register a public certificate for `user`: pending until an administrator confirms it."""
    certificate = load_certificate(data)
    if _is_ca(certificate):
        raise _refuse("certificate_is_ca")
    der = certificate.public_bytes(Encoding.DER)
    if SignerCertificate.objects(user_id=user.id, fingerprint=fingerprint(der)).first() is not None:
        raise _refuse("certificate_known")
    record = SignerCertificate(user_id=user.id, fingerprint=fingerprint(der), der=der, uploaded_by=actor.id)
    for key, value in describe(certificate).items():
        setattr(record, key, value)
    if confirmed:  # the platform's own demo CA issued it to this account (demo_ca)
        record.status, record.confirmed_by, record.confirmed_at = "confirmed", actor.id, utcnow()
    record.save(force_insert=True)
    _audit("certificate.registered", actor, user, record)
    return record


def confirm_certificate(record: SignerCertificate, admin: User, *, accept: bool = True) -> SignerCertificate:
    """An administrator confirms (or rejects) that a registered certificate is its holder's."""
    record.status = "confirmed" if accept else "rejected"
    record.confirmed_by, record.confirmed_at = admin.id, utcnow()
    record.save()
    owner = User.objects(id=record.user_id).first()
    _audit("certificate.confirmed" if accept else "certificate.rejected", admin, owner, record)
    return record


def remove_certificate(record: SignerCertificate, actor: User) -> None:
    """Forget a registration: signatures made with the certificate from now on are refused."""
    owner = User.objects(id=record.user_id).first()
    record.delete()
    _audit("certificate.removed", actor, owner, record)


def set_signer_ids(user: User, personal_id: str, tax_code: str, admin: User) -> User:
    """Record the person's CMND/CCCD and tax code, which bind certificates naming them in the subject."""
    personal_id, tax_code = personal_id.strip(), tax_code.strip()
    problems = []
    if personal_id and not _DIGITS.match(personal_id):
        problems.append(Problem("personal_id", "personal_id_format"))
    if tax_code and not _TAX.match(tax_code):
        problems.append(Problem("tax_code", "tax_code_format"))
    if problems:
        raise Invalid(problems)
    before = {"personal_id": user.personal_id, "tax_code": user.tax_code}
    user.personal_id, user.tax_code = personal_id, tax_code
    user.save()
    after = {"personal_id": personal_id, "tax_code": tax_code}
    record_event("user.signer_ids", actor=admin, target_type="user", target_id=user.id, before=before, after=after)
    return user


def _audit(action: str, actor: User, owner: User | None, record: SignerCertificate) -> None:
    details = {"serial": record.serial, "issuer": record.issuer, "fingerprint": record.fingerprint}
    record_event(
        action,
        actor=actor,
        target_type="user",
        target_id=record.user_id,
        agency_id=owner.agency_id if owner else None,
        details=details,
    )
