"""Rating tokens: signed, expiring, single-use permissions to rate one dossier.

A token carries the dossier code and a random nonce, signed with the app secret, so nobody can
make one for a dossier they were not given. It is spent when a rating is stored: the dossier's one
rating is that rating's unique id, so the token used again is refused as "already rated"; the rating keeps
the nonce (`Rating.token_nonce`), by which a kiosk resending a rating whose answer got lost finds its own.

A token handed out after a look-up (the kiosk's) also carries the dossier's rating card, and the QR rating
page sends its card in its form (`seal_card`): the rating is then stored without reading the dossier
again (formplatform.satisfaction.rating_cards). A card is encrypted as well as signed (Fernet, with a key
derived from the app secret): it names the dossier's officials, which no public page or kiosk shows.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from formplatform.errors import AppError
from formplatform.models import utcnow
from formplatform.satisfaction.models import Dossier
from formplatform.satisfaction.rating_cards import dossier_of_card, rating_card

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
    card: str | None = None  # the dossier as the look-up found it, sealed (seal_card)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _naive(stamp: datetime) -> datetime:
    return stamp.astimezone(UTC).replace(tzinfo=None)


def mint_rating_token(dossier_code: str, card: str | None = None) -> str:
    """A new token for one dossier (printed on its QR slip, or handed to a kiosk after a look-up, with the
    dossier's sealed rating card)."""
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
    card = rest[0] if rest and isinstance(rest[0], str) else None
    return RatingToken(code, nonce, _naive(stamp), card)


def _card_box() -> Fernet:
    digest = hashlib.sha256(f"{CARD_SALT}|{current_app.config['SECRET_KEY']}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal_card(dossier: Dossier) -> str:
    """The dossier's rating card, encrypted and signed, for its page's form (or the kiosk's token) to send
    back with the answers."""
    text = json.dumps([dossier.id, rating_card(dossier)], ensure_ascii=False, separators=(",", ":"))
    return _card_box().encrypt(text.encode()).decode("ascii")


def open_card(sealed: str, dossier_code: str) -> tuple[dict[str, Any], datetime] | None:
    """The card of `dossier_code` and when it was sealed, if `sealed` is a genuine one; None otherwise."""
    box = _card_box()
    try:
        raw = sealed.encode("ascii")
        code, card = json.loads(box.decrypt(raw))
        stamp = _naive(datetime.fromtimestamp(box.extract_timestamp(raw), UTC))
    except (InvalidToken, UnicodeError, ValueError, TypeError):
        return None
    return (card, stamp) if code == dossier_code and isinstance(card, dict) else None


def card_dossier(sealed: str | None, dossier_code: str) -> Dossier | None:
    """The rateable dossier as its sealed card showed it, if genuine and recent; None: read the dossier."""
    opened = open_card(sealed, dossier_code) if sealed else None
    return dossier_of_card(dossier_code, opened[0], opened[1], utcnow()) if opened else None


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
