"""Periodic work inside the platform (no cron needed): the jobs, the lease that lets one process run
them, and the administrators' page that shows each job's last and next run (`/admin/scheduler`)."""

from __future__ import annotations

import atexit
import os

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from formplatform.scheduler.runner import Scheduler

__all__ = ["init_app"]


def init_app(app: Flask, csrf: CSRFProtect) -> None:
    from formplatform.scheduler import views

    app.register_blueprint(views.bp)
    if not app.config["SCHEDULER"]:
        return
    scheduler = Scheduler(app)
    app.extensions["scheduler"] = scheduler  # started by create_app once seeding is done
    atexit.register(scheduler.stop)

    @app.before_request
    def _after_fork() -> None:
        """gunicorn --preload forks workers after the app was built: each starts its own thread."""
        if scheduler.pid != os.getpid():
            scheduler.start()
