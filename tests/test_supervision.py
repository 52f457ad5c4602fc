"""Running unattended: a dead database child comes back by itself, the app fails fast (503) meanwhile, and a
stop signal ends everything within 5 s. Under gunicorn (an external MongoDB) the same 503 and /healthz."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from formplatform.embedded import EmbeddedMongo
from tests.test_run import ROOT, Platform, alive, clean_env, data_dir, free_port

pytestmark = pytest.mark.embedded_only  # kills and restarts database servers in subprocesses
__all__ = ["data_dir"]  # the fixture, shared with tests/test_run.py
RECOVERY_TARGET = 10.0
STOP_TARGET = 5.0


def gone(pid: int) -> bool:
    """True once the process is reaped: not even a zombie is left."""
    return not Path(f"/proc/{pid}").exists()


def wait_healthy_again(url: str, timeout: float) -> tuple[float, list[int]]:
    """Seconds until /healthz answers 200, and every status seen before that."""
    started, seen = time.monotonic(), []
    while time.monotonic() - started < timeout:
        try:
            status = requests.get(f"{url}/healthz", timeout=5).status_code
        except requests.RequestException:
            status = 0
        if status == 200:
            return time.monotonic() - started, seen
        seen.append(status)
        time.sleep(0.1)
    raise AssertionError(f"/healthz not 200 within {timeout}s (saw {seen[-5:]})")


def test_a_killed_database_child_is_reaped_and_restarted_without_losing_a_write(data_dir: Path) -> None:
    platform = Platform(data_dir)
    try:
        before = platform.submit_rating()
        first_db = platform.db_pid()
        os.kill(first_db, signal.SIGKILL)
        seconds, _ = wait_healthy_again(platform.url, RECOVERY_TARGET)
        assert seconds < RECOVERY_TARGET
        assert gone(first_db), "the killed database child was not reaped"
        second_db = platform.db_pid()
        assert second_db != first_db and alive(second_db)
        assert platform.read_submission(before)["data"]["overall"] == "very_satisfied"  # acknowledged: kept
        after = platform.submit_rating()  # and the app writes again through its reconnected client
        os.kill(second_db, signal.SIGKILL)  # a second death is handled the same way
        wait_healthy_again(platform.url, RECOVERY_TARGET)
        assert platform.read_submission(after)["id"] == after
        assert platform.terminate() == 0, platform.log()
    finally:
        platform.kill()
    log = platform.log()
    assert f"nx-27017 (pid {first_db}) exited with status -9; restarting in 0.5s" in log
    assert f"nx-27017 (pid {second_db}) exited with status -9; restarting in 1.0s" in log  # dying again: back-off
    assert log.count("nx-27017 restarted") == 2


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_a_stop_signal_ends_app_and_database_within_5_seconds(data_dir: Path, signum: int) -> None:
    platform = Platform(data_dir)
    try:
        platform.submit_rating()
        db_pid = platform.db_pid()
        started = time.monotonic()
        platform.proc.send_signal(signum)
        status = platform.proc.wait(30)
        seconds = time.monotonic() - started
    finally:
        platform.kill()
    assert status == 0, platform.log()
    assert seconds < STOP_TARGET, f"stopped after {seconds:.1f}s"
    deadline = time.monotonic() + 1
    while alive(db_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(db_pid), "the embedded database outlived run.py"


def test_under_gunicorn_a_down_database_gives_503_at_once_and_healthz_recovers(tmp_path: Path) -> None:
    port, db_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    database = EmbeddedMongo(tmp_path / "db", port=db_port)  # stands in for an external MongoDB
    env = clean_env(
        MONGODB_URI=database.start(),
        SECRET_KEY="gunicorn-test-secret-0123456789",
        DATA_DIR=str(tmp_path / "app"),
        SEED_ON_START="1",
        ADMIN_PASSWORD="gunicorn-quantri-2026",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "--threads", "4", "-b", f"127.0.0.1:{port}", "run:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_healthy_again(url, 90)
        database.stop()

        started = time.monotonic()
        health = requests.get(f"{url}/healthz", timeout=30)
        assert time.monotonic() - started < 4.0  # fails fast: no 10-30 s server-selection wait
        assert health.status_code == 503 and health.headers["Retry-After"].isdigit()
        body = health.json()
        assert body["status"] == "degraded" and body["app"] == "up" and body["database"]["state"] == "down"

        api = requests.get(f"{url}/api/v1/forms", timeout=30)
        assert api.status_code == 503 and "Retry-After" in api.headers
        assert api.json()["error"]["code"] == "database_unavailable"
        page = requests.get(f"{url}/", headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 503 and "Retry-After" in page.headers
        assert "Cơ sở dữ liệu" in page.text and "The database is not answering" in page.text  # both languages

        database.start()  # the same port, as run.py's supervisor does
        seconds, _ = wait_healthy_again(url, RECOVERY_TARGET)
        assert requests.get(f"{url}/api/v1/forms", timeout=30).status_code == 200
    finally:
        server.terminate()
        server.wait(30)
        database.stop()
    assert seconds < RECOVERY_TARGET
