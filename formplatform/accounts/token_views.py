"""Integration clients: API tokens for other systems, issued within the administrator's scope."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from formplatform.accounts import queries, tokens
from formplatform.accounts.views import actor, bp, field_errors, no_store
from formplatform.auth import require_permission
from formplatform.errors import Invalid

DEFAULT_DAYS = 90
FIELDS = {
    "name": _l("Client name"),
    "scopes": _l("Permissions"),
    "agency_id": _l("Agency"),
    "days": _l("Valid for (days)"),
}


@bp.get("/admin/tokens")
@require_permission("tokens.manage")
def token_list() -> Any:
    items = queries.list_client_tokens(actor())
    return render_template(
        "accounts/tokens.html",
        items=items,
        places=queries.agencies_by_id(record.agency_id for record in items),
        statuses={record.id: tokens.token_status(record) for record in items},
        done=request.args.get("done", ""),
    )


def _days(text: str) -> int | str:
    return int(text) if text.strip().isdigit() else text


@bp.route("/admin/tokens/new", methods=["GET", "POST"])
@require_permission("tokens.manage")
def new_token() -> Any:
    values: dict[str, Any] = {"name": "", "scopes": [], "agency_id": "", "days": str(DEFAULT_DAYS)}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {
            "name": request.form.get("name", ""),
            "scopes": request.form.getlist("scopes"),
            "agency_id": request.form.get("agency_id", ""),
            "days": request.form.get("days", ""),
        }
        try:
            token, record = tokens.issue_client_token(
                values["name"], values["scopes"], values["agency_id"], _days(values["days"]), actor()
            )
        except Invalid as error:
            errors, status = field_errors(error.problems), 422
        else:
            return no_store(render_template("accounts/token_issued.html", token=token, record=record))
    agencies = queries.agency_choices(actor(), "tokens.manage")
    page = render_template("accounts/token_form.html", values=values, errors=errors, agencies=agencies, labels=FIELDS)
    return page, status


@bp.route("/admin/tokens/<token_id>/revoke", methods=["GET", "POST"])
@require_permission("tokens.manage")
def revoke_token(token_id: str) -> Any:
    record = queries.get_client_token(actor(), token_id)
    if request.method == "POST":
        tokens.revoke_token(record, actor())
        return redirect(url_for(".token_list", done="revoked"))
    return render_template(
        "accounts/confirm.html",
        title=str(_l("Revoke the token of %(name)s")) % {"name": record.name},
        explanation=str(_l("Every call made with this token is refused from this moment on. This cannot be undone.")),
        button=str(_l("Revoke token")),
        style="fp-button--danger",
        cancel=url_for(".token_list"),
        error="",
    )
