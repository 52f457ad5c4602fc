"""Verifying the signatures of a PDF against the trusted certificate authorities (pyHanko), and the
signature status of a report (its stored signed PDF re-verified, its content compared).

Trust roots: the PEM file named by SIGNATURE_TRUST_ROOTS (one or more CA certificates, e.g. the
Vietnamese government CA chain); when it is unset, the demo CA in DATA_DIR/demo-pki if one was
created there and SIGNATURE_DEMO_CA is on (development, DEMO_DATA). Revocation is not fetched
online unless SIGNATURE_REVOCATION_ONLINE is on; CRL files an administrator loaded are used offline
(formplatform.reporting.revocation). Chains are checked for validity periods, key usage, issuer
signatures and revocation, whose state ("good", "revoked", "not_checked") each check reports.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from flask import current_app
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader

from form_definitions.problems import Problem
from formplatform.errors import Invalid
from formplatform.models import StoredFile
from formplatform.reporting.demo_ca import demo_ca_exists
from formplatform.reporting.models import Report
from formplatform.reporting.revocation import crls_version
from formplatform.reporting.signature_verify import TRUST_CODES, SignatureCheck, check_signature, off_loop

__all__ = ["SignatureCheck", "SignatureStatus", "off_loop", "signature_status", "trust_roots", "verify_pdf"]

log = logging.getLogger(__name__)
DEMO_PKI_FOLDER = "demo-pki"
STATES = ("none", "valid", "invalid", "content_changed", "untrusted")


def demo_pki_directory(config: Any = None) -> Path:
    """Where the demo CA lives: DATA_DIR/demo-pki."""
    config = config if config is not None else current_app.config
    return Path(config.get("DATA_DIR") or "instance") / DEMO_PKI_FOLDER


def demo_signing_enabled(config: Any = None) -> bool:
    """Whether demo certificates may be issued: never once real trust roots are configured."""
    config = config if config is not None else current_app.config
    return not config.get("SIGNATURE_TRUST_ROOTS") and bool(config.get("SIGNATURE_DEMO_CA"))


def trust_roots_path(config: Any = None) -> Path | None:
    """The PEM file of trusted CA certificates in force, or None when nothing is trusted."""
    config = config if config is not None else current_app.config
    configured = config.get("SIGNATURE_TRUST_ROOTS")
    if configured:
        return Path(configured)
    demo = demo_pki_directory(config)
    # a demo CA left in DATA_DIR is trusted only while demo signing is on (never by default in production)
    return demo / "ca-cert.pem" if config.get("SIGNATURE_DEMO_CA") and demo_ca_exists(demo) else None


@lru_cache(maxsize=8)
def _load_roots(path: str, _modified: int) -> tuple[asn1_x509.Certificate, ...]:
    """The certificates of a PEM/DER file, read again only when the file changes."""
    return tuple(load_certs_from_pemder([path]))


def _roots_key(config: Any = None) -> tuple[str, int]:
    """(path, modification time) of the trust roots in force; ("", 0) when nothing is trusted."""
    path = trust_roots_path(config)
    if path is None or not path.exists():
        return ("", 0)
    return (str(path), path.stat().st_mtime_ns)


def trust_roots(config: Any = None) -> list[asn1_x509.Certificate]:
    """The trusted CA certificates (an empty list trusts nobody: every signature is then untrusted)."""
    path, modified = _roots_key(config)
    return list(_load_roots(path, modified)) if path else []


def _reader(pdf: bytes) -> PdfFileReader:
    try:
        return PdfFileReader(io.BytesIO(pdf), strict=False)
    except Exception as error:  # noqa: BLE001 - a malformed upload is refused with a clear code, never a 500
        log.info("unreadable PDF: %s", type(error).__name__)
        raise Invalid([Problem("pdf", "pdf_unreadable")], code="signature_rejected") from None


def pdf_keywords(pdf: bytes) -> dict[str, str]:
    """{"report": id, "digest": sha256} from the PDF's keywords (see renderers.pdf.report_keywords).

    The document information dictionary is read first: pyHanko turns a PDF signed with an ECDSA key into
    PDF 2.0 (ISO 32002) and adds XMP metadata without the keywords, which its metadata view then prefers."""
    from renderers.pdf import parse_keywords

    try:
        reader = _reader(pdf)
        info = reader.trailer_view.get("/Info")
        keywords: Any = info.get_object().get("/Keywords") if info is not None else None
        if not keywords:
            keywords = reader.document_meta_view.keywords
    except Exception:  # noqa: BLE001 - unreadable metadata names no report: the caller refuses the file
        return {}
    text = " ".join(str(k) for k in keywords) if isinstance(keywords, (list, tuple)) else str(keywords or "")
    return parse_keywords(text)


def verify_pdf(
    pdf: bytes, roots: list[asn1_x509.Certificate], *, moment: datetime | None = None
) -> list[SignatureCheck]:
    """Every signature of the PDF, in signing order, verified against `roots` (at `moment`, default now)."""
    reader = _reader(pdf)
    try:
        embedded = list(reader.embedded_signatures)
        return [check_signature(signature, roots, moment) for signature in embedded]
    except Exception as error:  # noqa: BLE001 - any parser failure on an uploaded file is "unreadable", never a 500
        log.info("unverifiable PDF signature: %s", type(error).__name__)
        raise Invalid([Problem("pdf", "pdf_unreadable")], code="signature_rejected") from None


@dataclass(frozen=True)
class SignatureStatus:
    """What the platform says about a report's signature now (re-verified each time it is asked)."""

    state: str  # one of STATES
    record: dict[str, Any] | None = None
    checks: list[SignatureCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        checks = [_check_dict(c) for c in self.checks]
        return {"state": self.state, "signature": self.record, "checks": checks, "problems": list(self.problems)}


def _check_dict(check: SignatureCheck) -> dict[str, Any]:
    times = {key: iso_time(getattr(check, key)) for key in ("signing_time", "valid_from", "valid_to")}
    return {**{k: v for k, v in asdict(check).items() if k != "certificate"}, **times}


def iso_time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _parse_time(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


# --- status ---------------------------------------------------------------------------------------


def signature_status(report: Report) -> SignatureStatus:
    """Re-verify the stored signed PDF and compare what it vouches for with the report's content now."""
    record = report.signature
    if not record:
        return SignatureStatus("none")
    stored = StoredFile.objects(id=record.get("file_id")).first()
    if stored is None:
        return SignatureStatus("invalid", record, [], ["signed_file_missing"])
    pdf = bytes(stored.content)
    problems = [] if hashlib.sha256(pdf).hexdigest() == record.get("sha256") else ["signed_file_altered"]
    try:
        checks = list(_verified(pdf, _roots_key(), _parse_time(record.get("signed_at")), crls_version()))
    except Invalid as error:
        return SignatureStatus("invalid", record, [], [*problems, *(p.code for p in error.problems)])
    problems += [code for check in checks for code in check.problems]
    if not checks:
        problems.append("pdf_not_signed")
    elif not checks[-1].whole_document:
        problems.append("signature_partial")
    if pdf_keywords(pdf).get("digest") != record.get("digest"):
        problems.append("pdf_other_report")
    return SignatureStatus(_state(problems, record, report), record, checks, _unique(problems, record, report))


@lru_cache(maxsize=64)
def _verified(
    pdf: bytes, roots_key: tuple[str, int], moment: datetime | None, _crls: str
) -> tuple[SignatureCheck, ...]:
    """Verification of a stored PDF at its signing time: the bytes, the trust roots and the moment fix the
    outcome with the loaded CRLs, so a report page shown again does not verify again (~0.1 s per signature)."""
    roots = list(_load_roots(*roots_key)) if roots_key[0] else []
    return tuple(verify_pdf(pdf, roots, moment=moment))


def _content_changed(record: dict[str, Any], report: Report) -> bool:
    return record.get("digest") != report.content_digest()


def _unique(problems: list[str], record: dict[str, Any], report: Report) -> list[str]:
    found = problems + (["content_changed"] if _content_changed(record, report) else [])
    return list(dict.fromkeys(found))


def _state(problems: list[str], record: dict[str, Any], report: Report) -> str:
    """The most serious finding first: a broken PDF, then a report edited since, then an untrusted signer."""
    if any(code not in TRUST_CODES for code in problems):
        return "invalid"
    if _content_changed(record, report):
        return "content_changed"
    return "untrusted" if problems else "valid"
