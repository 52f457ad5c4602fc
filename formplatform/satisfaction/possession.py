"""Proof that whoever rates a dossier by its typed code holds its papers: the rating PIN.

Dossier codes are sequential (`<agency>-YYMMDD-XXXX`, and the poster at the counter gives the agency), so a
code alone is guessable. Every dossier therefore has a six-digit PIN, printed on the receipt and the result
slip next to the code (and given to the one-stop system in the dossier API, for its own receipts): an HMAC of
the code under the platform's secret key, so it needs no storage, exists for every dossier ever received,
and cannot be derived from the code. A QR link needs no PIN: its token is itself signed. A typed code needs
the PIN; wrong PINs are counted per dossier (WRONG_PER_DOSSIER a day, then the dossier is locked for the day,
whoever asks) and per network address or kiosk (WRONG_PER_SOURCE an hour), so guessing one of a million PINs
takes years. See README, "Citizen satisfaction", for the threat model.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta

from flask import current_app

from formplatform.errors import Forbidden, Invalid, TooManyRequests
from formplatform.models import utcnow
from formplatform.satisfaction.models import RatingCounter

PIN_DIGITS = 6
WRONG_PER_DOSSIER = 5  # wrong PINs for one dossier in a (UTC) day, then it is locked until the next day
WRONG_PER_SOURCE = 10  # wrong PINs from one network address or kiosk in an hour


def rating_pin(code: str) -> str:
    """The dossier's six-digit rating PIN."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, f"rating-pin|{code}".encode(), hashlib.sha256).hexdigest()
    return f"{int(digest[:15], 16) % 10**PIN_DIGITS:0{PIN_DIGITS}d}"


def shown_pin(code: str) -> str:
    """The PIN as printed: two groups of three digits (123 456)."""
    pin = rating_pin(code)
    return f"{pin[:3]} {pin[3:]}"


def _keys(code: str, source: str) -> tuple[str, str]:
    now = utcnow()
    return f"pin-d|{code}|{now:%Y%m%d}", f"pin-s|{source}|{now:%Y%m%d%H}"


def check_pin(code: str, typed: str | None, source: str) -> None:
    """Accept the right PIN for the dossier; refuse a missing (422), wrong (403) or throttled (429) one.

    `source` names who is typing: a keyed hash of the network address, or a kiosk's id.
    """
    digits = re.sub(r"[\s.\-]", "", typed or "")
    if not digits:
        raise Invalid([], "rating_pin_required")
    per_dossier, per_source = _keys(code, source)
    if RatingCounter.peek(per_dossier) >= WRONG_PER_DOSSIER or RatingCounter.peek(per_source) >= WRONG_PER_SOURCE:
        raise TooManyRequests("rating_pin_locked")
    if hmac.compare_digest(digits.encode(), rating_pin(code).encode()):
        return
    now = utcnow()
    RatingCounter.bump(per_dossier, now + timedelta(days=2))
    RatingCounter.bump(per_source, now + timedelta(hours=2))
    raise Forbidden("rating_pin_wrong")
