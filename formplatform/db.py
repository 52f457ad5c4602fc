"""MongoDB connection through MongoEngine: a real server, embedded nx-27017, or mongomock in tests."""

from __future__ import annotations

from typing import Any

import mongoengine
from flask import Flask
from pymongo.uri_parser import parse_uri

DEFAULT_DB = "formplatform"


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
        mongoengine.connect(host=uri, serverSelectionTimeoutMS=10000, **options)
    for document in all_documents():
        document.ensure_indexes()


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
