"""The dossier as a rating page showed it, handed on to the rating the page sends.

Storing a rating needs of its dossier only what the page has just read to offer the questionnaire: its
agency, procedure and officials, and that its handling has ended. The page (the QR rating page's form, the
kiosk's look-up token) carries these as a card, sealed with a key derived from the app secret (kiosk/tokens.py:
encrypted, as it names officials no public page shows, and signed), so the rating is stored without reading
the dossier again.

Believing the card is safe: a rateable status is final (RATEABLE_STATUSES move no further but from
finished to returned), the card names its dossier and nobody can forge one, and it is believed for
CARD_MAX_AGE only. An older card, or none, and the dossier is read again; a second rating is refused by
the rating's unique id either way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from formplatform.satisfaction.models import RATEABLE_STATUSES, Dossier

CARD_MAX_AGE = timedelta(hours=2)  # long enough to answer nine questions, short enough to see a correction soon
CARD_SKEW = timedelta(minutes=2)  # a card "from the future" by more than this is not believed


def rating_card(dossier: Dossier) -> dict[str, Any]:
    """What a rating keeps of its dossier (ratings._build_rating), as compact JSON-ready values."""
    return {
        "a": dossier.agency_id,
        "s": dossier.status,
        "p": dossier.procedure_code,
        "n": dict(dossier.procedure_name or {}),
        "o": dict(dossier.officials or {}),
    }


def dossier_of_card(code: str, card: Any, shown_at: datetime | None, now: datetime) -> Dossier | None:
    """The rateable dossier `code` as its card showed it at `shown_at`; None to read it again instead
    (no card, too old, or not a card of a rateable dossier). Opening the sealed card is the caller's."""
    if not isinstance(card, dict) or shown_at is None or not now - CARD_MAX_AGE <= shown_at <= now + CARD_SKEW:
        return None
    if card.get("s") not in RATEABLE_STATUSES or not isinstance(card.get("a"), str):
        return None
    names, officials = card.get("n"), card.get("o")
    return Dossier(
        id=code,
        agency_id=card["a"],
        status=card["s"],
        procedure_code=str(card.get("p") or ""),
        procedure_name=names if isinstance(names, dict) else {},
        officials=officials if isinstance(officials, dict) else {},
    )
