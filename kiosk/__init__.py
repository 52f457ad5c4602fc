"""Kiosk and QR blueprint. Device pairing, kiosk screens and rating intake arrive with the
citizen-satisfaction issue; today it only reserves its URL space and template folder."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk", template_folder="templates")
