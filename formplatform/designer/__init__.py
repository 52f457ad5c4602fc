"""The form designer: create, edit, preview, version, import, export and archive forms."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("designer", __name__, template_folder="templates")
api_bp = Blueprint("designer_api", __name__, url_prefix="/api/v1")


def _protect_api_writes() -> None:
    from formplatform.security import protect_session_writes

    protect_session_writes()


api_bp.before_request(_protect_api_writes)


def init_app(app: Flask, csrf: object) -> None:
    """Attach the designer's pages and API (the modules add their routes to `bp` and `api_bp`)."""
    from formplatform.designer import api, editor, pages  # noqa: F401  (routes register on import)

    csrf.exempt(api_bp)  # type: ignore[attr-defined]
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
