"""HTML pages of the accounts area: the account list, new accounts and editing details and roles."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.wrappers import Response
from flask_babel import lazy_gettext as _l

from form_definitions.problems import Problem
from formplatform.accounts import queries, services
from formplatform.accounts.checks import check_authority
from formplatform.accounts.models import ROLES, STATUSES, TOKEN_SCOPES, User
from formplatform.auth import current_user, require_permission
from formplatform.errors import AppError, Forbidden, Invalid, localize_problems
from formplatform.paging import page_number
from i18n.messages import error_title

bp = Blueprint("accounts", __name__, template_folder="templates")
PAGE_SIZE = 20
DETAILS = ("username", "display_name", "email", "phone", "position", "agency_id")
EXTRA_GRANT_ROWS = 2
ROLE_LABELS = {
    "admin": _l("Administrator"),
    "designer": _l("Form designer"),
    "reviewer": _l("Reviewer"),
    "specialist": _l("Specialist"),
    "division_head": _l("Head of division"),
    "agency_head": _l("Head of agency"),
    "viewer": _l("Viewer"),
}
STATUS_LABELS = {"active": _l("Active"), "locked": _l("Locked"), "closed": _l("Closed")}
SCOPE_LABELS = {
    "forms:read": _l("Read published forms"),
    "submissions:read": _l("Read submissions"),
    "submissions:create": _l("Create submissions"),
    "dossiers:write": _l("Push dossiers and their status"),
    "satisfaction:read": _l("Read satisfaction results"),
    "aggregates:read": _l("Read dashboard aggregates (compliance, KPI, satisfaction)"),
}


USER_FIELDS = {
    "username": _l("User name"),
    "display_name": _l("Full name"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "position": _l("Position"),
    "agency_id": _l("Home agency"),
    "roles": _l("Roles"),
}


@bp.context_processor
def labels() -> dict[str, Any]:
    return {
        "ROLES": ROLES,
        "STATUSES": STATUSES,
        "TOKEN_SCOPES": TOKEN_SCOPES,
        "role_labels": ROLE_LABELS,
        "status_labels": STATUS_LABELS,
        "scope_labels": SCOPE_LABELS,
    }


def actor() -> User:
    """The administrator making the request (integration clients never reach these pages)."""
    user = current_user()
    if user is None:
        raise Forbidden()
    return user


def field_errors(problems: list[Problem]) -> dict[str, str]:
    """Problem path -> message in the current language (the first problem of each path)."""
    errors: dict[str, str] = {}
    for problem in localize_problems(problems):
        errors.setdefault(problem["path"], problem["message"])
    return errors


def no_store(response: Any, status: int = 200) -> Response:
    """A page that shows a secret once: never cached, never kept in the history's cache."""
    result = Response(response, status=status, mimetype="text/html")
    result.headers["Cache-Control"] = "no-store"
    return result


def submitted_grants() -> list[tuple[str, str]]:
    """The grant rows of the form, without rows left entirely empty."""
    pairs = zip(request.form.getlist("grant_role"), request.form.getlist("grant_agency"), strict=False)
    return [(role.strip(), agency.strip()) for role, agency in pairs if role.strip() or agency.strip()]


@bp.get("/admin/users")
@require_permission("users.manage")
def users() -> Any:
    filters = {key: (request.args.get(key) or "").strip() for key in ("q", "agency_id", "role", "status")}
    page = max(page_number(request.args.get("page")), 1)
    items, total = queries.list_users(actor(), page=page, per_page=PAGE_SIZE, **filters)
    homes = queries.agencies_by_id(user.agency_id for user in items)
    return render_template(
        "accounts/users.html",
        items=items,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        filters=filters,
        query={key: value for key, value in filters.items() if value},
        filtered=any(filters.values()),
        homes=homes,
        agencies=queries.agency_choices(actor()),
    )


def render_user_form(user: User | None, values: dict[str, Any], grants: list[tuple[str, str]], **context: Any) -> str:
    rows = grants + [("", "")] * EXTRA_GRANT_ROWS
    return render_template(
        "accounts/user_form.html",
        user=user,
        values=values,
        grant_rows=rows,
        agencies=queries.agency_choices(actor()),
        labels=USER_FIELDS,
        **context,
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@require_permission("users.manage")
def new_user() -> Any:
    values = {key: request.form.get(key, "") for key in DETAILS}
    grants = submitted_grants()
    if request.method == "POST":
        try:
            user, password = services.create_account(values, grants, actor())
        except Invalid as error:
            return render_user_form(None, values, grants, errors=field_errors(error.problems)), 422
        page = render_template("accounts/temporary_password.html", user=user, password=password, created=True)
        return no_store(page)
    return render_user_form(None, values, grants or [("", "")], errors={})


@bp.route("/admin/users/<user_id>", methods=["GET", "POST"])
@require_permission("users.manage")
def user(user_id: str) -> Any:
    account = queries.get_managed_user(actor(), user_id)
    grants = [(grant.role, grant.agency_id) for grant in account.roles]
    values = {key: getattr(account, key) or "" for key in DETAILS}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {**values, **{key: request.form.get(key, "") for key in DETAILS if key != "username"}}
        grants = submitted_grants()
        try:
            services.update_user(account, values, grants, actor())
            return redirect(url_for(".user", user_id=account.id, done="saved"))
        except Invalid as error:
            errors, status = field_errors(error.problems), 422
        except AppError as error:
            errors, status = {"": error_title(error.code, error.params)}, error.status
    return render_user_form(account, values, grants, errors=errors, **user_context(account)), status


def user_context(account: User) -> dict[str, Any]:
    """What the account page shows besides the form: may it be changed, its agencies, the last action."""
    try:
        check_authority(actor(), account)
        changeable = account.status != "closed"
    except Forbidden:
        changeable = False
    places = [account.agency_id, *(grant.agency_id for grant in account.roles)]
    return {
        "changeable": changeable,
        "wider": not changeable and account.status != "closed",
        "places": queries.agencies_by_id(places),
        "done": request.args.get("done", ""),
        "temporarily_locked": account.temporarily_locked(),
    }


# The other pages of the area register on the same blueprint.
from formplatform.accounts import certificate_views, import_views, status_views, token_views  # noqa: E402,F401
