"""The platform's periodic work, each job a function of the time that says what it did.

Every job is safe to run at any moment, twice, or from two processes at once (a lease normally
prevents that): ratings are counted under claims, notices go out once per report and user, expired
records are deleted by their own dates. So a missed or repeated run loses nothing and adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

Summary = dict[str, int]


@dataclass(frozen=True)
class Job:
    name: str
    every: float  # seconds between runs
    run: Callable[[datetime], Summary]
    label: Any  # lazy, bilingual


def count_ratings(now: datetime) -> Summary:
    from formplatform.satisfaction.tasks import count_waiting

    return {"counted": count_waiting(now)}


def tally_submissions(now: datetime) -> Summary:
    from formplatform.services.tallies import tally_waiting

    return {"tallied": tally_waiting(now)}


def check_rollups(now: datetime) -> Summary:
    """Rebuild roll-ups made with an older layout (once, after an upgrade), then count any rating left out."""
    from formplatform.satisfaction.rollups import ensure_layout
    from formplatform.satisfaction.tasks import repair_uncounted

    rebuilt = ensure_layout()
    return {"rebuilt_from": rebuilt or 0, "counted": repair_uncounted(now)}


def report_sweep(now: datetime) -> Summary:
    from formplatform.reporting.tasks import run_sweep

    return run_sweep(now)


def export_upkeep(now: datetime) -> Summary:
    """Delete exports past their keeping time, and make this process's runner take over stalled jobs."""
    from formplatform.exports.runner import wake_runner
    from formplatform.exports.services import purge_expired

    purged = purge_expired()
    wake_runner()
    return {"purged": purged}


def expire_records(now: datetime) -> Summary:
    """Delete rate-limit counters past their window and spent rating tokens past their lifetime.

    The TTL indexes do this on MongoDB; nx-27017 keeps TTL indexes but never sweeps them.
    """
    from formplatform.accounts.models import LoginThrottle
    from formplatform.satisfaction.models import IMPORT_KEEP_SECONDS, DossierImport, RatingCounter, UsedRatingToken

    token_days = int(current_app.config["RATING_TOKEN_DAYS"]) + 1  # a token older than this is refused anyway
    epoch = (now - datetime(1970, 1, 1)).total_seconds()
    return {
        "rating_counters": RatingCounter.objects(expires_at__lt=now).delete(),
        "login_counters": LoginThrottle.objects(expires_at__lt=now).delete(),
        "spent_tokens": UsedRatingToken.objects(used_at__lt=now - timedelta(days=token_days)).delete(),
        "dossier_previews": DossierImport.objects(created__lt=epoch - IMPORT_KEEP_SECONDS).delete(),
    }


JOBS: tuple[Job, ...] = (
    Job("ratings.count", 5, count_ratings, _l("Count new citizen ratings into the results")),
    Job("submissions.tally", 5, tally_submissions, _l("Add new submissions to their form versions' counts")),
    Job("reports.sweep", 15 * 60, report_sweep, _l("Open due reporting periods; send due-soon and overdue notices")),
    Job("exports.upkeep", 5 * 60, export_upkeep, _l("Delete expired exports; resume stalled export jobs")),
    Job(
        "records.expire",
        60 * 60,
        expire_records,
        _l("Delete expired rate-limit counters, spent rating links and forgotten import previews"),
    ),
    Job("ratings.check", 6 * 60 * 60, check_rollups, _l("Check that every counted rating is in the results")),
)
BY_NAME = {job.name: job for job in JOBS}
