"""Rating intake: one rating per dossier and stage, stored whole or not at all, then counted.

The order matters: answers are checked first (a refused rating counts for nothing), then the rate
limits, then the rating is inserted under its unique id "<code>|<stage>" — the only guard against a
second rating, so fifty simultaneous attempts store exactly one, and a token used again is refused as
already rated. An attempt whose insert failed (server error, lost connection) may be sent again with
the same token while its dossier has no rating: the kiosk's outbox retries with it. Suspicious ratings
are stored as `flagged` and counted only once a reviewer accepts them.

A rating sent from a rating page is built from the dossier's sealed card that the page carries
(rating_cards), so intake is two database commands: the rate-limit counter (the address's, or the
kiosk's day) and the insert.

Counting a rating into its roll-ups (rollups.add_rating: some twenty small documents) is not the
citizen's wait: the rating is stored marked `to_count` and the scheduler's counting job adds it within
seconds, with the others of those seconds. COUNT_RATINGS_AT_INTAKE
counts it within the request instead (the test suite; a small site without a scheduler).

A kiosk sends when each rating was captured; a plausible capture time (not ahead of the server,
not older than CAPTURE_MAX_AGE, not before its token was issued) dates the rating and its roll-up
period, and places it in the rate-limit windows of that moment, so a backlog sent after a network
drop is neither a burst nor refused: one over the limit is flagged for review instead of refused.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from mongoengine.errors import NotUniqueError

from form_definitions.answers import check_answers
from formplatform.audit.services import record_event
from formplatform.errors import Conflict, Invalid, NotFound, TooManyRequests
from formplatform.models import FormVersion, utcnow
from formplatform.permissions import Principal, lineage, require
from formplatform.recent import Recent
from formplatform.satisfaction.models import (
    CHANNELS,
    DOSSIER_STAGE,
    Dossier,
    Rating,
    RatingCounter,
)
from formplatform.satisfaction.periods import local_date
from formplatform.satisfaction.questionnaire import scoring_of, version_in_force
from formplatform.satisfaction.rollups import add_rating, remove_rating
from formplatform.services.tallies import count_submission


def address_key(ip: str) -> str:
    """A keyed hash of a client address: enough to spot many ratings from one place, not to trace anyone."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, (ip or "").encode(), hashlib.sha256).hexdigest()[:24]


NOT_FOR_RATING = ("history", "write_id", "source")  # what rating pages and ratings never show nor keep


def find_rateable_dossier(code: str, *, unrated: bool = True) -> Dossier:
    """The dossier behind a code, if its handling has ended and (`unrated`) it has not been rated yet.

    The "already rated" check is a courtesy for the pages that offer the questionnaire; storing a rating
    does without it, as the rating's unique id refuses a second one anyway.
    """
    dossier = Dossier.objects(id=code).exclude(*NOT_FOR_RATING).first()
    if dossier is None:
        raise NotFound("dossier_not_found")
    if not dossier.rateable:
        raise Conflict("dossier_not_rateable")
    if unrated and Rating.exists_for(code):
        raise Conflict("already_rated")
    return dossier


CAPTURE_SKEW = timedelta(minutes=2)  # a kiosk clock this far ahead of the server is still believed
CAPTURE_MAX_AGE = timedelta(days=7)  # an outbox entry older than this is dated on arrival
LATE_AFTER = timedelta(minutes=1)  # captured this long before arrival: a late delivery from the outbox


def capture_time(claimed: datetime | None, now: datetime, issued: datetime | None = None) -> datetime:
    """When a rating was made: the kiosk's claimed capture time if plausible, else now. Pure.

    Plausible: not after now + CAPTURE_SKEW and not before now - CAPTURE_MAX_AGE; it is then kept
    between the token's issue time (nobody rates before the look-up) and now.
    """
    if claimed is None or claimed > now + CAPTURE_SKEW or claimed < now - CAPTURE_MAX_AGE:
        return now
    if issued is not None and claimed < issued:
        claimed = issued
    return min(claimed, now)


def device_day_key(device_id: str, day: date) -> str:
    """The counter of a kiosk's ratings captured on one local day: `count` those stored (the kiosk list),
    its parts the attempts in each 10- and 2-minute window of the day (the device's rate limits)."""
    return f"devday|{device_id}|{day.isoformat()}"


def _window(minutes: int, at: datetime) -> int:
    return int((at - datetime(1970, 1, 1)).total_seconds() // 60 // minutes)


def _device_flags(device_id: str, rated_at: datetime, now: datetime) -> list[str]:
    """Count a kiosk rating in its day and in the windows of its capture time, in one round trip; refuse a
    live one over the limit (429). The windows lie inside the local day (UTC+7 is whole hours)."""
    config = current_app.config
    day_key = device_day_key(device_id, local_date(rated_at))
    windows = (f"t{_window(10, rated_at)}", f"m{_window(2, rated_at)}")
    _, in_ten, in_two = RatingCounter.bump_within(day_key, windows, max(rated_at, now) + timedelta(days=2))
    flags = []
    if in_ten > config["RATING_DEVICE_LIMIT"]:
        if now - rated_at <= LATE_AFTER:
            RatingCounter.take_back(day_key)  # refused: not one of the day's stored ratings
            raise TooManyRequests("rating_rate_limited")
        flags.append("device_burst")  # already captured, and the kiosk would only retry: store it for review
    if in_two > config["RATING_DEVICE_BURST"] and "device_burst" not in flags:
        flags.append("device_burst")
    return flags


def _check_limits(
    channel: str, device_id: str | None, address: str | None, rated_at: datetime, now: datetime
) -> list[str]:
    """Count this attempt; refuse over a hard limit (429), return flags for suspicious volumes."""
    config = current_app.config
    flags = _device_flags(device_id, rated_at, now) if device_id else []
    if address and channel != "kiosk":  # a kiosk's address is its office's: the device counts instead
        in_day, in_hour = RatingCounter.bump_within(  # the hours lie inside the (UTC) day
            f"ipday|{address}|{_window(1440, now)}", (f"h{_window(60, now)}",), now + timedelta(days=2)
        )
        if in_hour > config["RATING_ADDRESS_LIMIT"]:
            raise TooManyRequests("rating_rate_limited")
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
    captured_at: datetime | None = None,
    checked: Dossier | None = None,
    version: FormVersion | None = None,
) -> Rating:
    """Store a citizen's rating of a dossier with the questionnaire version in force, and have it counted.

    `captured_at` is when the citizen rated (a kiosk's outbox entry), kept only if plausible; else now.
    `checked` is the dossier when the caller has just found it rateable (the rating page), read once;
    `version` the questionnaire version in force that the caller has just read, for a rating made now.
    """
    now = utcnow()
    rated_at = capture_time(captured_at, now)
    dossier = checked if checked is not None and checked.id == code else find_rateable_dossier(code, unrated=False)
    if version is None or captured_at is not None:
        version = version_in_force(local_date(rated_at))
    outcome = check_answers(version.plain_definition, answers)
    if outcome.problems:
        raise Invalid(outcome.problems)
    address = address_key(ip) if ip else None
    flags = _check_limits(channel, device_id, address, rated_at, now)
    rating = _build_rating(dossier, version, outcome, channel=channel, device_id=device_id, address=address)
    rating.token_nonce = token_nonce  # a token spends itself: its dossier's one rating is now stored
    rating.locale = locale if locale in ("vi", "en") else "vi"
    rating.flags = flags
    rating.status = "flagged" if flags else "counted"
    rating.to_count = True if rating.status == "counted" else None
    rating.untallied = rating.to_count  # counted with the roll-ups; a flagged one is tallied now
    rating.created_at, rating.stored_at = rated_at, now
    try:
        rating.save(force_insert=True)
    except NotUniqueError as error:  # the unique id: one rating per dossier, whichever token or channel
        if device_id:  # counted among the device's ratings of the day (the kiosk list), but not stored
            RatingCounter.take_back(device_day_key(device_id, local_date(rated_at)))
        raise Conflict("already_rated") from error
    if not rating.untallied:
        count_submission(version.id)
    if rating.status == "counted":
        count_rating(rating)
    return rating


def count_rating(rating: Rating) -> None:
    """Count a rating now (COUNT_RATINGS_AT_INTAKE); else the scheduler's counting job finds it within seconds.

    The job is not woken per rating: under load it counts the ratings of its last few seconds in one pass,
    instead of one pass (and one job record written) per rating."""
    if current_app.config.get("COUNT_RATINGS_AT_INTAKE"):
        add_rating(rating)


_lineages = Recent()


def agency_lineage(agency_id: str) -> list[str]:
    """The handling agency's place in the tree, reused for FORM_CACHE_SECONDS (agencies rarely move)."""
    return list(_lineages.get(agency_id, lambda: lineage(agency_id)))


def _build_rating(dossier: Dossier, version: FormVersion, outcome: Any, **origin: Any) -> Rating:
    score = outcome.score or {"total": 0, "max": 0, "fields": {}, "band": None}
    by_name, overall_name = scoring_of(version)
    points = {by_name[name]["slug"]: value for name, value in score["fields"].items() if name in by_name}
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
        lineage=agency_lineage(dossier.agency_id),
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
            set__status=target,
            set__reviewed_by=actor.id,
            set__reviewed_at=utcnow(),
            **({"set__to_count": True} if target == "counted" else {}),
        )
        or before == target
    ):
        raise Conflict("rating_already_reviewed")
    rating.reload()
    if target == "counted":
        count_rating(rating)
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
