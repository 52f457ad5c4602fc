"""Background exports of submissions and reports (CSV, XLSX), with progress, for the owner to download later."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("exports", __name__, template_folder="templates")
api_bp = Blueprint("exports_api", __name__, url_prefix="/api/v1")


def _protect_api_writes() -> None:
    from formplatform.security import protect_session_writes

    protect_session_writes()


api_bp.before_request(_protect_api_writes)


def init_app(app: Flask, csrf: object) -> None:
    """Attach the export pages and API, and this process's export runner (started when first needed)."""
    from formplatform.exports import api, pages, words  # noqa: F401  (routes and words)
    from formplatform.exports.runner import Runner

    app.extensions["export_runner"] = Runner(app)
    csrf.exempt(api_bp)  # type: ignore[attr-defined]
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
