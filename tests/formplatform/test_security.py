"""Web security rules of issue 3, each tested so that the test fails if the rule breaks: CSRF on every
write, session cookie flags, security headers and no inline code, uniform error pages.

The account rules (lockout, throttling, sessions ending, closed accounts, tokens) and the audit events they
leave are in tests/formplatform/audit/test_security_events.py.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import mongoengine
import pytest

from tests.conftest import csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.audit.test_security_events import api_token, attempt, events, logged_in

# ---- CSRF ------------------------------------------------------------------------------------------------

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def world(app: Any, city: Any) -> dict[str, Any]:
    """Real ids for every URL argument, so refused writes would have had something to change."""
    from formplatform.accounts.models import PasswordRequest
    from formplatform.accounts.services import issue_integration_token
    from formplatform.services.forms import publish_form, save_draft
    from tests.fixtures.definitions import sample_v1

    with app.app_context():
        save_draft("sample-report", sample_v1(), None)
        publish_form("sample-report", None)
        _, token = issue_integration_token("Một cửa Quận 1", ["forms:read"], city.id("d1"), 30, city.users["quantri"])
        request = PasswordRequest(username="cv_q1", user_id=city.users["cv_q1"].id)
        request.save()
    return {
        "key": "sample-report",
        "number": 1,
        "user_id": city.users["cv_q1"].id,
        "agency_id": city.id("d1"),
        "token_id": token.id,
        "request_id": request.id,
    }


def write_urls(app: Any, world: dict[str, Any], *, api: bool) -> list[tuple[str, str]]:
    """(method, path) for every rule that accepts a write, with each value of `any(…)` arguments."""
    from werkzeug.routing import AnyConverter

    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") != api:
            continue
        combos: list[dict[str, Any]] = [{}]
        for name, converter in rule._converters.items():
            options = sorted(converter.items) if isinstance(converter, AnyConverter) else [world.get(name, "unknown")]
            combos = [{**combo, name: option} for combo in combos for option in options]
        for method in sorted((rule.methods or set()) & WRITE_METHODS):
            found.extend((method, rule.build(values)[1]) for values in combos)
    return found


def snapshot() -> dict[str, list[str]]:
    """Every stored document by collection (empty collections, which reading a page may create, left out)."""
    database = mongoengine.get_db()
    documents = {
        name: sorted(json.dumps(doc, default=str, sort_keys=True) for doc in database[name].find())
        for name in database.list_collection_names()
    }
    return {name: docs for name, docs in documents.items() if docs}


def test_every_page_write_without_a_csrf_token_is_refused_and_changes_nothing(app, client, world):
    log_in(client, "quantri", CITY_PASSWORD)
    writes = write_urls(app, world, api=False)
    assert {("POST", "/login"), ("POST", "/logout"), ("POST", "/admin/forms/sample-report/publish")} <= set(writes)
    before = snapshot()
    for method, path in writes:
        response = client.open(path, method=method, data={"username": "quantri", "definition": "{}", "name": "x"})
        html = response.get_data(as_text=True)
        assert response.status_code == 400, f"{method} {path} answered {response.status_code}"
        assert "csrf_failed" in html and "fp-error-page" in html, f"{method} {path}"
    assert snapshot() == before
    assert logged_in(client)  # even the logout was refused


def test_api_writes_with_a_session_cookie_need_the_csrf_header(app, client, world):
    log_in(client, "quantri", CITY_PASSWORD)
    writes = write_urls(app, world, api=True)
    assert ("PUT", "/api/v1/forms/sample-report/draft") in writes
    before = snapshot()
    for method, path in writes:
        response = client.open(path, method=method, json={"username": "quantri", "password": CITY_PASSWORD})
        assert response.status_code == 400, f"{method} {path} answered {response.status_code}"
        assert response.get_json()["error"]["code"] == "csrf_failed", f"{method} {path}"
    assert snapshot() == before
    from tests.fixtures.definitions import sample_v2

    headers = {"X-CSRFToken": csrf_token(client, "/")}
    accepted = client.put("/api/v1/forms/sample-report/draft", json=sample_v2(), headers=headers)
    assert accepted.status_code in (200, 201), accepted.get_json()


def test_bearer_token_writes_need_no_csrf_token(app, world):
    from tests.fixtures.definitions import sample_v2

    token = api_token(app, "quantri").get_json()["token"]
    client = app.test_client()
    saved = client.put(
        "/api/v1/forms/sample-report/draft", json=sample_v2(), headers={"Authorization": f"Bearer {token}"}
    )
    assert saved.status_code in (200, 201), saved.get_json()
    assert events("form.draft_save")


# ---- cookies, headers, pages -------------------------------------------------------------------------------


def other_app(app: Any, env: str) -> Any:
    """A second app on the same database, e.g. configured for production."""
    from formplatform import create_app

    config = {"MONGODB_URI": app.config["MONGODB_URI"], "SECRET_KEY": app.config["SECRET_KEY"], "ENV": env}
    return create_app({**config, "SEED_ON_START": False, "ADMIN_PASSWORD": "", "SCHEDULER": False})


def session_cookie(response: Any) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


@pytest.mark.parametrize(("env", "secure"), [("production", True), ("development", False), ("testing", False)])
def test_session_cookies_are_httponly_lax_and_secure_in_production(app, env, secure):
    cookie = session_cookie((app if env == "testing" else other_app(app, env)).test_client().get("/login"))
    flags = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")}
    assert "httponly" in flags and flags.get("samesite") == "SameSite=Lax"
    assert ("secure" in flags) is secure


def test_the_session_cookie_after_login_keeps_its_flags(client, city):
    response = attempt(client, "quantri", CITY_PASSWORD)
    cookie = session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def check_headers(response: Any) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


DATA_TYPES = ("application/json", "application/ld+json")  # data blocks, never run by the browser


class InlineCode(HTMLParser):
    """Collects inline scripts (JSON data blocks aside), on… handlers and javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=…>")
        data_block = (dict(attrs).get("type") or "").lower() in DATA_TYPES
        self.in_script = tag == "script" and not data_block
        if self.in_script and not dict(attrs).get("src"):
            self.problems.append("<script> without src")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.problems.append(f"inline script {data.strip()[:40]!r}")


def pages_to_scan(app: Any, client: Any, city: Any) -> list[str]:
    """The public pages, a seeded form, a submission, and every admin page without URL arguments."""
    from formplatform.models import Form
    from formplatform.services.seed import seed_library
    from tests.fixtures.definitions import sample_v1, valid_answers

    with app.app_context():
        seed_library()
    log_in(client, "quantri", CITY_PASSWORD)
    headers = {"Authorization": f"Bearer {api_token(app, 'quantri').get_json()['token']}"}
    survey = {**sample_v1(), "kind": "questionnaire"}  # citizens answer without an account
    assert client.put("/api/v1/forms/sample-report/draft", json=survey, headers=headers).status_code in (200, 201)
    assert client.post("/api/v1/forms/sample-report/publish", json={}, headers=headers).status_code == 201
    sent = app.test_client().post("/api/v1/forms/sample-report/submissions", json={"data": valid_answers()})
    assert sent.status_code == 201, sent.get_json()
    record = sent.get_json()
    paths = ["/", "/login", f"/forms/sample-report/submissions/{record['id']}?receipt={record['receipt']}"]
    paths += [f"/forms/{form.id}" for form in Form.objects(latest_version__gt=0)]
    paths += [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.arguments and not rule.rule.startswith(("/api/", "/healthz"))
    ]
    return sorted(set(paths))


def test_pages_carry_security_headers_and_no_inline_code(app, client, city):
    paths = pages_to_scan(app, client, city)
    assert {"/admin/forms", "/admin/audit", "/forms/kpi-monthly"} <= set(paths)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        check_headers(response)
        if response.mimetype == "text/html":
            scanner = InlineCode()
            scanner.feed(response.get_data(as_text=True))
            assert scanner.problems == [], path


def test_api_responses_carry_security_headers(client, admin_headers):
    for response in (
        client.get("/api/v1/forms"),
        client.get("/api/v1/audit", headers=admin_headers),
        client.get("/api/v1/no-such-thing"),
    ):
        check_headers(response)


# ---- uniform errors ----------------------------------------------------------------------------------------

SECRET_DETAIL = "db-password-is-hunter2"


class Skeleton(HTMLParser):
    """The tags and classes inside <main>: the layout of a page without its words."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main" or self.depth:
            self.depth += 1
            self.tags.append(f"{tag}.{dict(attrs).get('class') or ''}")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1


def skeleton(html: str) -> list[str]:
    parser = Skeleton()
    parser.feed(html)
    return parser.tags


def failing_app(app: Any) -> Any:
    """A test-only app with routes that crash, to see what a 500 looks like."""
    crashing = other_app(app, "production")

    def crash() -> Any:
        raise RuntimeError(SECRET_DETAIL)

    crashing.add_url_rule("/crash", "crash", crash)
    crashing.add_url_rule("/api/v1/crash", "api_crash", crash)
    return crashing


def test_error_pages_share_one_layout_and_leak_nothing(app, client, city):
    user = app.test_client()
    log_in(user, "cv_q1", CITY_PASSWORD)
    responses = {
        404: client.get("/no-such-page"),
        405: client.get("/logout"),
        401: client.get("/admin/audit"),
        403: user.get("/admin/audit"),
    }
    responses[500] = failing_app(app).test_client().get("/crash")
    layouts = set()
    for status, response in responses.items():
        html = response.get_data(as_text=True)
        assert response.status_code == status and response.mimetype == "text/html"
        assert "fp-error-page" in html and f"({status})" in html and "<title>" + str(status) in html
        for leak in ("Traceback", "RuntimeError", SECRET_DETAIL, 'File "', "werkzeug"):
            assert leak not in html, (status, leak)
        check_headers(response)
        layouts.add(tuple(skeleton(html)))
    assert len(layouts) == 1


def test_api_errors_are_json_with_a_code_and_a_message(app, client, city):
    user = {"Authorization": f"Bearer {api_token(app, 'cv_q1').get_json()['token']}"}
    responses = {
        404: client.get("/api/v1/no-such-thing"),
        405: client.delete("/api/v1/forms"),
        401: client.get("/api/v1/audit"),
        403: client.get("/api/v1/audit", headers=user),
    }
    responses[500] = failing_app(app).test_client().get("/api/v1/crash")
    for status, response in responses.items():
        body = response.get_json()
        assert response.status_code == status and set(body) == {"error"}, status
        assert {"code", "message"} <= set(body["error"]) and body["error"]["message"]
        assert SECRET_DETAIL not in response.get_data(as_text=True) and "Traceback" not in response.get_data(
            as_text=True
        )
    assert responses[500].get_json()["error"]["code"] == "internal_error"
