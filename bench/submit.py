"""Throughput of the platform: `GET /healthz` against public satisfaction submissions.

    python bench/submit.py                      starts `python run.py` on a temporary DATA_DIR and a free port
    python bench/submit.py --url http://host:port -n 5000 -c 16

Each phase sends N requests from C threads (one `requests.Session` each) and is bounded by --max-seconds.
Prints one readable line per phase, the submit/healthz rate ratio, and as the last line one JSON object.
Only ever point it at a server of your own (it writes real submissions).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
FORM = "dossier-satisfaction"
OVERALL = ("very_satisfied", "satisfied", "not_satisfied")


def random_rating(rng: random.Random) -> dict[str, str]:
    rating = {f"c{i}": rng.choice(("2", "1", "0")) for i in range(1, 10)}
    rating["overall"] = rng.choice(OVERALL)
    return rating


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def platform_server(startup_timeout: float):
    """`python run.py` on a temporary data directory; yields its base URL and stops it afterwards."""
    with tempfile.TemporaryDirectory(prefix="fp-bench-") as tmp:
        port = free_port()
        env = {**os.environ, "DATA_DIR": f"{tmp}/instance", "HOST": "127.0.0.1", "PORT": str(port)}
        env["SEED_ON_START"] = "1"  # the questionnaire must exist, whichever database is configured
        log_path = Path(tmp) / "run.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([sys.executable, "run.py"], cwd=ROOT, env=env, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc, startup_timeout, log_path)
            yield url
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"run.py exited with {proc.returncode}:\n{log_path.read_text(errors='replace')[-2000:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"run.py did not answer /healthz within {timeout:.0f}s")


def run_phase(
    count: int, threads: int, max_seconds: float, request: Callable[[requests.Session, int], int]
) -> dict[str, Any]:
    """Send `count` requests from `threads` threads; return rate and latency figures."""
    latencies: list[float] = []
    errors: list[str] = []
    next_index = iter(range(count))
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        with requests.Session() as session:
            while time.monotonic() < deadline:
                with lock:
                    index = next(next_index, None)
                if index is None:
                    return
                started = time.perf_counter()
                try:
                    status = request(session, index)
                except requests.RequestException as exc:
                    status, detail = 0, type(exc).__name__
                else:
                    detail = str(status)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if not 200 <= status < 300:
                        errors.append(detail)

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    wall = time.perf_counter() - started
    ok = len(latencies) - len(errors)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0.0] * 99
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "seconds": round(wall, 3),
        "rps": round(ok / wall, 1) if wall else 0.0,
        "p50_ms": round(cuts[49] * 1000, 2),
        "p95_ms": round(cuts[94] * 1000, 2),
        "timed_out": len(latencies) < count,
    }


def benchmark(url: str, count: int, threads: int, max_seconds: float) -> dict[str, Any]:
    health = requests.get(f"{url}/healthz", timeout=10).json()
    submit_url = f"{url}/api/v1/forms/{FORM}/submissions"

    def get_health(session: requests.Session, index: int) -> int:
        return session.get(f"{url}/healthz", timeout=30).status_code

    def post_rating(session: requests.Session, index: int) -> int:
        return session.post(submit_url, json={"data": random_rating(random.Random(index))}, timeout=30).status_code

    warm = min(20, count)  # first requests pay for connections and caches
    run_phase(warm, min(threads, warm), max_seconds, get_health)
    run_phase(warm, min(threads, warm), max_seconds, post_rating)
    healthz = run_phase(count, threads, max_seconds, get_health)
    submit = run_phase(count, threads, max_seconds, post_rating)
    ratio = round(submit["rps"] / healthz["rps"], 3) if healthz["rps"] else None
    return {
        "url": url,
        "engine": health.get("database", {}).get("engine"),
        "requests": count,
        "concurrency": threads,
        "cpus": os.cpu_count(),
        "healthz": healthz,
        "submit": submit,
        "submit_to_healthz_ratio": ratio,
    }


def describe(name: str, figures: dict[str, Any]) -> str:
    line = (
        f"{name:<8} {figures['requests']:>6} requests in {figures['seconds']:>7.2f} s: "
        f"{figures['rps']:>8.1f} req/s, p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
        f"errors {figures['errors']}"
    )
    if figures["error_kinds"]:
        line += f" ({', '.join(figures['error_kinds'])})"
    return line + (" [stopped at --max-seconds]" if figures["timed_out"] else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an already running platform (default: start `python run.py` here)")
    parser.add_argument("-n", "--requests", type=int, default=2000, help="requests per phase (default 2000)")
    parser.add_argument("-c", "--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="time bound per phase (default 120)")
    parser.add_argument("--startup-timeout", type=float, default=120.0, help="wait for run.py (default 120)")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be at least 1")

    if args.url:
        results = benchmark(args.url.rstrip("/"), args.requests, args.concurrency, args.max_seconds)
    else:
        with platform_server(args.startup_timeout) as url:
            results = benchmark(url, args.requests, args.concurrency, args.max_seconds)

    print(f"platform {results['url']} on {results['engine']}, {args.concurrency} threads, {results['cpus']} CPUs")
    print(describe("healthz", results["healthz"]))
    print(describe("submit", results["submit"]))
    print(f"submit/healthz rate ratio: {results['submit_to_healthz_ratio']}")
    print(json.dumps(results, ensure_ascii=False))
    return 1 if results["healthz"]["errors"] or results["submit"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
