"""The notifications page, marking notices read, and the unread count shown in every page's menu."""

from __future__ import annotations

import logging
from typing import Any

from flask import g, redirect, render_template, request, url_for
from pymongo.errors import PyMongoError

from formplatform.auth import current_user, require_login
from formplatform.errors import Unauthorized
from formplatform.paging import page_number
from formplatform.reporting import bp
from formplatform.reporting.notifications import (
    list_notifications,
    mark_all_read,
    mark_read,
    notification_text,
    report_url,
    unread_count,
    unread_text,
)
from i18n.babel import current_locale

PAGE_SIZE = 20
log = logging.getLogger(__name__)


@bp.app_context_processor
def notification_bell() -> dict[str, Any]:
    """`unread_notifications()` for base.html: a capped count from one index, only when the menu shows the bell;
    `unread_text(n)` writes it ("99+" at the cap)."""

    def count() -> int:
        user = current_user()
        try:
            return _unread(user) if user is not None else 0
        except PyMongoError:  # the error page of a database outage must still render
            log.warning("unread notifications could not be counted", exc_info=True)
            return 0

    return {"unread_notifications": count, "unread_text": unread_text}


def _unread(user: Any) -> int:
    """The capped unread count, read once a request (the notifications page and its menu both show it)."""
    if "fp_unread" not in g:
        g.fp_unread = unread_count(user)
    return int(g.fp_unread)


def _user() -> Any:
    user = current_user()
    if user is None:
        raise Unauthorized()
    return user


@bp.get("/notifications")
@require_login
def notifications() -> Any:
    user = _user()
    unread_only = request.args.get("unread") == "1"
    page = list_notifications(
        user, unread_only=unread_only, page=page_number(request.args.get("page")), per_page=PAGE_SIZE
    )
    locale = current_locale()
    return render_template(
        "reporting/notifications.html",
        items=[(n, *notification_text(n, locale)) for n in page.items],
        page=page,
        unread_only=unread_only,
        unread=_unread(user),
        report_url=report_url,
    )


def _back() -> Any:
    """Back to the list as it was shown (only our own page: never an open redirect)."""
    args = {k: v for k, v in (("unread", request.form.get("unread")), ("page", request.form.get("page"))) if v}
    return redirect(url_for("reporting.notifications", **args))


@bp.post("/notifications/<notification_id>/read")
@require_login
def read_notification(notification_id: str) -> Any:
    notice = mark_read(_user(), notification_id)
    if request.form.get("open") == "1" and notice is not None and notice.report_id:
        return redirect(report_url(notice.report_id))
    return _back()


@bp.post("/notifications/read-all")
@require_login
def read_all_notifications() -> Any:
    mark_all_read(_user())
    return _back()
