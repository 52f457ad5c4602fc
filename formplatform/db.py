"""MongoDB connection through MongoEngine: a real server, embedded nx-27017, or mongomock in tests."""

from __future__ import annotations

import time
from typing import Any

import mongoengine
from flask import Flask
from pymongo.errors import ServerSelectionTimeoutError
from pymongo.uri_parser import parse_uri

DEFAULT_DB = "formplatform"
# Short, so that while the database is down a request fails within 2 s (a 503, formplatform/health.py) instead
# of holding its thread for pymongo's default 30 s; the client reconnects by itself once the server is back.
SERVER_SELECTION_TIMEOUT_MS = 2000
# How long start-up keeps trying to create indexes on a server that is not up yet (a replica set electing).
START_WAIT_SECONDS = 30.0


def database_name(uri: str) -> str:
    if uri.startswith("mongomock://"):
        return uri.split("/", 3)[3].split("?")[0] if uri.count("/") >= 3 else DEFAULT_DB
    return parse_uri(uri).get("database") or DEFAULT_DB


def init_app(app: Flask) -> None:
    """Connect the default MongoEngine alias and make sure every document's indexes exist."""
    uri = app.config["MONGODB_URI"]
    mongoengine.disconnect_all()
    options: dict[str, Any] = {"db": database_name(uri), "uuidRepresentation": "standard"}
    if uri.startswith("mongomock://"):
        import mongomock

        mongoengine.connect(host="mongodb://localhost", mongo_client_class=mongomock.MongoClient, **options)
        app.config["DB_ENGINE_LABEL"] = "mongomock"
    else:
        # connectTimeoutMS stays at its default: it also bounds the monitor's heartbeat, and a heartbeat timing
        # out clears the pool and cancels operations in flight (seeding failed so on a busy embedded server).
        mongoengine.connect(host=uri, serverSelectionTimeoutMS=SERVER_SELECTION_TIMEOUT_MS, **options)
    ensure_all_indexes()


def ensure_all_indexes(wait: float = START_WAIT_SECONDS) -> None:
    """Create every document's indexes, retrying while the server does not answer yet (up to `wait` seconds)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            for document in all_documents():
                document.ensure_indexes()
            return
        except ServerSelectionTimeoutError:
            if time.monotonic() > deadline:
                raise


def all_documents() -> tuple[type[mongoengine.Document], ...]:
    """Every document class of the platform, for index creation and tests."""
    from formplatform.accounts.models import ApiToken, LoginThrottle, PasswordRequest, User
    from formplatform.agencies.models import Agency
    from formplatform.audit.models import AuditEvent
    from formplatform.models import Form, FormVersion, StoredFile, Submission, VersionTally

    return (
        Agency,
        User,
        ApiToken,
        LoginThrottle,
        PasswordRequest,
        AuditEvent,
        Form,
        FormVersion,
        Submission,
        StoredFile,
        VersionTally,
    )


def engine_status(app: Flask) -> dict[str, Any]:
    """Which engine is in use and whether it answers."""
    status: dict[str, Any] = {"engine": app.config.get("DB_ENGINE_LABEL", "mongodb")}
    try:
        mongoengine.get_db().command("ping")
        status["reachable"] = True
    except Exception as error:  # noqa: BLE001 - health check reports any failure instead of raising
        status["reachable"] = False
        status["error"] = type(error).__name__
    return status
