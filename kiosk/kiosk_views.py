"""The kiosk screen at a one-stop counter, its pairing page and its JSON endpoints.

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

from flask import current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from formplatform import csrf
from formplatform.agencies.models import Agency
from formplatform.errors import AppError, BadRequest, Invalid, NotFound, Unauthorized
from formplatform.models import utcnow
from formplatform.permissions import lineage
from formplatform.satisfaction.codes import complete_code, parse_dossier_code
from formplatform.satisfaction.models import Dossier, Rating, UsedRatingToken
from formplatform.satisfaction.periods import local_date
from formplatform.satisfaction.questionnaire import version_in_force
from formplatform.satisfaction.ratings import submit_rating
from formplatform.satisfaction.words import STATUS_LABELS
from i18n.babel import translators
from i18n.messages import error_title
from i18n.text import LANGUAGES
from kiosk import bp
from kiosk.models import KioskDevice
from kiosk.pairing import kiosk_from_token, pair_kiosk
from kiosk.tokens import mint_rating_token, read_rating_token
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


# ---- JSON endpoints -------------------------------------------------------------------------------


def _api_device() -> KioskDevice:
    """The calling kiosk; without the kiosk script's header (or from another origin) it is a CSRF failure."""
    origin = request.headers.get("Origin")
    if request.headers.get("X-Kiosk") != "1" or (origin and origin.rstrip("/") != request.host_url.rstrip("/")):
        raise CSRFError("CSRF check failed: not sent by the kiosk screen.")
    device = current_device()
    if device is None:
        raise Unauthorized("kiosk_not_paired")
    return device


def _payload() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("invalid_json")
    return body


def _in_scope(device: KioskDevice, dossier: Dossier | None) -> Dossier:
    """A dossier of another agency than the kiosk's (outside its subtree) is not found, like an unknown one."""
    if dossier is None or device.agency_id not in lineage(dossier.agency_id):
        raise NotFound("dossier_not_found")
    return dossier


def _day(moment: Any) -> str:
    return local_date(moment).strftime("%d/%m/%Y") if moment else ""


def dossier_card(dossier: Dossier) -> dict[str, Any]:
    """What the kiosk shows of a dossier: no officials, the applicant's name masked."""
    agency = Agency.objects(id=dossier.agency_id).only("name").first()
    return {
        "code": dossier.id,
        "procedure": dict(dossier.procedure_name or {}),
        "field": dict(dossier.field_name or {}),
        "agency": dict(agency.name) if agency else {},
        "received": _day(dossier.received_at),
        "due": _day(dossier.due_at),
        "finished": _day(dossier.finished_at),
        "status": dossier.status,
        "applicant": dossier.masked_applicant,
    }


def _refused(error: AppError) -> Any:
    return jsonify({"error": error_words(error)}), error.status


def _lookup_state(dossier: Dossier) -> tuple[str, dict[str, str] | None]:
    if not dossier.rateable:
        return "not_rateable", error_words(AppError("dossier_not_rateable"))["message"]
    if Rating.objects(id=Rating.make_id(dossier.id)).count():
        return "already_rated", error_words(AppError("already_rated"))["message"]
    return "rateable", None


@bp.post("/api/lookup")
@csrf.exempt
def api_lookup() -> Any:
    """Find a dossier by the code typed or scanned at the kiosk; a rateable one comes with a rating token."""
    try:
        device = _api_device()
        agency = Agency.objects(id=device.agency_id).only("code").first()
        code = complete_code(str(_payload().get("code") or "")[:80], agency.code if agency else "")
        if parse_dossier_code(code) is None:
            raise Invalid([], "bad_dossier_code")
        dossier = _in_scope(device, Dossier.objects(id=code).first())
    except AppError as error:
        return _refused(error)
    state, message = _lookup_state(dossier)
    body: dict[str, Any] = {"state": state, "dossier": dossier_card(dossier), "message": message}
    if state == "rateable":
        body["token"] = mint_rating_token(dossier.id)
    return jsonify(body)


def _delivered(nonce: str, code: str, device: KioskDevice) -> bool:
    """Whether this very token already stored this device's rating (the first answer was lost on the way)."""
    spent = UsedRatingToken.objects(id=nonce).count()
    return bool(spent and Rating.objects(id=Rating.make_id(code), device_id=device.id).count())


@bp.post("/api/rate")
@csrf.exempt
def api_rate() -> Any:
    """Store a rating sent from the kiosk (possibly late, from its outbox); a repeat of a stored one is a success."""
    try:
        device = _api_device()
        body = _payload()
        ticket = read_rating_token(str(body.get("token") or ""))
        _in_scope(device, Dossier.objects(id=ticket.dossier_code).only("agency_id").first())
    except AppError as error:
        return _refused(error)
    client_id = str(body.get("client_id") or "")[:64]
    locale = body.get("locale") if body.get("locale") in LANGUAGES else "vi"
    try:
        submit_rating(
            ticket.dossier_code,
            body.get("answers"),
            channel="kiosk",
            token_nonce=ticket.nonce,
            device_id=device.id,
            ip=request.remote_addr or "",
            locale=locale,
        )
    except AppError as error:
        repeat = error.code in ("already_rated", "rating_token_used")
        if repeat and _delivered(ticket.nonce, ticket.dossier_code, device):
            return jsonify({"status": "stored", "client_id": client_id, "repeat": True})  # the answer got lost
        if isinstance(error, Invalid):
            return jsonify({"error": {**error_words(error), "errors": error.payload().get("errors", [])}}), 422
        return _refused(error)
    return jsonify({"status": "stored", "client_id": client_id}), 201
