"""Where a login or a password change sends people next: only a path on this site (issue 18, open redirect)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest

from formplatform.security import safe_next
from tests.conftest import ADMIN_PASSWORD, csrf_token

# Raw query-string values, as an attacker would put them in a link (still percent-encoded).
BYPASSES = [
    "//evil.example/",
    "/%09/evil.example/",
    "%09//evil.example/",
    "/%0a/evil.example/",
    "/%0d%0a/evil.example/",
    "/%5Cevil.example/",
    "%5C%5Cevil.example/",
    "/%5C/evil.example/",
    "/%2F%2Fevil.example/",
    "/%252F%252Fevil.example/",
    "https://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt%3Aalert(1)",
    "data:text/html,hi",
    "///evil.example/",
    "/%20/evil.example/",
    "%20/x",
    "evil.example",
    "/%00/evil.example/",
    "/%E3%80%80/evil.example/",
]


@pytest.mark.parametrize("raw", BYPASSES)
def test_a_login_never_sends_people_off_the_site(client: Any, admin: Any, raw: str) -> None:
    data = {"username": "admin", "password": ADMIN_PASSWORD, "csrf_token": csrf_token(client)}
    response = client.post("/login", query_string=f"next={raw}", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/", raw


@pytest.mark.parametrize("target", ["/forms?q=a%20b", "/dashboards/kpi#top", "/admin/dossiers?page=2&status=done"])
def test_a_login_returns_to_the_page_asked_for(client: Any, admin: Any, target: str) -> None:
    data = {"username": "admin", "password": ADMIN_PASSWORD, "csrf_token": csrf_token(client)}
    response = client.post("/login", query_string={"next": target}, data=data)
    assert response.headers["Location"] == target


@pytest.mark.parametrize("raw", BYPASSES)
def test_safe_next_refuses_every_known_bypass(raw: str) -> None:
    assert safe_next(unquote(raw), "/home") == "/home"  # as Flask hands it over, decoded once


@pytest.mark.parametrize(
    "value", ["\t//evil.example/", "/\\evil.example", "\\\\evil.example", "/" + "a" * 3000, None, ""]
)
def test_safe_next_refuses_raw_tabs_backslashes_and_nothing(value: str | None) -> None:
    assert safe_next(value, "/home") == "/home"
