"""The administrators' page of periodic jobs: what each does, when it last ran and how, when it runs next."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from formplatform.audit.services import record_event
from formplatform.auth import current_principal, require_permission
from formplatform.errors import NotFound
from formplatform.scheduler.jobs import BY_NAME, JOBS
from formplatform.scheduler.models import JobState
from formplatform.scheduler.runner import lease_holder, run_soon

bp = Blueprint("scheduler", __name__, template_folder="templates")
TIME_FORMAT = "%d/%m/%Y %H:%M:%S"


def moment(epoch: float | None) -> str:
    """An epoch time as dd/mm/yyyy hh:mm:ss UTC ('—' when never)."""
    if not epoch:
        return "—"
    return datetime.fromtimestamp(epoch, UTC).strftime(TIME_FORMAT)


def interval(seconds: float) -> str:
    """A job's period in words: every 5 seconds, every 15 minutes, every hour, every 6 hours."""
    if seconds < 60:
        return ngettext("every %(num)s second", "every %(num)s seconds", int(seconds))
    if seconds < 3600:
        return ngettext("every %(num)s minute", "every %(num)s minutes", int(seconds // 60))
    return ngettext("every hour", "every %(num)s hours", int(seconds // 3600))


@bp.get("/admin/scheduler")
@require_permission("scheduler.manage")
def jobs() -> Any:
    states = {state.id: state for state in JobState.objects}
    lease = lease_holder()
    now = time.time()
    rows = []
    for job in JOBS:
        state = states.get(job.name)
        rows.append(
            {
                "job": job,
                "every": interval(job.every),
                "state": state,
                "last": moment(state.last_started if state else None),
                "next": moment(state.next_due) if state and state.next_due else _("as soon as possible"),
            }
        )
    running = lease is not None and lease.until >= now
    return render_template("scheduler/jobs.html", rows=rows, lease=lease, running=running, moment=moment)


@bp.post("/admin/scheduler/<name>/run")
@require_permission("scheduler.manage")
def run_now(name: str) -> Any:
    job = BY_NAME.get(name)
    if job is None:
        raise NotFound()
    run_soon(job.name)
    record_event("scheduler.run", actor=current_principal(), target_type="job", target_id=job.name)
    flash(_("“%(job)s” will run within a few seconds.", job=job.label), "success")
    return redirect(url_for("scheduler.jobs"))
