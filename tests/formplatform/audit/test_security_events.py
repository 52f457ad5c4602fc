"""Account security rules of issue 3 and the audit events each must leave: lockout, throttling, sessions
ended by a password change, a lock or a close, closed accounts, and API tokens (hashed, revocable, expiring).

Each test fails if its rule breaks. The web rules (CSRF, cookies, headers, error pages) are in
tests/formplatform/test_security.py.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

import mongoengine
import pytest

from formplatform.accounts.models import ApiToken, User
from formplatform.audit.models import AuditEvent
from formplatform.models import utcnow
from tests.conftest import csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD

WRONG = "sai-matkhau-2026"
NEW_PASSWORD = "matkhau-moi-2026x"


def server_now(field: str) -> dict[str, Any]:
    """A raw update that sets `field` to the server's current time (the only portable way, see tokens.stamp)."""
    return {"$currentDate": {field: True}}


def events(action: str, **filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects(action=action, **filters).order_by("at"))


def attempt(client: Any, username: str, password: str, **kwargs: Any) -> Any:
    """A login through the page, with a valid CSRF token."""
    data = {"username": username, "password": password, "csrf_token": csrf_token(client)}
    return client.post("/login", data=data, **kwargs)


def logged_in(client: Any) -> bool:
    return client.get("/account/password").status_code == 200


def api_token(app: Any, username: str, password: str = CITY_PASSWORD) -> Any:
    """Ask for a bearer token from a fresh client (no session cookie, so no CSRF token is needed)."""
    return app.test_client().post("/api/v1/auth/token", json={"username": username, "password": password})


def admin_action(app: Any, city: Any, action: str, username: str) -> Any:
    """An administrator locks, unlocks or closes an account through the confirmation page."""
    admin = app.test_client()
    log_in(admin, "quantri", CITY_PASSWORD)
    path = f"/admin/users/{city.users[username].id}/{action}"
    return admin.post(path, data={"csrf_token": csrf_token(admin, path)})


# ---- lockout and throttling --------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(app, client, city):
    user = city.users["cv_q1"]
    for _ in range(4):
        assert attempt(client, "cv_q1", WRONG).status_code == 401
    assert User.objects.get(id=user.id).locked_until is None
    assert attempt(client, "cv_q1", WRONG).status_code == 401
    locked_until = User.objects.get(id=user.id).locked_until
    if isinstance(locked_until, str):  # nx-27017 keeps a datetime written with `$set` as text
        locked_until = datetime.fromisoformat(locked_until)
    assert timedelta(minutes=14) < locked_until - utcnow() <= timedelta(minutes=15)

    refused = attempt(client, "cv_q1", CITY_PASSWORD)
    assert refused.status_code == 401 and not logged_in(client)
    assert api_token(app, "cv_q1").status_code == 401

    assert len(events("login.failed", target_id=user.id, details__reason="bad_credentials")) == 5
    assert events("login.failed", target_id=user.id, details__reason="temporarily_locked")
    [lockout] = events("login.lockout", target_id=user.id)
    assert (lockout.outcome, lockout.ip, lockout.details["minutes"]) == ("failed", "127.0.0.1", 15)

    User.objects(id=user.id).update_one(__raw__=server_now("locked_until"))  # 15 minutes later: the time is up
    assert attempt(client, "cv_q1", CITY_PASSWORD).status_code == 302 and logged_in(client)


def test_a_lockout_ends_the_accounts_open_sessions_and_tokens(app, city):
    """Whoever is guessing the password may already hold a session: the lockout ends it, like a lock does."""
    holder, guesser = app.test_client(), app.test_client()
    log_in(holder, "cv_q1", CITY_PASSWORD)
    token = api_token(app, "cv_q1").get_json()["token"]
    assert logged_in(holder)
    for _ in range(5):
        assert attempt(guesser, "cv_q1", WRONG).status_code == 401
    assert events("login.lockout", target_id=city.users["cv_q1"].id)
    assert not logged_in(holder)
    assert holder.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_four_failures_do_not_lock_and_a_success_starts_the_count_again(app, city):
    for _ in range(2):
        client = app.test_client()
        for _ in range(4):
            attempt(client, "cv_q1", WRONG)
        assert attempt(client, "cv_q1", CITY_PASSWORD).status_code == 302 and logged_in(client)
    assert not events("login.lockout")


def test_too_many_failures_from_one_address_answer_429(client, city, monkeypatch):
    from formplatform.accounts import services

    monkeypatch.setattr(services, "MAX_FAILURES_PER_ADDRESS", 3)
    address = {"REMOTE_ADDR": "203.0.113.7"}
    for name in ("khongco1", "khongco2", "khongco3"):
        assert attempt(client, name, WRONG, environ_overrides=address).status_code == 401
    blocked = attempt(client, "cv_q1", CITY_PASSWORD, environ_overrides=address)
    assert blocked.status_code == 429 and not logged_in(client)
    by_api = client.post(
        "/api/v1/auth/token", json={"username": "cv_q1", "password": CITY_PASSWORD}, environ_overrides=address
    )
    assert by_api.status_code == 429 and by_api.get_json()["error"]["code"] == "too_many_requests"
    assert events("login.throttled") and events("login.throttled")[0].ip == "203.0.113.7"
    assert User.objects.get(username="cv_q1").locked_until is None  # the account itself is not to blame
    other = attempt(client, "cv_q1", CITY_PASSWORD, environ_overrides={"REMOTE_ADDR": "198.51.100.1"})
    assert other.status_code == 302


# ---- sessions end ------------------------------------------------------------------------------------


def test_a_password_change_ends_the_other_sessions(app, city):
    elsewhere, here = app.test_client(), app.test_client()
    log_in(elsewhere, "cv_q1", CITY_PASSWORD)
    log_in(here, "cv_q1", CITY_PASSWORD)
    old_token = api_token(app, "cv_q1").get_json()["token"]
    form = {"current_password": CITY_PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    changed = here.post("/account/password", data={**form, "csrf_token": csrf_token(here, "/account/password")})
    assert changed.status_code == 302
    assert not logged_in(elsewhere) and logged_in(here)
    assert here.get("/api/v1/me", headers={"Authorization": f"Bearer {old_token}"}).status_code == 401
    assert attempt(elsewhere, "cv_q1", CITY_PASSWORD).status_code == 401
    [event] = events("user.password_change")
    assert event.actor_id == city.users["cv_q1"].id and event.ip == "127.0.0.1"
    assert NEW_PASSWORD not in json.dumps(AuditEvent._get_collection().find_one({"_id": event.id}), default=str)


def test_locking_an_account_ends_its_sessions_until_unlocked(app, client, city):
    log_in(client, "cv_q1", CITY_PASSWORD)
    token = api_token(app, "cv_q1").get_json()["token"]
    assert admin_action(app, city, "lock", "cv_q1").status_code == 302
    assert not logged_in(client)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert attempt(client, "cv_q1", CITY_PASSWORD).status_code == 401
    [event] = events("user.lock", target_id=city.users["cv_q1"].id)
    assert (event.actor_name, event.before["status"], event.after["status"]) == ("quantri", "active", "locked")

    assert admin_action(app, city, "unlock", "cv_q1").status_code == 302
    assert not logged_in(client)  # the old session does not come back
    assert attempt(client, "cv_q1", CITY_PASSWORD).status_code == 302 and logged_in(client)
    assert events("user.unlock", target_id=city.users["cv_q1"].id)


def test_a_closed_account_is_closed_for_good(app, client, city):
    from formplatform.accounts.services import set_status
    from formplatform.errors import Conflict

    log_in(client, "cv_q1", CITY_PASSWORD)
    token = api_token(app, "cv_q1").get_json()["token"]
    assert admin_action(app, city, "close", "cv_q1").status_code == 302
    assert not logged_in(client)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert attempt(client, "cv_q1", CITY_PASSWORD).status_code == 401
    assert api_token(app, "cv_q1").status_code == 401
    [event] = events("user.close", target_id=city.users["cv_q1"].id)
    assert (event.actor_name, event.after["status"]) == ("quantri", "closed")

    assert admin_action(app, city, "unlock", "cv_q1").status_code == 409
    with app.app_context(), pytest.raises(Conflict):
        set_status(User.objects.get(username="cv_q1"), "active", city.users["quantri"])
    assert User.objects.get(username="cv_q1").status == "closed"
    assert attempt(client, "cv_q1", CITY_PASSWORD).status_code == 401 and not logged_in(client)
    assert not events("user.unlock")


# ---- API tokens ------------------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_sha256_and_revocation_is_immediate(app, client, city):
    from formplatform.accounts.services import revoke_token

    issued = api_token(app, "quantri")
    assert issued.status_code == 201
    token = issued.get_json()["token"]
    database = mongoengine.get_db()
    everything = {name: list(database[name].find()) for name in database.list_collection_names()}
    assert token not in json.dumps(everything, default=str)
    record = ApiToken.objects.get(token_hash=hashlib.sha256(token.encode()).hexdigest())
    [issue] = events("token.issue", target_id=record.id)
    assert issue.actor_name == "quantri"

    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/audit", headers=headers).status_code == 200
    with app.app_context():
        revoke_token(record, city.users["quantri"])
    refused = client.get("/api/v1/audit", headers=headers)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    [revoke] = events("token.revoke", target_id=record.id)
    assert revoke.actor_name == "quantri"


def test_an_expired_token_fails(app, client, city):
    token = api_token(app, "quantri").get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/audit", headers=headers).status_code == 200
    ApiToken.objects(token_hash=hashlib.sha256(token.encode()).hexdigest()).update_one(__raw__=server_now("expires_at"))
    assert client.get("/api/v1/audit", headers=headers).status_code == 401


def test_a_made_up_token_fails(client, city):
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer fp_not-a-token"}).status_code == 401
