"""HTML pages: the twins of the API for people with a browser."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from form_definitions.formdata import read_form
from formplatform.accounts import services as accounts
from formplatform.audit.services import record_event
from formplatform.auth import current_principal, current_user, log_in, require_login, require_permission
from formplatform.errors import (
    BadRequest,
    Gone,
    Invalid,
    NotFound,
    TooManyRequests,
    Unauthorized,
    localize_problems,
)
from formplatform.models import FormVersion, Submission
from formplatform.paging import page_number
from formplatform.receipts import can_read_submission, make_receipt
from formplatform.security import safe_next
from formplatform.services import files, forms, submissions
from i18n.babel import current_locale
from i18n.messages import error_title
from i18n.text import localize
from renderers import render_form
from renderers.docx import render_docx
from renderers.pdf import render_pdf

bp = Blueprint("views", __name__, template_folder="templates")
PAGE_SIZE = 20


def render_version(version: FormVersion, mode: str, **kwargs: Any) -> Markup:
    return render_form(
        version.definition, mode=mode, locale=current_locale(), gettext=gettext, show_title=False, **kwargs
    )


@bp.get("/")
def index() -> Any:
    term = (request.args.get("q") or "").strip().lower()
    kind = request.args.get("kind") or ""
    items = forms.list_forms()
    if kind:
        items = [f for f in items if f.kind == kind]
    if term:
        items = [f for f in items if term in f.id or any(term in str(t).lower() for t in f.title.values())]
    return render_template("formplatform/index.html", forms=items, q=term, kind=kind)


@bp.get("/forms/<key>")
@bp.get("/forms/<key>/versions/<int:number>")
def fill(key: str, number: int | None = None) -> Any:
    form = forms.get_form(key)
    if form.status == "archived":
        raise Gone()  # the error page says the form is archived; old submissions stay readable
    version = forms.get_version(key, number, form=form)
    action = url_for("views.submit", key=key, number=version.number)
    body = render_version(version, "fill", action=action, csrf_token=generate_csrf())
    return render_template(
        "formplatform/form.html", form=form, version=version, body=body, versions=forms.list_versions(key)
    )


@bp.post("/forms/<key>/versions/<int:number>")
def submit(key: str, number: int) -> Any:
    form = forms.get_form(key)
    if form.status == "archived":
        raise Gone()  # before any upload is stored
    if form.kind != "questionnaire" and current_user() is None:
        raise Unauthorized()
    version = forms.get_version(key, number, form=form)
    uploads = _store_uploads(version)
    data = read_form(version.definition, request.form.to_dict(flat=False), uploads)
    try:
        submission = submissions.submit_form(
            key, data, version=number, locale=current_locale(), source="web", actor=current_user()
        )
    except Invalid as error:
        errors = localize_problems(error.problems)
        body = render_version(
            version,
            "fill",
            data=data,
            errors=errors,
            csrf_token=generate_csrf(),
            action=url_for("views.submit", key=key, number=number),
        )
        return render_template(
            "formplatform/form.html",
            form=form,
            version=version,
            body=body,
            versions=forms.list_versions(key),
            errors=errors,
        ), 422
    return redirect(
        url_for("views.submission", key=key, submission_id=submission.id, receipt=make_receipt(submission.id), sent=1)
    )


def _store_uploads(version: FormVersion) -> dict[str, dict[str, Any]]:
    """Store each uploaded file of the request; returns input name -> file reference."""
    stored: dict[str, dict[str, Any]] = {}
    for name, upload in request.files.items(multi=True):
        if not upload or not upload.filename:
            continue
        if current_user() is None:
            raise Unauthorized()
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        try:
            record = files.store_file(
                upload.filename, upload.mimetype, upload.read(limit + 1), max_bytes=limit, actor=current_user()
            )
        except Invalid as error:
            raise Invalid([type(p)(name, p.code, p.params) for p in error.problems]) from error
        stored[name] = record.reference()
    return stored


def _readable_submission(key: str, submission_id: str) -> Submission:
    submission = submissions.get_submission(submission_id)
    if submission.form_key != key:
        raise NotFound()
    if not can_read_submission(submission, current_principal(), request.args.get("receipt")):
        raise Unauthorized() if current_user() is None else NotFound()
    return submission


@bp.get("/forms/<key>/submissions/<submission_id>")
def submission(key: str, submission_id: str) -> Any:
    record = _readable_submission(key, submission_id)
    version = forms.get_version(key, record.version)
    mode = "print" if request.args.get("print") else "view"
    body = render_version(version, mode, data=record.data, totals=record.totals, score=record.score)
    template = "formplatform/print.html" if mode == "print" else "formplatform/submission.html"
    return render_template(
        template,
        form=forms.get_form(key),
        version=version,
        record=record,
        body=body,
        receipt=request.args.get("receipt"),
        sent=request.args.get("sent"),
    )


DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@bp.get("/forms/<key>/submissions/<submission_id>.<fmt>")
def submission_document(key: str, submission_id: str, fmt: str) -> Any:
    """A stored submission as Word or PDF, laid out like its pinned version, for printing and filing."""
    if fmt not in DOCUMENT_TYPES:
        raise NotFound()
    record = _readable_submission(key, submission_id)
    version = forms.get_version(key, record.version)
    render = render_docx if fmt == "docx" else render_pdf
    heading = {"report_id": record.id, "form_key": key, "version": record.version, "date": record.submitted_at}
    content = render(
        version.definition,
        record.data,
        locale=current_locale(),
        totals=record.totals or None,
        score=record.score or None,
        gettext=gettext,
        heading=heading,
    )
    record_event(
        "submission.download",
        actor=current_user(),
        target_type="submission",
        target_id=record.id,
        agency_id=record.agency_id,
        details={"format": fmt},
    )
    filename = f"{key}-{record.id}.{fmt}"
    return Response(
        content,
        mimetype=DOCUMENT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff"},
    )


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    error = None
    status = 200
    if request.method == "POST":
        try:
            user = accounts.authenticate(
                request.form.get("username", ""), request.form.get("password", ""), ip=request.remote_addr or ""
            )
        except (Unauthorized, TooManyRequests) as failure:
            error, status = error_title(failure.code, {}), failure.status
        else:
            log_in(user)
            safe = safe_next(request.args.get("next"), url_for(".index"))
            return redirect(url_for(".password", next=safe) if user.must_change_password else safe)
    return render_template("formplatform/login.html", error=error), status


@bp.post("/logout")
def logout() -> Any:
    from flask import session

    user = current_user()
    if user is not None:
        record_event("logout", actor=user, target_type="user", target_id=user.id)
    session.clear()
    return redirect(url_for(".index"))


@bp.route("/account/password", methods=["GET", "POST"])
@require_login
def password() -> Any:
    """Change one's own password (forced after the first login and after a reset)."""
    user = current_user()
    assert user is not None
    error = None
    if request.method == "POST":
        new = request.form.get("new_password", "")
        if new != request.form.get("confirm_password", ""):
            error = gettext("The two new passwords differ.")
        else:
            try:
                accounts.change_password(user, request.form.get("current_password", ""), new)
            except BadRequest as failure:
                error = error_title(failure.code, failure.params)
            else:
                log_in(user)  # this session continues; every other one has ended
                return redirect(safe_next(request.args.get("next"), url_for(".index")))
    return render_template("formplatform/password.html", error=error, forced=user.must_change_password), (
        422 if error else 200
    )


@bp.get("/forms/<key>/submissions")
@require_permission("submissions.read")
def form_submissions(key: str) -> Any:
    """Submissions of a form that the caller may read: only their own agency subtrees."""
    form = forms.get_form(key)
    page = submissions.list_submissions(
        key, current_principal(), page=page_number(request.args.get("page")), per_page=PAGE_SIZE
    )
    return render_template("formplatform/submissions.html", form=form, page=page)


@bp.app_template_global()
def text(value: Any) -> str:
    """Bilingual content in the current language (escaped by Jinja like any other string)."""
    return localize(value, current_locale())


@bp.app_template_global()
def lang() -> str:
    return current_locale()


@bp.app_template_global()
def lang_url(code: str) -> str:
    """This page in another language, keeping its query (a period, an agency, a search)."""
    from urllib.parse import urlencode

    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return f"{request.path}?{urlencode([*args, ('lang', code)])}"
