"""Rating tokens: signed, expiring, single-use permissions to rate one dossier.

A token carries the dossier code and a random nonce, signed with the app secret, so nobody can
make one for a dossier they were not given. It is spent when a rating is stored: the dossier's one
rating is that rating's unique id, so the token used again is refused as "already rated"; the rating keeps
the nonce (`Rating.token_nonce`), by which a kiosk resending a rating whose answer got lost finds its own.

A token handed out after a look-up (the kiosk's) also carries the dossier's rating card, and the QR rating
page sends its card in its form (`mint_card`): the rating is then stored without reading the dossier
again (formplatform.satisfaction.rating_cards).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from formplatform.errors import AppError

SALT = "dossier-rating"
CARD_SALT = "dossier-rating-card"
# A dossier's rating link as its QR code holds it (kiosk/qr.py): https://host/r/<token>.
RATING_LINK = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s]+(?:/[^\s]*)?/r/(?P<token>[A-Za-z0-9_.-]+)/?$", re.IGNORECASE)


class TokenInvalid(AppError):
    status, code = 400, "rating_token_invalid"


class TokenExpired(AppError):
    status, code = 410, "rating_token_expired"


@dataclass(frozen=True)
class RatingToken:
    dossier_code: str
    nonce: str
    issued_at: datetime | None = None  # naive UTC, from the signature's timestamp
    card: dict[str, Any] | None = None  # the dossier as the look-up found it (rating_cards.rating_card)


def _serializer(salt: str = SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _naive(stamp: datetime) -> datetime:
    return stamp.astimezone(UTC).replace(tzinfo=None)


def mint_rating_token(dossier_code: str, card: dict[str, Any] | None = None) -> str:
    """A new token for one dossier (printed on its QR slip, or handed to a kiosk after a look-up, with the
    dossier's rating card)."""
    payload: list[Any] = [dossier_code, secrets.token_hex(8)]
    return _serializer().dumps(payload + [card] if card else payload)


def read_rating_token(token: str, *, max_age_days: int | None = None) -> RatingToken:
    """The dossier and nonce of a genuine, unexpired token; TokenInvalid / TokenExpired otherwise."""
    days = max_age_days if max_age_days is not None else current_app.config["RATING_TOKEN_DAYS"]
    try:
        payload, stamp = _serializer().loads(token or "", max_age=days * 86400, return_timestamp=True)
        code, nonce, *rest = payload
    except SignatureExpired as error:
        raise TokenExpired() from error
    except (BadSignature, ValueError, TypeError) as error:
        raise TokenInvalid() from error
    if not isinstance(code, str) or not isinstance(nonce, str):
        raise TokenInvalid()
    card = rest[0] if rest and isinstance(rest[0], dict) else None
    return RatingToken(code, nonce, _naive(stamp), card)


def mint_card(dossier_code: str, card: dict[str, Any]) -> str:
    """A dossier's rating card, signed, for the rating page's form to send back with the answers."""
    return _serializer(CARD_SALT).dumps([dossier_code, card])


def read_card(text: str, dossier_code: str) -> tuple[dict[str, Any], datetime] | None:
    """The card of `dossier_code` and when it was signed, if `text` is a genuine one; None otherwise."""
    try:
        (code, card), stamp = _serializer(CARD_SALT).loads(text or "", return_timestamp=True)
    except (BadSignature, ValueError, TypeError):
        return None
    return (card, _naive(stamp)) if code == dossier_code and isinstance(card, dict) else None


def dossier_in_link(text: str) -> str | None:
    """The dossier code in a scanned rating link (`https://host/r/<token>`); None if the text is no such link.

    A forged token raises TokenInvalid. Its age does not matter here: the kiosk only looks the
    dossier up (and hands out a fresh token), as it would for the code typed by hand.
    """
    match = RATING_LINK.match((text or "").strip())
    if match is None:
        return None
    try:
        code, _nonce, *_card = _serializer().loads(match["token"])
    except (BadSignature, ValueError, TypeError) as error:
        raise TokenInvalid() from error
    if not isinstance(code, str):
        raise TokenInvalid()
    return code
