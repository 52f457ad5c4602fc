"""Clean starts of `gunicorn -w 4 run:app` on an empty database with seeding (issue 18).

    python bench/gunicorn_start.py              --runs 10 --workers 4 [--demo]

Each run starts a fresh embedded nx-27017 in a temporary directory (standing in for an external MongoDB),
then gunicorn with SEED_ON_START=1 (and DEMO_DATA=1 with --demo) on it. A start is clean when every worker
booted, the master is still running, `/healthz` answers 200, gunicorn logged no traceback, and the database
holds exactly one administrator and one of each built-in form. Prints one line per run and, last, one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from pymongo import MongoClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from form_definitions.library import LIBRARY_KEYS  # noqa: E402 - after the path is set
from formplatform.embedded import EmbeddedMongo  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seeded_once(uri: str) -> bool:
    client: MongoClient = MongoClient(uri)
    try:
        db = client.get_default_database()
        admins = db.users.count_documents({"username": "admin"})
        forms = sorted(doc["_id"] for doc in db.forms.find({}, {"_id": 1}))
        return admins == 1 and forms == sorted(LIBRARY_KEYS)
    finally:
        client.close()


def start_once(workers: int, demo: bool, timeout: float = 120.0) -> dict[str, Any]:
    """One start on an empty database; what went wrong, if anything."""
    with tempfile.TemporaryDirectory(prefix="fp-gunicorn-") as tmp, EmbeddedMongo(Path(tmp) / "db") as database:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URI", "SECRET_KEY", "DEMO_DATA")}
        env.update(MONGODB_URI=database.uri, SECRET_KEY="gunicorn-bench-secret-0123456789", SEED_ON_START="1")
        env.update(DATA_DIR=f"{tmp}/app", ADMIN_PASSWORD="gunicorn-quantri-2026", DEMO_DATA="1" if demo else "0")
        log_path = Path(tmp) / "gunicorn.log"
        command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "run:app"]
        started = time.monotonic()
        with open(log_path, "wb") as log:
            server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        healthy = None
        try:
            while healthy is None and time.monotonic() - started < timeout and server.poll() is None:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200:
                        healthy = time.monotonic() - started
                except requests.RequestException:
                    time.sleep(0.2)
            # every worker has its turn at seeding: give the last one time to finish (or to die)
            while healthy is not None and time.monotonic() - started < timeout and server.poll() is None:
                if log_path.read_text(errors="replace").count("Booting worker") >= workers and seeded_once(
                    database.uri
                ):
                    time.sleep(2)  # a worker that fails after seeding would show now
                    break
                time.sleep(0.2)
            master_alive = server.poll() is None
        finally:
            server.terminate()
            server.wait(30)
        log_text = log_path.read_text(errors="replace")
        problems = []
        if healthy is None:
            problems.append("never healthy")
        if not master_alive:
            problems.append(f"master exited ({server.returncode})")
        if "Traceback" in log_text or "Worker failed to boot" in log_text:
            problems.append("traceback in the log")
        if "WORKER TIMEOUT" in log_text:
            problems.append("a worker timed out while starting")
        if not seeded_once(database.uri):
            problems.append("not exactly one admin and one of each built-in form")
        tail = "\n".join(log_text.splitlines()[-15:]) if problems else ""
        return {"clean": not problems, "seconds": round(healthy or 0.0, 2), "problems": problems, "log": tail}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--demo", action="store_true", help="seed the demo city too (DEMO_DATA=1)")
    args = parser.parse_args()
    clean = 0
    for run in range(1, args.runs + 1):
        result = start_once(args.workers, args.demo)
        clean += result["clean"]
        print(f"run {run}: {'clean' if result['clean'] else 'FAILED'} in {result['seconds']}s {result['problems']}")
        if result["log"]:
            print(result["log"])
    print(json.dumps({"workers": args.workers, "demo": args.demo, "runs": args.runs, "clean": clean}), flush=True)
    return 0 if clean == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
