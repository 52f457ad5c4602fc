"""Health and failing fast: `/healthz` says which part is down, and a database that does not answer gives a 503
at once (the MongoClient's short server-selection timeout, `db.SERVER_SELECTION_TIMEOUT_MS`), never a 500.

`python run.py` restarts its embedded database when it dies (formplatform/embedded.py); until it is back, pages
answer this 503 with `Retry-After`, and the app's MongoClient reconnects by itself.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify, make_response, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pymongo.errors import ConnectionFailure

from formplatform import db
from formplatform.errors import wants_json
from i18n.messages import error_title, register_errors

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = "database_unavailable"

register_errors({UNAVAILABLE: _l("The database is not answering right now. Please try again in a few seconds.")})


def healthz() -> Any:
    """200 when every part answers; 503 naming the part that is down otherwise."""
    database = db.engine_status(current_app)
    database["state"] = "up" if database["reachable"] else "down"
    up = database["reachable"]
    body = {"status": "ok" if up else "degraded", "app": "up", "database": database}
    response = make_response(jsonify(body), 200 if up else 503)
    if not up:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def database_unavailable(error: ConnectionFailure) -> Any:
    """503 with Retry-After: JSON in the API's error shape, or a page in both languages that needs no database."""
    current_app.logger.warning("database unavailable: %s: %s", type(error).__name__, error)
    if wants_json():
        payload = {"code": UNAVAILABLE, "message": error_title(UNAVAILABLE, {})}
        response = make_response(jsonify({"error": payload}), 503)
    else:
        texts = []
        for lang in ("vi", "en"):
            with force_locale(lang):
                texts.append(
                    {
                        "lang": lang,
                        "title": _("Temporarily unavailable"),
                        "message": error_title(UNAVAILABLE, {}),
                        "safe": _("Nothing you saved before has been lost. This page will try again by itself."),
                    }
                )
        html = render_template("formplatform/unavailable.html", texts=texts, retry=RETRY_AFTER_SECONDS)
        response = make_response(html, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz)
    app.register_error_handler(ConnectionFailure, database_unavailable)
