"""The visible signature of a report signed on the platform: its text (signer, time, issuer), drawn into
the box the ND 30 layout reserves in the signer block, and the signature field placed over that box."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle

from renderers.pdf_official import SignatureBox

VN_OFFSET = timedelta(hours=7)


def _part(name: Any, key: str) -> str:
    value = name.native.get(key)
    return str(value[0] if isinstance(value, list) else value or "")


def stamp_text(signer: signers.SimpleSigner, now: datetime | None = None) -> dict[str, str]:
    """Signer (certificate common name), time in Vietnam (UTC+7) and the issuing CA, as the box shows them."""
    certificate = signer.signing_cert
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None) + VN_OFFSET
    issuer = _part(certificate.issuer, "common_name") or certificate.issuer.human_friendly
    return {
        "signer": _part(certificate.subject, "common_name") or certificate.subject.human_friendly,
        "time": moment.strftime("%d/%m/%Y %H:%M:%S") + " (UTC+7)",
        "issuer": issuer,
    }


def visible_field(box: SignatureBox) -> dict[str, Any]:
    """PdfSigner options: the signature field over the box; its own appearance stays empty (the page
    already shows the text, in a font with every Vietnamese letter)."""
    return {
        "new_field_spec": fields.SigFieldSpec(sig_field_name="Signature1", on_page=box.page, box=box.box),
        "stamp_style": TextStampStyle(stamp_text=" ", border_width=0),
    }
