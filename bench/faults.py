"""Fault injection: writes keep coming while the database child, then the whole app, is killed (issue 18).

    python bench/faults.py                      --threads 4 --seconds 5 (writing time per phase)

1. starts `python run.py` on a temporary DATA_DIR (embedded nx-27017, demo data off) and a free port;
2. drives public satisfaction submissions (`POST /api/v1/forms/dossier-satisfaction/submissions`) from
   --threads threads, each remembering the id of every submission acknowledged with 201;
3. kills the database child with SIGKILL and times how long until `/healthz` is 200 again (run.py restarts it);
4. kills run.py itself with SIGKILL (its database child dies with it), starts it again as the README says
   (`python run.py` on the same DATA_DIR) and times that recovery too;
5. stops the writers, reads every acknowledged submission back through the API and stops the platform with
   SIGTERM, timing the stop.

Prints readable lines and, last, one JSON object: acknowledged writes, writes found, lost, seconds to recover
after each kill, seconds to stop. Exits 1 when an acknowledged write is lost or a recovery misses its target.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
SUBMIT = "/api/v1/forms/dossier-satisfaction/submissions"
RATING = {**{f"c{i}": "2" for i in range(1, 10)}, "overall": "satisfied"}
ADMIN_PASSWORD = "faults-quantri-2026"
RECOVERY_TARGET = 10.0
STOP_TARGET = 5.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Platform:
    """`python run.py` on one data directory and port; started again on the same ones after a kill."""

    def __init__(self, data_dir: Path, log_path: Path) -> None:
        self.data_dir, self.log_path = data_dir, log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URI", "SECRET_KEY")}
        env.update(DATA_DIR=str(self.data_dir), HOST="127.0.0.1", PORT=str(self.port), DEMO_DATA="0")
        env.update(ADMIN_PASSWORD=ADMIN_PASSWORD, PYTHONUNBUFFERED="1")
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "run.py"], cwd=ROOT, env=env, stdout=log, stderr=log)

    def database_pid(self) -> int:
        return int((self.data_dir / "nx-27017.pid").read_text())

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> float:
        """SIGTERM; the seconds until run.py has exited."""
        assert self.proc is not None
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()
        return time.monotonic() - started

    def seconds_until_healthy(self, timeout: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return time.monotonic() - started
            except requests.RequestException:
                pass  # down, or not listening yet
            time.sleep(0.05)
        raise SystemExit(f"not healthy within {timeout:.0f}s; log: {self.log_path}")


class Writers:
    """Threads submitting ratings until stopped; each acknowledged (201) id is kept."""

    def __init__(self, url: str, threads: int) -> None:
        self.url = url
        self.acknowledged: list[str] = []
        self.refused = 0  # any answer but 201, or no answer: the client knows it was not stored
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._write, daemon=True) for _ in range(threads)]

    def __enter__(self) -> Writers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _write(self) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            try:
                response = session.post(f"{self.url}{SUBMIT}", json={"data": RATING}, timeout=10)
                ok = response.status_code == 201
                ident = response.json()["id"] if ok else None
            except (requests.RequestException, ValueError):
                ok, ident = False, None
            with self._lock:
                if ok:
                    self.acknowledged.append(ident)
                else:
                    self.refused += 1
            if not ok:
                time.sleep(0.05)  # a down server refuses at once: do not spin


def found_count(url: str, ids: list[str]) -> int:
    """How many of `ids` the platform returns (read as the administrator, through the API)."""
    login = {"username": "admin", "password": ADMIN_PASSWORD}
    token = requests.post(f"{url}/api/v1/auth/token", json=login, timeout=30).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}

    def present(ident: str) -> bool:
        response = requests.get(f"{url}/api/v1/submissions/{ident}", headers=headers, timeout=30)
        if response.status_code not in (200, 404):
            raise SystemExit(f"reading submission {ident}: {response.status_code} {response.text[:200]}")
        return response.status_code == 200

    with ThreadPoolExecutor(8) as pool:
        return sum(pool.map(present, ids))


def run(threads: int, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="fp-faults-") as tmp:
        platform = Platform(Path(tmp) / "instance", Path(tmp) / "run.log")
        platform.start()
        try:
            print(f"started in {platform.seconds_until_healthy(120):.1f}s at {platform.url}", flush=True)
            with Writers(platform.url, threads) as writers:
                time.sleep(seconds)
                os.kill(platform.database_pid(), signal.SIGKILL)
                database_recovery = platform.seconds_until_healthy(60)
                print(f"database child killed: healthy again after {database_recovery:.2f}s", flush=True)
                time.sleep(seconds)
                platform.kill()  # the whole app, by SIGKILL: no cleanup runs
                killed_at = time.monotonic()
                platform.start()  # as the README says: `python run.py`, same DATA_DIR
                platform.seconds_until_healthy(120)
                app_recovery = time.monotonic() - killed_at
                print(f"app killed and started again: healthy after {app_recovery:.2f}s", flush=True)
                time.sleep(seconds)
            acknowledged = list(writers.acknowledged)
            found = found_count(platform.url, acknowledged)
            stop_seconds = platform.stop()
            print(f"acknowledged {len(acknowledged)}, found {found}, refused {writers.refused}", flush=True)
            print(f"stopped by SIGTERM in {stop_seconds:.2f}s", flush=True)
        finally:
            platform.kill()
    return {
        "threads": threads,
        "acknowledged": len(acknowledged),
        "found": found,
        "lost": len(acknowledged) - found,
        "refused": writers.refused,
        "database_kill_recovery_seconds": round(database_recovery, 2),
        "app_kill_recovery_seconds": round(app_recovery, 2),
        "sigterm_stop_seconds": round(stop_seconds, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=4, help="writer threads (default 4)")
    parser.add_argument("--seconds", type=float, default=5.0, help="writing time before/after each kill")
    args = parser.parse_args()
    result = run(args.threads, args.seconds)
    print(json.dumps(result), flush=True)
    failed = result["lost"] or result["database_kill_recovery_seconds"] > RECOVERY_TARGET
    return 1 if failed or result["sigterm_stop_seconds"] > STOP_TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
