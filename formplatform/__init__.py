"""The Flask application: the one composition root that wires every package together."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from formplatform.config import load_config

csrf = CSRFProtect()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from the environment plus `config`; never starts a database server."""
    app = Flask(__name__)
    app.config.update(load_config(config))

    import i18n.babel
    import kiosk
    from formplatform import api, auth, db, designer, errors, health, limits, reporting, satisfaction, security, views
    from formplatform.accounts import api as accounts_api
    from formplatform.accounts import views as accounts_views
    from formplatform.accounts.services import configure_hashing
    from formplatform.agencies import api as agencies_api
    from formplatform.agencies import views as agencies_views
    from formplatform.audit import api as audit_api
    from formplatform.audit import views as audit_views

    configure_hashing(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_KIB"])
    i18n.babel.init_app(app)
    db.init_app(app)
    errors.init_app(app)
    limits.init_app(app)
    health.init_app(app)  # /healthz, and 503 at once while the database does not answer
    auth.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    __import__("formplatform.apispec", fromlist=["init_app"]).init_app(app)  # /api/v1 declarations
    for api_bp in (api.bp, accounts_api.bp, agencies_api.bp, audit_api.bp):
        csrf.exempt(api_bp)  # API writes with a session cookie are CSRF-checked by protect_session_writes
        app.register_blueprint(api_bp)
    for page_bp in (views.bp, accounts_views.bp, agencies_views.bp, audit_views.bp):
        app.register_blueprint(page_bp)
    designer.init_app(app, csrf)
    reporting.init_app(app, csrf)
    satisfaction.init_app(app, csrf)
    __import__("formplatform.dashboards", fromlist=["init_app"]).init_app(app, csrf)  # leaders' dashboards
    __import__("formplatform.exports", fromlist=["init_app"]).init_app(app, csrf)  # background exports
    kiosk.init_app(app, csrf)
    __import__("formplatform.scheduler", fromlist=["init_app"]).init_app(app, csrf)  # periodic work, no cron

    if app.config["SEED_ON_START"]:
        seed(app)
    if "scheduler" in app.extensions:
        app.extensions["scheduler"].start()
    return app


def seed(app: Flask) -> None:
    """Create the administrator and publish the built-in definitions (idempotent)."""
    from formplatform.config import ConfigError
    from formplatform.errors import BadRequest
    from formplatform.services.seed import ensure_admin, seed_library, seeding_lease

    # One process at a time (gunicorn starts several workers at once); each later turn finds everything done.
    with app.app_context(), seeding_lease() as held:
        if not held:
            print("Seeding: another process is still seeding; starting without waiting longer.", flush=True)
            return
        try:
            generated = ensure_admin(app.config.get("ADMIN_PASSWORD"))
        except BadRequest as error:
            raise ConfigError(
                "ADMIN_PASSWORD does not meet the password policy: at least 10 characters, letters and digits, "
                "not containing the user name."
            ) from error
        if generated:
            print(f"\n  Administrator created: user 'admin', password '{generated}' (shown once)\n", flush=True)
        seed_library()
        if app.config["DEMO_DATA"]:
            from formplatform.services.demo import seed_demo

            seed_demo()
