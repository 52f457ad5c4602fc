"""What a citizen's phone opens: the rating page behind a dossier's QR code, and the code-entry page
behind an agency's poster QR. No login; Vietnamese or English; one rating per dossier."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from form_definitions.formdata import read_form
from formplatform.agencies.models import Agency
from formplatform.errors import AppError, Invalid, TooManyRequests, localize_problems
from formplatform.models import utcnow
from formplatform.satisfaction.codes import complete_code, parse_dossier_code
from formplatform.satisfaction.models import Dossier, RatingCounter
from formplatform.satisfaction.periods import local_date
from formplatform.satisfaction.possession import check_pin
from formplatform.satisfaction.questionnaire import version_in_force
from formplatform.satisfaction.ratings import NOT_FOR_RATING, address_key, find_rateable_dossier, submit_rating
from formplatform.satisfaction.words import STATUS_LABELS
from i18n.babel import current_locale
from i18n.messages import error_title
from kiosk import public_bp as bp
from kiosk.tokens import RatingToken, card_dossier, mint_rating_token, read_rating_token, seal_card
from renderers import render_form

CODE_INPUT_LIMIT = 200  # a dossier code is short
PIN_INPUT_LIMIT = 20
LOOKUPS_PER_HOUR = 30  # code look-ups from one address: enough for a family, not for guessing codes


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(f"rating/{template}", **context), status


def _refusal(error: AppError, dossier: Dossier | None = None) -> tuple[str, int]:
    return _page("refused.html", error.status, error=error.payload(), dossier=dossier, labels=STATUS_LABELS)


def _questionnaire(
    token: str, dossier: Dossier, data: dict[str, Any] | None = None, errors: list[dict[str, Any]] | None = None
) -> Any:
    version = version_in_force(local_date(utcnow()))
    return version, render_form(
        version.definition,
        mode="fill",
        locale=current_locale(),
        gettext=gettext,
        data=data,
        errors=errors,
        action=url_for("rating.rate", token=token),
        csrf_token=generate_csrf(),
        show_title=False,
        hidden={"card": seal_card(dossier)},  # the rating need not read the dossier again
    )


@bp.route("/r/<token>", methods=["GET", "POST"])
def rate(token: str) -> Any:
    """The dossier's card and the questionnaire in force; on POST the rating is stored (once)."""
    try:
        ticket = read_rating_token(token)
    except AppError as error:
        return _refusal(error)
    try:  # a second rating is refused when stored (unique id): the POST need not look for one first
        dossier = _posted_card(ticket) or find_rateable_dossier(ticket.dossier_code, unrated=request.method == "GET")
    except AppError as error:
        return _refusal(error, _shown(ticket.dossier_code))
    if request.method == "POST":
        return _store(token, ticket, dossier)
    version, body = _questionnaire(token, dossier)
    return _page("rate.html", dossier=dossier, version=version, body=body, labels=STATUS_LABELS)


def _store(token: str, ticket: RatingToken, dossier: Dossier) -> Any:
    version = version_in_force(local_date(utcnow()))
    answers = read_form(version.definition, request.form.to_dict(flat=False), {})
    try:
        submit_rating(
            ticket.dossier_code,
            answers,
            channel="qr",
            token_nonce=ticket.nonce,
            ip=request.remote_addr or "",
            locale=current_locale(),
            checked=dossier,
            version=version,
        )
    except Invalid as error:
        errors = localize_problems(error.problems)
        shown = _shown(dossier.id) or dossier
        version, body = _questionnaire(token, shown, answers, errors)
        return _page("rate.html", 422, dossier=shown, version=version, body=body, labels=STATUS_LABELS, errors=errors)
    except AppError as error:
        return _refusal(error, _shown(dossier.id))
    return redirect(url_for("rating.thanks"))


def _posted_card(ticket: RatingToken) -> Dossier | None:
    """On POST, the dossier as the page showed it (its sealed card), if recent: not read again."""
    return card_dossier(request.form.get("card"), ticket.dossier_code) if request.method == "POST" else None


def _shown(code: str) -> Dossier | None:
    """The whole dossier, for the card a refusal or a corrected page shows (a rating card holds less)."""
    return Dossier.objects(id=code).exclude(*NOT_FOR_RATING).first()


@bp.get("/rate/thanks")
def thanks() -> Any:
    return render_template("rating/thanks.html")


@bp.route("/rate", methods=["GET", "POST"])
def enter_code() -> Any:
    """Behind an agency's poster QR: ask for the dossier code and its rating PIN, then open its rating page."""
    agency = _poster_agency(request.values.get("agency"))
    code = (request.form.get("code") or "").strip()[:CODE_INPUT_LIMIT]
    if request.method == "GET":
        return _page("enter_code.html", agency=agency, code="")
    full = complete_code(code, agency.code) if agency else complete_code(code, "")
    if parse_dossier_code(full) is None:
        return _page("enter_code.html", 422, agency=agency, code=code, **_problem("bad_dossier_code"))
    try:
        _count_lookup()
        find_rateable_dossier(full)
        check_pin(full, (request.form.get("pin") or "")[:PIN_INPUT_LIMIT], address_key(request.remote_addr or ""))
    except AppError as error:
        field = "pin" if error.code.startswith("rating_pin") else "code"
        return _page("enter_code.html", error.status, agency=agency, code=code, **_problem(error.code, field))
    return redirect(url_for("rating.rate", token=mint_rating_token(full)))


def _problem(code: str, field: str = "code") -> dict[str, str]:
    return {"problem": code, "problem_text": error_title(code, {}), "problem_field": field}


def _poster_agency(agency_id: str | None) -> Agency | None:
    if not agency_id:
        return None
    agency = Agency.objects(id=agency_id, active=True).only("id", "code", "name").first()
    if agency is None:
        abort(404)
    return agency


def _count_lookup() -> None:
    window = int(utcnow().timestamp() // 3600)
    key = f"look|{address_key(request.remote_addr or '')}|{window}"
    if RatingCounter.bump(key, utcnow() + timedelta(hours=2)) > LOOKUPS_PER_HOUR:
        raise TooManyRequests("rating_rate_limited")


def no_store(response: Response) -> Response:
    """Rating pages show a dossier: never cache them on a shared phone or proxy."""
    if request.blueprint == "rating":
        response.headers["Cache-Control"] = "no-store"
    return response


bp.after_request(no_store)
