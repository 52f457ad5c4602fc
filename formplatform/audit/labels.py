"""Words for audit actions and for the audit area's own error codes, in the request's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from i18n.messages import register_errors

# Stable action names (stored in the database) -> what an administrator reads.
ACTION_LABELS = {
    "login.ok": _l("Logged in"),
    "login.failed": _l("Failed login"),
    "login.lockout": _l("Account locked after failed logins"),
    "login.throttled": _l("Login refused: too many attempts from this address"),
    "logout": _l("Logged out"),
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.roles_change": _l("Roles changed"),
    "user.lock": _l("Account locked"),
    "user.unlock": _l("Account unlocked"),
    "user.close": _l("Account closed"),
    "user.password_change": _l("Password changed"),
    "user.password_reset": _l("Password reset by an administrator"),
    "user.import": _l("Accounts imported from a sheet"),
    "user.import_rollback": _l("Account import undone after an error"),
    "password.request": _l("Password reset requested"),
    "password.request_done": _l("Password request handled"),
    "password.request_dismissed": _l("Password request dismissed"),
    "token.issue": _l("API token issued"),
    "token.revoke": _l("API token revoked"),
    "dossier.import": _l("Dossiers received from a one-stop system or a sheet"),
    "dossier.status": _l("Dossier status changed"),
    "dossier.correct": _l("Dossier status corrected by hand"),
    "rating.accept": _l("Flagged rating accepted"),
    "rating.reject": _l("Rating rejected"),
    "kiosk.create": _l("Kiosk added"),
    "kiosk.renew_code": _l("Kiosk pairing code issued"),
    "kiosk.pair": _l("Kiosk paired"),
    "kiosk.unpair": _l("Kiosk unpaired"),
    "campaign.create": _l("Reporting campaign opened"),
    "campaign.update": _l("Reporting campaign changed"),
    "campaign.close": _l("Reporting campaign closed"),
    "campaign.period_open": _l("Reporting period opened"),
    "report.save": _l("Report draft saved"),
    "report.submit": _l("Report submitted"),
    "report.resubmit": _l("Report resubmitted"),
    "report.approve": _l("Report approved"),
    "report.sign": _l("Report signed and approved"),
    "report.send_back": _l("Report sent back to the drafter"),
    "report.accept": _l("Report accepted"),
    "report.return": _l("Report returned for supplementation"),
    "report.review_save": _l("Review of a report saved"),
    "report.par_exception": _l("Score verified without evidence (explanation accepted)"),
    "report.signature_stored": _l("Signed PDF of a report stored"),
    "report.signature_refused": _l("Signature refused"),
    "signature.demo_certificate": _l("Demo certificate issued"),
    "signature.crl_loaded": _l("Certificate revocation list loaded"),
    "signature.crl_removed": _l("Certificate revocation list removed"),
    "report.numbered": _l("Report numbered for signing"),
    "certificate.registered": _l("Signing certificate registered"),
    "certificate.confirmed": _l("Signing certificate confirmed"),
    "certificate.rejected": _l("Signing certificate rejected"),
    "certificate.removed": _l("Signing certificate removed"),
    "user.signer_ids": _l("Personal id or tax code for signing changed"),
    "form.create": _l("Form created"),
    "form.draft_save": _l("Form draft saved"),
    "form.publish": _l("Form version published"),
    "submission.create": _l("Submission received"),
    "submission.download": _l("Submission downloaded as Word or PDF"),
    "agency.create": _l("Agency created"),
    "agency.update": _l("Agency changed"),
    "agency.deactivate": _l("Agency deactivated"),
    "agency.activate": _l("Agency reactivated"),
    "agency.contact_update": _l("Agency contact person changed"),
    "audit.export": _l("Audit log exported"),
    "scheduler.run": _l("Scheduled job started by hand"),
}

# The families offered in the action filter (matched as a prefix of the action name).
ACTION_PREFIXES = {
    "login": _l("Logins"),
    "logout": _l("Logouts"),
    "user": _l("Accounts"),
    "password": _l("Password requests"),
    "token": _l("API tokens"),
    "form": _l("Forms"),
    "submission": _l("Submissions"),
    "agency": _l("Agencies"),
    "audit": _l("Audit log"),
    "scheduler": _l("Scheduled jobs"),
    "certificate": _l("Signing certificates"),
}

OUTCOME_LABELS = {"ok": _l("Succeeded"), "failed": _l("Failed")}

TARGET_LABELS = {
    "user": _l("Account"),
    "token": _l("API token"),
    "form": _l("Form"),
    "submission": _l("Submission"),
    "agency": _l("Agency"),
    "password_request": _l("Password request"),
    "audit": _l("Audit log"),
    "job": _l("Scheduled job"),
    "crl": _l("Certificate revocation list"),
}

register_errors(
    {
        "bad_date": _l("Enter a real date as dd/mm/yyyy, for example 14/03/2025."),
        "bad_date_range": _l("The start date must not be after the end date."),
        "bad_outcome": _l("The outcome must be ok or failed."),
    }
)


def action_label(action: str) -> str:
    """The human name of an action; unknown actions (from newer areas) show their stable name."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def target_label(target_type: str) -> str:
    label = TARGET_LABELS.get(target_type)
    return str(label) if label is not None else target_type


def outcome_label(outcome: str) -> str:
    label = OUTCOME_LABELS.get(outcome)
    return str(label) if label is not None else outcome
