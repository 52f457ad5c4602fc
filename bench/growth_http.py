"""The client side of bench/growth.py: logged-in sessions, page forms filled like a browser, list pages,
and timing. Everything goes through HTTP, the way a user, a phone, a kiosk or an integration reaches it."""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests

LIMIT = {"seconds": 60.0}  # per request; a request that takes longer is abandoned (see measure)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|<meta name="csrf-token" content="([^"]+)"')


class Failed(Exception):
    """A request answered something other than what the path expects."""


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise Failed("no CSRF token on the page")
    return match.group(1) or match.group(2)


class Controls(HTMLParser):
    """A page's form controls as a browser would submit them (optionally only those of one form)."""

    def __init__(self, form_id: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, form_id is None
        self.fields: list[tuple[str, str]] = []
        self.radios: dict[str, list[str]] = {}
        self.select: str | None = None
        self.selected: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def _mine(self, attrs: dict[str, Any]) -> bool:
        return self.inside or (self.form_id is not None and attrs.get("form") == self.form_id)

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        if tag == "form" and self.form_id is not None:
            self.inside = attrs.get("id") == self.form_id
        name = attrs.get("name")
        if not name or not self._mine(attrs) or attrs.get("disabled") is not None:
            if (
                tag == "option"
                and self.select is not None
                and (attrs.get("selected") is not None or self.selected is None)
            ):
                self.selected = attrs.get("value") or ""
            return
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and kind == "radio":
            self.radios.setdefault(name, []).append(attrs.get("value") or "")
            if attrs.get("checked") is not None:
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "input" and kind == "checkbox":
            if attrs.get("checked") is not None:
                self.fields.append((name, attrs.get("value") or "on"))
        elif tag == "input" and kind not in ("submit", "button", "file", "image", "reset"):
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select":
            self.select, self.selected = name, None
        elif tag == "textarea":
            self.textarea, self.text = name, ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.form_id is not None:
            self.inside = False
        elif tag == "select" and self.select is not None:
            self.fields.append((self.select, self.selected or ""))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append((self.textarea, self.text))
            self.textarea = None


def controls(html: str, form_id: str | None = None) -> Controls:
    parser = Controls(form_id)
    parser.feed(html)
    return parser


class Client:
    """One person's browser (session cookie, English pages) or an API client with a bearer token."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.cookies.set("lang", "en")
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def url(self, path: str) -> str:
        return urljoin(self.base + "/", path.lstrip("/"))

    def get(self, path: str, **options: Any) -> requests.Response:
        return self.session.get(self.url(path), timeout=LIMIT["seconds"], **options)

    def post(self, path: str, **options: Any) -> requests.Response:
        return self.session.post(self.url(path), timeout=LIMIT["seconds"], **options)

    def login(self, username: str, password: str) -> Client:
        page = self.get("/login")
        data = {"username": username, "password": password, "csrf_token": csrf_token(page.text)}
        answer = self.post("/login", data=data, allow_redirects=False)
        if answer.status_code not in (302, 303) or "/account/password" in answer.headers.get("Location", ""):
            raise Failed(f"login of {username} failed: {answer.status_code}")
        return self

    @classmethod
    def bearer(cls, base: str, username: str, password: str) -> Client:
        answer = requests.post(
            f"{base}/api/v1/auth/token", json={"username": username, "password": password}, timeout=60
        )
        if answer.status_code not in (200, 201):
            raise Failed(f"token for {username}: {answer.status_code} {answer.text[:200]}")
        return cls(base, answer.json()["token"])


def expect(response: requests.Response, *statuses: int) -> requests.Response:
    if response.status_code not in statuses:
        raise Failed(f"{response.request.method} {urlsplit(response.url).path} → {response.status_code}")
    return response


def with_page(url: str, value: int | str, name: str = "page") -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != name] + [(name, str(value))]
    return urlunsplit(parts._replace(query=urlencode(query)))


NEXT_LINK = re.compile(r'<a\s[^>]*href="([^"]+)"[^>]*>\s*(?:Next|Tiếp|Sau)', re.IGNORECASE)
NEXT_REL = re.compile(r'<a\s[^>]*href="([^"]+)"[^>]*rel="next"|<a\s[^>]*rel="next"[^>]*href="([^"]+)"')


def next_link(response: requests.Response) -> str | None:
    """The list's next page: a JSON `next` link or cursor, or the page's rel=next / "Next" link."""
    if "json" in response.headers.get("Content-Type", ""):
        body = response.json()
        link = body.get("next") or (body.get("links") or {}).get("next")
        if isinstance(link, str):
            return link
        if body.get("has_next") and isinstance(body.get("page"), int):  # the API's pages: {page, has_next}
            return with_page(response.url, body["page"] + 1)
        cursor = body.get("next_cursor") or body.get("cursor")
        return with_page(response.url, cursor, "after") if cursor else None
    match = NEXT_REL.search(response.text) or NEXT_LINK.search(response.text)
    if match is None:
        return None
    return urljoin(response.url, (match.group(1) or match.group(2) or "").replace("&amp;", "&"))


def deep_page(client: Client, path: str, depth: int) -> tuple[str, int]:
    """A URL `depth` pages into a list, or its last full page if the list is shorter, found by following
    its Next links (lists show no total, so a page number past the end would time an empty page). A list
    that ends before `depth` steps back from its last page, which may hold a few rows only: timing it
    against a full page at the large size would measure the rows shown, not the history behind them."""
    first = expect(client.get(path), 200)
    body = first.json() if "json" in first.headers.get("Content-Type", "") else {}
    if "total" in body and "page" in body:  # an API page with a total: ?page=N up to the last full one
        page = min(depth, max(body["total"] // max(body.get("per_page") or 20, 1), 1))
        return with_page(first.url, page), page
    link = next_link(first)
    if link is None:
        return path, 1
    urls = [path, link]
    while len(urls) < depth:
        more = next_link(expect(client.get(urls[-1]), 200))
        if more is None:
            urls.pop()  # the last page, perhaps part-filled: the one before it is full
            break
        urls.append(more)
    return urls[-1], len(urls)


@dataclass
class Timing:
    name: str
    samples: list[float] = field(default_factory=list)
    error: str = ""
    note: str = ""
    timed_out: float = 0.0  # the limit a request exceeded (seconds); the server is still busy with it
    calls: int = 0  # calls made, warm-ups included (the next round's calls go on from here)

    def add(self, more: Timing) -> None:
        """Another round of the same path: its samples join these; an error or a time-out ends the path."""
        self.samples += more.samples
        self.calls += more.calls
        self.error, self.timed_out = self.error or more.error, self.timed_out or more.timed_out

    @property
    def over(self) -> bool:
        return bool(self.error or self.timed_out)

    def figures(self) -> dict[str, Any]:
        extra: dict[str, Any] = {k: v for k, v in (("error", self.error), ("note", self.note)) if v}
        if self.timed_out:
            extra["timed_out_ms"] = round(self.timed_out * 1000)
        if not self.samples:
            return {"n": 0, **extra}
        ordered = sorted(self.samples)
        p95 = ordered[max(math.ceil(len(ordered) * 0.95) - 1, 0)]
        return {"n": len(ordered), "p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1), **extra}


@dataclass
class Path:
    """One everyday path: `prepare(i)` (untimed, e.g. the page a form is read from), then the timed `call(i)`."""

    name: str
    call: Callable[[int, Any], Any]
    prepare: Callable[[int], Any] = lambda i: None
    note: str = ""


def measure(path: Path, requests_: int, warmups: int, budget: float, limit: float, first: int = 0) -> Timing:
    """Warm-ups (one only when it is slow), then up to `requests_` timed calls: at least 3 unless a request
    takes more than 2 × `budget`; stops once `budget` seconds of timed calls are spent. A request over
    `limit` seconds ends the path (reported as such). Calls are numbered from `first` (a later round's
    calls never repeat an earlier one's, e.g. a kiosk's client id)."""
    timing = Timing(path.name, note=path.note)
    LIMIT["seconds"] = limit
    spent, index, warm = 0.0, first, first + warmups
    try:
        while len(timing.samples) < requests_:
            prepared = path.prepare(index)
            began = time.perf_counter()
            path.call(index, prepared)
            elapsed = time.perf_counter() - began
            index += 1
            if index <= warm:
                warm = index if elapsed > 1.0 else warm
                continue
            timing.samples.append(elapsed * 1000)
            spent += elapsed
            if spent >= budget and (len(timing.samples) >= 3 or spent >= 2 * budget):
                break
    except requests.Timeout:
        timing.timed_out, timing.error = limit, f"a request took over {limit:.0f} s"
    except (Failed, requests.RequestException, ValueError, KeyError) as error:
        timing.error = f"{type(error).__name__}: {error}"[:300]
    timing.calls = index - first
    return timing
