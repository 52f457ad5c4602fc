"""Who is calling: a session for pages, a bearer token (user or integration client) for the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, g, redirect, request, session, url_for

from formplatform.accounts.models import ApiToken, User
from formplatform.accounts.services import principal_for_token
from formplatform.errors import Forbidden, Unauthorized
from formplatform.permissions import Principal, allows, allows_somewhere

F = TypeVar("F", bound=Callable[..., Any])
# Pages an account that must change its password may still open.
OPEN_WHILE_CHANGING = {"views.password", "views.logout", "static", "healthz", "views.login"}


def _load_principal() -> None:
    g.user = None
    g.client = None
    g.via_token = False
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        principal = principal_for_token(header[7:].strip())
        g.via_token = principal is not None
        if isinstance(principal, ApiToken):
            g.client = principal
        else:
            g.user = principal
        return
    user_id = session.get("user_id")
    if user_id:
        user = User.objects(id=user_id).first()
        if user is not None and user.can_log_in and session.get("sv") == user.session_version:
            g.user = user
        else:
            session.clear()


def _force_password_change() -> Any:
    user = g.get("user")
    if user is None or not user.must_change_password or g.get("via_token"):
        return None
    if request.endpoint in OPEN_WHILE_CHANGING or request.path.startswith("/api/"):
        return None
    return redirect(url_for("views.password", next=request.path))


def current_user() -> User | None:
    """The logged-in person (session or user token); None for integration clients and the public."""
    return g.get("user")


def current_principal() -> Principal | None:
    """The person or the integration client making the request."""
    return g.get("user") or g.get("client")


def log_in(user: User) -> None:
    session.clear()
    session["user_id"] = user.id
    session["sv"] = user.session_version
    session.permanent = True


def require_permission(permission: str) -> Callable[[F], F]:
    """The caller must hold `permission` over some agency; views then check the agency they touch."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            principal = current_principal()
            if principal is None:
                raise Unauthorized()
            if not allows_somewhere(principal, permission):
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def require_login(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            raise Unauthorized()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    app.before_request(_load_principal)
    app.before_request(_force_password_change)

    @app.context_processor
    def permission_helpers() -> dict[str, Any]:
        def can(permission: str, agency_id: str | None = None, anywhere: bool = True) -> bool:
            principal = current_principal()
            return allows_somewhere(principal, permission) if anywhere else allows(principal, permission, agency_id)

        return {"can": can}
