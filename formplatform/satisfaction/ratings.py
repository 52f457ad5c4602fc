"""Rating intake: one rating per dossier and stage, stored whole or not at all, then counted.

The order matters: answers are checked first (a refused rating spends nothing), then the rate
limits, then the token is spent (its unique nonce refuses a replay), then the rating is inserted
under its unique id "<code>|<stage>" — the only guard against a second rating, so fifty
simultaneous attempts store exactly one. Suspicious ratings are stored as `flagged` and counted
only once a reviewer accepts them.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from flask import current_app
from mongoengine.errors import NotUniqueError

from form_definitions.answers import check_answers
from formplatform.audit.services import record_event
from formplatform.errors import Conflict, Invalid, NotFound, TooManyRequests
from formplatform.models import FormVersion, utcnow
from formplatform.permissions import Principal, lineage, require
from formplatform.satisfaction.models import (
    CHANNELS,
    DOSSIER_STAGE,
    Dossier,
    Rating,
    RatingCounter,
    UsedRatingToken,
)
from formplatform.satisfaction.periods import local_date
from formplatform.satisfaction.questionnaire import criteria, overall_field, version_in_force
from formplatform.satisfaction.rollups import add_rating, remove_rating


def address_key(ip: str) -> str:
    """A keyed hash of a client address: enough to spot many ratings from one place, not to trace anyone."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, (ip or "").encode(), hashlib.sha256).hexdigest()[:24]


def find_rateable_dossier(code: str) -> Dossier:
    """The dossier behind a code, if its handling has ended and it has not been rated yet."""
    dossier = Dossier.objects(id=code).first()
    if dossier is None:
        raise NotFound("dossier_not_found")
    if not dossier.rateable:
        raise Conflict("dossier_not_rateable")
    if Rating.objects(id=Rating.make_id(code)).count():  # a courtesy message only; the unique id decides
        raise Conflict("already_rated")
    return dossier


def _window(minutes: int) -> int:
    return int(utcnow().timestamp() // 60 // minutes)


def _check_limits(channel: str, device_id: str | None, address: str | None) -> list[str]:
    """Count this attempt; refuse over a hard limit (429), return flags for suspicious volumes."""
    config = current_app.config
    flags = []
    now = utcnow()
    if device_id:
        in_ten = RatingCounter.bump(f"dev10|{device_id}|{_window(10)}", now + timedelta(minutes=20))
        if in_ten > config["RATING_DEVICE_LIMIT"]:
            raise TooManyRequests("rating_rate_limited")
        in_two = RatingCounter.bump(f"dev2|{device_id}|{_window(2)}", now + timedelta(minutes=4))
        if in_two > config["RATING_DEVICE_BURST"]:
            flags.append("device_burst")
    if address and channel != "kiosk":  # a kiosk's address is its office's: the device counts instead
        in_hour = RatingCounter.bump(f"ip60|{address}|{_window(60)}", now + timedelta(hours=2))
        if in_hour > config["RATING_ADDRESS_LIMIT"]:
            raise TooManyRequests("rating_rate_limited")
        in_day = RatingCounter.bump(f"ipday|{address}|{_window(1440)}", now + timedelta(days=2))
        if in_day > config["RATING_ADDRESS_FLAG"]:
            flags.append("address_volume")
    return flags


def submit_rating(
    code: str,
    answers: Any,
    *,
    channel: str,
    token_nonce: str | None = None,
    device_id: str | None = None,
    ip: str = "",
    locale: str = "vi",
) -> Rating:
    """Store a citizen's rating of a dossier with the questionnaire version in force, and count it."""
    dossier = find_rateable_dossier(code)
    version = version_in_force(local_date(utcnow()))
    outcome = check_answers(version.definition, answers)
    if outcome.problems:
        raise Invalid(outcome.problems)
    address = address_key(ip) if ip else None
    flags = _check_limits(channel, device_id, address)
    if token_nonce:
        try:
            UsedRatingToken(id=token_nonce, dossier_code=code).save(force_insert=True)
        except NotUniqueError as error:
            raise Conflict("rating_token_used") from error
    rating = _build_rating(dossier, version, outcome, channel=channel, device_id=device_id, address=address)
    rating.locale = locale if locale in ("vi", "en") else "vi"
    rating.flags = flags
    rating.status = "flagged" if flags else "counted"
    try:
        rating.save(force_insert=True)
    except NotUniqueError as error:
        raise Conflict("already_rated") from error
    FormVersion.objects(id=version.id).update_one(inc__submission_count=1)
    if rating.status == "counted":
        add_rating(rating)
    return rating


def _build_rating(dossier: Dossier, version: FormVersion, outcome: Any, **origin: Any) -> Rating:
    score = outcome.score or {"total": 0, "max": 0, "fields": {}, "band": None}
    by_name = {c["name"]: c for c in criteria(version.definition)}
    points = {by_name[name]["slug"]: value for name, value in score["fields"].items() if name in by_name}
    overall_name = overall_field(version.definition)
    officials = {
        stage: (who or {}).get("id") or (who or {}).get("name") for stage, who in (dossier.officials or {}).items()
    }
    names: dict[str, Any] = {stage: (who or {}).get("name", "") for stage, who in (dossier.officials or {}).items()}
    names["procedure"] = dict(dossier.procedure_name or {})
    if origin["channel"] not in CHANNELS:
        raise ValueError(origin["channel"])
    return Rating(
        id=Rating.make_id(dossier.id),
        dossier_code=dossier.id,
        stage=DOSSIER_STAGE,
        agency_id=dossier.agency_id,
        lineage=lineage(dossier.agency_id),
        procedure_code=dossier.procedure_code,
        officials={k: v for k, v in officials.items() if v},
        names=names,
        form_key=version.form_key,
        version=version.number,
        version_hash=version.hash,
        data=outcome.data,
        points=points,
        total=float(score["total"]),
        max=float(score["max"]),
        overall=str(outcome.data.get(overall_name, "")) if overall_name else "",
        band=score.get("band") or "",
        **origin,
    )


def review_rating(rating_id: str, decision: str, actor: Principal) -> Rating:
    """Count a flagged rating after all ("accept") or leave it out of the results ("reject")."""
    rating = Rating.objects(id=rating_id).first()
    if rating is None:
        raise NotFound()
    require(actor, "satisfaction.review", rating.agency_id, hide=True)
    if decision not in ("accept", "reject"):
        raise Conflict("bad_decision")
    before = rating.status
    target = "counted" if decision == "accept" else "rejected"
    # the status change itself is the guard: only one reviewer's change applies
    if (
        not Rating.objects(id=rating.id, status=before).update_one(
            set__status=target, set__reviewed_by=actor.id, set__reviewed_at=utcnow()
        )
        or before == target
    ):
        raise Conflict("rating_already_reviewed")
    rating.reload()
    if target == "counted":
        add_rating(rating)
    elif rating.rolled_up:
        remove_rating(rating)
    record_event(
        f"rating.{decision}",
        actor=actor,
        target_type="rating",
        target_id=rating.id,
        agency_id=rating.agency_id,
        before={"status": before},
        after={"status": target},
    )
    return rating
