"""Mixed load with locust, headless: citizens, raters, staff and leaders on the platform at once.

    python bench/load.py [--users 60] [--spawn-rate 10] [--seconds 180]   starts `python run.py` (embedded
        database, demo city, TRUSTED_PROXIES=1) on a temporary DATA_DIR and a free port
    ADMIN_PASSWORD=… python bench/load.py --url http://127.0.0.1:5000 [--data-dir DIR]   a platform of your own

Weights 60/20/15/5: citizens open public pages and post the public questionnaire; raters open a dossier's QR
link (/r/<token>) and send its form, each dossier once, each from its own address (X-Forwarded-For: phones
behind a proxy; a platform that trusts no proxy answers 429 after 20 ratings an hour, counted apart); staff
open reports and dossiers; leaders open dashboards and compliance views. Beforehand `admin` issues a token at
/admin/tokens, pushes finished dossiers through POST /api/v1/dossiers and decodes their rating QR codes (PNG).
Prints throughput, p50/p95/p99 per group and per request, failures, and acknowledged writes (ratings,
submissions, dossiers) against those found in the database afterwards; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import html
import io
import ipaddress
import itertools
import json
import os
import random
import re
import signal
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gevent
import locust.env  # first: importing locust monkey-patches the standard library for gevent (before requests)
import psutil
import pymongo
import requests
import zxingcpp
from gevent.pool import Pool
from locust import between, task
from locust.contrib.fasthttp import FastHttpUser
from locust.stats import StatsEntry
from PIL import Image
from urllib3 import encode_multipart_formdata

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.submit import FORM, platform_server, random_rating  # noqa: E402

ADMIN_PASSWORD = "LoadBench-2026"  # of the temporary platform only
DEMO_PASSWORD = "DemoHCMC-2026"
GROUPS = ("citizen", "rating", "staff", "leader")
P95_BAR_MS = 1000
CSRF = r'name="csrf_token" value="([^"]+)"'
CARD = r'name="card" value="([^"]+)"'  # the dossier as the page showed it, signed: sent back with the answers
RADIO = re.compile(r'type="radio"[^>]*\bname="([^"]+)" value="([^"]*)"')
LINKS = {"report": r"/reports/[0-9a-f]{24}", "dossier": r"/admin/dossiers/[0-9A-Z.]+-\d{6}-\d{4}"}
LINKS |= {"campaign": r"/admin/campaigns/[0-9a-f]{24}", "agency": r"/satisfaction/agencies/[^\"]+"}
PROCEDURES = ("Đăng ký khai sinh", "Chứng thực bản sao từ bản chính", "Cấp giấy phép xây dựng", "Đăng ký hộ kinh doanh")
RNG = random.Random()


class Book:
    """What the users share: unused rating links, public pages, and every write the platform acknowledged."""

    links: list[tuple[str, str]] = []  # (dossier code, /r/<token>)
    agency_pages: list[str] = []
    ratings: list[str] = []
    submissions: list[str] = []
    bad_statuses: Counter[str] = Counter()  # "<group> <status>" of each answer outside 2xx/3xx (0: none)
    links_exhausted = 0
    phones = itertools.count(1)


def found(pattern: str, text: str) -> str:
    return match[1] if (match := re.search(pattern, text)) else ""


def links_in(page: str, kind: str) -> list[str]:
    return sorted({html.unescape(link) for link in re.findall(f'href="({LINKS[kind]})"', page)})


def visit(label: str, path: str | Callable[[Person], str | None], keep: str = "") -> Callable[[Person], None]:
    """A task opening one page; `path` may choose it per call (None: nothing to open yet); `keep` remembers the
    links of that kind on the page (reports, dossiers, campaigns) for later tasks."""

    def open_page(user: Person) -> None:
        if target := path(user) if callable(path) else path:
            page = user.get(label, target)
            if keep:
                user.seen[keep] = links_in(page, keep) or user.seen.get(keep, [])

    return open_page


def seen(kind: str) -> Callable[[Person], str | None]:
    return lambda user: RNG.choice(user.seen[kind]) if user.seen.get(kind) else None


class Person(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)
    group = ""
    accounts: tuple[str, ...] = ()
    serial = itertools.count()

    def get(self, label: str, path: str, **kwargs: Any) -> str:
        response = self.client.get(path, name=f"{self.group}: {label}", allow_redirects=False, **kwargs)
        return response.text or "" if response.status_code == 200 else ""

    def on_start(self) -> None:
        self.seen: dict[str, list[str]] = {}
        if self.accounts:  # staff and leaders log in once, through the login form
            username = self.accounts[next(self.serial) % len(self.accounts)]
            token = found(CSRF, self.get("login page /login", "/login"))
            form = {"csrf_token": token, "username": username, "password": DEMO_PASSWORD}
            name = f"{self.group}: log in"
            with self.client.post("/login", name=name, data=form, allow_redirects=False, catch_response=True) as r:
                if r.status_code == 302 and "/login" not in (r.headers.get("Location") or ""):
                    r.success()
                else:
                    r.failure(f"{username} not logged in (HTTP {r.status_code})")


class Citizen(Person):
    weight, group = 60, "citizen"
    tasks = {
        visit("home /", "/"): 3,
        visit("rankings /satisfaction", "/satisfaction"): 3,
        visit("agency /satisfaction/agencies/[id]", lambda _: RNG.choice(Book.agency_pages or [""])): 2,
        visit(f"form /forms/{FORM}", f"/forms/{FORM}"): 2,
    }

    @task(2)
    def submit(self) -> None:
        path, body = f"/api/v1/forms/{FORM}/submissions", {"data": random_rating(RNG)}
        with self.client.post(path, name="citizen: submit questionnaire", json=body, catch_response=True) as r:
            if r.status_code == 201:
                Book.submissions.append(r.json()["id"])
                r.success()
            else:
                r.failure(f"HTTP {r.status_code}")


class Rater(Person):
    weight, group = 20, "rating"

    @task
    def rate(self) -> None:
        if not Book.links:
            Book.links_exhausted += 1
            return
        code, path = Book.links.pop()
        self.client.cookiejar.clear()  # a new phone: no cookies, its own address
        headers = {"X-Forwarded-For": str(ipaddress.IPv4Address("100.64.0.0") + next(Book.phones))}
        page = self.get("open /r/[token]", path, headers=headers)
        if not (token := found(CSRF, page)):
            return
        options: dict[str, list[str]] = defaultdict(list)
        for name, value in RADIO.findall(page):
            options[name].append(value)
        fields = [("csrf_token", token), ("card", found(CARD, page) or "")]
        fields += [(name, RNG.choice(values)) for name, values in options.items()]
        body, content_type = encode_multipart_formdata(fields)  # as the page's form sends it
        post = {"data": body, "headers": headers | {"Content-Type": content_type}, "allow_redirects": False}
        with self.client.post(path, name="rating: submit /r/[token]", catch_response=True, **post) as r:
            if r.status_code == 302 and (r.headers.get("Location") or "").endswith("/rate/thanks"):
                Book.ratings.append(code)
                r.success()
            else:
                return r.failure(f"HTTP {r.status_code}, not stored")
        self.get("thanks /rate/thanks", "/rate/thanks", headers=headers)


def dossier_search(user: Person) -> str | None:
    code = seen("dossier")(user)  # what a citizen reads out on the phone: the end of the code, YYMMDD-NNNN
    return f"/admin/dossiers?q={code[-11:]}" if code else None


def dossier_list(user: Person) -> str:
    return f"/admin/dossiers?page={RNG.randint(1, 3)}"


class Staff(Person):
    weight, group, accounts = 15, "staff", ("demo.chuyenvien", "demo.chuyenvien3", "demo.truongphong")
    tasks = {
        visit("reports /reports", "/reports", keep="report"): 3,
        visit("report /reports/[id]", seen("report")): 3,
        visit("dossiers /admin/dossiers?page=[1-3]", dossier_list, keep="dossier"): 3,
        visit("dossier search /admin/dossiers?q=[code]", dossier_search): 1,
        visit("dossier /admin/dossiers/[code]", seen("dossier")): 3,
    }


class Leader(Person):
    weight, group, accounts = 5, "leader", ("demo.thamdinh", "demo.chutich")
    tasks = {
        visit("dashboards /dashboards", "/dashboards"): 2,
        visit("board /dashboards/compliance", "/dashboards/compliance"): 2,
        visit("board /dashboards/kpi", "/dashboards/kpi"): 2,
        visit("board /dashboards/satisfaction", "/dashboards/satisfaction"): 2,
        visit("campaigns /admin/campaigns", "/admin/campaigns", keep="campaign"): 1,
        visit("compliance /admin/campaigns/[id]", seen("campaign")): 2,
        visit("satisfaction results /admin/satisfaction", "/admin/satisfaction"): 1,
    }

    def on_start(self) -> None:
        super().on_start()  # then the campaigns, whose compliance views they follow
        visit("campaigns /admin/campaigns", "/admin/campaigns", keep="campaign")(self)


def count_bad_status(name: str, response: Any = None, exception: Any = None, **_: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    if exception is not None or not 200 <= status < 400:
        Book.bad_statuses[f"{name.split(':')[0]} {status}"] += 1


def dossier_rows(count: int, agency_codes: list[str]) -> list[dict[str, str]]:
    """Finished dossiers received 9 to 68 days ago (Ho Chi Minh City time) across the agencies."""
    today, first = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=7), RNG.randrange(1, 5000)
    rows = []
    for i in range(count):
        day = today - timedelta(days=9 + i // len(agency_codes) % 60)
        received = day.replace(hour=RNG.randint(7, 16), minute=RNG.randint(0, 59))
        finished = received + timedelta(days=RNG.randint(1, 7), hours=RNG.randint(0, 6))
        official, number = f"cb{RNG.randint(1, 40):03d}", first + i // (len(agency_codes) * 60)
        rows.append(
            {
                "code": f"{agency_codes[i % len(agency_codes)]}-{received:%y%m%d}-{number:04d}",
                "procedure_name_vi": RNG.choice(PROCEDURES),
                "received_at": f"{received:%Y-%m-%dT%H:%M}",
                "due_at": f"{received + timedelta(days=5):%Y-%m-%d}",
                "finished_at": f"{finished:%Y-%m-%dT%H:%M}",
                "status": "finished",
                **{"process_official_id": official, "process_official_name": f"Cán bộ {official}"},
            }
        )
    return rows


def prepare(url: str, dossiers: int, links: int, admin_password: str) -> dict[str, Any]:
    """Dossiers through the dossier API, rating links from their QR codes, the agencies' public pages."""
    started, admin = time.monotonic(), requests.Session()
    login = {"csrf_token": found(CSRF, admin.get(f"{url}/login", timeout=60).text), "username": "admin"}
    answer = admin.post(f"{url}/login", data=login | {"password": admin_password}, allow_redirects=False, timeout=60)
    if answer.status_code != 302:
        raise SystemExit("cannot log in as admin: set ADMIN_PASSWORD")
    form = admin.get(f"{url}/admin/tokens/new", timeout=60).text
    agencies = re.findall(r'<option value="([0-9a-f]+)"[^>]*>[^<]*\(([^()<]+)\)\s*<', form)  # the city first
    fields = {"name": "bench/load.py", "scopes": "dossiers:write", "agency_id": agencies[0][0], "days": "1"}
    issued = admin.post(f"{url}/admin/tokens/new", data=fields | {"csrf_token": found(CSRF, form)}, timeout=60).text
    bearer = {"Authorization": "Bearer " + found(r'data-testid="token">([^<]+)<', issued)}
    rows, created = dossier_rows(dossiers, [code for _, code in agencies[1:]]), []
    for start in range(0, len(rows), 1000):  # at most 1000 dossiers a call, all or nothing
        pushed = requests.post(
            f"{url}/api/v1/dossiers", json={"dossiers": rows[start : start + 1000]}, headers=bearer, timeout=600
        )
        created += pushed.json()["created"]  # a dossier already there (a rerun on one server) is not rated
    pushed_at = time.monotonic()

    def rating_link(code: str) -> tuple[str, str]:  # the QR holds https://host/r/<token>
        png = admin.get(f"{url}/admin/dossiers/{code}/rating-qr.png", timeout=60)
        return code, urlsplit(zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))[0].text).path

    Book.links = list(Pool(4).imap_unordered(rating_link, RNG.sample(created, min(links, len(created)))))
    Book.agency_pages = links_in(requests.get(f"{url}/satisfaction", timeout=60).text, "agency")
    seconds = {"push_seconds": round(pushed_at - started, 1), "links_seconds": round(time.monotonic() - pushed_at, 1)}
    return {"dossiers": len(rows), "created": created, "links": len(Book.links)} | seconds


def run_load(url: str, users: int, spawn_rate: float, seconds: float) -> tuple[locust.env.Environment, float]:
    env = locust.env.Environment(user_classes=[Citizen, Rater, Staff, Leader], host=url, stop_timeout=30)
    env.events.request.add_listener(count_bad_status)
    runner = env.create_local_runner()
    started = time.monotonic()
    runner.start(users, spawn_rate)
    gevent.spawn_later(seconds, runner.quit)  # users finish their task (up to stop_timeout), then stop
    runner.greenlet.join()
    return env, time.monotonic() - started


def figures(entry: StatsEntry, seconds: float) -> dict[str, Any]:
    count = entry.num_requests
    result = {"requests": count, "failures": entry.num_failures, "rps": round(count / seconds, 1)}
    for p in (50, 95, 99):
        result[f"p{p}_ms"] = entry.get_response_time_percentile(p / 100) if count else 0
    return result | {"max_ms": round(entry.max_response_time or 0)}


def check_writes(uri: str, created: list[str]) -> dict[str, dict[str, Any]]:
    """Every acknowledged write looked up by its id in the database, after the load."""
    database: Any = pymongo.MongoClient(uri, serverSelectionTimeoutMS=10000).get_default_database()
    acknowledged = {"ratings": [f"{c}|dossier" for c in Book.ratings], "submissions": Book.submissions}
    result = {}
    for collection, ids in (acknowledged | {"dossiers": created}).items():
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            found |= {doc["_id"] for doc in database[collection].find({"_id": {"$in": ids[start : start + 500]}})}
        lost = sorted(set(ids) - found)
        result[collection] = {"acknowledged": len(ids), "stored": len(found), "lost": len(lost), "lost_ids": lost[:20]}
    result["ratings"] |= counted_within(database)
    return result


def counted_within(database: Any, limit: float = 60.0) -> dict[str, Any]:
    """How long after the load the scheduler still had ratings to count into the results (none left: 0)."""
    started = time.monotonic()
    while database.ratings.find_one({"to_count": True}, {"_id": 1}) is not None:
        if time.monotonic() - started > limit:
            return {"all_counted": False, "counted_after_s": None}
        time.sleep(0.2)
    return {"all_counted": True, "counted_after_s": round(time.monotonic() - started, 1)}


def run_py_data_dir() -> Path:
    """DATA_DIR of the `python run.py` that platform_server started (it yields only the URL)."""
    for child in psutil.Process().children():
        if "run.py" in child.cmdline():
            return Path(child.environ()["DATA_DIR"])
    raise SystemExit("run.py is not running")


def bench(url: str, data_dir: Path | None, args: argparse.Namespace, admin_password: str) -> dict[str, Any]:
    engine = requests.get(f"{url}/healthz", timeout=10).json().get("database", {}).get("engine")
    load_average = [round(os.getloadavg()[0], 2)]  # other work on the machine, at the start and the end
    links = min(args.dossiers, max(1, round(args.users * 0.2)) * args.seconds // 2 + 100)  # a rating every 2 s
    prep = prepare(url, args.dossiers, links, admin_password)
    env, seconds = run_load(url, args.users, args.spawn_rate, args.seconds)
    uri_file = data_dir / "nx-27017.uri" if data_dir else None
    uri = uri_file.read_text().strip() if uri_file and uri_file.exists() else os.environ.get("MONGODB_URI")
    created = prep.pop("created")
    writes = check_writes(uri, created) if uri else None
    groups = {name: StatsEntry(env.stats, name, "") for name in GROUPS}
    for entry in env.stats.entries.values():
        groups[entry.name.split(":")[0]].extend(entry)
    by_group = {name: figures(entry, seconds) for name, entry in groups.items()}
    total = figures(env.stats.total, seconds)
    lost = sum(w["lost"] for w in writes.values()) if writes else None
    counted = not writes or writes["ratings"].get("all_counted", True)
    met = lost == 0 and counted and total["failures"] == 0 and all(g["p95_ms"] <= P95_BAR_MS for g in by_group.values())
    return {
        "url": url,
        "engine": engine,
        "cpus": os.cpu_count(),
        "users": args.users,
        "seconds": round(seconds, 1),
        "load_average_1m": load_average + [round(os.getloadavg()[0], 2)],
        "client_cpu_warning": bool(env.runner and env.runner.cpu_warning_emitted),  # locust itself above 90 %
        "prep": prep,
        **{k: v for k, v in total.items() if k != "max_ms"},
        "rate_limited_429": sum(n for key, n in Book.bad_statuses.items() if key.endswith(" 429")),
        "bad_statuses": dict(Book.bad_statuses),
        "errors": [f"{e.name}: {e.error} x{e.occurrences}" for e in env.stats.errors.values()][:10],
        "links_exhausted": Book.links_exhausted,
        "groups": by_group,
        "by_request": {name: figures(e, seconds) for (name, _), e in sorted(env.stats.entries.items())},
        "writes": writes,
        "writes_lost": lost,
        "target_met": met,  # p95 <= 1 s in every group, no failure, no acknowledged write lost
    }


def describe(name: str, f: dict[str, Any]) -> str:
    return (
        f"{name:<52} {f['requests']:>6} req {f['rps']:>6.1f}/s  p50 {f['p50_ms']:>5} p95 {f['p95_ms']:>5} "
        f"p99 {f['p99_ms']:>5} ms  failures {f['failures']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=60, help="concurrent users (default 60)")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started per second (default 10)")
    parser.add_argument("--seconds", type=int, default=180, help="length of the load (default 180)")
    parser.add_argument("--dossiers", type=int, default=3000, help="finished dossiers pushed first (default 3000)")
    parser.add_argument("--url", help="a running platform on this machine (default: start `python run.py` here)")
    parser.add_argument("--data-dir", type=Path, help="with --url: its DATA_DIR, to read the stored writes")
    parser.add_argument("--startup-timeout", type=float, default=120.0, help="wait for run.py (default 120)")
    args = parser.parse_args(argv)
    for signum in (signal.SIGINT, signal.SIGTERM):  # unwind the main greenlet: the platform started here stops too
        gevent.signal_handler(signum, gevent.kill, gevent.getcurrent(), SystemExit(128 + signum))
    if min(args.users, args.seconds, args.dossiers, args.spawn_rate) <= 0:
        parser.error("--users, --seconds, --dossiers and --spawn-rate must be positive")
    if args.url:
        host = urlsplit(args.url).hostname or ""
        if host != "localhost" and not (re.fullmatch(r"[\d.:]+", host) and ipaddress.ip_address(host).is_loopback):
            parser.error("--url must be on this machine (127.0.0.1, localhost or ::1)")
        if not os.environ.get("ADMIN_PASSWORD"):
            parser.error("with --url, set ADMIN_PASSWORD to the platform's admin password")
        results = bench(args.url.rstrip("/"), args.data_dir, args, os.environ["ADMIN_PASSWORD"])
    else:
        os.environ.pop("MONGODB_URI", None)  # the embedded database: demo logins never go into a real MongoDB
        os.environ.update(DEMO_DATA="1", TRUSTED_PROXIES="1")
        os.environ.setdefault("ADMIN_PASSWORD", ADMIN_PASSWORD)
        with platform_server(args.startup_timeout) as url:
            results = bench(url, run_py_data_dir(), args, os.environ["ADMIN_PASSWORD"])

    print(
        f"{results['url']} on {results['engine']}: {args.users} users, {results['cpus']} CPUs, {results['seconds']} s"
    )
    print(f"prepared {results['prep']}; load average (1 min) at start and end {results['load_average_1m']}")
    print(describe("all requests", results))
    for name, group in results["groups"].items():
        print(describe(f"group {name}", group))
    for name, entry in results["by_request"].items():
        print(describe(f"  {name}", entry))
    print(f"failures {results['failures']} (429: {results['rate_limited_429']}), statuses {results['bad_statuses']}")
    for error in results["errors"]:
        print(f"  {error}")
    for collection, w in (results["writes"] or {}).items():
        print(f"{collection}: acknowledged {w['acknowledged']}, stored {w['stored']}, lost {w['lost']} {w['lost_ids']}")
        if "all_counted" in w:
            print(
                f"  counted into the results {w['counted_after_s']} s after the load"
                if w["all_counted"]
                else "  NOT all counted into the results within a minute"
            )
    print(json.dumps(results, ensure_ascii=False))
    return 0 if results["failures"] == 0 and not results["writes_lost"] else 1


if __name__ == "__main__":
    sys.exit(main())
