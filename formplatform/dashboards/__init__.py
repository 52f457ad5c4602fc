"""Leaders' dashboards: reporting compliance, KPI trends and citizen satisfaction, each as a page, a CSV /
XLSX / DOCX / PDF download and a REST aggregate — always restricted to the viewer's agency subtrees."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("dashboards", __name__, template_folder="templates")
api_bp = Blueprint("dashboards_api", __name__, url_prefix="/api/v1")


def init_app(app: Flask, csrf: object) -> None:
    """Attach the dashboard pages and the aggregates API (read-only: GET only, nothing to protect from CSRF)."""
    from formplatform.dashboards import aggregates_api, board_pages, words  # noqa: F401  (routes and words)

    csrf.exempt(api_bp)  # type: ignore[attr-defined]
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
