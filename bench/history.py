"""Reporting and dashboards with 1 year and with 10 years of reports (DESIGN §6: p50 ratio ≤ 1.5, ≤ 1 s).

    python bench/history.py [--agencies 60] [--requests 15] [--years 10]

Runs the app in-process on two temporary embedded nx-27017 databases (or two databases of MONGODB_URI),
seeds the library forms and the test city plus wards, two monthly campaigns (the reform report and the
KPI sheet) for every agency and a reviewer's notifications: the last 12 periods' reports (most accepted,
the current ones open). The second database is a copy that then gets the older years — the same
campaigns and agencies, further back. Every everyday page and API of reporting and dashboards is then
requested through the Flask test client on each database in turn (so both share the machine's load),
timed, and once counted: the commands and documents it sends and receives (pymongo command monitoring)
and the reads nx-27017 would not serve from an index (tests/querycount.py).
Prints readable lines and, last, one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOTICES_PER_YEAR = 300
CHUNK = 2000


def paths(campaign_id: str) -> dict[str, tuple[str, str]]:
    """name -> (username, path): the everyday reads of reporting and dashboards."""
    return {
        "api_aggregates_compliance": ("xem_tp", "/api/v1/aggregates/compliance"),
        "api_aggregates_kpi": ("xem_tp", "/api/v1/aggregates/kpi"),
        "dashboard_compliance": ("xem_tp", "/dashboards/compliance"),
        "dashboard_kpi": ("xem_tp", "/dashboards/kpi"),
        "api_campaign_compliance": ("thamdinh", f"/api/v1/campaigns/{campaign_id}/compliance"),
        "campaign_compliance_page": ("thamdinh", f"/admin/campaigns/{campaign_id}"),
        "campaigns_page": ("thamdinh", "/admin/campaigns"),
        "api_campaigns": ("thamdinh", "/api/v1/campaigns"),
        "todo_page": ("cv_q1", "/reports"),
        "reports_page": ("thamdinh", "/reports/all"),
        "api_reports": ("thamdinh", "/api/v1/reports"),
        "notifications_page": ("thamdinh", "/notifications"),
        "api_notifications": ("thamdinh", "/api/v1/notifications"),
    }


def add_wards(city: Any, count: int) -> list[str]:
    from formplatform.services.seed import ensure_agency

    ids = []
    for n in range(count):
        district = ("000.00.31.H29", "000.00.33.H29")[n % 2]
        code = f"000.{50 + n:02d}.{district[7:9]}.H29"
        ids.append(ensure_agency(code, district, "ward", f"Phường {n + 1}", f"Ward {n + 1}").id)
    return ids


def campaign(form_key: str, version: int, agency_ids: list[str], owner: str, years: int, now: datetime) -> Any:
    from formplatform.reporting.models import Campaign
    from formplatform.reporting.periods import period_containing, vietnam_today

    current = period_containing(vietnam_today(now), "month")
    found = Campaign(
        name={"vi": f"Báo cáo {form_key}", "en": f"Report {form_key}"},
        form_key=form_key,
        version=version,
        period_type="month",
        deadline={"type": "day_of_month", "day": 25},
        agency_ids=agency_ids,
        owner_agency_id=owner,
        starts_on=datetime(now.year - years, now.month, 1),
        opened_through=current.key,  # every period up to today is open: no lazy opening while timing
    )
    found.save()
    return found


def periods(now: datetime, first: int, last: int) -> list[Any]:
    """Monthly periods `first`..`last` months back from the current one (0 = current), newest first."""
    from formplatform.reporting.periods import period_containing, previous_period, vietnam_today

    period = period_containing(vietnam_today(now), "month")
    found = []
    for back in range(last + 1):
        if back >= first:
            found.append(period)
        period = previous_period(period)
    return found


def insert_reports(found: Any, agency_ids: list[str], chosen: list[Any], data: dict[str, Any], now: datetime) -> int:
    """Raw insert_many of the reports of the chosen periods: old ones accepted, the last two open."""
    from formplatform.models import Form
    from formplatform.reporting.models import Report
    from formplatform.reporting.opening import midnight
    from formplatform.reporting.periods import deadline_for, deadline_moment

    version_hash = Form.objects(id=found.form_key).first().version_hashes[str(found.version)]
    batch: list[dict[str, Any]] = []
    total = 0
    for period in chosen:
        deadline = deadline_moment(deadline_for(period, dict(found.deadline)))
        recent = deadline > now - timedelta(days=40)
        for n, agency_id in enumerate(agency_ids):
            state = ("not_started", "draft", "in_approval", "submitted")[n % 4] if recent else "accepted"
            received = state in ("submitted", "accepted")
            report = Report(
                campaign_id=found.id,
                form_key=found.form_key,
                version=found.version,
                version_hash=version_hash,
                agency_id=agency_id,
                owner_agency_id=found.owner_agency_id,
                period_key=period.key,
                period_start=midnight(period.start),
                period_end=midnight(period.end),
                deadline=deadline,
                state=state,
                data=data,
                submitted_at=deadline - timedelta(days=n % 7) if received else None,
                accepted_at=deadline + timedelta(days=3) if state == "accepted" else None,
                on_time=True if received else None,
                created_at=midnight(period.start),
                updated_at=deadline,
            )
            batch.append(report.to_mongo().to_dict())
            if len(batch) >= CHUNK:
                total += _flush(batch)
    return total + _flush(batch)


def _flush(batch: list[dict[str, Any]]) -> int:
    from formplatform.reporting.models import Report

    if batch:
        Report._get_collection().insert_many(batch, ordered=False)
    count = len(batch)
    batch.clear()
    return count


def insert_notices(user_id: str, report_ids: list[str], start: datetime, count: int) -> None:
    """A reviewer's notices, one every few hours from `start`, the last third unread."""
    from formplatform.reporting.models import Notification

    docs = []
    for n in range(count):
        notice = Notification(
            user_id=user_id,
            kind="submitted",
            report_id=report_ids[n % len(report_ids)],
            params={"form": {"vi": "Báo cáo", "en": "Report"}, "period": {"vi": "Tháng", "en": "Month"}},
            read=n < count * 2 // 3,
            created_at=start + timedelta(hours=(365 * 24 // NOTICES_PER_YEAR) * n),
        )
        docs.append(notice.to_mongo().to_dict())
    Notification._get_collection().insert_many(docs, ordered=False)


class Databases:
    """Two copies of the same data, one with more history: MongoEngine is routed to either between requests,
    so that the 1-year and the N-year samples are taken in turns and share whatever load the machine has."""

    def __init__(self, uris: dict[str, str]) -> None:
        from pymongo import MongoClient

        from formplatform.db import database_name

        self.uris = uris
        self.clients = {name: MongoClient(uri, uuidRepresentation="standard") for name, uri in uris.items()}
        self.dbs = {name: self.clients[name][database_name(uri)] for name, uri in uris.items()}

    def use(self, name: str) -> None:
        from mongoengine import connection

        from tests.querycount import _documents

        connection._connections[connection.DEFAULT_CONNECTION_NAME] = self.clients[name]
        connection._dbs[connection.DEFAULT_CONNECTION_NAME] = self.dbs[name]
        for document in _documents():
            document._collection = self.dbs[name][document._get_collection_name()]

    def copy(self, source: str, target: str) -> None:
        """Every collection of `source` into `target` (same ids), then the documents' indexes there."""
        from tests.querycount import _documents

        for name in self.dbs[source].list_collection_names():
            documents = list(self.dbs[source][name].find())
            if documents:
                self.dbs[target][name].insert_many(documents)
        self.use(target)
        for document in _documents():
            document.ensure_indexes()


def measure(app: Any, dbs: Databases, targets: dict[str, tuple[str, str]], tokens: dict[str, Any], count: int) -> dict:
    from formplatform.reporting.models import Notification, Report
    from tests.querycount import counting, unindexed_reads

    client = app.test_client()
    figures: dict[str, Any] = {}
    for name, (username, path) in targets.items():
        headers = tokens[username] if path.startswith("/api/") else {}
        with client.session_transaction() as stored:
            stored.clear()
            stored.update(sessions[username])
        figures[name] = {}
        for stage in dbs.uris:
            dbs.use(stage)
            response = client.get(path, headers=headers)  # warm caches (versions, templates)
            assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
            with counting(dbs.uris[stage]) as log:
                client.get(path, headers=headers)
            summary = log.summary()
            figures[name][stage] = {
                "samples": [],
                "commands": summary["commands"],
                "documents": summary["documents"],
                "by_command": summary["by_command"],
                "trace": [f"{c.collection}.{c.name}:{c.documents}" for c in log.commands],
                "unindexed": unindexed_reads(log, Report, Notification),
            }
        for _ in range(count):  # in turns: one request on each database
            for stage in dbs.uris:
                dbs.use(stage)
                start = time.perf_counter()
                client.get(path, headers=headers)
                figures[name][stage]["samples"].append((time.perf_counter() - start) * 1000)
        for stage in dbs.uris:
            samples = figures[name][stage].pop("samples")
            figures[name][stage]["p50_ms"] = round(statistics.median(samples), 1)
    return figures


sessions: dict[str, dict[str, Any]] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=60, help="wards added to the test city")
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--only", default="", help="comma-separated path names to measure (default: all)")
    args = parser.parse_args()
    import os

    from formplatform import create_app
    from formplatform.accounts.models import User
    from formplatform.embedded import EmbeddedMongo
    from formplatform.models import utcnow
    from formplatform.reporting.models import Report
    from formplatform.services.seed import seed_library
    from tests.conftest import bearer
    from tests.fixtures.city import ACCOUNTS, CITY_PASSWORD, build_city
    from tests.form_definitions.test_library import cchc_answers, kpi_answers

    with ExitStack() as stack:
        uri = os.environ.get("MONGODB_URI")
        if uri:  # two databases of one server
            base = uri.rsplit("/", 1)[0]
            uris = {"one": f"{base}/fp_bench_one", "many": f"{base}/fp_bench_many"}
        else:  # two embedded servers
            uris = {}
            for stage in ("one", "many"):
                data_dir = stack.enter_context(tempfile.TemporaryDirectory())
                uris[stage] = stack.enter_context(EmbeddedMongo(Path(data_dir))).uri
        app = create_app(
            {
                "MONGODB_URI": uris["one"],
                "SECRET_KEY": "bench-secret-key-0123456789",
                "ENV": "testing",
                "SEED_ON_START": False,
                "ADMIN_PASSWORD": "",
                "EXPORT_RUNNER": False,
                "ARGON2_TIME_COST": 1,
                "ARGON2_MEMORY_KIB": 1024,
            }
        )
        dbs = Databases(uris)
        now = utcnow()
        with app.app_context():
            seed_library()
            city = build_city()
            agencies = [city.id(a) for a in ("justice", "d1", "d3", "d1_ward", "d3_ward")]
            agencies += add_wards(city, args.agencies)
            owner = city.id("home_affairs")
            cchc = campaign("cchc-report", 1, agencies, owner, args.years, now)
            kpi = campaign("kpi-monthly", 2, agencies, owner, args.years, now)
            for found, data in ((cchc, cchc_answers()), (kpi, kpi_answers())):
                insert_reports(found, agencies, periods(now, 0, 11), data, now)
            reviewer = User.objects(username="thamdinh").first()
            some = [r.id for r in Report.objects(campaign_id=cchc.id).only("id").limit(50)]
            insert_notices(reviewer.id, some, now - timedelta(days=365), NOTICES_PER_YEAR)
            for username in ACCOUNTS:
                user = User.objects(username=username).first()
                sessions[username] = {"user_id": user.id, "sv": user.session_version}
        client = app.test_client()
        tokens = {name: bearer(client, name, CITY_PASSWORD) for name in ("xem_tp", "thamdinh", "cv_q1")}
        dbs.copy("one", "many")
        with app.app_context():
            older = periods(now, 12, 12 * args.years - 1)
            pairs = ((cchc, cchc_answers()), (kpi, kpi_answers()))
            added = sum(insert_reports(c, agencies, older, d, now) for c, d in pairs)
            start = now - timedelta(days=365 * args.years)
            insert_notices(reviewer.id, some, start, NOTICES_PER_YEAR * (args.years - 1))
            total = Report._get_collection().estimated_document_count()
        targets = {k: v for k, v in paths(cchc.id).items() if not args.only or k in args.only.split(",")}
        figures = measure(app, dbs, targets, tokens, args.requests)
    print(f"{len(agencies)} agencies, 2 monthly campaigns; {total - added} reports, then {total} ({args.years} years)")
    print(f"{'path':28} {'p50 1y':>8} {'p50 Ny':>8} {'ratio':>6}  {'cmds 1y/Ny':>11}  {'docs 1y/Ny':>12}  scans")
    for name in targets:
        a, b = figures[name]["one"], figures[name]["many"]
        ratio = b["p50_ms"] / a["p50_ms"] if a["p50_ms"] else 0
        print(
            f"{name:28} {a['p50_ms']:8.1f} {b['p50_ms']:8.1f} {ratio:6.2f}  "
            f"{a['commands']:>5}/{b['commands']:<5}  {a['documents']:>6}/{b['documents']:<6}  {len(b['unindexed'])}"
        )
    print(json.dumps({"years": args.years, "agencies": len(agencies), "reports": total, "paths": figures}))


if __name__ == "__main__":
    main()
