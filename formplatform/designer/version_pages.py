"""Designer pages about versions: publish review, history, a version read-only, comparison and exports."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, render_template, request, url_for

from formplatform.auth import require_permission
from formplatform.designer import bp, queries, review, transfer
from formplatform.designer.pages import designed_form, designer
from formplatform.errors import Conflict, Invalid, NeedsConfirmation, localize_problems
from formplatform.services import forms
from formplatform.views import render_version
from i18n.messages import error_title


@bp.route("/admin/forms/<key>/publish", methods=["GET", "POST"])
@require_permission("forms.design")
def publish(key: str) -> Any:
    """Review the draft against the latest version (diff, problems, missing texts), then publish it."""
    designed_form(key)
    status, refusal = 200, ""
    if request.method == "POST":
        confirmed = bool(request.form.get("confirm_breaking"))
        try:
            version = forms.publish_form(key, designer(), confirm_breaking=confirmed)
            return redirect(url_for("designer.versions", key=key, published=version.number))
        except (NeedsConfirmation, Invalid, Conflict) as error:
            # the page is shown again: the review below says why (breaking changes, problems, nothing new)
            status, refusal = error.status, error_title(error.code, {})
    checked = review.review_publish(key)
    return render_template(
        "designer/publish.html",
        form=checked.form,
        review=checked,
        diff=checked.diff,
        problems=localize_problems(checked.problems),
        missing=localize_problems(checked.missing),
        refusal=refusal,
        tab="publish",
    ), status


@bp.get("/admin/forms/<key>/versions")
@require_permission("forms.design")
def versions(key: str) -> Any:
    """Every published version: date, publisher, compatibility, submissions, and what to do with it."""
    form = designed_form(key)
    return render_template(
        "designer/versions.html",
        form=form,
        rows=queries.version_history(key),
        published=request.args.get("published", type=int),
        tab="history",
    )


@bp.get("/admin/forms/<key>/versions/<int:number>")
@require_permission("forms.design")
def version(key: str, number: int) -> Any:
    """One published version read-only: rendered by the real renderer (no answers) and its field outline."""
    form = designed_form(key)
    frozen = review.published_version(key, number, form)
    return render_template(
        "designer/version.html",
        form=form,
        version=frozen,
        body=render_version(frozen, "blank"),
        outline=queries.outline(frozen.definition.get("fields") or []),
        tab="history",
    )


@bp.get("/admin/forms/<key>/compare")
@require_permission("forms.design")
def compare(key: str) -> Any:
    """Two published versions side by side (stacked on phones), with the diff from the first to the second."""
    form = designed_form(key)
    context: dict[str, Any] = {"form": form, "versions": forms.list_versions(key), "tab": "history"}
    if form.latest_version == 0:
        return render_template("designer/compare.html", **context)
    first, second = review.compare_args(request.args.get("a"), request.args.get("b"), form.latest_version)
    older, newer, diff = review.compare_versions(key, first, second)
    before, after = review.diff_marks(diff)
    return render_template(
        "designer/compare.html",
        older=older,
        newer=newer,
        diff=diff,
        bodies=(render_version(older, "blank", marks=before), render_version(newer, "blank", marks=after)),
        **context,
    )


@bp.get("/admin/forms/<key>/export")
@require_permission("forms.design")
def export(key: str) -> Any:
    """Downloads of the draft and of every published version, as JSON or as an XLSForm workbook."""
    form = designed_form(key)
    return render_template("designer/export.html", form=form, rows=queries.version_history(key), tab="export")


@bp.get("/admin/forms/<key>/versions/<int:number>/export")
@require_permission("forms.design")
def export_version(key: str, number: int) -> Any:
    form = designed_form(key)
    frozen = review.published_version(key, number, form)
    return download(
        transfer.export_definition(frozen.definition, key, f"v{number}", request.args.get("format", "json"))
    )


@bp.get("/admin/forms/<key>/draft/export")
@require_permission("forms.design")
def export_draft(key: str) -> Any:
    form = designed_form(key, with_draft=True)
    return download(transfer.export_definition(form.draft, key, "draft", request.args.get("format", "json")))


def download(file: transfer.Export) -> Response:
    """A file served as an attachment, never rendered inline."""
    response = Response(file.content, mimetype=file.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
