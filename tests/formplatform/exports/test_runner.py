"""The export runner: one claim per job, a silent runner's job taken over, cancellation, failures kept readable."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.conftest import bearer
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.exports.support import KEY, seed_submissions, wait_until


@pytest.fixture
def queued(app: Any, client: Any, city: Any) -> str:
    with app.app_context():
        seed_submissions(city)
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    asked = client.post("/api/v1/exports", json={"source": "submissions", "form": KEY}, headers=headers)
    assert asked.status_code == 202
    return asked.get_json()["id"]


def test_a_job_is_claimed_once(app, queued):
    from formplatform.exports.runner import claim_next

    with app.app_context():
        first = claim_next("runner-a")
        assert first is not None and first.id == queued and first.state == "running" and first.attempts == 1
        assert claim_next("runner-b") is None  # running, with a fresh heartbeat


def test_a_job_whose_runner_fell_silent_is_taken_over_and_finished(app, queued):
    from formplatform.exports.models import ExportJob
    from formplatform.exports.runner import STALE_SECONDS, claim_next, run_pending

    with app.app_context():
        claim_next("runner-that-died")
        ExportJob.objects(id=queued).update_one(set__heartbeat=time.time() - STALE_SECONDS - 1, set__done=2)
        assert run_pending("runner-b") == 1
        job = ExportJob.objects(id=queued).first()
    assert job.state == "done" and job.runner == "runner-b" and job.attempts == 2 and job.done == 3


def test_after_three_interrupted_attempts_the_job_fails_with_a_message(app, client, queued):
    from formplatform.exports.models import ExportJob
    from formplatform.exports.runner import claim_next

    with app.app_context():
        ExportJob.objects(id=queued).update_one(set__state="running", set__attempts=3, set__heartbeat=1.0)
        assert claim_next("runner-b") is None
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    status = client.get(f"/api/v1/exports/{queued}?lang=en", headers=headers).get_json()
    assert status["state"] == "failed" and status["error"] == "export_gave_up"
    assert "interrupted" in status["error_message"] and status["links"]["file"] is None


def test_a_deleted_job_stops_at_its_next_heartbeat_and_leaves_no_file(app, client, queued):
    from formplatform.exports import runner
    from formplatform.exports.models import ExportChunk, ExportJob

    with app.app_context():
        job = runner.claim_next("runner-a")
        ExportJob.objects(id=queued).delete()  # the owner deleted it meanwhile
        runner.run_job(job, "runner-a")
        assert ExportJob.objects(id=queued).count() == 0 and ExportChunk.objects(job_id=queued).count() == 0


def test_an_unexpected_error_fails_the_job_and_keeps_the_reason(app, client, queued, monkeypatch):
    from formplatform.exports import runner
    from formplatform.exports.models import ExportJob

    def broken(*args: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(runner, "_store", broken)
    with app.app_context():
        runner.run_pending("runner-a")
        job = ExportJob.objects(id=queued).first()
    assert job.state == "failed" and job.error == "export_failed" and job.chunks == 0


def test_the_background_thread_runs_a_job_when_woken(app, client, queued, monkeypatch):
    from formplatform.exports.models import ExportJob
    from formplatform.exports.runner import Runner

    monkeypatch.setitem(app.config, "EXPORT_RUNNER", True)
    thread_runner = Runner(app)
    thread_runner.wake()

    def done() -> bool:
        with app.app_context():
            return ExportJob.objects(id=queued).first().state == "done"

    wait_until(done)
    thread_runner.wake()  # wakes an idle runner again without a second thread
    assert thread_runner.thread is not None


def test_a_file_larger_than_one_chunk_reads_back_whole(app, client, queued, monkeypatch):
    from formplatform.exports import models, runner

    monkeypatch.setattr(runner, "CHUNK_BYTES", 1000)
    with app.app_context():
        runner.run_pending("runner-a")
        job = models.ExportJob.objects(id=queued).first()
        assert job.chunks == -(-job.size // 1000) > 3
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    response = client.get(f"/api/v1/exports/{queued}/file", headers=headers)
    import hashlib

    assert len(response.data) == job.size and hashlib.sha256(response.data).hexdigest() == job.sha256


def test_exports_older_than_seven_days_are_deleted_with_their_files(app, client, queued):
    from datetime import timedelta

    from formplatform.exports.models import ExportChunk, ExportJob
    from formplatform.exports.runner import run_pending
    from formplatform.models import utcnow

    with app.app_context():
        run_pending("runner-a")
        assert ExportChunk.objects(job_id=queued).count() > 0
        run_pending("runner-a")  # a week old tomorrow: kept
        assert ExportJob.objects(id=queued).count() == 1
        ExportJob._get_collection().update_one({"_id": queued}, {"$set": {"created_at": utcnow() - timedelta(days=8)}})
        run_pending("runner-a")
        assert ExportJob.objects(id=queued).count() == 0 and ExportChunk.objects(job_id=queued).count() == 0
