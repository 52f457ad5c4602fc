"""Words for satisfaction data shown to people: dossier statuses, stages, channels, flags, refusals."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from i18n.messages import register_errors

STATUS_LABELS = {
    "received": _l("Dossier received"),
    "processing": _l("Being processed"),
    "supplement_requested": _l("Waiting for additional documents"),
    "finished": _l("Result ready"),
    "returned": _l("Result handed over"),
    "rejected": _l("Refused"),
    "withdrawn": _l("Withdrawn"),
}
STAGE_LABELS = {"receive": _l("Receiving"), "process": _l("Processing"), "return": _l("Returning the result")}
CHANNEL_LABELS = {"kiosk": _l("Kiosk"), "qr": _l("QR code"), "web": _l("Dossier code on the web"), "api": _l("API")}
FLAG_LABELS = {
    "device_burst": _l("Many ratings from one kiosk within minutes"),
    "address_volume": _l("Many ratings from one network address in a day"),
}

register_errors(
    {
        "dossier_not_found": _l("No dossier has this code. Check the code on your receipt."),
        "dossier_not_rateable": _l("This dossier is still being handled; it can be rated once the result is ready."),
        "already_rated": _l("This dossier has already been rated. Thank you."),
        "rating_token_invalid": _l("This rating link or QR code is not valid."),
        "rating_token_expired": _l("This rating link has expired. Enter your dossier code instead."),
        "rating_rate_limited": _l("Too many ratings from here in a short time. Please try again later."),
        "rating_already_reviewed": _l("This rating has already been reviewed."),
        "bad_decision": _l("Choose to accept or reject the rating."),
        "bad_dossier_code": _l("A dossier code looks like 000.00.31.H29-250314-0012."),
        "rating_pin_required": _l(
            "Enter the 6-digit rating PIN printed next to the dossier code on your receipt or result slip."
        ),
        "rating_pin_wrong": _l("This PIN does not match the dossier code. Check both on your receipt."),
        "rating_pin_locked": _l(
            "Too many wrong PINs. For your safety this dossier cannot be rated by its code until tomorrow; "
            "scan the QR code on your result slip instead, or ask at the counter."
        ),
    }
)
