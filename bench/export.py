"""XLSX export of 100,000 submissions of a 50-field form across 3 versions (issue 7: under 60 s, under 300 MB).

    python bench/export.py [--submissions 100000] [--format xlsx|csv]

Starts a temporary embedded nx-27017 database, publishes nothing through the app: it bulk-inserts raw
submission documents (`insert_many`, never HTTP) of a 50-field form whose version 2 renames a field under
the same concept and whose version 3 removes a field and adds a choice option, a third of the
submissions on each version. Then a child process exports them the way the platform's export does
(`renderers.export_plan` columns merged by concept, `renderers.export_files` streaming writer, rows read
by `formplatform.exports.sources.ordered_documents`, a window of documents per query), so the child's peak
resident memory (`ru_maxrss`) is the export's own. The database server's peak during the export is read
from /proc (its peak is reset after loading: Linux `clear_refs`). Prints readable lines and, last, one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KEY = "bench-export"
CHUNK = 2000
OPTIONS = [{"value": f"o{n}", "label": {"vi": f"Lựa chọn {n}", "en": f"Option {n}"}} for n in range(1, 5)]


def t(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def field(number: int) -> dict[str, Any]:
    """Field n of version 1: integers, decimals, texts, choices and dates in turn."""
    kind = ("integer", "decimal", "text", "choice", "date")[number % 5]
    spec: dict[str, Any] = {
        "type": kind,
        "name": f"f{number}",
        "concept": f"bench.f{number}",
        "label": t(f"Chỉ tiêu số {number}", f"Indicator no. {number}"),
    }
    if kind == "choice":
        spec["options"] = OPTIONS
    return spec


def versions() -> dict[int, dict[str, Any]]:
    first = [field(n) for n in range(50)]
    second = [dict(f) for f in first]
    second[2] = {**second[2], "name": "f2_renamed", "label": t("Chỉ tiêu đổi tên", "Renamed indicator")}
    third = [dict(f) for f in second if f["name"] != "f4"]
    third.append({**field(50), "type": "text", "label": t("Chỉ tiêu mới", "New indicator")})
    third[3] = {**third[3], "options": [*OPTIONS, {"value": "o5", "label": t("Lựa chọn mới", "New option")}]}
    return {
        n: {"title": t("Báo cáo 50 chỉ tiêu", "50-indicator report"), "fields": fs}
        for n, fs in enumerate([first, second, third], 1)
    }


def answer(spec: dict[str, Any], rnd: random.Random) -> Any:
    kind = spec["type"]
    if kind == "integer":
        return rnd.randint(0, 100_000)
    if kind == "decimal":
        return round(rnd.uniform(0, 1000), 2)
    if kind == "choice":
        return rnd.choice(spec["options"])["value"]
    if kind == "date":
        return (datetime(2024, 1, 1) + timedelta(days=rnd.randint(0, 1000))).date().isoformat()
    return f"Ghi chú số {rnd.randint(1, 10_000)} về tình hình thực hiện"


def load(uri: str, count: int) -> float:
    """Insert `count` submissions, a third per version; returns seconds."""
    import pymongo

    collection = pymongo.MongoClient(uri).get_default_database()["submissions"]
    defs = versions()
    rnd = random.Random(7)
    started = time.perf_counter()
    batch: list[dict[str, Any]] = []
    for index in range(count):
        number = 1 + index * 3 // count
        data = {spec["name"]: answer(spec, rnd) for spec in defs[number]["fields"]}
        batch.append(
            {
                "_id": f"s{index:07d}",
                "form_key": KEY,
                "version": number,
                "version_hash": f"h{number}",
                "data": data,
                "agency_id": "000.00.01.H29",
                "submitted_at": datetime(2026, 1, 1) + timedelta(minutes=index),
            }
        )
        if len(batch) == CHUNK:
            collection.insert_many(batch, ordered=False)
            batch = []
    if batch:
        collection.insert_many(batch, ordered=False)
    return time.perf_counter() - started


def export(uri: str, fmt: str, target: str) -> None:
    """The child: stream every submission into the file, then print its figures as JSON."""
    import mongoengine

    from formplatform.exports.sources import SOURCES, ordered_documents
    from renderers.export_files import CsvStream, XlsxStream, work_folder
    from renderers.export_plan import ExportPlan, Record, Wording

    wording = Wording(label=lambda text: text.get("vi", "") if isinstance(text, dict) else str(text), word=str)
    started = time.perf_counter()
    plan = ExportPlan(versions(), ["Submitted at"], wording)
    mongoengine.connect(host=uri)
    rows = 0
    with work_folder() as folder:
        names = [f"{table.key}.csv" for table in plan.tables]
        stream = XlsxStream(plan.tables, Path(folder)) if fmt == "xlsx" else CsvStream(plan.tables, Path(folder), names)
        for doc in ordered_documents(SOURCES["submissions"], {"form_key": KEY}):
            record = Record(doc["_id"], doc["version"], doc["data"], [doc["submitted_at"].isoformat(" ", "minutes")])
            for table, row in plan.rows(record):
                stream.add(table, row)
            rows += 1
        stream.close(Path(target))
    own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": round(time.perf_counter() - started, 2), "own_mb": round(own_mb)}))


def server_peak_mb(pid: int | None) -> float:
    """The database server's peak resident memory (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--child", nargs=3, metavar=("URI", "FORMAT", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        export(*args.child)
        return 0
    from formplatform.embedded import EmbeddedMongo

    with tempfile.TemporaryDirectory(prefix="fp-bench-export-") as folder, EmbeddedMongo(Path(folder) / "db") as db:
        seconds = load(db.uri, args.submissions)
        print(f"loaded {args.submissions:,} submissions (50 fields, 3 versions) in {seconds:.1f} s")
        target = Path(folder) / f"export.{args.format}"
        Path(f"/proc/{db.pid}/clear_refs").write_text("5")  # the server's peak from here on: the export's
        child = subprocess.run(
            [sys.executable, __file__, "--child", db.uri, args.format, str(target)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        peak_mb = figures["own_mb"]  # the child's own peak (RUSAGE_CHILDREN would also count the database server)
        server_mb = server_peak_mb(db.pid)
        size_mb = target.stat().st_size / 1e6
    took = f"{figures['seconds']:.1f} s, peak memory {peak_mb:.0f} MB (database server {server_mb:.0f} MB)"
    took += f", file {size_mb:.1f} MB"
    print(f"{args.format} export of {figures['rows']:,} submissions: {took}")
    print(
        json.dumps(
            {
                "submissions": args.submissions,
                "fields": 50,
                "versions": 3,
                "format": args.format,
                "load_s": round(seconds, 1),
                "export_s": figures["seconds"],
                "peak_mb": round(peak_mb),
                "server_peak_mb": round(server_mb),
                "file_mb": round(size_mb, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
