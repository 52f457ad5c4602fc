"""Runs export jobs in the background: one thread per app process, claiming one job at a time.

A job is claimed by one conditional update (queued → running with this runner's claim), so several
processes behind gunicorn never run the same job. While it works the runner writes its progress and a
heartbeat at most once a second; a running job whose heartbeat is older than STALE_SECONDS (its
process died) is claimed again and starts over, at most MAX_ATTEMPTS times. Every write of a runner
is conditional on its claim, so a job deleted (cancelled) by its owner stops at the next heartbeat.
The thread starts when a job is asked for or looked at, and ends after a quiet minute.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from formplatform.exports.models import CHUNK_BYTES, ExportChunk, ExportJob
from formplatform.exports.selection import job_query
from formplatform.exports.services import purge_expired
from formplatform.exports.sources import SOURCES, agency_names, records
from formplatform.exports.wording import translate, wording_for
from formplatform.models import FormVersion, new_id
from renderers.export_files import CsvStream, PagedStream, XlsxStream, work_folder

log = logging.getLogger(__name__)
STALE_SECONDS = 120
MAX_ATTEMPTS = 3
PROGRESS_SECONDS = 1.0
IDLE_SECONDS = 60
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
Stream = XlsxStream | CsvStream | PagedStream


class Cancelled(Exception):
    """The job was deleted, or claimed by another runner, while this one worked on it."""


def claim_next(claim: str) -> ExportJob | None:
    """Take the oldest queued job, or a running one whose runner fell silent."""
    now = time.time()
    candidates = ExportJob.objects(state__in=["queued", "running"]).order_by("created_at")
    for job in candidates.only("id", "state", "runner", "heartbeat", "attempts"):
        if job.state == "running" and job.heartbeat > now - STALE_SECONDS:
            continue
        current = {"id": job.id, "state": job.state, "runner": job.runner}
        if job.attempts >= MAX_ATTEMPTS:
            ExportJob.objects(**current).update_one(set__state="failed", set__error="export_gave_up", set__finished=now)
            continue
        taken = ExportJob.objects(**current).update_one(
            set__state="running", set__runner=claim, set__heartbeat=now, set__done=0, inc__attempts=1
        )
        if taken:
            return ExportJob.objects(id=job.id).first()
    return None


def _report(job: ExportJob, claim: str, **changes: Any) -> None:
    """Write progress (and the heartbeat) under this runner's claim; Cancelled when the claim is gone."""
    updates = {f"set__{name}": value for name, value in changes.items()}
    if not ExportJob.objects(id=job.id, runner=claim, state="running").update_one(
        set__heartbeat=time.time(), **updates
    ):
        raise Cancelled()


def run_job(job: ExportJob, claim: str) -> None:
    """Write the job's file and store it in chunks; failures are recorded on the job, never raised."""
    try:
        _export(job, claim)
    except Cancelled:
        ExportChunk.objects(job_id=job.id).delete()
    except Exception:  # a job must end in a state the owner can read, whatever went wrong
        log.exception("export %s failed", job.id)
        ExportChunk.objects(job_id=job.id).delete()
        ExportJob.objects(id=job.id, runner=claim).update_one(
            set__state="failed", set__error="export_failed", set__finished=time.time()
        )


def _export(job: ExportJob, claim: str) -> None:
    source = SOURCES[job.source]
    versions = {v.number: v.definition for v in FormVersion.objects(form_key=job.form_key).only("number", "definition")}
    query = job_query(job)
    total = source.collection().count_documents(query)
    _report(job, claim, total=total)
    wording = wording_for(job.language)
    plan = source.plan(versions, [wording.word(h) for h in source.meta_headers], wording)
    agencies = agency_names(query)
    with work_folder() as folder:
        work = Path(folder)
        stream = _stream(job, plan.tables, work, wording)
        done, reported = 0, time.monotonic()
        for record in records(source, query, agencies, wording.label, wording.word):
            for table, row in plan.rows(record):
                stream.add(table, row)
            done += 1
            if time.monotonic() - reported >= PROGRESS_SECONDS:
                _report(job, claim, done=done)
                reported = time.monotonic()
        target = work / "export.bin"
        stream.close(target)
        kind = "zip" if isinstance(stream, CsvStream) and stream.zipped else job.format
        _store(job, claim, target, done, kind)


def _stream(job: ExportJob, tables: list[Any], work: Path, wording: Any) -> Stream:
    if job.format == "xlsx":
        return XlsxStream(tables, work)
    if job.format == "csv":
        return CsvStream(tables, work, [f"{n:02d}-{t.key}.csv" for n, t in enumerate(tables, 1)])
    span = " – ".join(day for day in (job.day_from, job.day_to) if day)
    return PagedStream(
        tables[0],
        job.format,
        subtitle=f"{span} · {job.owner_name}" if span else job.owner_name,
        locale=wording.value_locale,
        gettext=lambda msgid: translate(wording.value_locale, msgid),
    )


def _store(job: ExportJob, claim: str, path: Path, done: int, kind: str) -> None:
    ExportChunk.objects(job_id=job.id).delete()
    digest, size, count = hashlib.sha256(), 0, 0
    with path.open("rb") as content:
        while part := content.read(CHUNK_BYTES):
            ExportChunk(id=ExportChunk.key(job.id, count), job_id=job.id, n=count, data=part).save(force_insert=True)
            digest.update(part)
            size += len(part)
            count += 1
            _report(job, claim)
    stamp = time.strftime("%Y%m%d-%H%M", time.gmtime(time.time() + 7 * 3600))
    _report(
        job,
        claim,
        state="done",
        done=done,
        filename=f"{job.form_key}-{job.source}-{stamp}.{kind}",
        content_type=CONTENT_TYPES[kind],
        size=size,
        chunks=count,
        sha256=digest.hexdigest(),
        finished=time.time(),
    )


def run_pending(claim: str | None = None) -> int:
    """Delete expired exports, then run every job there is to run, in this thread; how many were run."""
    purge_expired()
    claim = claim or new_id()
    count = 0
    while (job := claim_next(claim)) is not None:
        run_job(job, claim)
        count += 1
    return count


class Runner:
    """The background thread of one app process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wanted = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def wake(self) -> None:
        if not self.app.config.get("EXPORT_RUNNER", True):
            return
        with self.lock:
            self.wanted.set()
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, name="export-runner", daemon=True)
                self.thread.start()

    def _loop(self) -> None:
        claim = new_id()
        while True:
            self.wanted.clear()
            with self.app.app_context():
                try:
                    run_pending(claim)
                except Exception:  # the database went away; try again when woken
                    log.exception("export runner pass failed")
            if self.wanted.wait(IDLE_SECONDS):
                continue
            with self.lock:
                if not self.wanted.is_set():
                    self.thread = None
                    return


def wake_runner() -> None:
    """Make sure this process's runner looks for work (call after asking for or looking at an export)."""
    runner = current_app.extensions.get("export_runner")
    if runner is not None:
        runner.wake()
