"""Security headers on every response, and CSRF for API writes made with a session cookie."""

from __future__ import annotations

from flask import Flask, g
from flask.wrappers import Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def protect_session_writes() -> None:
    """Bearer-token and anonymous calls carry no ambient authority; cookie-authenticated writes need CSRF."""
    from flask import request

    from formplatform import csrf

    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if g.get("user") is not None and not g.get("via_token"):
        csrf.protect()


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
