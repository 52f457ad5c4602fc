"""HTML pages of the agencies area: the tree for administrators, "my agency" and the contact person."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from form_definitions.problems import Problem
from formplatform.agencies import services
from formplatform.agencies.models import AGENCY_TYPES, CONTACT_KEYS, Agency
from formplatform.auth import current_principal, current_user, require_login, require_permission
from formplatform.errors import AppError, Conflict, Invalid, localize_problems
from formplatform.paging import page_number
from formplatform.permissions import allows, grant_roots, require, scope_filter
from i18n.babel import current_locale
from i18n.messages import error_title
from i18n.text import localize

bp = Blueprint("agencies", __name__, template_folder="templates")
PAGE_SIZE = 100
TYPE_LABELS = {
    "city": _l("City"),
    "department": _l("Department"),
    "district": _l("District"),
    "division": _l("Division"),
    "ward": _l("Ward or commune"),
}


@bp.context_processor
def agency_helpers() -> dict[str, Any]:
    return {"type_label": lambda kind: str(TYPE_LABELS.get(kind, kind)), "agency_types": AGENCY_TYPES}


def _name(agency: Agency) -> str:
    return localize(agency.name, current_locale())


def _field_errors(error: AppError) -> dict[str, str]:
    """Messages by form field name; a taken code belongs next to the code field."""
    if isinstance(error, Invalid):
        return {p["path"].replace(".", "_"): p["message"] for p in localize_problems(error.problems)}
    field = "code" if error.code == "agency_code_taken" else ""
    return {field: error_title(error.code, error.params)}


def _parent_choices(principal: Any, agency: Agency | None = None) -> list[services.TreeRow]:
    """Active agencies the caller manages that can hold units (not wards), outside the edited agency's subtree."""
    rows = services.agency_tree(grant_roots(principal, "agencies.manage"))
    if agency is not None:
        rows = [r for r in rows if r.agency.id != agency.id and agency.id not in r.agency.ancestors]
    return [r for r in rows if r.agency.active and r.agency.type != "ward"]


def _agency_form() -> dict[str, str]:
    return {key: request.form.get(key, "").strip() for key in ("code", "name_vi", "name_en", "type", "parent_id")}


def _check_parent(parent_id: str, choices: list[services.TreeRow], current: str | None = None) -> None:
    """A parent outside the caller's scope is refused like an unknown one, revealing nothing."""
    if parent_id and parent_id != current and parent_id not in {r.agency.id for r in choices}:
        raise Invalid([Problem("parent_id", "not_an_option")])


@bp.get("/admin/agencies")
@require_permission("agencies.manage")
def admin_agencies() -> Any:
    principal = current_principal()
    term = (request.args.get("q") or "").strip()
    kind = request.args.get("type") or ""
    kind = kind if kind in AGENCY_TYPES else ""
    rows = services.agency_tree(grant_roots(principal, "agencies.manage"))
    if term or kind:
        scope = scope_filter(principal, "agencies.manage", field="_id")
        found = {a.id for a in services.search_agencies(term, scope, kind or None).only("id")}
        rows = [row for row in rows if row.agency.id in found]
    pages = max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page_number(request.args.get("page")), 1), pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render_template("agencies/list.html", rows=shown, total=len(rows), q=term, kind=kind, page=page, pages=pages)


@bp.route("/admin/agencies/new", methods=["GET", "POST"])
@require_permission("agencies.manage")
def new_agency() -> Any:
    principal = current_principal()
    parents = _parent_choices(principal)
    values = {"type": request.args.get("type", ""), "parent_id": request.args.get("parent", "")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _agency_form()
        try:
            _check_parent(values["parent_id"], parents)
            name = {"vi": values["name_vi"], "en": values["name_en"]}
            agency = services.create_agency(values["code"], name, values["type"], values["parent_id"], principal)
        except (Invalid, Conflict) as error:
            page = render_template(
                "agencies/edit.html", agency=None, values=values, errors=_field_errors(error), parents=parents
            )
            return page, error.status
        flash(gettext("Agency %(name)s was created.", name=_name(agency)), "success")
        return redirect(url_for(".edit_agency", agency_id=agency.id))
    return render_template("agencies/edit.html", agency=None, values=values, errors=errors, parents=parents)


@bp.route("/admin/agencies/<agency_id>", methods=["GET", "POST"])
def edit_agency(agency_id: str) -> Any:
    principal = current_principal()
    require(principal, "agencies.manage", agency_id, hide=True)
    agency = services.get_agency(agency_id)
    parents = _parent_choices(principal, agency)
    current_parent = Agency.objects(id=agency.parent_id).first() if agency.parent_id else None
    values = {
        "code": agency.code,
        "name_vi": agency.name.get("vi", ""),
        "name_en": agency.name.get("en", ""),
        "type": agency.type,
        "parent_id": agency.parent_id or "",
    }
    context = {"agency": agency, "parents": parents, "current_parent": current_parent}
    if request.method == "POST":
        values = _agency_form()
        changes = {"code": values["code"], "name": {"vi": values["name_vi"], "en": values["name_en"]}}
        changes.update(type=values["type"], parent_id=values["parent_id"] or None)
        try:
            _check_parent(values["parent_id"], parents, agency.parent_id)
            services.update_agency(agency, changes, principal)
        except (Invalid, Conflict) as error:
            errors = _field_errors(error)
            return render_template("agencies/edit.html", values=values, errors=errors, **context), error.status
        flash(gettext("Agency %(name)s was saved.", name=_name(agency)), "success")
        return redirect(url_for(".edit_agency", agency_id=agency.id))
    return render_template("agencies/edit.html", values=values, errors={}, **context)


@bp.route("/admin/agencies/<agency_id>/<any(deactivate, activate):action>", methods=["GET", "POST"])
def agency_status(agency_id: str, action: str) -> Any:
    """A confirmation page saying what will happen; the POST from it does it."""
    principal = current_principal()
    require(principal, "agencies.manage", agency_id, hide=True)
    agency = services.get_agency(agency_id)
    active = action == "activate"
    status = 200
    if request.method == "POST":
        try:
            services.set_agency_active(agency, active, principal)
        except Conflict:
            status = 409
        else:
            name = _name(agency)
            done = gettext("Agency %(name)s is active again.", name=name) if active else None
            flash(done or gettext("Agency %(name)s was deactivated.", name=name), "success")
            return redirect(url_for(".edit_agency", agency_id=agency.id))
    blockers = [error_title(code, {}) for code in services.status_blockers(agency, active)]
    return render_template(
        "agencies/status.html",
        agency=agency,
        active=active,
        blockers=blockers,
        children=[] if active else services.active_children(agency),
        accounts=0 if active else services.open_account_count(agency),
        failed=status == 409,
    ), status


@bp.get("/agency")
@require_login
def my_agency() -> Any:
    """The logged-in user's home agency with its contact person, parent chain and units below."""
    user = current_user()
    agency = Agency.objects(id=user.agency_id).first() if user and user.agency_id else None
    if agency is None:
        return render_template("agencies/mine.html", agency=None)
    found = {a.id: a for a in Agency.objects(id__in=agency.ancestors)}
    chain = [found[i] for i in agency.ancestors if i in found]
    children = sorted(Agency.objects(parent_id=agency.id), key=lambda a: (AGENCY_TYPES.index(a.type), a.code))
    principal = current_principal()
    return render_template(
        "agencies/mine.html",
        agency=agency,
        chain=chain,
        children=children,
        can_edit_contact=allows(principal, "agency.contact.edit", agency.id),
        can_manage=allows(principal, "agencies.manage", agency.id),
    )


@bp.route("/agencies/<agency_id>/contact", methods=["GET", "POST"])
def edit_contact(agency_id: str) -> Any:
    """The agency keeps its own contact person current."""
    principal = current_principal()
    require(principal, "agency.contact.edit", agency_id, hide=True)
    agency = services.get_agency(agency_id)
    values = {key: (agency.contact or {}).get(key, "") for key in CONTACT_KEYS}
    back = _contact_return_url(principal, agency)
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in CONTACT_KEYS}
        try:
            services.update_contact(agency, values, principal)
        except Invalid as error:
            errors = _field_errors(error)
            return render_template("agencies/contact.html", agency=agency, values=values, errors=errors, back=back), 422
        flash(gettext("The contact person of %(name)s was saved.", name=_name(agency)), "success")
        return redirect(back)
    return render_template("agencies/contact.html", agency=agency, values=values, errors={}, back=back)


def _contact_return_url(principal: Any, agency: Agency) -> str:
    """Back to where people come from: their own agency's page, else the agency's edit page."""
    user = current_user()
    if (user is None or user.agency_id != agency.id) and allows(principal, "agencies.manage", agency.id):
        return url_for(".edit_agency", agency_id=agency.id)
    return url_for(".my_agency")
