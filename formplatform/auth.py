"""Who is calling: a session for pages, a bearer token for the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, g, request, session

from formplatform.errors import Forbidden, Unauthorized
from formplatform.models import User
from formplatform.services.accounts import user_for_token

F = TypeVar("F", bound=Callable[..., Any])


def _load_user() -> None:
    g.user = None
    g.via_token = False
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        g.user = user_for_token(header[7:].strip())
        g.via_token = g.user is not None
        return
    user_id = session.get("user_id")
    if user_id:
        user = User.objects(id=user_id).first()
        if user is not None and user.can_log_in and session.get("sv") == user.session_version:
            g.user = user
        else:
            session.clear()


def current_user() -> User | None:
    return g.get("user")


def log_in(user: User) -> None:
    session.clear()
    session["user_id"] = user.id
    session["sv"] = user.session_version
    session.permanent = True


def require_admin(view: F) -> F:
    """Only system administrators (full roles arrive with the accounts issue)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = current_user()
        if user is None:
            raise Unauthorized()
        if not user.is_admin:
            raise Forbidden()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def require_login(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            raise Unauthorized()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    app.before_request(_load_user)
