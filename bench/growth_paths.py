"""The everyday paths bench/growth.py times, each as a user, a phone, a kiosk or an integration takes it.

Rating intake spends one seeded finished, unrated dossier per timed rating: by QR (the page behind the
dossier's rating QR, then the form it posts) with tokens minted exactly as kiosk/tokens.py mints them,
and at a kiosk paired through the admin pages (look-up, then the rating API). A plain submission is the
public questionnaire through the API, as bench/submit.py sends it.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from growth_http import Client, Failed, Path, controls, csrf_token, deep_page, expect
from itsdangerous import URLSafeTimedSerializer
from submit import FORM, random_rating

DEMO_PASSWORD = "DemoHCMC-2026"
PAIRING_CODE = re.compile(r'id="pairing-code"[^>]*>\s*(\d{4})\s*(\d{4})')
DEPTH = 20
CONTROL = ("control: GET /healthz", "control: GET a static file")
CONTROL_PATHS = ("/healthz", "/static/css/app.css")


@dataclass
class Context:
    """What the paths need: the server, the app secret, seeded ids and the dossiers to rate."""

    base: str
    secret: str
    admin_password: str
    qr_codes: list[str]
    kiosk_codes: list[str]
    kiosk_agency: str  # the agency the kiosk is paired with (its wards' dossiers are rated there)
    district: str  # an agency for the public page
    campaign: str  # the monthly KPI campaign
    report: str  # an open report of demo.chuyenvien's district
    depths: dict[str, int] = field(default_factory=dict)  # deep pages reached at the small size: the same again


def rating_token(secret: str, code: str) -> str:
    """As kiosk.tokens.mint_rating_token: the dossier code and a nonce, signed with the app secret."""
    from kiosk.tokens import SALT

    return URLSafeTimedSerializer(secret, salt=SALT).dumps([code, secrets.token_hex(8)])


def rating_pin(secret: str, code: str) -> str:
    """As formplatform.satisfaction.possession.rating_pin: what the receipt prints beside the code."""
    digest = hmac.new(secret.encode(), f"rating-pin|{code}".encode(), hashlib.sha256).hexdigest()
    return f"{int(digest[:15], 16) % 10**6:06d}"


def pair_kiosk(admin: Client, agency_id: str) -> Client:
    """New kiosk for the agency (admin page), then its screen types the pairing code: the device cookie."""
    form = admin.get("/kiosk/devices/new").text
    data = {"csrf_token": csrf_token(form), "agency_id": agency_id, "name": "Ki-ốt đo tải", "location": "Quầy 1"}
    page = expect(admin.post("/kiosk/devices/new", data=data), 201).text
    match = PAIRING_CODE.search(page)
    if match is None:
        raise Failed("no pairing code on the kiosk page")
    kiosk = Client(admin.base)
    screen = kiosk.get("/kiosk/pair").text
    expect(kiosk.post("/kiosk/pair", data={"csrf_token": csrf_token(screen), "code": "".join(match.groups())}), 200)
    if not kiosk.session.cookies.get("kiosk_device"):
        raise Failed("pairing set no device cookie")
    kiosk.session.headers.update({"X-Kiosk": "1", "Origin": admin.base})
    return kiosk


def intake_paths(ctx: Context, admin: Client, rnd: random.Random) -> list[Path]:
    phone = Client(ctx.base)
    qr = iter(ctx.qr_codes)
    at_kiosk = iter(ctx.kiosk_codes)
    open_token = rating_token(ctx.secret, next(qr))

    def qr_page(i: int) -> tuple[str, list[tuple[str, str]]]:
        token = rating_token(ctx.secret, next(qr))
        page = expect(phone.get(f"/r/{token}"), 200).text
        found = controls(page)
        answers = [(name, rnd.choice(values)) for name, values in found.radios.items()]
        return token, [(n, v) for n, v in found.fields if n not in found.radios] + answers

    def qr_rate(i: int, prepared: Any) -> None:
        token, fields = prepared
        expect(phone.post(f"/r/{token}", data=fields, allow_redirects=False), 302, 303)

    kiosk = pair_kiosk(admin, ctx.kiosk_agency)
    look_code = next(at_kiosk)
    look_body = {"code": look_code, "pin": rating_pin(ctx.secret, look_code)}

    def kiosk_token(i: int) -> str:
        code = next(at_kiosk)
        body = {"code": code, "pin": rating_pin(ctx.secret, code)}  # typed at the kiosk, with its PIN
        answer = expect(kiosk.post("/kiosk/api/lookup", json=body), 200).json()
        if answer.get("state") != "rateable":
            raise Failed(f"kiosk look-up: {answer.get('state')}")
        return answer["token"]

    def kiosk_rate(i: int, token: str) -> None:
        body = {"token": token, "answers": random_rating(rnd), "client_id": f"bench-{i}", "locale": "vi"}
        expect(kiosk.post("/kiosk/api/rate", json=body), 201)

    citizen = Client(ctx.base)  # no cookies: an API client, as bench/submit.py sends it

    def submit(i: int, _: Any) -> None:
        expect(citizen.post(f"/api/v1/forms/{FORM}/submissions", json={"data": random_rating(rnd)}), 201)

    return [
        Path("rating QR: open page", lambda i, _: expect(phone.get(f"/r/{open_token}"), 200)),
        Path("rating QR: send rating", qr_rate, qr_page),
        Path(
            "rating kiosk: look up",
            lambda i, _: expect(kiosk.post("/kiosk/api/lookup", json=look_body), 200),
        ),
        Path("rating kiosk: send rating", kiosk_rate, kiosk_token),
        Path("plain submission (API)", submit),
    ]


def get(client: Client, path: str, name: str = "") -> Path:
    return Path(name or f"GET {path}", lambda i, _: expect(client.get(path), 200), note=path)


def list_at(name: str, client: Client, path: str, depth: int = DEPTH) -> list[Path]:
    """The first page of a list and one `depth` pages in (or its last page)."""
    deep, page = deep_page(client, path, depth)
    return [
        Path(f"{name}: first page", lambda i, _: expect(client.get(path), 200), note=path),
        Path(f"{name}: deep page", lambda i, _: expect(client.get(deep), 200), note=f"page {page}"),
    ]


def report_paths(ctx: Context, filer: Client) -> list[Path]:
    page = f"/reports/{ctx.report}"

    def form(i: int) -> list[tuple[str, str]]:
        html = expect(filer.get(page), 200).text
        return controls(html, "fp-report-form").fields + [("csrf_token", csrf_token(html))]

    def save(i: int, fields: list[tuple[str, str]]) -> None:
        expect(filer.post(f"{page}/save", data=fields, allow_redirects=False), 302, 303)

    return [
        get(filer, page, "report: open (GET /reports/<id>)"),
        Path("report: save (POST …/save)", save, form, note=f"{page}/save"),
    ]


def export_path(api: Client) -> Path:
    body = {"source": "submissions", "form": FORM, "format": "xlsx", "language": "vi"}

    def start(i: int, _: Any) -> None:
        job = expect(api.post("/api/v1/exports", json=body), 202).json()
        api.session.delete(api.url(f"/api/v1/exports/{job['id']}"), timeout=60)  # at most 3 may be waiting

    return Path("export: start (POST /api/v1/exports)", start)


class People:
    """The logged-in sessions and API clients of one measurement (cookies and tokens survive a restart)."""

    def __init__(self, ctx: Context) -> None:
        self.admin = Client(ctx.base).login("admin", ctx.admin_password)
        self.api = Client.bearer(ctx.base, "admin", ctx.admin_password)
        self.reviewer = Client(ctx.base).login("demo.thamdinh", DEMO_PASSWORD)
        self.filer = Client(ctx.base).login("demo.chuyenvien", DEMO_PASSWORD)
        self.public = Client(ctx.base)


def path_groups(ctx: Context, rnd: random.Random) -> list[tuple[str, Callable[[People], list[Path]]]]:
    """Every timed path, by group, in a fixed order; a group is set up (logins, list depth) just before it runs."""
    form_list, api_list = f"/forms/{FORM}/submissions", f"/api/v1/forms/{FORM}/submissions"
    district = f"/satisfaction/agencies/{ctx.district}"

    def list_paths(name: str, client: Client, path: str) -> list[Path]:  # as deep as at the small size
        return list_at(name, client, path, ctx.depths.get(f"{name}: deep page", DEPTH))

    return [
        # what no history can change (a database ping, a file): how fast the machine itself ran in each phase
        ("control", lambda p: [get(p.public, path, name) for path, name in zip(CONTROL_PATHS, CONTROL, strict=True)]),
        ("intake", lambda p: intake_paths(ctx, p.admin, rnd)),
        ("submissions page", lambda p: list_paths("submissions page", p.admin, form_list)),
        ("submissions API", lambda p: list_paths("submissions API", p.api, api_list)),
        ("reports", lambda p: [get(p.filer, "/reports"), *list_paths("all reports", p.reviewer, "/reports/all")]),
        ("dossiers", lambda p: list_paths("dossiers", p.admin, "/admin/dossiers")),
        ("flagged", lambda p: list_paths("flagged ratings", p.reviewer, "/admin/satisfaction/flagged")),
        ("audit", lambda p: list_paths("audit log", p.admin, "/admin/audit")),
        ("exports", lambda p: list_paths("my exports", p.admin, "/exports")),
        ("accounts", lambda p: list_paths("accounts", p.admin, "/admin/users")),
        ("dashboards", lambda p: [get(p.admin, f"/dashboards/{b}") for b in ("compliance", "kpi", "satisfaction")]),
        ("staff results", lambda p: [get(p.admin, "/admin/satisfaction")]),
        ("compliance", lambda p: compliance_paths(ctx, p.admin, p.api)),
        (
            "public",
            lambda p: [get(p.public, "/satisfaction"), get(p.public, district, "GET /satisfaction/agencies/<Q1>")],
        ),
        ("report", lambda p: report_paths(ctx, p.filer)),
        ("export", lambda p: [export_path(p.api)]),
    ]


def compliance_paths(ctx: Context, admin: Client, api: Client) -> list[Path]:
    return [
        get(admin, f"/admin/campaigns/{ctx.campaign}", "campaign compliance page (KPI)"),
        get(api, f"/api/v1/campaigns/{ctx.campaign}/compliance", "GET /api/v1/campaigns/<KPI>/compliance"),
        get(api, "/api/v1/aggregates/compliance"),
        get(api, "/api/v1/aggregates/kpi"),
        get(api, "/api/v1/aggregates/satisfaction"),
    ]
