"""Security headers on every response, CSRF for API writes made with a session cookie, and the client
address as seen through the configured number of trusted reverse proxies."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import Flask, g
from flask.wrappers import Response
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


MAX_REDIRECT_LENGTH = 2000


def _looks_safe(path: str) -> bool:
    """One relative path on this site: starts with a single "/", no scheme, no host, nothing a browser strips.

    Browsers drop tabs and newlines and read a backslash as "/", so "/<TAB>/evil.example" and
    "/<backslash>evil.example" would leave the site: whitespace, control characters and backslashes are refused.
    """
    if not path.startswith("/") or path.startswith("//"):
        return False
    if "\\" in path or any(ch.isspace() or not ch.isprintable() for ch in path):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc and parts.path.startswith("/")


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`: never an open redirect.

    The path is also checked once percent-decoded, for a proxy or client that decodes before following it.
    """
    text = target or ""
    if len(text) > MAX_REDIRECT_LENGTH or not _looks_safe(text):
        return default
    decoded = unquote(urlsplit(text).path)
    if decoded.startswith("//") or "\\" in decoded or not decoded.isprintable():
        return default
    return text


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


def trust_proxies(app: Flask, count: int) -> None:
    """Behind `count` reverse proxies, read the client's address and scheme from X-Forwarded-For / -Proto.

    Rate limits and integrity flags key on `request.remote_addr`: without this, every phone behind
    nginx shares the proxy's address. Only the last `count` entries are believed, so a client-sent
    X-Forwarded-For cannot move it; with 0 nothing is wrapped and the headers are ignored. The scheme
    makes QR links and the kiosk's same-origin check say https behind a TLS proxy. The host is not
    taken from X-Forwarded-Host (a proxy that does not set it would pass a client's through): the
    proxy forwards the Host header itself.
    """
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def init_app(app: Flask) -> None:
    trust_proxies(app, int(app.config.get("TRUSTED_PROXIES", 0)))
    app.after_request(_headers)
