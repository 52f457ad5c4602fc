"""Kiosk devices: create one with a pairing code, pair it, find it by its token, unpair it.

Every state change is one atomic conditional update on the device (the pairing code can be spent
only once even when two screens race with it). Wrong pairing codes are counted per address and
refused for a while once there are too many, so the 8-digit space cannot be walked.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from form_definitions.problems import Problem
from formplatform.agencies.models import Agency
from formplatform.audit.services import record_event
from formplatform.errors import Conflict, Invalid, NotFound, TooManyRequests
from formplatform.models import utcnow
from formplatform.permissions import Principal, require, scope_filter
from formplatform.satisfaction.models import RatingCounter
from formplatform.satisfaction.ratings import address_key
from i18n.messages import register_errors
from kiosk.models import KioskDevice

CODE_DIGITS = 8
CODE_MINUTES = 15
PAIRING_FAILURES = 10  # wrong codes from one address per hour before pairing is refused there
SEEN_EVERY = timedelta(seconds=60)  # last_seen_at is refreshed at most this often (one write a minute)

register_errors(
    {
        "kiosk_not_paired": _l("This screen is not paired with an agency. Ask an administrator for a pairing code."),
        "kiosk_pairing_code_wrong": _l("This pairing code is wrong or has expired. Ask for a new one."),
        "kiosk_pairing_locked": _l("Too many wrong pairing codes from here. Try again in an hour."),
        "kiosk_already_paired": _l("This kiosk is paired; unpair it before issuing a new code."),
        "kiosk_already_unpaired": _l("This kiosk is not paired."),
    }
)


def _code_hash(code: str) -> str:
    """Keyed, so a leaked database does not give the codes away by hashing 10^8 candidates."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"kiosk-pairing:" + code.encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        if not KioskDevice.objects(code_hash=_code_hash(code)).count():  # a clash would make a code ambiguous
            return code


def _snapshot(device: KioskDevice) -> dict[str, Any]:
    return {"name": device.name, "location": device.location, "agency_id": device.agency_id, "state": device.state}


def _audit(action: str, device: KioskDevice, actor: Any, **extra: Any) -> None:
    record_event(
        action,
        actor=actor,
        actor_name="" if actor is not None else f"kiosk {device.name}",
        target_type="kiosk",
        target_id=device.id,
        agency_id=device.agency_id,
        after=_snapshot(device),
        **extra,
    )


def get_kiosk(device_id: str, actor: Principal | None) -> KioskDevice:
    """A kiosk the actor may manage; 404 for unknown ones and those outside the actor's scope."""
    device = KioskDevice.objects(id=device_id).first()
    if device is None:
        raise NotFound()
    require(actor, "kiosks.manage", device.agency_id, hide=True)
    return device


def list_kiosks(actor: Principal | None, term: str = "") -> Any:
    """Kiosks in the actor's scope, newest first, optionally matching a name or location."""
    query: dict[str, Any] = scope_filter(actor, "kiosks.manage") or {}
    if term:
        pattern = {"$regex": re.escape(term), "$options": "i"}
        query = {"$and": [query, {"$or": [{"name": pattern}, {"location": pattern}]}]}
    return KioskDevice.objects(__raw__=query).order_by("-created_at")


def create_kiosk(agency_id: str, name: str, actor: Principal, location: str = "") -> tuple[KioskDevice, str]:
    """Register a kiosk for an agency; returns it with its pairing code (shown once, never stored)."""
    name, location = (name or "").strip(), (location or "").strip()
    problems = [Problem("name", "required")] if not name else []
    problems += [Problem("name", "too_long", {"limit": 120})] if len(name) > 120 else []
    problems += [Problem("location", "too_long", {"limit": 200})] if len(location) > 200 else []
    agency = Agency.objects(id=agency_id or "", active=True).only("id").first()
    if agency is None:
        problems.append(Problem("agency_id", "required" if not agency_id else "not_an_option"))
    if problems:
        raise Invalid(problems)
    require(actor, "kiosks.manage", agency_id)
    code = _new_code()
    device = KioskDevice(agency_id=agency_id, name=name, location=location, created_by=actor.id)
    device.code_hash = _code_hash(code)
    device.code_expires_at = utcnow() + timedelta(minutes=CODE_MINUTES)
    device.save(force_insert=True)
    _audit("kiosk.create", device, actor)
    return device, code


def renew_pairing_code(device_id: str, actor: Principal) -> tuple[KioskDevice, str]:
    """A new pairing code for a kiosk waiting for pairing or unpaired (e.g. a replaced screen)."""
    device = get_kiosk(device_id, actor)
    code = _new_code()
    changed = KioskDevice.objects(id=device.id, state__in=["pending", "revoked"]).update_one(
        set__state="pending",
        set__code_hash=_code_hash(code),
        set__code_expires_at=utcnow() + timedelta(minutes=CODE_MINUTES),
    )
    if not changed:
        raise Conflict("kiosk_already_paired")
    device.reload()
    _audit("kiosk.renew_code", device, actor)
    return device, code


def _failures_key(ip: str) -> str:
    return f"kpair|{address_key(ip)}|{int(utcnow().timestamp() // 3600)}"


def pair_kiosk(code: str, ip: str = "") -> tuple[KioskDevice, str]:
    """Spend a pairing code: the kiosk gets a new device token (returned once, only its hash is kept)."""
    if RatingCounter.peek(_failures_key(ip)) >= PAIRING_FAILURES:
        raise TooManyRequests("kiosk_pairing_locked")
    code = re.sub(r"\D", "", code or "")
    device = KioskDevice.objects(code_hash=_code_hash(code), state="pending").first() if code else None
    if device is None or device.code_expired:
        RatingCounter.bump(_failures_key(ip), utcnow() + timedelta(hours=2))
        raise Conflict("kiosk_pairing_code_wrong")
    token = secrets.token_urlsafe(32)
    # the code hash in the filter makes the code single-use: of two racing screens one wins
    if not KioskDevice.objects(id=device.id, code_hash=device.code_hash, state="pending").update_one(
        set__state="paired", set__code_hash=None, set__token_hash=token_hash(token), set__paired_at=utcnow()
    ):
        raise Conflict("kiosk_pairing_code_wrong")
    device.reload()
    _audit("kiosk.pair", device, None)
    return device, token


def kiosk_from_token(token: str | None) -> KioskDevice | None:
    """The paired kiosk holding this device token, or None (unknown, unpaired, or no token)."""
    if not token or len(token) > 200:
        return None
    device = KioskDevice.objects(token_hash=token_hash(token), state="paired").first()
    if device is None:
        return None
    now = utcnow()
    if device.last_seen_at is None or now - device.last_seen_at > SEEN_EVERY:
        KioskDevice.objects(id=device.id).update_one(set__last_seen_at=now)
        device.last_seen_at = now
    return device


def unpair_kiosk(device_id: str, actor: Principal) -> KioskDevice:
    """Revoke a kiosk's token (and any outstanding pairing code): its next request sees "not paired"."""
    device = get_kiosk(device_id, actor)
    if not KioskDevice.objects(id=device.id, state__in=["pending", "paired"]).update_one(
        set__state="revoked", set__token_hash=None, set__code_hash=None, set__revoked_at=utcnow()
    ):
        raise Conflict("kiosk_already_unpaired")
    before = device.state
    device.reload()
    _audit("kiosk.unpair", device, actor, before={"state": before})
    return device
