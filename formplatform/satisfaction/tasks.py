"""Roll-up upkeep. The platform's scheduler counts new ratings every few seconds ("ratings.count", by
the indexed `to_count` flag) and checks for any rating left uncounted every six hours ("ratings.check");
this command is for an operator:

    python -m formplatform.satisfaction.tasks --data-dir instance            count ratings stored as counted
                                                      that never reached their roll-ups (or --uri URI)
    python -m formplatform.satisfaction.tasks --data-dir instance --rebuild  recompute every roll-up from the
                                                      counted ratings (after a restore of ratings alone)

Running it at any moment is safe: a rating is counted only under a claim (see rollups.py), a claim
still held by a live pass is left alone, and a dead pass is completed without counting twice.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from formplatform.models import utcnow
from formplatform.satisfaction.models import Rating
from formplatform.satisfaction.rollups import add_rating, rebuild_rollups
from formplatform.services.tallies import add_tallies

BATCH = 500  # ratings counted per pass of the counting job; the rest wait for the next pass, seconds later


def count_waiting(now: datetime | None = None) -> int:
    """Count the ratings stored since the last pass (the scheduler runs this every few seconds)."""
    return _count(Rating.objects(to_count=True).limit(BATCH), now or utcnow())


def repair_uncounted(now: datetime | None = None) -> int:
    """Count ratings stored as counted that never reached their roll-ups, or whose counting pass died."""
    return _count(Rating.objects(status="counted", rolled_up=False), now or utcnow())


def _count(ratings: Iterable[Rating], now: datetime) -> int:
    """Count these ratings into their roll-ups, and into their versions' tallies once per version."""
    tallies: Counter[str] = Counter()
    counted = sum(add_rating(rating, now, tallies) for rating in ratings)
    add_tallies(tallies)
    return counted


def main(argv: list[str] | None = None) -> int:
    from formplatform.config import ConfigError
    from formplatform.scheduler.cli import task_app, task_parser

    parser = task_parser("formplatform.satisfaction.tasks", __doc__)
    parser.add_argument("--rebuild", action="store_true", help="recompute every roll-up from the counted ratings")
    args = parser.parse_args(argv)
    try:
        with task_app(args):
            if args.rebuild:
                print(f"roll-ups rebuilt from {rebuild_rollups()} counted ratings")
            else:
                print(f"ratings counted now: {repair_uncounted()}")
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
