"""Designer pages: the form list, new forms, duplicates, archiving and the JSON editor of a draft."""

from __future__ import annotations

import json
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import gettext

from form_definitions import KINDS
from formplatform.accounts.models import User
from formplatform.accounts.queries import agency_choices
from formplatform.auth import current_principal, current_user, require_permission
from formplatform.designer import bp, messages, queries, review, services
from formplatform.errors import Forbidden, Invalid, localize_problems
from formplatform.limits import parse_json
from formplatform.models import Form
from formplatform.paging import page_number
from formplatform.permissions import design_owner
from formplatform.services import forms

PAGE_SIZE = 20


@bp.context_processor
def designer_labels() -> dict[str, Any]:
    """Words for kinds and statuses in every designer template."""
    return {
        "designer_kinds": KINDS,
        "kind_labels": messages.KIND_LABELS,
        "kind_help": messages.KIND_HELP,
        "form_status_labels": messages.STATUS_LABELS,
    }


@bp.app_template_global()
def diff_reason(code: str) -> str:
    """A reason of a diff change in words (used by formplatform/_diff.html)."""
    return messages.reason_text(code)


def designer() -> User:
    """The designer making the request (integration clients never hold forms.design)."""
    user = current_user()
    if user is None:
        raise Forbidden()
    return user


def designed_form(key: str, *, with_draft: bool = False) -> Form:
    """A form the caller may design; 404 when it does not exist or lies outside their scope."""
    design_owner(current_principal(), key)
    return forms.get_form(key, with_draft=with_draft)


def field_errors(problems: list[Any]) -> dict[str, str]:
    """Problem path -> message in the current language (the first problem of each path)."""
    errors: dict[str, str] = {}
    for problem in localize_problems(problems):
        errors.setdefault(problem["path"], problem["message"])
    return errors


def owner_choices() -> list[Any]:
    """Agencies where the caller may design: offered only when there is more than one."""
    return agency_choices(current_principal(), "forms.design")


@bp.get("/admin/forms", endpoint="forms")
@require_permission("forms.design")
def forms_list() -> Any:
    filters = {name: (request.args.get(name) or "").strip() for name in ("q", "kind", "status")}
    page = max(page_number(request.args.get("page")), 1)
    rows, total = queries.list_design_forms(current_principal(), page=page, per_page=PAGE_SIZE, **filters)
    return render_template(
        "designer/forms.html",
        rows=rows,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        filters=filters,
        query={name: value for name, value in filters.items() if value},
        filtered=any(filters.values()),
        statuses=queries.STATUSES,
        done=request.args.get("done", ""),
        done_key=request.args.get("form", ""),
    )


@bp.route("/admin/forms/new", methods=["GET", "POST"])
@require_permission("forms.design")
def new_form() -> Any:
    """Start a form from a key, a kind and titles; or (second option) from a pasted JSON definition."""
    if request.method == "POST" and "definition" in request.form:
        return _new_from_json(request.form.get("definition", ""))
    details = services.FormDetails.from_mapping(request.form) if request.method == "POST" else services.FormDetails()
    if request.method == "POST":
        try:
            form = services.create_form(details, designer())
        except Invalid as error:
            return render_new(details, errors=field_errors(error.problems)), 422
        return redirect(url_for("designer.editor", key=form.id))
    return render_new(details)


def render_new(details: services.FormDetails, **context: Any) -> str:
    """The new-form page: the details form first, the pasted-JSON option second."""
    context.setdefault("errors", {})
    context.setdefault("json_problems", [])
    context.setdefault("definition_text", "")
    return render_template("designer/new.html", details=details, owners=owner_choices(), **context)


def _new_from_json(text: str) -> Any:
    problems: list[dict[str, Any]] = []
    try:
        definition = parse_json(text)
    except json.JSONDecodeError:
        problems = [{"path": "", "code": "invalid_json", "message": gettext("The request body is not valid JSON.")}]
    else:
        key = str(definition.get("key") or "") if isinstance(definition, dict) else ""
        found = services.check_key(key)
        try:
            if found:
                raise Invalid(found, "invalid_definition")
            owner = services.choose_owner(designer(), key)
            services.save_new_draft(key, definition, designer(), owner)
            return redirect(url_for("designer.json_draft", key=key, saved=1))
        except Invalid as error:
            problems = localize_problems(error.problems)
    page = render_new(services.FormDetails(), definition_text=text, json_problems=problems, json_open=True)
    return page, 422


@bp.route("/admin/forms/<key>/draft", methods=["GET", "POST"])
@require_permission("forms.design")
def json_draft(key: str) -> Any:
    """ "Edit as JSON": the draft as one JSON document, with its problems and its diff (the editor's fallback)."""
    form = designed_form(key, with_draft=True)
    problems: list[dict[str, Any]] = []
    text = ""
    if request.method == "POST":
        text = request.form.get("definition", "")
        try:
            definition = parse_json(text)
        except json.JSONDecodeError:
            problems = [{"path": "", "code": "invalid_json", "message": gettext("The request body is not valid JSON.")}]
        else:
            revision = request.form.get("revision", type=int)
            try:
                forms.save_draft(key, definition, designer(), expected_revision=revision, owner_agency_id=None)
                return redirect(url_for("designer.json_draft", key=key, saved=1))
            except Invalid as error:
                problems = localize_problems(error.problems)
    return render_template(
        "designer/json.html",
        form=form,
        definition_text=text or json.dumps(form.draft, ensure_ascii=False, indent=2),
        problems=problems,
        warnings=localize_problems(forms.draft_warnings(form)),
        diff=review.review_publish(key).diff,
        saved=request.args.get("saved"),
        tab="json",
    ), (422 if problems else 200)


@bp.route("/admin/forms/<key>/duplicate", methods=["GET", "POST"])
@require_permission("forms.design")
def duplicate(key: str) -> Any:
    """Copy the draft or a published version of a form to a new key, with new titles."""
    source = designed_form(key)
    copy_suffix = {"vi": " (bản sao)", "en": " (copy)"}
    details = services.FormDetails(
        title={lang: (source.title or {}).get(lang, "") + copy_suffix[lang] for lang in services.LANGS}
    )
    chosen = request.values.get("source", "draft")
    errors: dict[str, str] = {}
    if request.method == "POST":
        details = services.FormDetails.from_mapping(request.form)
        version = int(chosen) if chosen.isdigit() and int(chosen) >= 1 else None
        try:
            created = services.duplicate_form(key, details, designer(), version=version)
            return redirect(url_for("designer.editor", key=created.id))
        except Invalid as error:
            errors = field_errors(error.problems)
    page = render_template(
        "designer/duplicate.html",
        form=source,
        details=details,
        chosen=chosen,
        versions=forms.list_versions(key),
        owners=owner_choices(),
        errors=errors,
    )
    return page, (422 if errors else 200)


@bp.route("/admin/forms/<key>/archive", methods=["GET", "POST"])
@require_permission("forms.design")
def archive(key: str) -> Any:
    """Ask for confirmation, then archive: no new submissions; history and submissions stay."""
    form = designed_form(key)
    if request.method == "POST":
        services.archive_form(key, designer())
        return redirect(url_for("designer.forms", done="archived", form=key))
    return render_template("designer/archive.html", form=form, tab="")


@bp.post("/admin/forms/<key>/restore")
@require_permission("forms.design")
def restore(key: str) -> Any:
    designed_form(key)
    services.restore_form(key, designer())
    return redirect(url_for("designer.forms", done="restored", form=key))


# The other designer pages register on the same blueprint.
from formplatform.designer import import_pages, version_pages  # noqa: E402,F401
