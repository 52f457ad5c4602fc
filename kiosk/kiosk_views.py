"""The kiosk screen at a one-stop counter and its pairing page (its JSON endpoints: kiosk_api_views).

The screen is one page that holds every step (code entry, dossier card, questionnaire, thanks) and
every text in both languages, so switching language never loses a step and a network drop never
loses the page. The endpoints are authenticated by the device cookie (HttpOnly, SameSite=Strict,
path /kiosk) and need the `X-Kiosk` header, which a cross-site form cannot send and a cross-site
script cannot add without a CORS preflight we never grant; a CSRF token would expire on a screen
that stays open all day and would make the offline outbox undeliverable.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from formplatform.agencies.models import Agency
from formplatform.errors import AppError
from formplatform.models import utcnow
from formplatform.satisfaction.periods import local_date
from formplatform.satisfaction.questionnaire import version_in_force
from formplatform.satisfaction.words import STATUS_LABELS
from i18n.babel import translators
from i18n.messages import error_title
from i18n.text import LANGUAGES
from kiosk import bp
from kiosk.models import KioskDevice
from kiosk.pairing import kiosk_from_token, pair_kiosk
from renderers.form import json_script
from renderers.kiosk import render_kiosk_questionnaire

COOKIE = "kiosk_device"
COOKIE_DAYS = 400  # Chromium caps cookie lifetimes at 400 days; the screen renews it on every load
WORDS = {
    "title": _l("Rate how your dossier was handled"),
    "lead": _l("Scan the code on your receipt, or type it with the keys below."),
    "code_label": _l("Dossier code"),
    "code_hint": _l("For example 250314-0012 or 000.00.31.H29-250314-0012"),
    "look_up": _l("Look up"),
    "pin_title": _l("Rating PIN"),
    "pin_lead": _l("Type the 6-digit PIN printed next to the dossier code on your receipt or result slip."),
    "pin_label": _l("Rating PIN"),
    "pin_hint": _l("Only whoever holds the papers of the dossier can rate it. The QR code on the slip needs no PIN."),
    "back_to_code": _l("Back"),
    "delete": _l("Delete the last character"),
    "clear": _l("Clear"),
    "your_dossier": _l("Your dossier"),
    "rate": _l("Rate this dossier"),
    "finish": _l("Finish"),
    "thanks": _l("Thank you!"),
    "thanks_lead": _l("Your rating helps public agencies serve you better."),
    "saved_offline": _l("Your rating is saved on this kiosk and will be sent as soon as the connection is back."),
    "resets": _l("This screen clears itself after a short time without a touch."),
    "network": _l("The connection is interrupted. Please try again in a moment."),
    "language": _l("Language"),
    "procedure": _l("Procedure"),
    "agency": _l("Handling agency"),
    "received": _l("Received on"),
    "due": _l("Due on"),
    "finished": _l("Finished on"),
    "status": _l("Status"),
    "applicant": _l("Applicant"),
    "pair_title": _l("Pair this kiosk"),
    "pair_lead": _l("Enter the 8-digit pairing code shown to the administrator."),
    "pair_code": _l("Pairing code"),
    "pair": _l("Pair"),
    "unpaired": _l("This screen is not paired with an agency yet."),
}


def bilingual(text: Any, **params: Any) -> dict[str, str]:
    """A lazy message in every language (the kiosk shows one and switches without a round trip)."""
    found = {}
    for lang in LANGUAGES:
        with force_locale(lang):
            found[lang] = gettext(str(text), **params) if params else str(text)
    return found


@cache
def _words() -> dict[str, dict[str, str]]:
    """Translations do not change while the app runs: build the bilingual words once."""
    return {key: bilingual(text) for key, text in WORDS.items()}


def error_words(error: AppError) -> dict[str, Any]:
    messages = {}
    for lang in LANGUAGES:
        with force_locale(lang):
            messages[lang] = error_title(error.code, error.params)
    return {"code": error.code, "message": messages}


def current_device() -> KioskDevice | None:
    return kiosk_from_token(request.cookies.get(COOKIE))


def _keep_cookie(response: Response, token: str) -> Response:
    response.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_DAYS * 86400,
        path="/kiosk",
        httponly=True,
        samesite="Strict",
        secure=request.is_secure,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
def screen() -> Any:
    """The kiosk screen of a paired device; an unpaired one is sent to the pairing page."""
    device = current_device()
    if device is None:
        return _pair_page(None, 200)  # the kiosk's address stays the same whether paired or not
    agency = Agency.objects(id=device.agency_id).only("name", "code").first()
    version = version_in_force(local_date(utcnow()))
    quiz = render_kiosk_questionnaire(version.definition, translators())
    data = {
        "words": _words(),
        "statuses": {key: bilingual(label) for key, label in STATUS_LABELS.items()},
        "idle": _seconds("KIOSK_IDLE_SECONDS"),
        "thanks": _seconds("KIOSK_THANKS_SECONDS"),
        "lookup": url_for("kiosk.api_lookup"),
        "rate": url_for("kiosk.api_rate"),
        "pair": url_for("kiosk.pair"),
        "version": version.number,
    }
    page = render_template(
        "kiosk/screen.html", w=_words(), device=device, agency=agency, quiz=quiz, data=json_script(data)
    )
    return _keep_cookie(make_response(page), request.cookies[COOKIE])


def _seconds(key: str) -> int:
    return max(int(current_app.config[key]), 1)


@bp.route("/pair", methods=["GET", "POST"])
def pair() -> Any:
    """The pairing page a new kiosk opens: the administrator's code becomes the device cookie."""
    if request.method == "GET" and current_device() is not None:
        return redirect(url_for("kiosk.screen"))
    error = None
    status = 200
    if request.method == "POST":
        try:
            _device, token = pair_kiosk(request.form.get("code", ""), request.remote_addr or "")
        except AppError as refused:
            error, status = error_words(refused), refused.status
        else:
            return _keep_cookie(redirect(url_for("kiosk.screen")), token)
    return _pair_page(error, status)


def _pair_page(error: dict[str, Any] | None, status: int) -> Response:
    page = render_template("kiosk/pair.html", w=_words(), error=error)
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response
