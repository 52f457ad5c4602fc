"""The scheduler inside the platform: one runner at a time through a lease, each job's outcome kept,
citizens' ratings counted by it, expired records swept, and the administrators' page and command."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.fixtures.satisfaction import ANSWERS, make_dossier


def rollup_counts() -> list[float]:
    from formplatform.satisfaction.models import Rollup

    return [r["n"] for r in Rollup.objects.as_pymongo()]


def test_one_process_holds_the_lease_until_it_lapses_or_is_given_up(app):
    from formplatform.scheduler.runner import LEASE_SECONDS, lease_holder, release_lease, take_lease

    with app.app_context():
        now = 1_000_000.0
        assert take_lease("worker-a", now) is True
        assert take_lease("worker-b", now + 1) is False  # a live holder keeps it
        assert take_lease("worker-a", now + LEASE_SECONDS - 1) is True  # and renews it
        assert take_lease("worker-b", now + LEASE_SECONDS) is False
        assert take_lease("worker-b", now + 2 * LEASE_SECONDS) is True  # a holder gone silent loses it
        assert lease_holder().holder == "worker-b"
        assert take_lease("worker-a", now + 2 * LEASE_SECONDS + 1) is False
        release_lease("worker-b")  # a stopping process hands it over at once
        assert take_lease("worker-a", now + 2 * LEASE_SECONDS + 2) is True


def test_due_jobs_run_once_per_period_and_a_failure_is_kept_without_stopping_the_others(app):
    from formplatform.scheduler.jobs import Job
    from formplatform.scheduler.models import JobState
    from formplatform.scheduler.runner import run_due, run_soon

    calls: list[str] = []

    def works(now: Any) -> dict[str, int]:
        calls.append("works")
        return {"done": 2}

    def breaks(now: Any) -> dict[str, int]:
        calls.append("breaks")
        raise RuntimeError("the mail server refused")

    jobs = (Job("test.breaks", 60, breaks, "breaks"), Job("test.works", 60, works, "works"))
    with app.app_context():
        assert run_due("me", 1000.0, jobs) == ["test.breaks", "test.works"]
        assert run_due("me", 1059.0, jobs) == []  # not yet due again
        assert calls == ["breaks", "works"]
        broken, fine = JobState.objects.get(id="test.breaks"), JobState.objects.get(id="test.works")
        assert (broken.outcome, broken.failures, broken.runs) == ("failed", 1, 1)
        assert "RuntimeError: the mail server refused" in broken.error
        assert (fine.outcome, fine.summary, fine.next_due, fine.run_by) == ("ok", {"done": 2}, 1060.0, "me")
        run_soon("test.works")  # "Run now"
        assert run_due("me", 1001.0, jobs) == ["test.works"]
        assert run_due("me", 1060.0, jobs) == ["test.breaks"]


def test_a_job_cut_off_by_a_database_outage_is_left_to_the_scheduler_loop_without_a_traceback(app, caplog):
    """The database going away mid-job (a supervised restart) is expected: the loop logs it in one line and
    tries again; nothing is recorded as the job's failure, as nothing can be written then."""
    from pymongo.errors import AutoReconnect

    from formplatform.scheduler.jobs import Job
    from formplatform.scheduler.models import JobState
    from formplatform.scheduler.runner import run_job

    def cut_off(now: Any) -> dict[str, int]:
        raise AutoReconnect("connection closed")

    with app.app_context(), caplog.at_level("WARNING"):
        with pytest.raises(AutoReconnect):
            run_job(Job("test.cut-off", 60, cut_off, "cut off"))
        assert JobState.objects.get(id="test.cut-off").runs in (None, 0)
    assert "Traceback" not in caplog.text and "failed" not in caplog.text


def test_a_rating_is_stored_at_once_and_counted_by_the_scheduler_job(app, city, seeded, monkeypatch):
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.ratings import review_rating, submit_rating
    from formplatform.scheduler.jobs import BY_NAME
    from formplatform.scheduler.runner import run_job

    monkeypatch.setitem(app.config, "COUNT_RATINGS_AT_INTAKE", False)
    with app.test_request_context():
        first, second = make_dossier(city, seq=1), make_dossier(city, seq=2)
        rating = submit_rating(first.id, ANSWERS, channel="qr")
        stored = Rating.objects.get(id=rating.id)
        assert stored.to_count and not stored.rolled_up and rollup_counts() == []  # the citizen did not wait
        state = run_job(BY_NAME["ratings.count"])
        assert state.outcome == "ok" and state.summary == {"counted": 1}
        stored.reload()
        assert stored.rolled_up and stored.to_count is None and rollup_counts() and set(rollup_counts()) == {1}
        assert run_job(BY_NAME["ratings.count"]).summary == {"counted": 0}  # never twice
        flagged = submit_rating(second.id, ANSWERS, channel="qr")
        Rating.objects(id=flagged.id).update_one(set__status="flagged", unset__to_count=True)
        assert run_job(BY_NAME["ratings.count"]).summary == {"counted": 0}  # a flagged rating waits for review
        review_rating(flagged.id, "accept", city.users["thamdinh"])
        assert run_job(BY_NAME["ratings.count"]).summary == {"counted": 1}
        assert set(rollup_counts()) == {2}  # both dossiers share agency, officials and procedure


def test_the_scheduler_thread_counts_a_rating_within_seconds_and_hands_the_lease_over_when_stopped(
    app, city, seeded, monkeypatch
):
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.ratings import submit_rating
    from formplatform.scheduler import runner

    monkeypatch.setitem(app.config, "COUNT_RATINGS_AT_INTAKE", False)
    scheduler = runner.Scheduler(app)
    monkeypatch.setitem(app.extensions, "scheduler", scheduler)
    scheduler.start()
    try:
        with app.test_request_context():
            rating = submit_rating(make_dossier(city).id, ANSWERS, channel="qr")  # wakes the scheduler
            deadline = time.monotonic() + 10
            while not Rating.objects.get(id=rating.id).rolled_up and time.monotonic() < deadline:
                time.sleep(0.05)
            assert Rating.objects.get(id=rating.id).rolled_up
            assert runner.lease_holder().holder == scheduler.holder
    finally:
        scheduler.stop(5)
    assert not scheduler.thread.is_alive()
    with app.app_context():
        assert runner.lease_holder().until == 0  # released: another process takes over at once
        from formplatform.scheduler.models import JobState

        assert {s.id for s in JobState.objects} >= {"ratings.count", "reports.sweep", "records.expire"}


def test_expired_counters_and_spent_links_past_their_lifetime_are_deleted(app):
    from formplatform.accounts.models import LoginThrottle
    from formplatform.models import utcnow
    from formplatform.satisfaction.models import RatingCounter, UsedRatingToken
    from formplatform.scheduler.jobs import BY_NAME
    from formplatform.scheduler.runner import run_job

    now = utcnow()
    with app.app_context():
        RatingCounter(id="old", count=3, expires_at=now - timedelta(minutes=1)).save()
        RatingCounter(id="live", count=3, expires_at=now + timedelta(minutes=5)).save()
        LoginThrottle(id="old", count=1, expires_at=now - timedelta(hours=1)).save()
        days = app.config["RATING_TOKEN_DAYS"]
        UsedRatingToken(id="old", dossier_code="x", used_at=now - timedelta(days=days + 2)).save()
        UsedRatingToken(id="recent", dossier_code="y", used_at=now - timedelta(days=days - 1)).save()
        state = run_job(BY_NAME["records.expire"])
        # engines that sweep TTL indexes themselves (MongoDB, mongomock) may have removed the expired counters first
        assert state.outcome == "ok" and state.summary["spent_tokens"] == 1 and state.summary["dossier_previews"] == 0
        assert state.summary["rating_counters"] in (0, 1) and state.summary["login_counters"] in (0, 1)
        assert [c.id for c in RatingCounter.objects] == ["live"]
        assert [t.id for t in UsedRatingToken.objects] == ["recent"] and LoginThrottle.objects.count() == 0


def test_reminders_go_out_through_the_scheduled_sweep(app, city, seeded):
    from datetime import date, datetime

    from formplatform.reporting.models import Notification
    from formplatform.scheduler.jobs import BY_NAME
    from formplatform.scheduler.runner import run_due
    from tests.formplatform.reporting.campaign_support import new_campaign, report_in_state

    now = datetime.utcnow()
    with app.test_request_context():
        campaign = new_campaign(city, starts_on=date(2099, 1, 1))
        report_in_state(campaign, city.id("d3"), "not_started", now + timedelta(days=1))
        assert "reports.sweep" in run_due("me", now.timestamp(), [BY_NAME["reports.sweep"]])
        assert Notification.objects(kind="due").count() >= 1


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_administrators_see_every_job_and_can_run_one_now(client, app, city, lang):
    from formplatform.audit.models import AuditEvent
    from formplatform.scheduler.jobs import JOBS
    from formplatform.scheduler.models import JobState

    log_in(client, "quantri", CITY_PASSWORD)
    page = client.get(f"/admin/scheduler?lang={lang}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert all(f'data-job="{job.name}"' in html for job in JOBS)
    assert ("Chưa có tiến trình" in html) if lang == "vi" else ("No process is running" in html)
    token = csrf_token(client, f"/admin/scheduler?lang={lang}")
    sent = client.post("/admin/scheduler/reports.sweep/run", data={"csrf_token": token})
    assert sent.status_code == 302
    with app.app_context():
        assert JobState.objects.get(id="reports.sweep").next_due == 0
        assert AuditEvent.objects(action="scheduler.run", target_id="reports.sweep").count() == 1
    assert client.post("/admin/scheduler/nope/run", data={"csrf_token": token}).status_code == 404


def test_only_administrators_see_the_jobs(client, city):
    log_in(client, "cv_q1", CITY_PASSWORD)
    assert client.get("/admin/scheduler").status_code == 403
    assert client.post("/admin/scheduler/reports.sweep/run").status_code in (400, 403)


def test_the_command_lists_helps_and_runs_jobs_on_a_data_dir(app, monkeypatch, capsys):
    import formplatform
    from formplatform.scheduler.__main__ import main

    with pytest.raises(SystemExit) as shown:
        main(["--help"])
    assert shown.value.code == 0 and "--data-dir" in capsys.readouterr().out
    assert main(["--list"]) == 0 and "reports.sweep" in capsys.readouterr().out
    monkeypatch.setattr(formplatform, "create_app", lambda overrides=None: app)
    assert main(["--uri", app.config["MONGODB_URI"], "--job", "records.expire"]) == 0
    assert "records.expire: ok" in capsys.readouterr().out
    assert main(["--data-dir", "/nonexistent/dir"]) == 2


def test_the_counting_job_finds_waiting_ratings_by_an_index_not_by_reading_history(
    app, city, seeded, mongo_uri, monkeypatch
):
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.ratings import submit_rating
    from formplatform.scheduler.jobs import BY_NAME
    from formplatform.scheduler.runner import run_job
    from tests.querycount import CommandLog, counting, skip_without_events, unindexed_reads

    skip_without_events()
    monkeypatch.setitem(app.config, "COUNT_RATINGS_AT_INTAKE", False)
    with app.test_request_context():
        submit_rating(make_dossier(city, seq=1).id, ANSWERS, channel="qr")
        with counting(mongo_uri) as log:
            assert run_job(BY_NAME["ratings.count"]).summary == {"counted": 1}
    waiting = [c for c in log.on("ratings") if c.name == "find"]
    assert waiting and waiting[0].body["filter"] == {"to_count": True}
    reads = CommandLog()
    reads.commands = waiting  # the updates are by id
    assert unindexed_reads(reads, Rating) == []
