"""Public satisfaction results at 100,000 and at 1,000,000 ratings (DESIGN §6: rankings ≤ 1 s at 1,000,000).

    python bench/rankings.py [--ratings 1000000] [--first 100000] [--requests 20]

Runs the app in-process on a temporary embedded nx-27017 database, seeds the questionnaire (v1 until
30 June 2025, v2 after) and 60 agencies (25 Sở-ngành, 22 quận-huyện, 13 phường), then loads ratings in
bulk — `insert_many` of raw Rating documents, never through HTTP — spread over the 3 years up to today,
month by month, and counts them in the roll-ups with the same `rating_increments` + `merge_increments`
+ `write_increments` live intake uses (merged per quarter: one upsert per roll-up and quarter).
First `--first` ratings spread over the 3 years, then the rest over the same 3 years (the same months,
ten times busier), so both measurements see the full history. After each stage it times, through the
Flask test client, the public ranking page (latest month, latest year, default) and an agency's detail
page (a district, with its wards), and checks that the rankings add up to every rating loaded.
Prints readable lines and, last, one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import calendar
import json
import math
import queue
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

YEARS = 3
CHUNK = 2000  # ratings per insert_many and per merge of their increments
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ")
GIVEN = ("Văn An", "Thị Bình", "Minh Châu", "Thu Hà", "Quốc Huy", "Ngọc Lan", "Đức Minh", "Thanh Tâm", "Hải Yến")
PROCEDURES = [
    (f"1.00{1000 + n}", {"vi": f"Thủ tục hành chính số {n}", "en": f"Administrative procedure no. {n}"})
    for n in range(1, 25)
]


def agency_specs() -> list[tuple[str, str | None, str, str, str]]:
    """(code, parent code, type, vi, en) of 24 departments (Sở Nội vụ is seeded), 22 districts, 13 wards."""
    specs: list[tuple[str, str | None, str, str, str]] = []
    for n in range(10, 34):
        specs.append((f"000.00.{n:02d}.H29", "000.00.00.H29", "department", f"Sở số {n}", f"Department no. {n}"))
    for n in range(40, 62):
        specs.append((f"000.00.{n:02d}.H29", "000.00.00.H29", "district", f"UBND Quận {n}", f"District {n}"))
    for n in range(13):
        district = 40 + n % 4  # wards under the first four districts
        specs.append(
            (
                f"000.{n + 10:02d}.{district:02d}.H29",
                f"000.00.{district:02d}.H29",
                "ward",
                f"Phường {n + 1}",
                f"Ward {n + 1}",
            )
        )
    return specs


class Profile:
    """How one agency's ratings look: its volume, its skill (trending over time), officials, procedures."""

    def __init__(self, agency: Any, index: int, rnd: random.Random) -> None:
        self.agency = agency
        self.lineage = [*agency.ancestors, agency.id]
        self.weight = 0.3 + 2.7 * rnd.random()
        self.skill = 0.45 + 0.5 * rnd.random()
        self.trend = rnd.uniform(-0.1, 0.1)
        self.receivers = [(f"tn{index}-{k}", self._name(rnd)) for k in range(rnd.randint(2, 5))]
        self.processors = [(f"xl{index}-{k}", self._name(rnd)) for k in range(rnd.randint(2, 5))]
        self.procedures = rnd.sample(PROCEDURES, rnd.randint(6, 15))

    @staticmethod
    def _name(rnd: random.Random) -> str:
        return f"{rnd.choice(FAMILY)} {rnd.choice(GIVEN)}"


class Questionnaire:
    """What a rating of a given day stores about its questionnaire version: number, hash, criteria, bands."""

    def __init__(self) -> None:
        from formplatform.satisfaction.questionnaire import bands, criteria, version_in_force

        self.versions = {}
        for day in (date(2025, 6, 30), date(2025, 7, 1)):
            version = version_in_force(day)
            self.versions[day] = (version, [(c["name"], c["slug"]) for c in criteria(version.definition)])
            self.bands = bands(version.definition)

    def on(self, day: date) -> tuple[Any, list[tuple[str, str]]]:
        return self.versions[date(2025, 6, 30) if day < date(2025, 7, 1) else date(2025, 7, 1)]


def make_rating(profile: Profile, when: datetime, code: str, quest: Questionnaire, rnd: random.Random) -> dict:
    """One plausible rating: each criterion at 2 with the agency's current skill, overall following the points."""
    version, fields = quest.on(when.date())
    months = (when.year - 2024) * 12 + when.month
    skill = min(max(profile.skill + profile.trend * months / 36, 0.2), 0.98)
    data = {name: "2" if rnd.random() < skill else rnd.choice(("1", "1", "0")) for name, _ in fields}
    total = sum(int(v) for v in data.values())
    mood = total + rnd.gauss(0, 2)
    data["overall"] = "very_satisfied" if mood >= 16 else "satisfied" if mood >= 10 else "not_satisfied"
    band = next((b["key"] for b in quest.bands if total >= float(b["min"])), "")
    receiver = rnd.choice(profile.receivers)
    processor = rnd.choice(profile.processors)
    procedure, procedure_name = rnd.choice(profile.procedures)
    return {
        "_id": f"{code}|dossier",
        "dossier_code": code,
        "stage": "dossier",
        "agency_id": profile.agency.id,
        "lineage": profile.lineage,
        "procedure_code": procedure,
        "officials": {"receive": receiver[0], "process": processor[0], "return": receiver[0]},
        "names": {"receive": receiver[1], "process": processor[1], "return": receiver[1], "procedure": procedure_name},
        "form_key": version.form_key,
        "version": version.number,
        "version_hash": version.hash,
        "data": data,
        "points": {slug: int(data[name]) for name, slug in fields},
        "total": float(total),
        "max": 18.0,
        "overall": data["overall"],
        "band": band,
        "channel": rnd.choice(("kiosk", "kiosk", "qr", "web")),
        "locale": "vi" if rnd.random() < 0.9 else "en",
        "status": "counted",
        "flags": [],
        "rolled_up": True,
        "created_at": when,
    }


class Loader:
    """Generates ratings month by month; a writer thread stores them while the next chunk is generated."""

    def __init__(self, profiles: list[Profile], quest: Questionnaire, types: dict[str, str], end: date) -> None:
        self.profiles = profiles
        self.weights = [p.weight for p in profiles]
        self.quest = quest
        self.types = types
        self.end = end
        self.start = date(end.year - YEARS, end.month, end.day) + timedelta(days=1)
        self.sequences: dict[tuple[str, date], int] = defaultdict(int)
        self.rnd = random.Random(2026)
        self.loaded = 0
        self.insert_seconds = 0.0
        self.rollup_seconds = 0.0
        self.rollups_written = 0

    def months(self) -> list[tuple[date, date]]:
        spans, day = [], self.start
        while day <= self.end:
            last = min(date(day.year, day.month, calendar.monthrange(day.year, day.month)[1]), self.end)
            spans.append((day, last))
            day = last + timedelta(days=1)
        return spans

    def load(self, count: int) -> float:
        """Add `count` ratings spread over the whole span; returns the seconds it took."""
        began = time.perf_counter()
        self.failure = None
        spans = self.months()
        days = (self.end - self.start).days + 1
        work: queue.Queue = queue.Queue(maxsize=4)
        writer = threading.Thread(target=self._write, args=(work,), daemon=True)
        writer.start()
        planned, pending, quarter = 0, [], None
        for number, (first, last) in enumerate(spans, 1):
            share = round(count * ((last - first).days + 1) / days) if number < len(spans) else count - planned
            planned += share
            if quarter not in (None, (first.year, (first.month - 1) // 3)):
                work.put(("rollups", pending))  # a quarter's ratings are stored: count them
                pending = []
            quarter = (first.year, (first.month - 1) // 3)
            pending = self._month(first, last, share, work, pending)
        work.put(("rollups", pending))
        work.put(None)
        writer.join()
        if self.failure:
            raise self.failure
        return time.perf_counter() - began

    failure: BaseException | None = None

    def _month(self, first: date, last: date, count: int, work: queue.Queue, pending: list[Any]) -> list[Any]:
        """Queue a month's ratings for insertion; return their increments merged into `pending`."""
        from formplatform.satisfaction.rollups import merge_increments, rating_increments

        span = (last - first).days + 1
        while count > 0:
            size = min(CHUNK, count)
            count -= size
            chunk = [self._rating(first + timedelta(days=self.rnd.randrange(span))) for _ in range(size)]
            increments = [inc for rating in chunk for inc in rating_increments(rating, self.types)]
            pending = merge_increments(pending + increments)
            work.put(("ratings", chunk))
        return pending

    def _rating(self, day: date) -> dict:
        profile = self.rnd.choices(self.profiles, self.weights)[0]
        received = day - timedelta(days=self.rnd.randint(1, 12))
        self.sequences[(profile.agency.id, received)] += 1
        code = f"{profile.agency.code}-{received:%y%m%d}-{self.sequences[(profile.agency.id, received)]:04d}"
        when = datetime.combine(day, datetime.min.time()) + timedelta(minutes=60 + self.rnd.randrange(540))
        return make_rating(profile, when, code, self.quest, self.rnd)

    def _write(self, work: queue.Queue) -> None:
        from formplatform.satisfaction.models import Rating
        from formplatform.satisfaction.rollups import write_increments

        collection = Rating._get_collection()
        try:
            while (item := work.get()) is not None:
                kind, payload = item
                began = time.perf_counter()
                if kind == "ratings":
                    collection.insert_many(payload, ordered=False)
                    self.loaded += len(payload)
                    self.insert_seconds += time.perf_counter() - began
                else:  # roll-ups of ratings already stored, as live intake counts a rating after its insert
                    write_increments(payload)
                    self.rollups_written += len(payload)
                    self.rollup_seconds += time.perf_counter() - began
        except BaseException as error:  # reported by load(); keep draining so the producer never blocks
            self.failure = error
            while work.get() is not None:
                pass


def timed(client: Any, path: str, count: int, expect: str) -> dict[str, float]:
    for _ in range(3):  # warm up: the first reads after a bulk load find SQLite's and the OS's caches cold
        client.get(path)
    samples = []
    for _ in range(count):
        began = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        assert expect in response.get_data(as_text=True), (path, expect)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(math.ceil(len(samples) * 0.95) - 1, 0)], 1),
        "max_ms": round(samples[-1], 1),
    }


def measure(app: Any, loader: Loader, district: Any, requests: int) -> dict[str, Any]:
    """Time the public pages and check that every rating loaded is in the year rankings."""
    from formplatform.satisfaction.periods import period_keys
    from formplatform.satisfaction.results import ranking

    month, year = period_keys(loader.end)["month"], period_keys(loader.end)["year"]
    with app.test_request_context():
        years = sorted({str(y) for y in range(loader.start.year, loader.end.year + 1)})
        counted = sum(e["n"] for y in years for kind in ("department", "district") for e in ranking(y, kind))
    assert counted == loader.loaded, (counted, loader.loaded)
    client = app.test_client()
    name = district.name["vi"]
    return {
        "ranking_month": timed(client, f"/satisfaction?period={month}", requests, name),
        "ranking_year": timed(client, f"/satisfaction?period={year}", requests, name),
        "ranking_default": timed(client, "/satisfaction", requests, name),
        "agency_month": timed(client, f"/satisfaction/agencies/{district.id}?period={month}", requests, name),
        "agency_year": timed(client, f"/satisfaction/agencies/{district.id}?period={year}", requests, name),
    }


def setup(app: Any) -> tuple[list[Profile], dict[str, str], Any]:
    from formplatform.agencies.models import Agency
    from formplatform.services.seed import ensure_agency, ensure_core_agencies, seed_library

    ensure_core_agencies()
    seed_library()
    for spec in agency_specs():
        ensure_agency(*spec)
    rated = list(Agency.objects(type__in=["department", "district", "ward"]).order_by("code"))
    rnd = random.Random(60)
    profiles = [Profile(agency, index, rnd) for index, agency in enumerate(rated)]
    types = {a.id: a.type for a in Agency.objects.only("id", "type")}
    district = Agency.objects(code="000.00.40.H29").first()
    return profiles, types, district


def report(label: str, loader: Loader, seconds: float, added: int, pages: dict[str, Any]) -> None:
    print(
        f"{label}: {loader.loaded:,} ratings — this stage {added:,} in {seconds:.0f} s "
        f"({added / seconds:,.0f} ratings/s; so far insert {loader.insert_seconds:.0f} s, "
        f"roll-ups {loader.rollup_seconds:.0f} s for {loader.rollups_written:,} upserts)"
    )
    for page, figures in pages.items():
        print(
            f"  {page:<16} p50 {figures['p50_ms']:>6} ms  p95 {figures['p95_ms']:>6} ms  max {figures['max_ms']:>6} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--first", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    from formplatform import create_app
    from formplatform.embedded import EmbeddedMongo
    from formplatform.models import utcnow
    from formplatform.satisfaction.models import Rollup
    from formplatform.satisfaction.periods import local_date

    with tempfile.TemporaryDirectory(prefix="fp-bench-") as data_dir, EmbeddedMongo(Path(data_dir)) as server:
        app = create_app({"MONGODB_URI": server.uri, "SECRET_KEY": "bench-secret-key-0123456789", "ENV": "testing"})
        with app.app_context():
            profiles, types, district = setup(app)
            loader = Loader(profiles, Questionnaire(), types, local_date(utcnow()))
            print(f"{len(profiles)} agencies rated, {loader.start} to {loader.end}")
            stages = {}
            for label, target in (("first", args.first), ("all", args.ratings)):
                added = target - loader.loaded
                seconds = loader.load(added)
                pages = measure(app, loader, district, args.requests)
                stages[label] = {
                    "ratings": loader.loaded,
                    "load_seconds": round(seconds, 1),
                    "ratings_per_second": round(added / seconds),
                    "rollups": Rollup.objects.count(),
                    "pages": pages,
                }
                report(label, loader, seconds, added, pages)
    ratio = {
        page: round(stages["all"]["pages"][page]["p50_ms"] / stages["first"]["pages"][page]["p50_ms"], 2)
        for page in stages["all"]["pages"]
    }
    print(f"ratio of p50 times, {args.ratings:,} / {args.first:,} ratings: {ratio}")
    print(json.dumps({"agencies": len(profiles), "years": YEARS, **stages, "p50_ratio": ratio}))


if __name__ == "__main__":
    main()
