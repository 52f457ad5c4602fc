"""The kiosk screen's JSON endpoints: look a dossier up, store a rating (live or late, from the outbox).

Authenticated by the device cookie and the `X-Kiosk` header (see kiosk_views). A rating sent from the
outbox carries `captured_at`, when the citizen pressed "send" (milliseconds since 1970, the kiosk's
clock); the server keeps it when plausible (ratings.capture_time), so a backlog delivered after a
network drop is dated, counted and rate-limited as of its capture, not of its arrival.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import jsonify, request
from flask_wtf.csrf import CSRFError

from formplatform import csrf
from formplatform.agencies.models import Agency
from formplatform.errors import AppError, BadRequest, Invalid, NotFound, Unauthorized
from formplatform.models import utcnow
from formplatform.satisfaction.codes import complete_code, parse_dossier_code
from formplatform.satisfaction.models import Dossier, Rating
from formplatform.satisfaction.periods import local_date
from formplatform.satisfaction.possession import check_pin
from formplatform.satisfaction.ratings import agency_lineage, capture_time, submit_rating
from i18n.text import LANGUAGES
from kiosk import bp
from kiosk.kiosk_views import current_device, error_words
from kiosk.models import KioskDevice
from kiosk.tokens import RatingToken, card_dossier, dossier_in_link, mint_rating_token, read_rating_token, seal_card

CODE_INPUT_LIMIT = 400  # a typed code is short; a scanned rating link (https://host/r/<token>) is not
PIN_INPUT_LIMIT = 20


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
    if dossier is None or device.agency_id not in agency_lineage(dossier.agency_id):
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
    if Rating.exists_for(dossier.id):
        return "already_rated", error_words(AppError("already_rated"))["message"]
    return "rateable", None


def entered_code(text: str, agency_code: str) -> tuple[str, bool]:
    """The full dossier code from what was typed or scanned (a code, a short code, or a dossier's rating
    QR), and whether it came from a scanned QR (whose signature proves possession: no PIN needed)."""
    linked = dossier_in_link(text)
    return (linked, True) if linked else (complete_code(text, agency_code), False)


@bp.post("/api/lookup")
@csrf.exempt
def api_lookup() -> Any:
    """Find a dossier by its scanned QR, or by its typed code and rating PIN; a rateable one comes with a token.

    A typed code without a PIN answers 422 `rating_pin_required` before anything is looked up, so the
    screen asks for the PIN and nothing about the dossier shows to whoever merely knows its code.
    """
    try:
        device = _api_device()
        payload = _payload()
        agency = Agency.objects(id=device.agency_id).only("code").first()
        code, scanned = entered_code(str(payload.get("code") or "")[:CODE_INPUT_LIMIT], agency.code if agency else "")
        if parse_dossier_code(code) is None:
            raise Invalid([], "bad_dossier_code")
        if not scanned and not str(payload.get("pin") or "").strip():
            raise Invalid([], "rating_pin_required")
        dossier = _in_scope(device, Dossier.objects(id=code).first())
        if not scanned:
            check_pin(code, str(payload.get("pin"))[:PIN_INPUT_LIMIT], f"kiosk:{device.id}")
    except AppError as error:
        return _refused(error)
    state, message = _lookup_state(dossier)
    body: dict[str, Any] = {"state": state, "dossier": dossier_card(dossier), "message": message}
    if state == "rateable":
        body["token"] = mint_rating_token(dossier.id, seal_card(dossier))  # the rating need not read it again
    return jsonify(body)


def _delivered(nonce: str, code: str, device: KioskDevice) -> bool:
    """Whether this very token already stored this device's rating (the first answer was lost on the way)."""
    stored = Rating.objects(id=Rating.make_id(code), device_id=device.id).only("token_nonce").first()
    return stored is not None and stored.token_nonce in (nonce, None)  # None: stored before nonces were kept


def claimed_capture(value: Any) -> datetime | None:
    """The kiosk's capture time (milliseconds since 1970, UTC) as naive UTC; None if absent or not a time."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value / 1000, UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None


def _captured(body: dict[str, Any], ticket: RatingToken) -> datetime:
    return capture_time(claimed_capture(body.get("captured_at")), utcnow(), ticket.issued_at)


@bp.post("/api/rate")
@csrf.exempt
def api_rate() -> Any:
    """Store a rating sent from the kiosk (possibly late, from its outbox); a repeat of a stored one is a success."""
    try:
        device = _api_device()
        body = _payload()
        ticket = read_rating_token(str(body.get("token") or ""))
        shown = card_dossier(ticket.card, ticket.dossier_code)
        dossier = _in_scope(device, shown or Dossier.objects(id=ticket.dossier_code).first())
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
            captured_at=_captured(body, ticket),
            checked=dossier if dossier.rateable else None,  # read once; a dossier not rateable is refused there
        )
    except AppError as error:
        repeat = error.code == "already_rated"
        if repeat and _delivered(ticket.nonce, ticket.dossier_code, device):
            return jsonify({"status": "stored", "client_id": client_id, "repeat": True})  # the answer got lost
        if isinstance(error, Invalid):
            return jsonify({"error": {**error_words(error), "errors": error.payload().get("errors", [])}}), 422
        return _refused(error)
    return jsonify({"status": "stored", "client_id": client_id}), 201
