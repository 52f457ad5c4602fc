"""Refusal messages of report signing (codes of formplatform.reporting.signatures and signature_checks)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from i18n.messages import register_errors, register_problems

register_errors(
    {
        "signature_rejected": _l("The signature was not accepted."),
        "not_signing_step": _l("The report is not waiting for a digital signature."),
    }
)
register_problems(
    {
        "certificate_unreadable": _l(
            "The certificate file could not be opened: check the password, and that the file is a "
            "PKCS#12 certificate (.p12 or .pfx) with its private key."
        ),
        "certificate_required": _l(
            "Choose your certificate file (.p12 or .pfx) and enter its password, or upload a PDF signed elsewhere."
        ),
        "pdf_unreadable": _l("The file is not a readable PDF."),
        "pdf_not_signed": _l("The PDF carries no digital signature."),
        "signature_altered": _l("The PDF was changed after it was signed."),
        "signature_invalid": _l("The digital signature is not valid."),
        "certificate_untrusted": _l(
            "The signer's certificate was not issued by a trusted certificate authority, or it has expired."
        ),
        "certificate_expired": _l(
            "The signer's certificate was not valid at the time of signing (expired or not yet valid)."
        ),
        "certificate_key_usage": _l(
            "The signer's certificate may not sign documents: it lacks the digital signature and "
            "non-repudiation key usage."
        ),
        "certificate_revoked": _l("The signer's certificate was revoked by its certificate authority."),
        "certificate_not_bound": _l(
            "This certificate is not registered to your account: register it under My signing certificates "
            "and have an administrator confirm it, or ask an administrator to record the personal id or tax code "
            "your certificate names."
        ),
        "signature_partial": _l("The signature does not cover the whole file: something was added after signing."),
        "pdf_other_report": _l("This PDF was not made for this report."),
        "pdf_content_changed": _l(
            "The report was changed after this PDF was made: download the PDF again and sign the new one."
        ),
        "pdf_not_the_rendering": _l(
            "The signed PDF is not the report's PDF as the platform made it: sign the PDF downloaded from "
            "this page without editing or re-saving it."
        ),
        "signed_file_missing": _l("The signed PDF is missing from the store."),
        "signed_file_altered": _l("The stored signed PDF was changed after it was accepted."),
        "content_changed": _l("The report was changed after it was signed: the signature does not cover it."),
    }
)
