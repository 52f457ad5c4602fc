"""Shared fixtures. FP_TEST_ENGINE selects the database: `nx` (embedded nx-27017, default) or
`mongomock`; with MONGODB_URI set the suite runs against that real server instead."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mongoengine
import pytest

ENGINE = "uri" if os.environ.get("MONGODB_URI") else os.environ.get("FP_TEST_ENGINE", "nx")
ADMIN_PASSWORD = "quantri-2026-pass"
USER_PASSWORD = "hoso-2026-matkhau"


def pytest_report_header() -> str:
    return f"database engine: {ENGINE}"


@pytest.fixture(scope="session")
def mongo_uri() -> Iterator[str]:
    if ENGINE == "uri":
        yield os.environ["MONGODB_URI"]
    elif ENGINE == "mongomock":
        yield "mongomock://localhost/fp_test"
    else:
        from formplatform.embedded import EmbeddedMongo

        with tempfile.TemporaryDirectory(prefix="fp-test-db-") as data_dir, EmbeddedMongo(Path(data_dir)) as server:
            yield server.uri


@pytest.fixture(scope="session")
def app(mongo_uri: str) -> Any:
    from formplatform import create_app

    label = {"nx": "nx-27017 (embedded)", "uri": "mongodb"}.get(ENGINE, "mongomock")
    return create_app(
        {
            "MONGODB_URI": mongo_uri,
            "SECRET_KEY": "test-secret-key-0123456789",
            "ENV": "testing",
            "DB_ENGINE_LABEL": label,
            "SEED_ON_START": False,
            "ADMIN_PASSWORD": "",
            # still Argon2id, at a test-sized cost: the suite hashes hundreds of passwords
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_KIB": 1024,
            # export jobs run when a test says so (formplatform.exports.runner.run_pending), not in a thread
            "EXPORT_RUNNER": False,
            # periodic jobs run when a test says so (formplatform.scheduler.runner.run_due / run_job), and a
            # rating is counted within its request, as COUNT_RATINGS_AT_INTAKE=1 does on a small site
            "SCHEDULER": False,
            "COUNT_RATINGS_AT_INTAKE": True,
            # tests change forms behind the services' back and empty the database between tests
            "FORM_CACHE_SECONDS": 0,
        }
    )


@pytest.fixture(autouse=True)
def _empty_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test that uses the app starts from an empty database (indexes kept)."""
    if "app" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app")
    db = mongoengine.get_db()
    for name in db.list_collection_names():
        db[name].delete_many({})
    yield


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def core(app: Any) -> Any:
    """The city committee (root) and Sở Nội vụ."""
    from formplatform.services.seed import ensure_core_agencies

    with app.app_context():
        return ensure_core_agencies()


@pytest.fixture
def admin(app: Any, core: Any) -> Any:
    from formplatform.accounts.services import create_user

    root, _ = core
    with app.app_context():
        return create_user(
            "admin", ADMIN_PASSWORD, roles=[("admin", root.id)], agency_id=root.id, must_change_password=False
        )


@pytest.fixture
def user(app: Any, core: Any) -> Any:
    """A specialist of Sở Nội vụ."""
    from formplatform.accounts.services import create_user

    _, home_affairs = core
    with app.app_context():
        return create_user(
            "chuyenvien",
            USER_PASSWORD,
            roles=[("specialist", home_affairs.id)],
            agency_id=home_affairs.id,
            must_change_password=False,
        )


@pytest.fixture
def seeded(app: Any) -> None:
    from formplatform.services.seed import seed_library

    with app.app_context():
        seed_library()


def bearer(client: Any, username: str, password: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@pytest.fixture
def admin_headers(client: Any, admin: Any) -> dict[str, str]:
    return bearer(client, "admin", ADMIN_PASSWORD)


def csrf_token(client: Any, path: str = "/login") -> str:
    """The CSRF token a page hands to the browser, read like a browser would."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def log_in(client: Any, username: str, password: str) -> None:
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def city(app: Any) -> Any:
    """Agencies of two departments and two districts, one account per role (tests/fixtures/city.py)."""
    from tests.fixtures.city import build_city

    with app.app_context():
        return build_city()


@pytest.fixture
def district_admin(app: Any, city: Any) -> Any:
    """`qt_q1`: an administrator whose grant covers District 1 only (home agency District 1)."""
    from formplatform.accounts.services import create_user
    from tests.fixtures.city import CITY_PASSWORD

    with app.app_context():
        return create_user(
            "qt_q1",
            CITY_PASSWORD,
            roles=[("admin", city.id("d1"))],
            agency_id=city.id("d1"),
            display_name="Quản trị Quận 1",
            must_change_password=False,
        )
