"""Helpers for the accounts tests: logging in as an account of the test city, posting forms with CSRF."""

from __future__ import annotations

from typing import Any

from tests.conftest import csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD


def post(client: Any, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """POST a page form the way a browser does, with the CSRF token of the session."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, "/login")}, **kwargs)


def as_user(app: Any, username: str, password: str = CITY_PASSWORD) -> Any:
    """A fresh browser-like client logged in as `username`."""
    client = app.test_client()
    log_in(client, username, password)
    return client


def new_account_form(agency_id: str, grants: list[tuple[str, str]], **fields: str) -> dict[str, Any]:
    """The fields of /admin/users/new."""
    return {
        "username": "nguyenvana",
        "display_name": "Nguyễn Văn A",
        "email": "a.nguyen@q1.hochiminhcity.gov.vn",
        "phone": "028 3829 1234",
        "position": "Chuyên viên",
        "agency_id": agency_id,
        "grant_role": [role for role, _ in grants],
        "grant_agency": [agency for _, agency in grants],
        **fields,
    }
