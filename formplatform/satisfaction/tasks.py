"""Roll-up upkeep for cron or an operator:

    python -m formplatform.satisfaction.tasks            count ratings stored but never counted (a crash
                                                         between the rating's insert and its roll-ups)
    python -m formplatform.satisfaction.tasks --rebuild  recompute every roll-up from the counted ratings
                                                         (after a restore of ratings alone, or to audit them)

Configuration comes from the environment, as for the web app. Run the first every few minutes; it only
reads ratings marked as not yet counted (an indexed flag), so its cost does not grow with history.
Running it at any moment is safe: a rating is counted only under a claim (see rollups.py), a claim
still held by a live request is left alone, and a dead pass is completed without counting twice.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

from formplatform.models import utcnow
from formplatform.satisfaction.models import Rating
from formplatform.satisfaction.rollups import add_rating, rebuild_rollups


def repair_uncounted(now: datetime | None = None) -> int:
    """Count ratings stored as counted that never reached their roll-ups, or whose counting pass died."""
    now = now or utcnow()
    return sum(add_rating(rating, now) for rating in Rating.objects(status="counted", rolled_up=False))


def main(argv: list[str] | None = None) -> int:
    from formplatform import create_app
    from formplatform.config import ConfigError

    try:
        app: Any = create_app()
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with app.app_context():
        if "--rebuild" in (argv or []):
            print(f"roll-ups rebuilt from {rebuild_rollups()} counted ratings")
        else:
            print(f"ratings counted now: {repair_uncounted()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
