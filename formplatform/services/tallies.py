"""How many submissions (and ratings) each published version holds, without a hot document.

Every submission used to `$inc` one field of its version: with many writers that one document is the
hot spot of the whole platform on a real MongoDB (every write to it queues behind the last). The count
is now spread over SHARDS small documents picked at random and added up when shown, which costs one
`_id $in` look-up per page. Counts from before live on in `FormVersion.submission_count`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping

from formplatform.models import FormVersion, VersionTally

SHARDS = 8


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
    wanted = [f"{version_id}|{shard}" for version_id in dict.fromkeys(version_ids) for shard in range(SHARDS)]
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
