"""Signing certificates: a person registers theirs, an administrator confirms it (or records the personal
id / tax code a Vietnamese CA writes into the certificate); removal asks for confirmation first."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from formplatform.accounts import certificates, queries
from formplatform.accounts.checks import check_authority
from formplatform.accounts.models import SignerCertificate, User
from formplatform.accounts.views import actor, bp, field_errors
from formplatform.auth import require_login, require_permission
from formplatform.errors import Forbidden, Invalid, NotFound
from formplatform.models import by_ids

STATUS_LABELS = {"pending": _l("Waiting for confirmation"), "confirmed": _l("Confirmed"), "rejected": _l("Rejected")}
PENDING_LIMIT = 100


def _upload() -> bytes:
    upload = request.files.get("certificate")
    return upload.read(certificates.CERTIFICATE_LIMIT + 1) if upload is not None and upload.filename else b""


def _own(certificate_id: str) -> SignerCertificate:
    user = actor()
    record = SignerCertificate.objects(id=certificate_id, user_id=user.id).first()
    if record is None:
        raise NotFound()
    return record


def _managed(user_id: str, certificate_id: str) -> tuple[User, SignerCertificate]:
    account = queries.get_managed_user(actor(), user_id)
    check_authority(actor(), account)
    record = SignerCertificate.objects(id=certificate_id, user_id=account.id).first()
    if record is None:
        raise NotFound()
    return account, record


def _list(user: User) -> list[SignerCertificate]:
    return list(SignerCertificate.objects(user_id=user.id).order_by("-created_at").limit(50))


@bp.route("/account/certificates", methods=["GET", "POST"])
@require_login
def my_certificates() -> Any:
    """The signer's own certificates; upload the public certificate (.cer/.crt/.pem) to register one."""
    user = actor()
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            certificates.register_certificate(user, _upload(), user)
            return redirect(url_for(".my_certificates", done="registered"))
        except Invalid as error:
            errors = field_errors(error.problems)
    page = render_template(
        "accounts/certificates.html",
        items=_list(user),
        labels=STATUS_LABELS,
        errors=errors,
        done=request.args.get("done", ""),
        account=user,
    )
    return page, 422 if errors else 200


@bp.route("/account/certificates/<certificate_id>/remove", methods=["GET", "POST"])
@require_login
def remove_my_certificate(certificate_id: str) -> Any:
    record = _own(certificate_id)
    if request.method == "POST":
        certificates.remove_certificate(record, actor())
        return redirect(url_for(".my_certificates", done="removed"))
    return _confirm_removal(record, url_for(".my_certificates"))


def _confirm_removal(record: SignerCertificate, cancel: str) -> str:
    return render_template(
        "accounts/confirm.html",
        title=str(_l("Remove the certificate %(serial)s")) % {"serial": record.serial},
        explanation=str(
            _l("Signatures made with this certificate are refused from now on. Signatures already made stay valid.")
        ),
        button=str(_l("Remove certificate")),
        style="fp-button--danger",
        cancel=cancel,
        error="",
    )


@bp.get("/admin/certificates")
@require_permission("users.manage")
def pending_certificates() -> Any:
    """Registrations waiting for an administrator, of accounts in the administrator's scope."""
    records = SignerCertificate.objects(status="pending").order_by("created_at").limit(PENDING_LIMIT)
    owners = by_ids(User.objects, (r.user_id for r in records))
    shown = [(r, owners[r.user_id]) for r in records if r.user_id in owners and _manages(owners[r.user_id])]
    return render_template("accounts/pending_certificates.html", items=shown, labels=STATUS_LABELS)


def _manages(user: User) -> bool:
    try:
        queries.get_managed_user(actor(), user.id)
    except (NotFound, Forbidden):  # outside the administrator's scope: not listed
        return False
    return True


@bp.route("/admin/users/<user_id>/certificates", methods=["GET", "POST"])
@require_permission("users.manage")
def user_certificates(user_id: str) -> Any:
    """An account's certificates to confirm or reject, and its personal id / tax code."""
    account = queries.get_managed_user(actor(), user_id)
    values = {"personal_id": account.personal_id or "", "tax_code": account.tax_code or ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        check_authority(actor(), account)
        values = {key: request.form.get(key, "") for key in values}
        try:
            certificates.set_signer_ids(account, values["personal_id"], values["tax_code"], actor())
            return redirect(url_for(".user_certificates", user_id=account.id, done="saved"))
        except Invalid as error:
            errors = field_errors(error.problems)
    page = render_template(
        "accounts/user_certificates.html",
        account=account,
        items=_list(account),
        labels=STATUS_LABELS,
        values=values,
        errors=errors,
        done=request.args.get("done", ""),
    )
    return page, 422 if errors else 200


@bp.post("/admin/users/<user_id>/certificates/<certificate_id>/<decision>")
@require_permission("users.manage")
def decide_certificate(user_id: str, certificate_id: str, decision: str) -> Any:
    """Confirm or reject a registration (POST, from the account's certificate page)."""
    if decision not in ("confirm", "reject"):
        raise NotFound()
    account, record = _managed(user_id, certificate_id)
    certificates.confirm_certificate(record, actor(), accept=decision == "confirm")
    return redirect(url_for(".user_certificates", user_id=account.id, done=decision))


@bp.route("/admin/users/<user_id>/certificates/<certificate_id>/remove", methods=["GET", "POST"])
@require_permission("users.manage")
def remove_user_certificate(user_id: str, certificate_id: str) -> Any:
    account, record = _managed(user_id, certificate_id)
    if request.method == "POST":
        certificates.remove_certificate(record, actor())
        return redirect(url_for(".user_certificates", user_id=account.id, done="removed"))
    return _confirm_removal(record, url_for(".user_certificates", user_id=account.id))
