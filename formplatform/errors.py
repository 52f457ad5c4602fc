"""One error hierarchy, mapped to HTTP once; JSON for the API, an HTML page otherwise."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from form_definitions.problems import Problem
from i18n.messages import error_title, problem_message


class AppError(Exception):
    """Base of every error a user can cause; `code` is stable, `status` is the HTTP status."""

    status = 400
    code = "bad_request"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        super().__init__(code or self.code)
        self.code = code or self.code
        self.params = params

    def payload(self) -> dict[str, Any]:
        return {"code": self.code, "message": error_title(self.code, self.params)}


class BadRequest(AppError):
    status, code = 400, "bad_request"


class Unauthorized(AppError):
    status, code = 401, "unauthorized"


class Forbidden(AppError):
    status, code = 403, "forbidden"


class NotFound(AppError):
    status, code = 404, "not_found"


class Conflict(AppError):
    status, code = 409, "conflict"

    def payload(self) -> dict[str, Any]:
        """With its parameters (e.g. the current draft revision), so a client can resolve the conflict."""
        return {**super().payload(), **({"details": self.params} if self.params else {})}


class TooManyRequests(AppError):
    status, code = 429, "too_many_requests"


class Gone(AppError):
    status, code = 410, "form_archived"


class Invalid(AppError):
    """Validation failed: every problem comes back with its path, code and a localized message."""

    status, code = 422, "invalid"

    def __init__(self, problems: list[Problem], code: str | None = None, **params: Any) -> None:
        super().__init__(code, **params)
        self.problems = problems

    def payload(self) -> dict[str, Any]:
        return {**super().payload(), "errors": localize_problems(self.problems)}


class NeedsConfirmation(AppError):
    """Publishing a breaking change without the explicit confirmation flag."""

    status, code = 409, "breaking_change_unconfirmed"

    def __init__(self, diff: dict[str, Any]) -> None:
        super().__init__()
        self.diff = diff

    def payload(self) -> dict[str, Any]:
        return {**super().payload(), "diff": self.diff}


def localize_problems(problems: list[Problem]) -> list[dict[str, Any]]:
    return [{**p.as_dict(), "message": problem_message(p.code, p.params)} for p in problems]


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _respond(status: int, payload: dict[str, Any], headers: list[tuple[str, str]] | None = None):  # type: ignore[no-untyped-def]
    if wants_json():
        return jsonify({"error": payload}), status, headers or []
    return render_template("formplatform/error.html", status=status, error=payload), status, headers or []


def init_app(app: Flask) -> None:
    @app.errorhandler(AppError)
    def handle_app_error(error: AppError):  # type: ignore[no-untyped-def]
        return _respond(error.status, error.payload())

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        code = {
            400: "bad_request",
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            413: "too_large",
            429: "too_many_requests",
        }.get(error.code or 500, "http_error")
        if error.code == 400 and "CSRF" in (error.description or ""):
            code = "csrf_failed"
        # The exception's own headers (Allow on a 405, Retry-After, WWW-Authenticate) belong to the answer.
        headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
        return _respond(error.code or 500, {"code": code, "message": error_title(code, {})}, headers)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return _respond(500, {"code": "internal_error", "message": error_title("internal_error", {})})
