"""One signature of a PDF verified (pyHanko): intact, valid, and whether its signer's certificate may vouch
for it — chained to a trusted root, valid at the moment, allowed to sign, not revoked (most specific
reason first)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from asn1crypto import x509 as asn1_x509
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from formplatform.reporting.revocation import revocation_state, validation_context

T = TypeVar("T")
# A signer's certificate must allow signing: digitalSignature or nonRepudiation (token certificates differ).
SIGNER_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a PDF as verified now: who signed, when they say, and what holds."""

    field: str
    signer: str  # the certificate's common name
    organization: str  # its organization (and unit), when the certificate names one
    subject: str  # the whole subject, human-readable
    issuer: str  # the issuing CA: common name · organization
    signing_time: datetime | None  # claimed by the signer (no timestamp authority)
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature is correct
    trusted: bool  # the certificate chains to a trusted root and may sign
    whole_document: bool  # nothing was appended after this signature
    subfilter: str
    problems: tuple[str, ...] = ()
    serial: str = ""  # the signer certificate's serial number, hexadecimal
    issuer_name: str = ""  # the issuer's whole name, human-readable
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    revocation: str = "not_checked"  # one of revocation.REVOCATION_STATES
    certificate: bytes = field(default=b"", repr=False)  # DER, to bind it to the signing account

    @property
    def ok(self) -> bool:
        return not self.problems and self.whole_document


def off_loop(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call one of pyHanko's synchronous functions. They call asyncio.run(), which refuses to run in a
    thread whose event loop is already running (an async server, Playwright's sync API in tests):
    there the call runs in a worker thread instead."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        running = False
    else:
        running = True
    if not running:  # called outside the `except` block, so its own errors do not chain to this one
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


TRUST_CODES = ("certificate_untrusted", "certificate_expired", "certificate_key_usage", "certificate_revoked")


def _problems(intact: bool, valid: bool, trust: str | None) -> tuple[str, ...]:
    if not intact:
        return ("signature_altered",)
    if not valid:
        return ("signature_invalid",)
    return (trust,) if trust else ()


def _name_part(name: asn1_x509.Name, *keys: str) -> str:
    native = name.native
    values = []
    for key in keys:
        value = native.get(key)
        values += value if isinstance(value, list) else [value] if value else []
    return " · ".join(str(v) for v in values)


def _trust_problem(
    signer: asn1_x509.Certificate, trusted: bool, revocation: str, moment: datetime | None
) -> str | None:
    """Why the signer's certificate cannot vouch for the signature, most specific reason first."""
    at = moment or datetime.now(UTC)
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    validity = signer["tbs_certificate"]["validity"]
    if not validity["not_before"].native <= at <= validity["not_after"].native:
        return "certificate_expired"
    usage = set(signer.key_usage_value.native) if signer.key_usage_value else {"digital_signature"}
    if not usage & {"digital_signature", "non_repudiation"}:
        return "certificate_key_usage"
    if revocation == "revoked":
        return "certificate_revoked"
    return None if trusted else "certificate_untrusted"


def _validate(embedded: Any, roots: list[asn1_x509.Certificate], moment: datetime | None) -> tuple[Any, str]:
    """pyHanko's status of one signature and the revocation state of its signer's certificate."""
    signer = embedded.signer_cert
    context, required = validation_context(signer, roots, moment)
    status = off_loop(validate_pdf_signature, embedded, context, key_usage_settings=SIGNER_USAGE)
    revocation = revocation_state(status, context, required, signer)
    if required and not status.trusted and revocation != "revoked":
        # the loaded CRL does not cover this moment (stale, or newer than allowed): judge the chain
        # without it, and say that revocation was not checked
        context = (
            ValidationContext(trust_roots=roots, moment=moment) if moment else ValidationContext(trust_roots=roots)
        )
        status = off_loop(validate_pdf_signature, embedded, context, key_usage_settings=SIGNER_USAGE)
        revocation = "not_checked"
    return status, revocation


def check_signature(embedded: Any, roots: list[asn1_x509.Certificate], moment: datetime | None) -> SignatureCheck:
    """One embedded signature verified against `roots` at `moment` (default now)."""
    status, revocation = _validate(embedded, roots, moment)
    certificate = status.signing_cert
    subject, issuer = certificate.subject, certificate.issuer
    trust = _trust_problem(certificate, bool(status.trusted), revocation, moment)
    validity = certificate["tbs_certificate"]["validity"]
    return SignatureCheck(
        field=str(embedded.field_name or ""),
        signer=_name_part(subject, "common_name") or subject.human_friendly,
        organization=_name_part(subject, "organizational_unit_name", "organization_name"),
        subject=subject.human_friendly,
        issuer=_name_part(issuer, "common_name", "organization_name") or issuer.human_friendly,
        signing_time=status.signer_reported_dt,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=trust is None,
        whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        subfilter=str(embedded.sig_object.get("/SubFilter", "")).lstrip("/"),
        problems=_problems(bool(status.intact), bool(status.valid), trust),
        serial=format(certificate.serial_number, "X"),
        issuer_name=issuer.human_friendly,
        valid_from=validity["not_before"].native,
        valid_to=validity["not_after"].native,
        revocation=revocation,
        certificate=certificate.dump(),
    )
