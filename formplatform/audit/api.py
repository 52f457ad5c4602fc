"""REST API v1 routes of the audit area."""

from __future__ import annotations

from flask import Blueprint

from formplatform.security import protect_session_writes

bp = Blueprint("audit_api", __name__, url_prefix="/api/v1")
bp.before_request(protect_session_writes)
