"""Behind a reverse proxy every phone arrives from the proxy's address: with TRUSTED_PROXIES set the
limits count each phone's own address (X-Forwarded-For); without it a forged header changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import csrf_token
from tests.fixtures.satisfaction import answers

PROXY = "10.0.0.2"  # nginx, as the app sees it
CODE = "000.31.31.H29-261110-0001"  # a well-formed code: the look-up is counted before the dossier is sought


def proxied_app(app: Any, proxies: Any, **extra: Any) -> Any:
    """A second app on the same database, behind `proxies` trusted reverse proxies."""
    from formplatform import create_app

    return create_app(
        {
            "MONGODB_URI": app.config["MONGODB_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "ENV": "testing",
            "SEED_ON_START": False,
            "ADMIN_PASSWORD": "",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_KIB": 1024,
            "WTF_CSRF_ENABLED": False,
            "TRUSTED_PROXIES": proxies,
            **extra,
        }
    )


def lookups_by_address(app: Any) -> dict[str, int]:
    """Code look-ups counted per hashed address (the `look|<address>|<hour>` counters)."""
    from formplatform.satisfaction.models import RatingCounter

    with app.app_context():
        return {c.id.split("|")[1]: c.count for c in RatingCounter.objects if c.id.startswith("look|")}


def hashed(app: Any, ip: str) -> str:
    from formplatform.satisfaction.ratings import address_key

    with app.app_context():
        return address_key(ip)


def look_up(client: Any, forwarded: str | None) -> Any:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    data = {"code": CODE, "csrf_token": csrf_token(client, "/rate")}
    return client.post("/rate", data=data, headers=headers, environ_base={"REMOTE_ADDR": PROXY})


def test_behind_one_trusted_proxy_each_phone_counts_against_its_own_address(app):
    proxied = proxied_app(app, "1")
    client = proxied.test_client()
    assert proxied.config["TRUSTED_PROXIES"] == 1
    assert look_up(client, "203.0.113.10").status_code == 404
    assert look_up(client, "203.0.113.11").status_code == 404
    assert look_up(client, "6.6.6.6, 203.0.113.11").status_code == 404  # a phone's own header is not believed
    counted = lookups_by_address(proxied)
    assert counted == {hashed(proxied, "203.0.113.10"): 1, hashed(proxied, "203.0.113.11"): 2}
    assert hashed(proxied, PROXY) not in counted and hashed(proxied, "6.6.6.6") not in counted


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored(app, client):
    assert app.config["TRUSTED_PROXIES"] == 0
    assert look_up(client, "198.51.100.1").status_code == 404
    assert look_up(client, "198.51.100.2").status_code == 404
    assert lookups_by_address(app) == {hashed(app, PROXY): 2}


def test_qr_ratings_of_two_phones_behind_the_proxy_are_limited_separately(app):
    from formplatform.satisfaction.models import Rating
    from formplatform.services.seed import seed_library
    from kiosk.tokens import mint_rating_token
    from tests.fixtures.city import build_city
    from tests.fixtures.satisfaction import make_dossier

    proxied = proxied_app(app, 1, RATING_ADDRESS_LIMIT=1)
    with proxied.test_request_context():
        seed_library()
        city = build_city()
        tokens = [mint_rating_token(make_dossier(city, seq=seq).id) for seq in (1, 2, 3)]
    client = proxied.test_client()
    phones = ("203.0.113.20", "203.0.113.21", "203.0.113.20")
    sent = [
        client.post(
            f"/r/{token}", data=answers(), headers={"X-Forwarded-For": phone}, environ_base={"REMOTE_ADDR": PROXY}
        )
        for token, phone in zip(tokens, phones, strict=True)
    ]
    assert [r.status_code for r in sent] == [302, 302, 429]  # the third is the first phone's second rating
    with proxied.app_context():
        addresses = {r.address for r in Rating.objects}
    assert addresses == {hashed(proxied, "203.0.113.20"), hashed(proxied, "203.0.113.21")}


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "6", "yes"])
def test_a_bad_trusted_proxies_setting_fails_at_start_up(monkeypatch, value):
    from formplatform.config import ConfigError, load_config

    monkeypatch.setenv("TRUSTED_PROXIES", value)
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        load_config({"MONGODB_URI": "mongomock://localhost/x", "SECRET_KEY": "0123456789abcdef-x"})


def test_trusted_proxies_defaults_to_none_and_reads_the_environment(monkeypatch):
    from formplatform.config import load_config

    base = {"MONGODB_URI": "mongomock://localhost/x", "SECRET_KEY": "0123456789abcdef-x"}
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    assert load_config(base)["TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("TRUSTED_PROXIES", " 2 ")
    assert load_config(base)["TRUSTED_PROXIES"] == 2
