"""Rating tokens: signed, expiring, single-use permissions to rate one dossier.

A token carries the dossier code and a random nonce, signed with the app secret, so nobody can
make one for a dossier they were not given. It is spent when a rating is stored: the dossier's one
rating is that rating's unique id, so the token used again is refused as "already rated"; the rating keeps
the nonce (`Rating.token_nonce`), by which a kiosk resending a rating whose answer got lost finds its own.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from formplatform.errors import AppError

SALT = "dossier-rating"
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


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def mint_rating_token(dossier_code: str) -> str:
    """A new token for one dossier (printed on its QR slip, or handed to a kiosk after a look-up)."""
    return _serializer().dumps([dossier_code, secrets.token_hex(8)])


def read_rating_token(token: str, *, max_age_days: int | None = None) -> RatingToken:
    """The dossier and nonce of a genuine, unexpired token; TokenInvalid / TokenExpired otherwise."""
    days = max_age_days if max_age_days is not None else current_app.config["RATING_TOKEN_DAYS"]
    try:
        payload, stamp = _serializer().loads(token or "", max_age=days * 86400, return_timestamp=True)
        code, nonce = payload
    except SignatureExpired as error:
        raise TokenExpired() from error
    except (BadSignature, ValueError, TypeError) as error:
        raise TokenInvalid() from error
    if not isinstance(code, str) or not isinstance(nonce, str):
        raise TokenInvalid()
    return RatingToken(code, nonce, stamp.astimezone(UTC).replace(tzinfo=None))


def dossier_in_link(text: str) -> str | None:
    """The dossier code in a scanned rating link (`https://host/r/<token>`); None if the text is no such link.

    A forged token raises TokenInvalid. Its age does not matter here: the kiosk only looks the
    dossier up (and hands out a fresh token), as it would for the code typed by hand.
    """
    match = RATING_LINK.match((text or "").strip())
    if match is None:
        return None
    try:
        code, _nonce = _serializer().loads(match["token"])
    except (BadSignature, ValueError, TypeError) as error:
        raise TokenInvalid() from error
    if not isinstance(code, str):
        raise TokenInvalid()
    return code
