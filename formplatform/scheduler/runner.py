"""Runs the periodic jobs inside the platform: one runner at a time across processes and machines.

Every app process (each gunicorn worker, `python run.py`) has a scheduler thread. The one holding the
lease document (scheduler_lease) runs the jobs that are due and renews the lease as it goes; the others
only try to take the lease when it has run out (its holder stopped or died), so periodic work goes on
with no cron job and no process chosen in advance. A job's next run is written before it runs, so a
second runner (after a lease lapsed during a long job) does not start it again; every job is safe to
repeat anyway (jobs.py). Each run's outcome is kept on the job's record (JobState) for the admin page.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime

from flask import Flask
from pymongo.errors import ConnectionFailure, DuplicateKeyError, PyMongoError

from formplatform.models import new_id
from formplatform.scheduler.jobs import JOBS, Job
from formplatform.scheduler.models import LEASE_ID, JobState, SchedulerLease

log = logging.getLogger(__name__)
LEASE_SECONDS = 60.0  # a holder silent this long is presumed gone
RENEW_SECONDS = 15.0  # how often the holder renews; the others try to take a lapsed lease as often
TICK_SECONDS = 1.0  # how often the holder looks for due jobs (it re-reads their records every RELOAD_SECONDS)
RELOAD_SECONDS = 10.0


def take_lease(holder: str, now: float | None = None) -> bool:
    """Renew the lease if `holder` has it, take it if it lapsed (or never existed); whether it is ours."""
    now = time.time() if now is None else now
    leases = SchedulerLease._get_collection()
    renewed = {"$set": {"holder": holder, "until": now + LEASE_SECONDS}}
    if leases.update_one({"_id": LEASE_ID, "holder": holder}, renewed).matched_count:
        return True
    if leases.update_one({"_id": LEASE_ID, "until": {"$lt": now}}, renewed).matched_count:
        log.info("scheduler lease taken by %s", holder)
        return True
    try:
        leases.insert_one({"_id": LEASE_ID, "holder": holder, "until": now + LEASE_SECONDS})
    except DuplicateKeyError:
        return False
    return True


def release_lease(holder: str) -> None:
    """Give the lease up at once (a process stopping), so another takes over without waiting."""
    SchedulerLease._get_collection().update_one({"_id": LEASE_ID, "holder": holder}, {"$set": {"until": 0.0}})


def lease_holder() -> SchedulerLease | None:
    return SchedulerLease.objects(id=LEASE_ID).first()


def due_times() -> dict[str, float]:
    """When each job is due next (0 for a job that never ran)."""
    return {state.id: state.next_due or 0.0 for state in JobState.objects.only("id", "next_due")}


def run_job(job: Job, holder: str = "", now: float | None = None) -> JobState:
    """Run one job now and keep its outcome; an exception fails the run, never the scheduler."""
    started = time.time() if now is None else now
    states = JobState._get_collection()
    states.update_one({"_id": job.name}, {"$set": {"next_due": started + job.every}}, upsert=True)
    try:
        summary = job.run(datetime.fromtimestamp(started, UTC).replace(tzinfo=None))
        outcome, error = "ok", ""
    except ConnectionFailure:
        raise  # the database went away mid-job: nothing can be recorded; the scheduler says so in one line
    except Exception as exc:  # recorded for the administrator, and logged with its traceback
        log.exception("scheduled job %s failed", job.name)
        summary, outcome, error = {}, "failed", f"{type(exc).__name__}: {exc}"[:500]
    finished = time.time()
    states.update_one(
        {"_id": job.name},
        {
            "$set": {
                "last_started": started,
                "last_finished": finished,
                "last_seconds": round(finished - started, 3),
                "outcome": outcome,
                "summary": {key: int(value) for key, value in summary.items()},
                "error": error,
                "run_by": holder,
            },
            "$inc": {"runs": 1, "failures": int(outcome == "failed")},
        },
    )
    return JobState.objects.get(id=job.name)


def run_due(holder: str = "", now: float | None = None, jobs: Iterable[Job] = JOBS) -> list[str]:
    """Run every job whose time has come; the names run."""
    now = time.time() if now is None else now
    due = due_times()
    ran = []
    for job in jobs:
        if due.get(job.name, 0.0) <= now:
            run_job(job, holder, now)
            ran.append(job.name)
    return ran


def run_soon(name: str) -> bool:
    """Make a job due now ("Run now"): the lease holder runs it within a few seconds."""
    return bool(JobState._get_collection().update_one({"_id": name}, {"$set": {"next_due": 0.0}}, upsert=True))


class Scheduler:
    """The scheduler thread of one app process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{new_id()[:6]}"
        self.woken = threading.Event()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.pid = 0

    def start(self) -> None:
        """Start this process's thread (again after a fork: threads do not survive one)."""
        with self.lock:
            if self.pid == os.getpid() and self.thread is not None and self.thread.is_alive():
                return
            self.pid = os.getpid()
            self.holder = f"{socket.gethostname()}:{self.pid}:{new_id()[:6]}"
            self.stopping.clear()
            self.thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)
            self.thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self.stopping.set()
        self.woken.set()
        thread = self.thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _loop(self) -> None:
        holding, renewed, loaded = False, 0.0, 0.0
        due: dict[str, float] = {}
        while not self.stopping.is_set():
            now = time.time()
            try:
                with self.app.app_context():
                    if now - renewed >= (RENEW_SECONDS if holding else RENEW_SECONDS / 3):
                        holding, renewed = take_lease(self.holder, now), now
                    if holding:
                        if now - loaded >= RELOAD_SECONDS:
                            due, loaded = due_times(), now
                        for job in JOBS:
                            if due.get(job.name, 0.0) <= now:
                                state = run_job(job, self.holder)
                                due[job.name] = state.next_due or 0.0
            except PyMongoError as error:  # the database is away (an expected outage): one line, then try again
                log.warning("scheduler: database unavailable (%s: %s); trying again", type(error).__name__, error)
                holding = False
            self.woken.wait(TICK_SECONDS if holding else RENEW_SECONDS / 3)
            self.woken.clear()
        if holding:
            try:
                with self.app.app_context():
                    release_lease(self.holder)
            except PyMongoError:
                pass
