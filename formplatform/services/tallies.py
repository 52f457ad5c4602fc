"""How many submissions (and ratings) each published version holds, without a hot document or a write
on the submitting request.

Every submission used to `$inc` one field of its version: with many writers that one document is the
hot spot of the whole platform on a real MongoDB (every write to it queues behind the last), and every
submission paid a second database round trip for it. A submission is now stored `untallied="new"` and
the scheduler's tallying pass (`tally_waiting`, every few seconds) adds the waiting ones to their
versions' tallies, one write per version per pass. A pass is exact however it ends:

1. it records its claim in the one `TallyPass` document (a second pass finds it and stays away, or
   finishes it when it is over CLAIM_SECONDS old: its pass died);
2. it marks every waiting submission with its claim (one update, by the indexed `untallied` field: its
   filters say `$eq`, which nx-27017 serves from the index, where a bare equality in an update reads
   every submission);
3. it adds each version's claimed submissions to that version's pass tally, only if that tally does
   not already carry the claim (`applied`): a pass finished after its first attempt died never adds twice;
4. it clears the claimed submissions' marks, then its `TallyPass`.

Ratings add to the tallies of SHARDS documents picked at random (`add_tallies`, in their own counting
pass). Shown counts are the sum of those, the pass tally and, for counts from before, the
`FormVersion.submission_count` kept then: one `_id $in` look-up per page.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from mongoengine.errors import NotUniqueError

from formplatform.models import FormVersion, Submission, TallyPass, VersionTally, new_id

SHARDS = 8
WAITING = "new"  # `Submission.untallied` of a submission no pass has claimed yet
PASS_ID = "submissions"
CLAIM_SECONDS = 120  # a pass still under way after this long has died: the next one finishes it


def tally_waiting(now: datetime) -> int:
    """Add the submissions stored since the last pass to their versions' tallies; how many were claimed."""
    claim = _claim(now)
    if claim is None:
        return 0  # another pass is under way
    added = _add(claim)
    Submission._get_collection().update_many({"untallied": {"$eq": claim}}, {"$unset": {"untallied": ""}})
    TallyPass.objects(id=PASS_ID, claim=claim).delete()
    return added


def _add(claim: str) -> int:
    """Add the claimed submissions to their versions' pass tallies, each tally once per claim."""
    counts: Counter[str] = Counter()
    for row in Submission.objects(untallied=claim).only("form_key", "version").as_pymongo():
        counts[FormVersion.make_id(row["form_key"], row["version"])] += 1
    for version_id, n in counts.items():
        tally_id = f"{version_id}|pass"
        # `applied` starts as "": nx-27017's updates never match `$ne` on a field that is missing
        VersionTally.objects(id=tally_id).update_one(
            upsert=True, set_on_insert__version_id=version_id, set_on_insert__applied=""
        )
        VersionTally.objects(id=tally_id, applied__ne=claim).update_one(inc__n=n, set__applied=claim)
    return sum(counts.values())


def _claim(now: datetime) -> str | None:
    """This pass's claim: a new one over every waiting submission, or the claim of a pass that died."""
    current = TallyPass.objects(id=PASS_ID).first()
    if current is not None:
        if current.started_at > now - timedelta(seconds=CLAIM_SECONDS):
            return None
        TallyPass.objects(id=PASS_ID, claim=current.claim).update_one(set__started_at=now)
        return current.claim
    claim = new_id()
    try:
        TallyPass(id=PASS_ID, claim=claim, started_at=now).save(force_insert=True)
    except NotUniqueError:
        return None  # another pass began this very moment
    Submission._get_collection().update_many({"untallied": {"$eq": WAITING}}, {"$set": {"untallied": claim}})
    return claim


def count_submission(version_id: str) -> None:
    """Add one to a version's count: an upsert on one of its SHARDS tallies."""
    add_tallies({version_id: 1})


def add_tallies(counts: Mapping[str, int]) -> None:
    """Add many submissions at once (version id -> how many): one upsert per version."""
    for version_id, n in counts.items():
        if n:
            tally_id = f"{version_id}|{secrets.randbelow(SHARDS)}"
            VersionTally.objects(id=tally_id).update_one(upsert=True, inc__n=n, set__version_id=version_id)


def submission_counts(version_ids: Iterable[str]) -> dict[str, int]:
    """The tallied counts of these versions (added to what `FormVersion.submission_count` kept before)."""
    ids = dict.fromkeys(version_ids)
    wanted = [f"{version_id}|{shard}" for version_id in ids for shard in [*range(SHARDS), "pass"]]
    counts: dict[str, int] = {}
    for tally in VersionTally.objects(id__in=wanted).only("version_id", "n") if wanted else []:
        counts[tally.version_id] = counts.get(tally.version_id, 0) + (tally.n or 0)
    return counts


def with_counts(versions: list[FormVersion]) -> list[FormVersion]:
    """The versions with `submission_count` made whole (stored part + tallies), for display only."""
    counts = submission_counts(v.id for v in versions)
    for version in versions:
        version.submission_count = (version.submission_count or 0) + counts.get(version.id, 0)
    return versions
