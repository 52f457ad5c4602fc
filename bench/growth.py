"""Every everyday path at two history sizes, in one run (DESIGN §6: p50 at 1 M records ≤ 1.5 × p50 at 10 k).

    python bench/growth.py                 10 k → 1 M ratings with their dossiers and roll-ups, 5 k → 500 k
                                           submissions, 1 → 10 years of reports, matching audit events
    python bench/growth.py --quick         2 k → 20 k ratings, 8 requests per path: a smoke run
    MONGODB_URI=mongodb://host/scratch python bench/growth.py     the same on a real MongoDB (an empty
                                           database, dropped at the end; run.py uses it, no embedded engine)

1. `python run.py` starts on a temporary DATA_DIR with the demo city (DEMO_DATA=1): schema, indexes, demo
   agencies, logins, forms and campaigns; this process reads what generation refers to, and stops it.
2. The small history is stored in bulk (never through HTTP; growth_store.py), run.py starts again on the
   same DATA_DIR (DEMO_DATA=0: the demo's start-up checks would read whole collections) and every path is
   timed through HTTP (growth_paths.py); then the history grows to the large size in bulk and every path
   is timed again. Ratio = large p50 / small p50. Two control paths that no history can change (`/healthz`,
   a static file) show how fast the machine itself ran in each phase; they are not judged. The verdict is
   the plain ratio; beside it, each ratio divided by the controls' (geometric mean) shows what grew by itself.
At the large size a request may take LIMIT_FACTOR × its small p50 (at least MIN_LIMIT s): a slower one has
clearly failed the 1.5× bar, is reported as "> limit (stopped)" with a lower bound for its ratio, and run.py
is restarted so that the query it left running does not slow the next paths. The platform runs with
EXPORT_RUNNER=0 (an export started here only queues, and is deleted again) and the rating rate limits
raised, so every timed rating is stored and counted. Timings are indicative: the server, this client and
the seeding share the machine. Prints one line per path and size, the table of both sizes with their
ratios, the rating intake / plain submission ratios, the seeding figures and, last, one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import requests  # noqa: E402
from growth_data import check_shapes, load_reference  # noqa: E402
from growth_http import LIMIT, Timing, measure  # noqa: E402
from growth_paths import CONTROL, Context, People, path_groups  # noqa: E402
from growth_records import exports, intake_dossiers, onestop_token, reports, staff  # noqa: E402
from growth_seed import checked_month, month_tasks  # noqa: E402
from growth_store import Loader, MongoStore, SqliteStore, check_empty, drop  # noqa: E402
from submit import free_port, wait_healthy  # noqa: E402

ADMIN_PASSWORD = "Bench-Growth-2026"
LIMIT_FACTOR, MIN_LIMIT, MAX_LIMIT = 3.0, 5.0, 60.0
# every timed rating takes the ordinary path: stored and counted, neither refused (429) nor flagged
LIMITS = {f"RATING_{name}": "1000000" for name in ("DEVICE_LIMIT", "DEVICE_BURST", "ADDRESS_LIMIT", "ADDRESS_FLAG")}
SIZES = {  # option -> (default small, default large, quick small, quick large)
    "ratings": (10_000, 1_000_000, 2_000, 20_000),
    "submissions": (5_000, 500_000, 1_000, 10_000),
    "years": (1, 10, 1, 10),
    "users": (50, 500, 20, 200),
    "exports": (45, 250, 45, 250),  # 45: page 2 of "my exports" is full at the small size too, as at the large
}


class Server:
    """`python run.py` on one DATA_DIR and one port, started and stopped around each phase.

    Only the first start seeds the demo city: later ones run with DEMO_DATA=0, because the demo seeding
    counts dossiers and ratings on every start, which on the embedded engine reads whole collections."""

    def __init__(self, data_dir: Path, mongo_uri: str | None, timeout: float) -> None:
        self.data_dir, self.mongo_uri, self.timeout = data_dir, mongo_uri, timeout
        self.port, self.starts = free_port(), 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.start_seconds: list[float] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def db_uri(self) -> str:
        return self.mongo_uri or (self.data_dir / "nx-27017.uri").read_text().strip()

    @property
    def secret(self) -> str:
        return os.environ.get("SECRET_KEY") or (self.data_dir / "secret_key").read_text().strip()

    def start(self, demo: bool = False) -> None:
        began = time.perf_counter()
        self.starts += 1
        env = {**os.environ, **LIMITS, "DATA_DIR": str(self.data_dir), "HOST": "127.0.0.1", "PORT": str(self.port)}
        env.update(DEMO_DATA="1" if demo else "0", SEED_ON_START="1", ADMIN_PASSWORD=ADMIN_PASSWORD, EXPORT_RUNNER="0")
        log_path = self.data_dir.parent / f"run-{self.starts}.log"
        with open(log_path, "wb") as log:
            self.proc = subprocess.Popen([sys.executable, "run.py"], cwd=ROOT, env=env, stdout=log, stderr=log)
        wait_healthy(self.url, self.proc, self.timeout, log_path)
        self.start_seconds.append(round(time.perf_counter() - began, 1))

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    @contextmanager
    def running(self, demo: bool = False) -> Iterator[str]:
        try:
            self.start(demo)
            yield self.url
        finally:
            self.stop()


def in_app(uri: str, secret: str) -> Any:
    """This process's own app on the platform's database (no seeding, no export runner)."""
    from formplatform import create_app

    config = {"MONGODB_URI": uri, "SECRET_KEY": secret, "SEED_ON_START": False, "DEMO_DATA": False}
    return create_app({**config, "EXPORT_RUNNER": False, "ENV": "testing"})


def prepare(server: Server) -> tuple[Any, dict[str, Any]]:
    """With run.py up: every seeded collection's indexes, and the reference data generation needs."""
    import mongoengine

    from formplatform.models import utcnow
    from formplatform.reporting.models import Report
    from formplatform.satisfaction.models import Rollup

    app = in_app(server.db_uri, server.secret)
    with app.app_context():
        for model in MODELS.values():
            model.ensure_indexes()
        Rollup.ensure_indexes()
        ref = load_reference(utcnow())
        q1 = ref.by_code("000.00.31.H29")
        kpi = next(c for c in ref.campaigns if c["form_key"] == "kpi-monthly")
        open_report = Report.objects(campaign_id=kpi["_id"], agency_id=q1.id, state__in=["not_started", "draft"])
        ids = {
            "kiosk_agency": q1.id,
            "wards": [a for a in ref.agencies.values() if a.type == "ward" and q1.id in a.ancestors],
            "campaign": kpi["_id"],
            "report": open_report.order_by("-period_start").first().id,
        }
    mongoengine.disconnect_all()
    return ref, ids


def _models() -> dict[str, Any]:
    from formplatform.accounts.models import ApiToken, User
    from formplatform.audit.models import AuditEvent
    from formplatform.exports.models import ExportChunk, ExportJob
    from formplatform.models import Submission
    from formplatform.reporting.models import Report, ReportRevision, ReportStep
    from formplatform.satisfaction.models import Dossier, Rating
    from kiosk.models import KioskDevice

    found = {"ratings": Rating, "dossiers": Dossier, "submissions": Submission, "audit_events": AuditEvent}
    found.update(reports=Report, report_revisions=ReportRevision, report_steps=ReportStep, users=User)
    found.update(api_tokens=ApiToken, export_jobs=ExportJob, export_chunks=ExportChunk, kiosk_devices=KioskDevice)
    return found


MODELS = _models()


def seed(stage: int, server: Server, ref: Any, ids: dict[str, Any], sizes: dict[str, int], args: Any) -> Any:
    """Store one stage's growth in bulk (run.py stopped); returns what went in and how fast."""
    began = time.perf_counter()
    store = MongoStore(server.db_uri) if server.mongo_uri else SqliteStore(server.data_dir / "formplatform.db")
    loader = Loader(ref, store, args.workers)
    rnd = random.Random(10**9 + stage)  # seeds of the monthly tasks are below 10**6
    first = ref.now.date() - timedelta(days=365 * sizes["years"])
    tasks = month_tasks(stage, first, ref.now.date(), sizes["ratings"], sizes["submissions"])
    per_path = args.requests + args.rounds * (args.warmups + 1) + 2  # a dossier for every rating, warm-ups too
    intake, codes = intake_dossiers(ref, ids["wards"], 2 * per_path + 4, stage)
    parts = [reports(ref, first, rnd), staff(ref, sizes["users"], first, rnd, start=stage * 10_000)]
    parts += [exports(ref, sizes["exports"], rnd), intake]
    if stage == 0:
        parts.append(onestop_token(ref, ref.now.date() - timedelta(days=3660)))
        parts.append(checked_month(ref, tasks[-1]))  # only to check shapes and roll-ups against the platform
        for name, docs in (item for part in parts for item in part.items()):
            check_shapes(MODELS[name], docs)
        parts.pop()
    for part in parts:
        loader.put(part)
    loader.months(tasks)
    loader.rollups()
    loader.close()
    seconds = time.perf_counter() - began
    stored = sum(n for name, n in loader.counts.items() if name != "roll-ups touched")
    figures: dict[str, Any] = {"seconds": round(seconds, 1), "documents": stored}
    figures["docs_per_second"] = round(stored / seconds)
    figures.update(counts=dict(loader.counts), phases={k: round(v, 1) for k, v in loader.seconds.items()})
    return figures, codes, loader.last_ids


def verify(server: Server, last_ids: dict[str, str]) -> None:
    """Seeded documents read back through the driver and the platform's classes after the restart."""
    import pymongo

    from formplatform.db import database_name

    dates = {"ratings": "created_at", "dossiers": "received_at", "submissions": "submitted_at", "audit_events": "at"}
    client: Any
    with pymongo.MongoClient(server.db_uri, serverSelectionTimeoutMS=10000) as client:
        db = client[database_name(server.db_uri)]
        for name, field in dates.items():
            doc = db[name].find_one({"_id": last_ids[name]})
            if doc is None or type(doc[field]).__name__ != "datetime":
                raise SystemExit(f"seeded {name} {last_ids[name]} did not read back with a datetime {field}: {doc}")
            MODELS[name]._from_son(doc).validate()


def time_paths(server: Server, ids: dict[str, Any], codes: list[str], args: Any, small: Any) -> dict[str, Any]:
    """Every path, set up group by group, then timed in `args.rounds` rounds over all paths: a passing
    disturbance of the machine then slows one round of every path rather than every request of one.
    At the large size a request may take at most LIMIT_FACTOR × its small p50 (within MIN_LIMIT..MAX_LIMIT
    s): beyond that the 1.5× bar has clearly failed, the path is reported as timed out and run.py is
    restarted, so the query it abandoned does not slow the next paths down."""
    half = len(codes) // 2
    ctx = Context(
        base=server.url,
        secret=server.secret,
        admin_password=ADMIN_PASSWORD,
        qr_codes=codes[:half],
        kiosk_codes=codes[half:],
        kiosk_agency=ids["kiosk_agency"],
        district=ids["kiosk_agency"],
        campaign=ids["campaign"],
        report=ids["report"],
        depths=reached_depths(small),
    )
    LIMIT["seconds"] = MAX_LIMIT
    people = People(ctx)
    results: dict[str, Any] = {}
    paths: list[tuple[str, Any]] = []
    for group, build in path_groups(ctx, random.Random(7)):
        LIMIT["seconds"] = limit_for([f for f in (small or {}).values() if f.get("group") == group])
        try:
            paths += [(group, path) for path in build(people)]
        except Exception as error:  # noqa: BLE001 - a path that cannot be set up is a result, not the end
            failed = {"n": 0, "group": group, "error": f"set-up: {type(error).__name__}: {error}"[:300]}
            if isinstance(error, requests.Timeout):  # e.g. a list's first page, read to find its depth
                failed.update(error=f"set-up: a request took over {LIMIT['seconds']:.0f} s")
                failed["timed_out_ms"] = round(LIMIT["seconds"] * 1000)
                server.stop()
                server.start()
            for name in [n for n, f in (small or {}).items() if f.get("group") == group] or [f"{group} (set-up)"]:
                results[name] = failed
                print(f"    {name:<46} {failed['error']}", flush=True)
    timings: dict[str, Timing] = {path.name: Timing(path.name, note=path.note) for _, path in paths}
    for round_ in range(args.rounds):
        share = args.requests // args.rounds + (round_ < args.requests % args.rounds)
        for _, path in paths:
            timing = timings[path.name]
            if timing.over:
                continue
            limit = limit_for([(small or {}).get(path.name, {})])
            timing.add(measure(path, share, args.warmups, args.path_budget / args.rounds, limit, timing.calls))
            if timing.timed_out:
                server.stop()
                server.start()
        print(f"    round {round_ + 1} of {args.rounds} timed", flush=True)
    for group, path in paths:
        results[path.name] = line = {**timings[path.name].figures(), "group": group}
        shown = f"p50 {line['p50_ms']:>8} ms  p95 {line['p95_ms']:>8} ms  n={line['n']}" if line["n"] else ""
        print(f"    {path.name:<46} {shown} {line.get('error', '')}", flush=True)
    return results


def reached_depths(small: dict[str, Any] | None) -> dict[str, int]:
    """How deep each list's deep page was at the small size: the large size times the same depth."""
    notes = {name: str(f.get("note", "")) for name, f in (small or {}).items() if name.endswith(": deep page")}
    return {name: int(note[5:]) for name, note in notes.items() if note.startswith("page ") and note[5:].isdigit()}


def limit_for(small: list[dict[str, Any]]) -> float:
    """How long a request may take: MAX_LIMIT at the small size, else LIMIT_FACTOR × the small p50."""
    if not small or any(not f.get("n") for f in small):
        return MAX_LIMIT
    return min(max(LIMIT_FACTOR * max(f["p50_ms"] for f in small) / 1000, MIN_LIMIT), MAX_LIMIT)


def cell(figures: dict[str, Any]) -> str:
    if figures.get("n"):
        return f"{figures['p50_ms']:>9.1f} / {figures['p95_ms']:>8.1f}"
    if figures.get("timed_out_ms"):
        return f"> {figures['timed_out_ms']:,} (stopped)"
    return "error"


def ratio_of(small: dict[str, Any], large: dict[str, Any]) -> tuple[float | None, bool]:
    """Large p50 / small p50, and whether it is only a lower bound (the large request was stopped)."""
    if not small.get("n") or not small["p50_ms"]:
        return None, False
    if large.get("n"):
        return round(large["p50_ms"] / small["p50_ms"], 2), False
    if large.get("timed_out_ms"):
        return round(large["timed_out_ms"] / small["p50_ms"], 2), True
    return None, False


def beside_the_machine(ratios: dict[str, Any], controls: dict[str, Any]) -> dict[str, Any]:
    """Each path's ratio divided by the controls' (their geometric mean: how much the machine itself drifted
    between the phases), shown beside the plain verdict, never instead of it."""
    found = [float(r) for r in controls.values() if isinstance(r, int | float) and r > 0]
    if not found:
        return {}
    drift = round(math.prod(found) ** (1 / len(found)), 2)
    plain = {n: float(str(r).lstrip(">")) for n, r in ratios.items() if r is not None and n not in CONTROL}
    adjusted = {n: round(r / drift, 2) for n, r in plain.items()}
    over = [n for n, r in adjusted.items() if r > 1.5]
    print(f"machine drift (the controls' geometric mean): {drift}; over 1.5× beside it: {over or 'none'}")
    return {"machine_drift": drift, "over_1_5_beside_machine": over, "highest_beside_machine": max(adjusted.values())}


def report(results: dict[str, Any]) -> dict[str, Any]:
    """The table of both sizes, ratios flagged over 1.5; returns {path: ratio or ">ratio" or None}."""
    small, large = results["small"]["paths"], results["large"]["paths"]
    ratios: dict[str, Any] = {}
    print(f"\n{'path':<46}{'small p50 / p95 ms':>22}{'large p50 / p95 ms':>22}{'ratio':>9}")
    for name in dict.fromkeys([*small, *large]):
        a, b = small.get(name, {}), large.get(name, {})
        ratio, bound = ratio_of(a, b)
        ratios[name] = f">{ratio}" if bound else ratio
        shown = "—" if ratio is None else f"{'>' if bound else ''}{ratio}"
        flag = "  > 1.5" if ratio is not None and ratio > 1.5 else ""
        print(f"{name:<46}{cell(a):>22}{cell(b):>22}{shown:>9}{flag}")
        for size, figures in (("small", a), ("large", b)):
            if figures.get("error"):
                print(f"    {size}: {figures['error']}")
    return ratios


def intake_ratios(paths: dict[str, Any]) -> dict[str, Any]:
    """Rating intake p50 / plain submission p50 (">x" when the rating was stopped at its limit)."""
    plain = paths.get("plain submission (API)", {})
    out: dict[str, Any] = {}
    for name in ("rating QR: send rating", "rating kiosk: send rating"):
        ratio, bound = ratio_of(plain, paths.get(name, {}))
        out[name] = f">{ratio}" if bound else ratio
    return out


def sizes_from(args: Any) -> list[dict[str, int]]:
    return [{k: getattr(args, f"{size}_{k}") for k in SIZES} for size in ("small", "large")]


def parse(argv: list[str] | None) -> Any:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for key, (small, large, _, _) in SIZES.items():
        parser.add_argument(f"--small-{key}", type=int, default=None, help=f"default {small}")
        parser.add_argument(f"--large-{key}", type=int, default=None, help=f"default {large}")
    parser.add_argument("--quick", action="store_true", help="2 k → 20 k ratings, 8 requests per path")
    parser.add_argument("--requests", type=int, default=None, help="timed requests per path (default 20)")
    parser.add_argument("--warmups", type=int, default=2, help="untimed calls per path and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every path (default 3)")
    parser.add_argument("--path-budget", type=float, default=3.0, help="timed seconds per path before stopping early")
    parser.add_argument("--workers", type=int, default=2, help="generating processes (default 2)")
    parser.add_argument("--startup-timeout", type=float, default=300.0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary DATA_DIR (printed)")
    args = parser.parse_args(argv)
    for key, (small, large, quick_small, quick_large) in SIZES.items():
        for size, default, quick in (("small", small, quick_small), ("large", large, quick_large)):
            if getattr(args, f"{size}_{key}") is None:
                setattr(args, f"{size}_{key}", quick if args.quick else default)
    args.requests = args.requests or (8 if args.quick else 20)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    began = time.perf_counter()
    small, large = sizes_from(args)
    if any(large[k] < small[k] for k in ("ratings", "submissions", "years")):
        raise SystemExit("the large size must not be smaller than the small one")
    mongo_uri = os.environ.get("MONGODB_URI")
    if mongo_uri:
        check_empty(mongo_uri)
    tmp = Path(tempfile.mkdtemp(prefix="fp-growth-"))
    server = Server(tmp / "instance", mongo_uri, args.startup_timeout)
    results: dict[str, Any] = {"engine": "mongodb" if mongo_uri else "nx-27017 (embedded)", "cpus": os.cpu_count()}
    try:
        with server.running(demo=True):
            ref, ids = prepare(server)
        print(f"demo city ready on {results['engine']} ({time.perf_counter() - began:.0f} s); data in {tmp}")
        for stage, (label, sizes) in enumerate((("small", small), ("large", large))):
            growth = {k: sizes[k] - (small[k] if stage and k != "years" else 0) for k in sizes}  # years: the span
            seeding, codes, last_ids = seed(stage, server, ref, ids, growth, args)
            flushing = time.perf_counter()
            os.sync()  # the seeding's writes reach the disk now, not while the paths are timed
            seeding["sync_seconds"] = round(time.perf_counter() - flushing, 1)
            print(f"{label}: seeded {seeding['documents']:,} documents in {seeding['seconds']} s "
                  f"({seeding['docs_per_second']:,}/s): {seeding['counts']}")  # fmt: skip
            with server.running():
                verify(server, last_ids)
                print(f"{label}: timing every path ({sizes['ratings']:,} ratings, {sizes['years']} years)", flush=True)
                paths = time_paths(server, ids, codes, args, results.get("small", {}).get("paths"))
            results[label] = {"sizes": sizes, "seeding": seeding, "paths": paths, "intake_ratio": intake_ratios(paths)}
        ratios = report(results)
        results["p50_ratio"] = ratios
        results["over_1_5"] = [
            n for n, r in ratios.items() if r is not None and float(str(r).lstrip(">")) > 1.5 and n not in CONTROL
        ]
        results["control_ratio"] = {name: ratios.get(name) for name in CONTROL}
        print(f"control paths (the machine's own speed, large / small): {results['control_ratio']}")
        results.update(beside_the_machine(ratios, results["control_ratio"]))
        results["run_py_start_seconds"] = server.start_seconds
        for label in ("small", "large"):
            print(f"rating intake p50 / plain submission p50 ({label}): {results[label]['intake_ratio']}")
    finally:
        if mongo_uri:
            drop(mongo_uri)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    results["total_seconds"] = round(time.perf_counter() - began, 1)
    print(f"{len(results['over_1_5'])} paths over 1.5×; total {results['total_seconds']} s")
    if "over_1_5_beside_machine" in results:
        print(f"{len(results['over_1_5_beside_machine'])} paths over 1.5× once the machine's own drift is taken out")
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
