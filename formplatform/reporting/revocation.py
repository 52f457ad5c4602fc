"""Revocation of signer certificates: CRL files an administrator loads (used offline), and CRL/OCSP
fetched through pyHanko's ValidationContext when SIGNATURE_REVOCATION_ONLINE allows the network.

The outcome is one of REVOCATION_STATES: "good" (a CRL or OCSP answer covers the certificate and does
not list it), "revoked" (refused), or "not_checked" (no revocation information could be had: shown as
such, never silently taken for good).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy, RevocationCheckingRule

from form_definitions.problems import Problem
from formplatform.accounts.models import User
from formplatform.audit.services import record_event
from formplatform.errors import Invalid
from formplatform.reporting.signature_models import RevocationList
from i18n.messages import register_problems

REVOCATION_STATES = ("good", "revoked", "not_checked")
CRL_LIMIT = 4 * 1024 * 1024  # a CA's CRL of many thousand entries stays well below
# With a CRL of the signer's CA at hand, revocation information is required for the signer's certificate.
REQUIRE_REVINFO = CertRevTrustPolicy(
    RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
        intermediate_ca_cert_rule=RevocationCheckingRule.CHECK_IF_DECLARED_SOFT,
    )
)

register_problems(
    {
        "crl_file": _l("The file is not a certificate revocation list (CRL, .crl in DER or PEM)."),
        "crl_untrusted": _l("This CRL was not issued and signed by one of the trusted certificate authorities."),
        "crl_known": _l("This CRL was already loaded."),
    }
)


def _refuse(code: str, **params: Any) -> Invalid:
    return Invalid([Problem("crl", code, params)])


def _parse_crl(data: bytes) -> x509.CertificateRevocationList:
    if not data:
        raise _refuse("crl_file")
    if len(data) > CRL_LIMIT:
        raise _refuse("file_too_large", limit=CRL_LIMIT)
    try:
        if b"-----BEGIN X509 CRL-----" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError:
        raise _refuse("crl_file") from None


def _signed_by_root(crl: x509.CertificateRevocationList, roots: list[asn1_x509.Certificate]) -> bool:
    for root in roots:
        certificate = x509.load_der_x509_certificate(root.dump())
        if certificate.subject == crl.issuer and crl.is_signature_valid(certificate.public_key()):  # type: ignore[arg-type]
            return True
    return False


def load_crl(data: bytes, name: str, actor: User, roots: list[asn1_x509.Certificate]) -> RevocationList:
    """Keep an uploaded CRL after checking its size, its type and that a trusted CA signed it."""
    crl = _parse_crl(data)
    if not _signed_by_root(crl, roots):
        raise _refuse("crl_untrusted")
    der = crl.public_bytes(Encoding.DER)
    digest = hashlib.sha256(der).hexdigest()
    if RevocationList.objects(sha256=digest).first() is not None:
        raise _refuse("crl_known")
    record = RevocationList(
        issuer=crl.issuer.rfc4514_string(),
        der=der,
        sha256=digest,
        this_update=crl.last_update_utc.replace(tzinfo=None),
        next_update=crl.next_update_utc.replace(tzinfo=None) if crl.next_update_utc else None,
        revoked=len(crl),
        name=(name or "")[-200:],
        uploaded_by=actor.id,
    )
    record.save(force_insert=True)
    details = {"issuer": record.issuer, "sha256": digest, "revoked": record.revoked}
    record_event("signature.crl_loaded", actor=actor, target_type="crl", target_id=record.id, details=details)
    return record


def remove_crl(record: RevocationList, actor: User) -> None:
    """Stop using a loaded CRL."""
    record.delete()
    details = {"issuer": record.issuer, "sha256": record.sha256}
    record_event("signature.crl_removed", actor=actor, target_type="crl", target_id=record.id, details=details)


def crls_version() -> str:
    """Changes whenever a CRL is loaded or removed (part of the cache key of verifications)."""
    return ",".join(record.id for record in RevocationList.objects.order_by("-this_update").only("id").limit(50))


def _crls_of(signer: asn1_x509.Certificate) -> list[bytes]:
    """The loaded CRLs of the CA that issued `signer`, newest first (found through the issuer index)."""
    issuer = x509.load_der_x509_certificate(signer.dump()).issuer.rfc4514_string()
    records = RevocationList.objects(issuer=issuer).order_by("-this_update").only("der").limit(5)
    return [bytes(record.der) for record in records]


def online() -> bool:
    return bool(has_app_context() and current_app.config.get("SIGNATURE_REVOCATION_ONLINE"))


def validation_context(
    signer: asn1_x509.Certificate, roots: list[asn1_x509.Certificate], moment: datetime | None
) -> tuple[ValidationContext, bool]:
    """The context a signer's certificate is validated in, and whether revocation info is required."""
    crls = _crls_of(signer) if has_app_context() else []
    options: dict[str, Any] = {"trust_roots": roots, "allow_fetching": online(), "crls": crls}
    if moment is not None:
        options["moment"] = moment
    if crls:  # a CRL issued after the signing moment still tells whether it was revoked before
        return ValidationContext(revinfo_policy=REQUIRE_REVINFO, retroactive_revinfo=True, **options), True
    return ValidationContext(revocation_mode="soft-fail", **options), False


def _declares_revinfo(signer: asn1_x509.Certificate) -> bool:
    return bool(signer.crl_distribution_points or signer.ocsp_urls)


def revocation_state(status: Any, context: ValidationContext, required: bool, signer: asn1_x509.Certificate) -> str:
    """ "revoked", "good" or "not_checked" after pyHanko validated the signature in `context`."""
    if status.revoked:
        return "revoked"
    if required:
        return "good" if status.trusted else "not_checked"
    if context.fetching_allowed and _declares_revinfo(signer) and not context.soft_fail_exceptions:
        return "good" if status.trusted else "not_checked"
    return "not_checked"
