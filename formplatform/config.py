"""Configuration from the environment, checked once at start-up."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

ENV_KEYS = (
    "MONGODB_URI",
    "SECRET_KEY",
    "DATA_DIR",
    "ADMIN_PASSWORD",
    "SEED_ON_START",
    "DB_ENGINE_LABEL",
    "ENV",
    "MAX_UPLOAD_BYTES",
    "DEMO_DATA",
    "ARGON2_TIME_COST",
    "ARGON2_MEMORY_KIB",
    # Periodic reporting (formplatform/reporting): e-mail for notifications, and extra days off.
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_USER",
    "SMTP_PASSWORD",
    "SMTP_FROM",
    "SMTP_STARTTLS",
    "HOLIDAYS",
    # Digital signatures: trusted CA certificates (PEM file); whether a demo CA may be used.
    "SIGNATURE_TRUST_ROOTS",
    "SIGNATURE_DEMO_CA",
    "SIGNATURE_REVOCATION_ONLINE",
    # Citizen satisfaction (formplatform/satisfaction, kiosk): token lifetime, limits, kiosk idle times.
    "RATING_TOKEN_DAYS",
    "RATING_DEVICE_LIMIT",
    "RATING_DEVICE_BURST",
    "RATING_ADDRESS_LIMIT",
    "RATING_ADDRESS_FLAG",
    "KIOSK_IDLE_SECONDS",
    "KIOSK_THANKS_SECONDS",
    # Reverse proxies in front of the app whose X-Forwarded-* headers are believed (0: none).
    "TRUSTED_PROXIES",
    # Background exports: whether this process runs export jobs in a thread (off: only queues them).
    "EXPORT_RUNNER",
    # Periodic work (formplatform/scheduler): whether this process takes part in running it; and whether a
    # citizen's rating is counted into the results within its request instead of by the scheduler.
    "SCHEDULER",
    "COUNT_RATINGS_AT_INTAKE",
    # How long a process reuses a form's status and newest version for submissions (0: read every time).
    "FORM_CACHE_SECONDS",
)
DEFAULTS: dict[str, Any] = {
    "DATA_DIR": "instance",
    "SEED_ON_START": False,
    "DEMO_DATA": False,
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_KIB": 65536,
    "DB_ENGINE_LABEL": "mongodb",
    "ENV": "production",
    "MAX_UPLOAD_BYTES": 15 * 1024 * 1024,
    "TOKEN_TTL_HOURS": 12,
    "WTF_CSRF_TIME_LIMIT": None,
    "BABEL_DEFAULT_LOCALE": "vi",
    "SMTP_HOST": "",  # empty: notifications stay in the app, no e-mail
    "SMTP_PORT": 587,
    "SMTP_STARTTLS": True,
    "SMTP_FROM": "",
    # Days off added to the built-in Vietnamese public holidays (formplatform/reporting/holidays.py):
    # enter the Government's yearly announcement (Tết schedule, made-up days) as "2027-02-11,2027-02-12".
    "HOLIDAYS": "",
    "SATISFACTION_FORM": "dossier-satisfaction",
    "RATING_TOKEN_DAYS": 90,  # a printed rating QR stays valid this long
    "RATING_DEVICE_LIMIT": 30,  # ratings one kiosk may store per 10 minutes (then 429)
    "RATING_DEVICE_BURST": 6,  # more than this from one kiosk within 2 minutes: flagged for review
    "RATING_ADDRESS_LIMIT": 20,  # ratings one network address may store per hour (then 429)
    "RATING_ADDRESS_FLAG": 5,  # more than this from one address in a day: flagged for review
    "KIOSK_IDLE_SECONDS": 60,  # a kiosk screen left alone this long resets itself
    "KIOSK_THANKS_SECONDS": 8,  # how long the thank-you screen stays
    # How many reverse proxies (nginx, a load balancer) stand in front of the app. Each appends the address
    # it saw to X-Forwarded-For; the app believes that many entries from the right, and no more, so a
    # client cannot forge its address. 0: no proxy, X-Forwarded-* headers are ignored.
    "TRUSTED_PROXIES": 0,
    "EXPORT_RUNNER": True,
    "COUNT_RATINGS_AT_INTAKE": False,
    "FORM_CACHE_SECONDS": 2,
}
MAX_TRUSTED_PROXIES = 5
URI_SCHEMES = ("mongodb://", "mongodb+srv://", "mongomock://")


class ConfigError(RuntimeError):
    """The configuration cannot work; raised once, at start-up, with what to fix."""


def _as_bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes", "on")


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            return handle.read(1_000_000)
    except OSError:
        return ""


def _proxy_count(value: Any) -> int:
    """TRUSTED_PROXIES as a small whole number; anything else would silently trust or ignore addresses."""
    text = str(value).strip()
    if not text.isdigit() or int(text) > MAX_TRUSTED_PROXIES:
        raise ConfigError(
            f"TRUSTED_PROXIES must be the number of reverse proxies in front of the app, 0 to {MAX_TRUSTED_PROXIES} "
            f"(0: none, X-Forwarded-For is ignored); not {value!r}."
        )
    return int(text)


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then environment, then explicit overrides; then check the result."""
    config = dict(DEFAULTS)
    config.update({key: os.environ[key] for key in ENV_KEYS if os.environ.get(key)})
    config.update(overrides or {})
    config["SEED_ON_START"] = _as_bool(config["SEED_ON_START"])
    config["DEMO_DATA"] = _as_bool(config["DEMO_DATA"])
    config["ARGON2_TIME_COST"] = int(config["ARGON2_TIME_COST"])
    config["ARGON2_MEMORY_KIB"] = int(config["ARGON2_MEMORY_KIB"])
    config["MAX_UPLOAD_BYTES"] = int(config["MAX_UPLOAD_BYTES"])
    config["MAX_CONTENT_LENGTH"] = config["MAX_UPLOAD_BYTES"] + 1024 * 1024
    config["SMTP_PORT"] = int(config["SMTP_PORT"])
    for key in (
        "RATING_TOKEN_DAYS",
        "RATING_DEVICE_LIMIT",
        "RATING_DEVICE_BURST",
        "RATING_ADDRESS_LIMIT",
        "RATING_ADDRESS_FLAG",
        "KIOSK_IDLE_SECONDS",
        "KIOSK_THANKS_SECONDS",
    ):
        config[key] = int(config[key])
    config["SMTP_STARTTLS"] = _as_bool(config["SMTP_STARTTLS"])
    config["EXPORT_RUNNER"] = _as_bool(config["EXPORT_RUNNER"])
    # on unless turned off; test apps (ENV=testing) run jobs when a test says so
    config["SCHEDULER"] = _as_bool(config.get("SCHEDULER", config["ENV"] != "testing"))
    config["COUNT_RATINGS_AT_INTAKE"] = _as_bool(config["COUNT_RATINGS_AT_INTAKE"])
    try:
        config["FORM_CACHE_SECONDS"] = float(config["FORM_CACHE_SECONDS"])
    except ValueError:
        config["FORM_CACHE_SECONDS"] = -1.0
    if not 0 <= config["FORM_CACHE_SECONDS"] <= 60:
        raise ConfigError("FORM_CACHE_SECONDS must be a number of seconds from 0 (no cache) to 60.")
    config["TRUSTED_PROXIES"] = _proxy_count(config["TRUSTED_PROXIES"])
    development = config["ENV"] in ("development", "testing")
    # Digital signatures (formplatform/reporting/signature_checks.py): a PEM file of trusted CA
    # certificates; without it a demo CA (DATA_DIR/demo-pki) may be created and trusted, for demos only.
    config.setdefault("SIGNATURE_TRUST_ROOTS", "")
    config["SIGNATURE_DEMO_CA"] = _as_bool(config.get("SIGNATURE_DEMO_CA", development or config["DEMO_DATA"]))
    # Fetch CRLs and OCSP answers named in signer certificates (needs outbound network); off by default,
    # then only CRL files an administrator loaded are used and other signatures say "revocation not checked".
    config["SIGNATURE_REVOCATION_ONLINE"] = _as_bool(config.get("SIGNATURE_REVOCATION_ONLINE", False))
    config.setdefault("SESSION_COOKIE_SECURE", not development)
    config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    check_config(config)
    return config


def check_config(config: dict[str, Any]) -> None:
    """Fail loudly on a configuration that would break later."""
    uri = config.get("MONGODB_URI") or ""
    if not uri:
        raise ConfigError("MONGODB_URI is not set: point it at MongoDB, or start the platform with `python run.py`.")
    if not uri.startswith(URI_SCHEMES):
        raise ConfigError(f"MONGODB_URI must start with one of {', '.join(URI_SCHEMES)}")
    days = str(config.get("HOLIDAYS") or "").replace(";", ",").split(",")
    bad_days = [d.strip() for d in days if d.strip() and not _is_date(d)]
    if bad_days:
        raise ConfigError(f"HOLIDAYS must list ISO dates separated by commas (YYYY-MM-DD); not dates: {bad_days}")
    roots = config.get("SIGNATURE_TRUST_ROOTS") or ""
    if roots and "-----BEGIN CERTIFICATE-----" not in _read_text(roots):
        raise ConfigError(f"SIGNATURE_TRUST_ROOTS must name a PEM file of CA certificates; {roots} is not one.")
    secret = config.get("SECRET_KEY") or ""
    if len(secret) < 16:
        raise ConfigError("SECRET_KEY must be set to a random string of at least 16 characters.")
