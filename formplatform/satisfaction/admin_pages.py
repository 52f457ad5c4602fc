"""Satisfaction results for staff (satisfaction.read within their scope) and the queue of flagged ratings.

Sở Nội vụ (a city-wide grant) sees every agency; a district's staff see their district and its wards.
Unlike the public pages these show officials per stage, by name, and the flagged ratings to review.
"""

from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from formplatform.agencies.models import Agency
from formplatform.auth import current_principal, current_user, require_permission
from formplatform.errors import Conflict, Forbidden, NotFound, Unauthorized
from formplatform.models import by_ids
from formplatform.paging import capped_count, page_number, page_of
from formplatform.permissions import allows, remember_lineages, require, scope_filter
from formplatform.satisfaction import bp
from formplatform.satisfaction.models import STAGES, Rating, Rollup
from formplatform.satisfaction.periods import LOCAL_OFFSET, period_bounds
from formplatform.satisfaction.ratings import review_rating
from formplatform.satisfaction.results import (
    Scale,
    agency_overview,
    breakdown,
    metrics,
    official_breakdown,
    rollup_id,
    row_trend,
)
from formplatform.satisfaction.results_pages import (
    PUBLIC_TYPES,
    choose_period,
    criteria_chart,
    criteria_trend_chart,
    distribution_chart,
    helpers,
    kind_links,
    period_choices,
    trend_chart,
)
from formplatform.satisfaction.words import CHANNEL_LABELS, FLAG_LABELS, STAGE_LABELS

READ = "satisfaction.read"
REVIEW = "satisfaction.review"
AGENCIES_PER_PAGE = 50
ROWS_PER_PAGE = 20
DECISIONS = ("accept", "reject")


def _principal() -> Any:
    principal = current_principal()
    if principal is None:
        raise Unauthorized()
    return principal


def _page(name: str = "page") -> int:
    return page_number(request.args.get(name))


def _pages(total: int, per_page: int) -> int:
    return max((total + per_page - 1) // per_page, 1)


def ratings_export_link(period: str, agency_id: str = "") -> str:
    """The ratings export's options, prefilled with the period shown (as days) and the agency, if one."""
    first, last = period_bounds(period)
    days = {"from": first.isoformat(), "to": last.isoformat()}
    return url_for("exports.new_export", source="ratings", **days, **({"agency": agency_id} if agency_id else {}))


def agencies_in_scope(principal: Any, kind: str, q: str, page: int) -> tuple[list[Agency], int]:
    """Rated agencies (Sở, districts, wards) the principal may read, optionally of one type or matching `q`."""
    raw: dict[str, Any] = {}
    scope = scope_filter(principal, READ, field="_id")
    if scope is not None:
        raw.update(scope)
    if q:
        pattern = {"$regex": re.escape(q), "$options": "i"}
        raw["$or"] = [{"name.vi": pattern}, {"name.en": pattern}, {"code": pattern}]
    types = [kind] if kind in PUBLIC_TYPES else list(PUBLIC_TYPES)
    found = list(Agency.objects(type__in=types, active=True, __raw__=raw).order_by("type", "code"))
    return found[(page - 1) * AGENCIES_PER_PAGE : page * AGENCIES_PER_PAGE], len(found)


@bp.get("/admin/satisfaction")
@require_permission(READ)
def admin_results() -> Any:
    principal = _principal()
    period, notice = choose_period(request.args)
    filters = {"type": request.args.get("type", ""), "q": (request.args.get("q") or "").strip()[:100]}
    page = _page()
    agencies, total = agencies_in_scope(principal, filters["type"], filters["q"], page)
    scale = Scale(period)
    ids = [rollup_id("agency", a.id, "", period) for a in agencies]
    rows = {r["agency_id"]: r for r in Rollup.objects(id__in=ids).as_pymongo()} if ids else {}
    return render_template(
        "satisfaction/admin_results.html",
        period=period,
        notice=notice,
        choices=period_choices(period),
        kinds=kind_links(period),
        entries=[{"agency": a, **metrics(rows.get(a.id), scale)} for a in agencies],
        total=total,
        page=page,
        pages=_pages(total, AGENCIES_PER_PAGE),
        filters=filters,
        query={"period": period, **{k: v for k, v in filters.items() if v}},
        flagged=flagged_count(principal),
        flag_cap=FLAGGED_BADGE_CAP,
        version=scale.version,
        export_link=ratings_export_link(period),
        **helpers(),
    )


@bp.get("/admin/satisfaction/agencies/<agency_id>")
@require_permission(READ)
def admin_agency(agency_id: str) -> Any:
    principal = _principal()
    agency = Agency.objects(id=agency_id, type__in=list(PUBLIC_TYPES)).first()
    if agency is None:
        raise NotFound()
    require(principal, READ, agency.id, hide=True)
    period, notice = choose_period(request.args)
    stage = request.args.get("stage", "")
    stage = stage if stage in STAGES else ""
    officials_page, procedures_page = _page("page"), _page("ppage")
    officials, official_count = official_breakdown(
        agency.id, period, stage, page=officials_page, per_page=ROWS_PER_PAGE
    )
    procedures, procedure_count = breakdown(
        agency.id, "procedure", period, page=procedures_page, per_page=ROWS_PER_PAGE
    )
    overview = agency_overview(agency.id, period)
    return render_template(
        "satisfaction/admin_agency.html",
        agency=agency,
        period=period,
        notice=notice,
        choices=period_choices(period),
        kinds=kind_links(period),
        overview=overview,
        figures=overview["figures"],
        charts={
            "trend": trend_chart(overview["trend"]),
            "criteria_trend": criteria_trend_chart(overview["trend"]),
            "criteria": criteria_chart(overview["figures"]),
            "distribution": distribution_chart(overview["figures"], overview["scale"].bands),
        },
        stage=stage,
        stages=STAGES,
        stage_labels=STAGE_LABELS,
        officials=[{**o, "stage": o["key"].partition(":")[0]} for o in officials],
        official_page=officials_page,
        official_pages=_pages(official_count, ROWS_PER_PAGE),
        official_count=official_count,
        procedures=procedures,
        procedure_page=procedures_page,
        procedure_pages=_pages(procedure_count, ROWS_PER_PAGE),
        procedure_count=procedure_count,
        version=overview["scale"].version,
        export_link=ratings_export_link(period, agency.id),
        **helpers(),
    )


def local_time(moment: Any) -> str:
    """A stored UTC time as Ho Chi Minh City's dd/mm/yyyy HH:MM."""
    return (moment + LOCAL_OFFSET).strftime("%d/%m/%Y %H:%M") if moment else ""


def _review_words() -> dict[str, Any]:
    return {"channel_labels": CHANNEL_LABELS, "flag_labels": FLAG_LABELS, "local_time": local_time}


# the badge says "20+" beyond a page of the queue: it reads at most 21 ratings, never a backlog through (on
# nx-27017 each one read costs about as much as a row shown)
FLAGGED_BADGE_CAP = ROWS_PER_PAGE


def flagged_query(principal: Any) -> Any:
    """The flagged ratings the principal may read, newest first, from the (status, created_at) index."""
    return Rating.objects(__raw__={"status": "flagged", **(scope_filter(principal, READ) or {})}).order_by(
        "-created_at", "-id"
    )


def flagged_count(principal: Any) -> int:
    """How many flagged ratings wait, counted up to FLAGGED_BADGE_CAP + 1 (shown as "99+")."""
    return capped_count(flagged_query(principal), FLAGGED_BADGE_CAP)


@bp.get("/admin/satisfaction/flagged")
@require_permission(READ)
def flagged_ratings() -> Any:
    principal = _principal()
    page = page_of(flagged_query(principal), _page(), ROWS_PER_PAGE)
    items = page.items
    names = by_ids(Agency.objects.only("id", "name", "ancestors"), (r.agency_id for r in items))
    remember_lineages(names.values())  # can_review below then reads no agency per row
    return render_template(
        "satisfaction/admin_flagged.html",
        items=items,
        page=page,
        flagged=(page.number - 1) * ROWS_PER_PAGE + len(items) + int(page.has_next),  # past the cap when paged
        flag_cap=FLAGGED_BADGE_CAP,
        agencies=names,
        can_review={r.id: allows(principal, REVIEW, r.agency_id) for r in items},
        **_review_words(),
        **helpers(),
    )


def _flagged(rating_id: str) -> Rating:
    rating = Rating.objects(id=rating_id).first()
    if rating is None:
        raise NotFound()
    require(current_principal(), REVIEW, rating.agency_id, hide=True)
    return rating


@bp.route("/admin/satisfaction/flagged/<rating_id>", methods=["GET", "POST"])
@require_permission(REVIEW)
def review_flagged(rating_id: str) -> Any:
    """A confirmation page for accepting or rejecting one flagged rating; its POST decides."""
    rating = _flagged(rating_id)
    decision = request.values.get("decision", "")
    if decision not in DECISIONS:
        decision = ""
    if request.method == "POST":
        user = current_user()
        if user is None:
            raise Forbidden()
        if not decision:
            raise Conflict("bad_decision")
        try:
            if rating.status != "flagged":  # this queue decides on flagged ratings only
                raise Conflict("rating_already_reviewed")
            review_rating(rating.id, decision, user)
        except Conflict as refused:
            flash(refused.payload()["message"], "error")
            return redirect(url_for("satisfaction.flagged_ratings"))
        done = (
            _("The rating was accepted and is now counted.") if decision == "accept" else _("The rating was rejected.")
        )
        flash(done, "success")
        return redirect(url_for("satisfaction.flagged_ratings"))
    agency = Agency.objects(id=rating.agency_id).only("id", "name").first()
    return render_template(
        "satisfaction/admin_review.html",
        rating=rating,
        agency=agency,
        decision=decision,
        **_review_words(),
        **helpers(),
    )


@bp.get("/admin/satisfaction/agencies/<agency_id>/officials/<path:key>")
@require_permission(READ)
def admin_official(agency_id: str, key: str) -> Any:
    """One official of one stage: figures per month, quarter or year over the preceding periods, as charts
    and a table (criteria by concept, so the series runs across questionnaire versions)."""
    principal = _principal()
    agency = Agency.objects(id=agency_id, type__in=list(PUBLIC_TYPES)).first()
    stage, _, official = key.partition(":")
    if agency is None or stage not in STAGES or not official:
        raise NotFound()
    require(principal, READ, agency.id, hide=True)
    period, notice = choose_period(request.args)
    trend = row_trend("official", agency.id, key, period)
    latest = next((t for t in reversed(trend) if t["n"]), None)
    name = (
        Rollup.objects(id=rollup_id("official", agency.id, key, latest["period"])).only("name").first()
        if latest
        else None
    )
    return render_template(
        "satisfaction/admin_official.html",
        agency=agency,
        key=key,
        stage=stage,
        stage_labels=STAGE_LABELS,
        official_name=(name.name if name is not None else "") or official,
        period=period,
        notice=notice,
        choices=period_choices(period),
        kinds=kind_links(period),
        trend=trend,
        figures=trend[-1],
        charts={"trend": trend_chart(trend), "criteria_trend": criteria_trend_chart(trend)},
        **helpers(),
    )
