"""Certificate revocation lists an administrator loads (CRL files), used offline to refuse signatures
made with revoked certificates; removal asks for confirmation first."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from formplatform.accounts.models import User
from formplatform.auth import current_user, require_permission
from formplatform.errors import Forbidden, Invalid, NotFound, localize_problems
from formplatform.permissions import require
from formplatform.reporting import bp
from formplatform.reporting.revocation import CRL_LIMIT, load_crl, online, remove_crl
from formplatform.reporting.signature_checks import trust_roots
from formplatform.reporting.signature_models import RevocationList

LIST_LIMIT = 50


def _admin() -> User:
    user = current_user()
    if user is None:
        raise Forbidden()
    require(user, "signatures.manage", None)
    return user


def _page(status: int = 200, errors: list[dict[str, Any]] | None = None) -> Any:
    items = RevocationList.objects.order_by("-this_update").only(
        "id", "issuer", "this_update", "next_update", "revoked", "name", "created_at"
    )
    page = render_template(
        "reporting/crls.html",
        items=list(items.limit(LIST_LIMIT)),
        errors=errors or [],
        online=online(),
        limit_mb=CRL_LIMIT // (1024 * 1024),
        done=request.args.get("done", ""),
    )
    return page, status


@bp.route("/admin/signature/crls", methods=["GET", "POST"])
@require_permission("signatures.manage")
def crls() -> Any:
    """The loaded CRLs; upload a CRL file (.crl, DER or PEM) of a trusted certificate authority."""
    admin = _admin()
    if request.method == "GET":
        return _page()
    upload = request.files.get("crl")
    data = upload.read(CRL_LIMIT + 1) if upload is not None and upload.filename else b""
    try:
        load_crl(data, upload.filename if upload is not None else "", admin, trust_roots())
    except Invalid as error:
        return _page(422, localize_problems(error.problems))
    return redirect(url_for("reporting.crls", done="loaded"))


@bp.route("/admin/signature/crls/<crl_id>/remove", methods=["GET", "POST"])
@require_permission("signatures.manage")
def remove_crl_page(crl_id: str) -> Any:
    admin = _admin()
    record = RevocationList.objects(id=crl_id).first()
    if record is None:
        raise NotFound()
    if request.method == "POST":
        remove_crl(record, admin)
        return redirect(url_for("reporting.crls", done="removed"))
    return render_template(
        "accounts/confirm.html",
        title=str(_l("Stop using this revocation list?")),
        explanation=str(
            _l("Certificates it lists as revoked are no longer refused unless another list or OCSP says so.")
        ),
        button=str(_l("Remove the list")),
        style="fp-button--danger",
        cancel=url_for("reporting.crls"),
        error="",
    )
