"""HTML pages of the agencies area."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("agencies", __name__, template_folder="templates")
