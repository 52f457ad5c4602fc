"""Kiosk and QR: device pairing, the kiosk screens, rating QR codes and tokens, the phone rating pages.

`bp` serves the kiosk under /kiosk; `public_bp` serves what a citizen's phone opens (/r/<token>,
/rate) and the QR images and printable sheets. Each `*_views` module adds its routes on import.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk", template_folder="templates")
public_bp = Blueprint("rating", __name__, template_folder="templates")


def init_app(app: Flask, csrf: object) -> None:
    """Attach the kiosk and public rating blueprints."""
    import importlib
    import pkgutil

    package = importlib.import_module(__name__)
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.endswith("_views"):
            importlib.import_module(f"{__name__}.{module.name}")
    app.register_blueprint(bp)
    app.register_blueprint(public_bp)
