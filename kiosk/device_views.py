"""Administrators' pages for kiosks: the list in their scope, creating one (its pairing code is shown
once), a new pairing code, and unpairing after a confirmation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from formplatform.agencies.models import Agency
from formplatform.agencies.services import agency_tree
from formplatform.auth import current_principal, require_permission
from formplatform.errors import AppError, Conflict, Invalid, localize_problems
from formplatform.models import utcnow
from formplatform.paging import page_number
from formplatform.permissions import grant_roots
from formplatform.satisfaction.models import RatingCounter
from formplatform.satisfaction.periods import local_date
from formplatform.satisfaction.ratings import device_day_key
from i18n.messages import error_title
from kiosk import bp
from kiosk.models import KioskDevice
from kiosk.pairing import CODE_MINUTES, create_kiosk, get_kiosk, list_kiosks, renew_pairing_code, unpair_kiosk

PAGE_SIZE = 50
LOCAL_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh has no daylight saving
STATE_LABELS = {
    "pending": _l("Waiting for pairing"),
    "code_expired": _l("Pairing code expired"),
    "paired": _l("Paired"),
    "revoked": _l("Unpaired"),
}


@bp.context_processor
def kiosk_helpers() -> dict[str, Any]:
    return {
        "kiosk_state_label": lambda state: str(STATE_LABELS.get(state, state)),
        "kiosk_local_time": lambda moment: (moment + LOCAL_OFFSET).strftime("%d/%m/%Y %H:%M"),
    }


def _agency_choices() -> list[Any]:
    """Active agencies the caller may place kiosks in, as an indented tree."""
    return [row for row in agency_tree(grant_roots(current_principal(), "kiosks.manage")) if row.agency.active]


def _ratings_today(devices: list[KioskDevice]) -> dict[str, int]:
    """Each kiosk's ratings captured today (Ho Chi Minh City time), from the day counters kept at intake."""
    today = local_date(utcnow())
    keys = {device_day_key(d.id, today): d.id for d in devices}
    return {keys[c.id]: c.count for c in RatingCounter.objects(id__in=list(keys)).only("id", "count")}


@bp.get("/devices")
@require_permission("kiosks.manage")
def devices() -> Any:
    term = (request.args.get("q") or "").strip()[:100]
    found = list_kiosks(current_principal(), term)  # kiosks are few: counting them does not grow with history
    total = found.count()
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page_number(request.args.get("page")), pages)
    shown = list(found.skip((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    agencies = {a.id: a for a in Agency.objects(id__in=list({d.agency_id for d in shown})).only("id", "name", "code")}
    return render_template(
        "kiosk/devices.html",
        devices=shown,
        agencies=agencies,
        today=_ratings_today(shown),
        q=term,
        total=total,
        page=page,
        pages=pages,
    )


def _code_page(device: KioskDevice, code: str, status: int = 200) -> Any:
    """The pairing code, shown this once: never cached, never stored in clear."""
    agency = Agency.objects(id=device.agency_id).only("name", "code").first()
    page = render_template(
        "kiosk/device_code.html",
        device=device,
        agency=agency,
        code=code,
        minutes=CODE_MINUTES,
        pair_url=url_for("kiosk.screen", _external=True),
    )
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/devices/new", methods=["GET", "POST"])
@require_permission("kiosks.manage")
def new_device() -> Any:
    choices = _agency_choices()
    values = {"agency_id": request.args.get("agency", ""), "name": "", "location": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {key: request.form.get(key, "").strip() for key in ("agency_id", "name", "location")}
        allowed = {row.agency.id for row in choices}
        try:
            if values["agency_id"] and values["agency_id"] not in allowed:  # outside the scope: like unknown
                raise Invalid([], "bad_request")
            device, code = create_kiosk(values["agency_id"], values["name"], current_principal(), values["location"])
        except Invalid as error:
            errors = {p["path"]: p["message"] for p in localize_problems(error.problems)}
            errors = errors or {"agency_id": error_title("bad_request", {})}
            page = render_template("kiosk/device_form.html", values=values, errors=errors, choices=choices)
            return page, 422
        return _code_page(device, code, 201)
    return render_template("kiosk/device_form.html", values=values, errors=errors, choices=choices)


@bp.post("/devices/<device_id>/code")
def new_code(device_id: str) -> Any:
    """A fresh pairing code for a kiosk waiting for pairing, or to pair a replacement screen."""
    try:
        device, code = renew_pairing_code(device_id, current_principal())
    except Conflict as error:
        flash(error_title(error.code, {}), "error")
        return redirect(url_for("kiosk.devices"))
    return _code_page(device, code)


@bp.route("/devices/<device_id>/unpair", methods=["GET", "POST"])
def unpair_device(device_id: str) -> Any:
    """A confirmation page saying what unpairing does; its POST revokes the device token."""
    principal = current_principal()
    device = get_kiosk(device_id, principal)
    if request.method == "POST":
        try:
            unpair_kiosk(device.id, principal)
        except AppError as error:
            flash(error_title(error.code, {}), "error")
        else:
            flash(gettext("Kiosk %(name)s was unpaired.", name=device.name), "success")
        return redirect(url_for("kiosk.devices"))
    agency = Agency.objects(id=device.agency_id).only("name", "code").first()
    return render_template("kiosk/device_unpair.html", device=device, agency=agency)
