"""`python run.py` as a person runs it, and `run:app` as gunicorn loads it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from formplatform.embedded import EmbeddedMongo

pytestmark = pytest.mark.embedded_only  # starts the platform in subprocesses on its own databases

ROOT = Path(__file__).resolve().parents[1]
ADMIN_PASSWORD = "run-test-quantri-2026"
RATING = {**{f"c{i}": "2" for i in range(1, 10)}, "c4": "1", "overall": "very_satisfied"}
CONFIG_VARS = ("MONGODB_URI", "SECRET_KEY", "SEED_ON_START", "DB_ENGINE_LABEL", "ENV", "HOST", "PORT", "DATA_DIR")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def alive(pid: int) -> bool:
    """True for a running process; a zombie awaiting its reaper counts as gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


class Platform:
    """One `python run.py` process on a data directory, with its output in a file."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.output = data_dir.parent / f"run-{self.port}.out"
        env = clean_env(DATA_DIR=str(data_dir), PORT=str(self.port), HOST="127.0.0.1", ADMIN_PASSWORD=ADMIN_PASSWORD)
        with open(self.output, "wb") as out:
            self.proc = subprocess.Popen([sys.executable, "run.py"], cwd=ROOT, env=env, stdout=out, stderr=out)
        self.health = self.wait_healthy()

    def log(self) -> str:
        return self.output.read_text(errors="replace")[-3000:]

    def wait_healthy(self, timeout: float = 90.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"run.py exited with {self.proc.returncode}:\n{self.log()}"
            try:
                response = requests.get(f"{self.url}/healthz", timeout=10)
                if response.status_code == 200:
                    return response.json()
            except requests.RequestException:
                pass  # not listening yet, or still starting
            time.sleep(0.2)
        raise AssertionError(f"run.py did not become healthy in {timeout}s:\n{self.log()}")

    def db_pid(self) -> int:
        return int((self.data_dir / "nx-27017.pid").read_text())

    def submit_rating(self) -> str:
        response = requests.post(
            f"{self.url}/api/v1/forms/dossier-satisfaction/submissions", json={"data": RATING}, timeout=30
        )
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def read_submission(self, submission_id: str) -> dict:
        token = requests.post(
            f"{self.url}/api/v1/auth/token", json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30
        ).json()["token"]
        response = requests.get(
            f"{self.url}/api/v1/submissions/{submission_id}", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        assert response.status_code == 200, response.text
        return response.json()

    def terminate(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(30)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "instance"
    yield path
    pid_file = path / "nx-27017.pid"  # never leave a server behind, whatever failed
    if pid_file.exists():
        pid = int(pid_file.read_text())
        if alive(pid) and "nx_27017" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace"):
            os.kill(pid, signal.SIGKILL)


def test_run_serves_on_the_embedded_engine_and_stops_cleanly_on_sigterm(data_dir: Path) -> None:
    platform = Platform(data_dir)
    try:
        assert "nx-27017" in platform.health["database"]["engine"]
        db_pid = platform.db_pid()
        assert alive(db_pid)
        forms = requests.get(f"{platform.url}/api/v1/forms", timeout=30).json()
        assert "dossier-satisfaction" in [form["key"] for form in forms["items"]]  # demo data was seeded
        assert platform.terminate() == 0, platform.log()
    finally:
        platform.kill()
    assert not alive(db_pid), "the embedded nx-27017 outlived run.py"
    assert "http://127.0.0.1:" in platform.log() and str(data_dir) in platform.log()  # the banner
    secret = data_dir / "secret_key"
    assert secret.stat().st_mode & 0o777 == 0o600 and len(secret.read_text().strip()) >= 32


def test_an_acknowledged_submission_survives_restart_and_kill_9(data_dir: Path) -> None:
    platform = Platform(data_dir)
    try:
        first = platform.submit_rating()
        assert platform.terminate() == 0, platform.log()

        platform = Platform(data_dir)
        assert platform.read_submission(first)["data"] == RATING
        second = platform.submit_rating()
        orphan_candidate = platform.db_pid()
        platform.kill()  # kill -9: no cleanup runs in run.py

        platform = Platform(data_dir)  # a server left by the killed run must not block this one
        assert platform.db_pid() != orphan_candidate and not alive(orphan_candidate)
        assert platform.read_submission(first)["data"] == RATING
        assert platform.read_submission(second)["data"] == RATING
        assert platform.terminate() == 0, platform.log()
    finally:
        platform.kill()


def test_importing_run_builds_and_spawns_nothing() -> None:
    probe = (
        "import os, sys, run\n"
        "children = [p for p in os.listdir('/proc') if p.isdigit() and "
        "open(f'/proc/{p}/stat').read().rpartition(')')[2].split()[1] == str(os.getpid())]\n"
        "print(children, 'flask' in sys.modules, 'formplatform' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=clean_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "False", "False"]


def test_run_app_without_mongodb_uri_fails_with_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import run; run.app"],
        cwd=ROOT, env=clean_env(DATA_DIR=str(tmp_path)), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "RuntimeError" in result.stderr and "MONGODB_URI" in result.stderr
    assert "never starts the embedded database" in result.stderr
    assert not (tmp_path / "formplatform.db").exists()


def test_gunicorn_serves_run_app_on_the_given_mongodb(tmp_path: Path) -> None:
    port = free_port()
    with EmbeddedMongo(tmp_path / "db") as database:  # stands in for a real MongoDB here
        env = clean_env(MONGODB_URI=database.uri, SECRET_KEY="gunicorn-test-secret-0123456789",
                        DATA_DIR=str(tmp_path / "app"))  # fmt: skip
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "run:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            health = None
            deadline = time.monotonic() + 60
            while health is None and time.monotonic() < deadline and server.poll() is None:
                try:
                    health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).json()
                except requests.RequestException:  # not listening yet, or the worker is still building the app
                    time.sleep(0.2)
            assert health is not None, f"gunicorn did not serve /healthz (exit {server.poll()})"
            assert health["database"]["engine"] == "mongodb"
            assert not (tmp_path / "app" / "formplatform.db").exists()  # no embedded database was started
        finally:
            server.terminate()
            _, errors = server.communicate(timeout=30)
        assert "nx_27017" not in errors
