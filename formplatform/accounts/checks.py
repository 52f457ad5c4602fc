"""Checks of account details, role grants and integration-client requests, as problems with paths."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l

from form_definitions.problems import Problem
from formplatform.accounts.models import ROLES, TOKEN_SCOPES, User
from formplatform.errors import Forbidden
from formplatform.permissions import Principal, allows, lineage
from i18n.messages import register_errors, register_problems

USERNAME = re.compile(r"^[a-z0-9._-]{3,64}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")
# Same rules as an agency's contact person (agencies.services), so the shared message codes agree.
PHONE = re.compile(r"^(0|\+84)[0-9]{9,10}$")
PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
DETAIL_LIMITS = {"display_name": 200, "email": 254, "phone": 20, "position": 200}
MAX_TOKEN_DAYS = 365

register_problems(
    {
        "username_format": _l(
            "Use 3 to 64 characters: lower-case letters without accents, digits, dot, dash, underscore."
        ),
        "username_taken": _l("This user name is already taken."),
        "username_repeated": _l("This user name already appears on row %(row)s."),
        "email_format": _l("Enter a valid e-mail address."),
        "phone_format": _l("Enter a Vietnamese phone number: 0 or +84 followed by 9 or 10 digits."),
        "unknown_agency": _l("There is no agency %(agency)s."),
        "unknown_role": _l("There is no role %(role)s."),
        "agency_out_of_scope": _l("This agency is outside the part of the city you manage."),
        "roles_required": _l("Give the account at least one role."),
        "grant_incomplete": _l("Choose both a role and an agency."),
        "roles_format": _l("Write roles as role@agency_code, separated by semicolons."),
        "scopes_required": _l("Choose at least one permission."),
        "unknown_scope": _l("There is no permission %(scope)s."),
        "days_range": _l("Enter a whole number of days from 1 to %(limit)s."),
    }
)
register_errors(
    {
        "user_has_wider_roles": _l(
            "This account holds roles beyond the part of the city you manage; "
            "an administrator with a wider scope must change it."
        ),
        "cannot_change_own_roles": _l("You cannot change your own roles."),
        "import_file_type": _l("Upload a CSV file (UTF-8) or an Excel workbook (.xlsx)."),
        "import_too_large": _l("The file is larger than 2 MB."),
        "import_unreadable": _l("The file could not be read; save it again as CSV (UTF-8) or .xlsx."),
        "import_columns": _l(
            "The first row must name the columns username, display_name, email, phone, position, agency_code, roles."
        ),
        "import_empty": _l("The sheet has no accounts."),
        "import_too_many_rows": _l("The sheet has more than 1000 accounts; split it into several files."),
        "request_closed": _l("This request has already been handled."),
        "username_required": _l("Enter your user name."),
    }
)


def clean_details(fields: dict[str, Any]) -> dict[str, str]:
    """Details as stored: trimmed text, a lower-case user name, a phone number without separators."""
    values = {key: str(value or "").strip() for key, value in fields.items()}
    if "username" in values:
        values["username"] = values["username"].lower()
    if "phone" in values:
        values["phone"] = PHONE_SEPARATORS.sub("", values["phone"])
    return values


def check_details(fields: dict[str, Any], *, new: bool) -> list[Problem]:
    """Problems with a user name (for a new account) and the contact details."""
    problems: list[Problem] = []
    username = str(fields.get("username") or "")
    if new and not username:
        problems.append(Problem("username", "required"))
    elif new and not USERNAME.match(username):
        problems.append(Problem("username", "username_format"))
    if not str(fields.get("display_name") or "").strip():
        problems.append(Problem("display_name", "required"))
    for key, limit in DETAIL_LIMITS.items():
        if len(str(fields.get(key) or "")) > limit:
            problems.append(Problem(key, "too_long", {"limit": limit}))
    email, phone = str(fields.get("email") or ""), str(fields.get("phone") or "")
    if email and not EMAIL.match(email):
        problems.append(Problem("email", "email_format"))
    if phone and not PHONE.match(phone):
        problems.append(Problem("phone", "phone_format"))
    return problems


def _agency_problem(actor: Principal, agency_id: str, path: str) -> Problem | None:
    if not lineage(agency_id):
        return Problem(path, "unknown_agency", {"agency": agency_id})
    if not allows(actor, "users.manage", agency_id):
        return Problem(path, "agency_out_of_scope")
    return None


def check_grants(actor: Principal, agency_id: str | None, roles: list[tuple[str, str]]) -> list[Problem]:
    """Problems with a home agency and role grants: missing, unknown, or beyond the actor's own scope."""
    problems: list[Problem] = []
    home = _agency_problem(actor, agency_id, "agency_id") if agency_id else Problem("agency_id", "required")
    if home is not None:
        problems.append(home)
    if not roles:
        problems.append(Problem("roles", "roles_required"))
    for index, (role, agency) in enumerate(roles):
        path = f"roles.{index}"
        if not role or not agency:
            problems.append(Problem(path, "grant_incomplete"))
        elif role not in ROLES:
            problems.append(Problem(path, "unknown_role", {"role": role}))
        elif (problem := _agency_problem(actor, agency, path)) is not None:
            problems.append(problem)
    return problems


def check_authority(actor: Principal, user: User) -> None:
    """Refuse changes to an account whose home agency or grants reach beyond the actor's scope."""
    places = [user.agency_id, *(grant.agency_id for grant in user.roles)]
    if not all(allows(actor, "users.manage", place) for place in places):
        raise Forbidden("user_has_wider_roles")


def check_token_request(actor: Principal, name: str, scopes: list[str], agency_id: str, days: Any) -> list[Problem]:
    """Problems with a request for an integration client token."""
    problems: list[Problem] = []
    if not name.strip():
        problems.append(Problem("name", "required"))
    elif len(name) > 200:
        problems.append(Problem("name", "too_long", {"limit": 200}))
    if not scopes:
        problems.append(Problem("scopes", "scopes_required"))
    problems += [Problem("scopes", "unknown_scope", {"scope": s}) for s in scopes if s not in TOKEN_SCOPES]
    if not agency_id:
        problems.append(Problem("agency_id", "required"))
    elif not lineage(agency_id):
        problems.append(Problem("agency_id", "unknown_agency", {"agency": agency_id}))
    elif not allows(actor, "tokens.manage", agency_id):
        problems.append(Problem("agency_id", "agency_out_of_scope"))
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_TOKEN_DAYS:
        problems.append(Problem("days", "days_range", {"limit": MAX_TOKEN_DAYS}))
    return problems
