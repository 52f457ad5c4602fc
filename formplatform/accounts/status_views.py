"""Pages that lock, unlock, close and reset accounts (each behind a confirmation page), and password requests."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from formplatform.accounts import password_requests, queries, services
from formplatform.accounts.views import actor, bp, no_store
from formplatform.auth import require_permission
from formplatform.errors import AppError, Conflict
from i18n.messages import error_title

# action -> (new status, page title, explanation, button, button style)
STATUS_ACTIONS = {
    "lock": (
        "locked",
        _l("Lock account %(username)s"),
        _l("The person is logged out at once and cannot log in until an administrator unlocks the account."),
        _l("Lock account"),
        "fp-button--danger",
    ),
    "unlock": (
        "active",
        _l("Unlock account %(username)s"),
        _l("The person can log in again with their current password."),
        _l("Unlock account"),
        "fp-button--primary",
    ),
    "close": (
        "closed",
        _l("Close account %(username)s"),
        _l(
            "Closing is final: the account can never log in again and cannot be reopened. "
            "Its history (submissions, approvals, audit log) is kept."
        ),
        _l("Close account for good"),
        "fp-button--danger",
    ),
}


def _confirm(title: str, explanation: str, button: str, style: str, cancel: str, error: str = "") -> str:
    return render_template(
        "accounts/confirm.html",
        title=title,
        explanation=explanation,
        button=button,
        style=style,
        cancel=cancel,
        error=error,
    )


@bp.route("/admin/users/<user_id>/<any(lock, unlock, close):action>", methods=["GET", "POST"])
@require_permission("users.manage")
def change_status(user_id: str, action: str) -> Any:
    account = queries.get_managed_user(actor(), user_id)
    status, title, explanation, button, style = STATUS_ACTIONS[action]
    cancel = url_for(".user", user_id=account.id)
    error, code = "", 200
    if request.method == "POST":
        try:
            services.set_status(account, status, actor())
            return redirect(url_for(".user", user_id=account.id, done=action))
        except AppError as failure:
            error, code = error_title(failure.code, failure.params), failure.status
    page = _confirm(str(title) % {"username": account.username}, str(explanation), str(button), style, cancel, error)
    return page, code


@bp.route("/admin/users/<user_id>/reset-password", methods=["GET", "POST"])
@require_permission("users.manage")
def reset_password(user_id: str) -> Any:
    account = queries.get_managed_user(actor(), user_id)
    error, code = "", 200
    if request.method == "POST":
        try:
            password = services.reset_password(account, actor())
        except AppError as failure:
            error, code = error_title(failure.code, failure.params), failure.status
        else:
            return no_store(render_template("accounts/temporary_password.html", user=account, password=password))
    page = _confirm(
        str(_l("Reset the password of %(username)s")) % {"username": account.username},
        str(
            _l(
                "A new temporary password replaces the current one and is shown to you once. The person is logged "
                "out everywhere and must choose their own password at the next login."
            )
        ),
        str(_l("Reset password")),
        "fp-button--primary",
        url_for(".user", user_id=account.id),
        error,
    )
    return page, code


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password() -> Any:
    """Public: ask the administrators for a new password; the answer is the same whether the account exists."""
    values = {"username": request.form.get("username", ""), "message": request.form.get("message", "")}
    if request.method == "GET":
        return render_template("accounts/forgot.html", values=values, sent=False, error="")
    try:
        password_requests.request_password_reset(values["username"], values["message"], request.remote_addr or "")
    except AppError as failure:
        page = render_template("accounts/forgot.html", values=values, sent=False, error=error_title(failure.code, {}))
        return page, failure.status
    return render_template("accounts/forgot.html", values={}, sent=True, error="")


@bp.get("/admin/password-requests")
@require_permission("users.manage")
def password_request_list() -> Any:
    items = password_requests.open_password_requests(actor())
    return render_template("accounts/password_requests.html", items=items, done=request.args.get("done", ""))


@bp.post("/admin/password-requests/<request_id>/dismiss")
@require_permission("users.manage")
def dismiss_password_request(request_id: str) -> Any:
    record = password_requests.get_password_request(actor(), request_id)
    try:
        password_requests.resolve_password_request(record, actor(), "dismissed")
    except Conflict:
        return redirect(url_for(".password_request_list", done="already"))
    return redirect(url_for(".password_request_list", done="dismissed"))
