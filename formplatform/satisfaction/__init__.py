"""Citizen satisfaction: dossiers from one-stop systems, ratings bound to them, roll-ups, results."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("satisfaction", __name__, template_folder="templates")
api_bp = Blueprint("satisfaction_api", __name__, url_prefix="/api/v1")


def _protect_api_writes() -> None:
    from formplatform.security import protect_session_writes

    protect_session_writes()


api_bp.before_request(_protect_api_writes)


def init_app(app: Flask, csrf: object) -> None:
    """Attach the satisfaction pages and API (each `*_pages` / `*_api` module adds its routes on import)."""
    import importlib
    import pkgutil

    importlib.import_module(f"{__name__}.words")  # registers the area's error messages
    package = importlib.import_module(__name__)
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.endswith(("_pages", "_api")):
            importlib.import_module(f"{__name__}.{module.name}")
    csrf.exempt(api_bp)  # type: ignore[attr-defined]
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
