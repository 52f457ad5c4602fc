"""Roll-up upkeep for cron or an operator:

    python -m formplatform.satisfaction.tasks            count ratings stored but never counted (a crash
                                                         between the rating's insert and its roll-ups)
    python -m formplatform.satisfaction.tasks --rebuild  recompute every roll-up from the counted ratings
                                                         (after a restore of ratings alone, or to audit them)

Configuration comes from the environment, as for the web app. Run the first every few minutes; it only
reads ratings marked as not yet counted (an indexed flag), so its cost does not grow with history.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Any

from formplatform.models import utcnow
from formplatform.satisfaction.models import Rating
from formplatform.satisfaction.rollups import add_rating, rebuild_rollups

# A rating younger than this may still be on its way to the roll-ups in another process.
SETTLE = timedelta(minutes=2)


def repair_uncounted() -> int:
    """Count ratings that were stored as counted but never reached their roll-ups."""
    repaired = 0
    for rating in Rating.objects(status="counted", rolled_up=False, created_at__lt=utcnow() - SETTLE):
        add_rating(rating)
        repaired += 1
    return repaired


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
