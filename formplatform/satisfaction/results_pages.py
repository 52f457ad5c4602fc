"""The public satisfaction results (no login, vi/en): rankings of Sở-ngành and quận-huyện, agency detail.

Everything here reads the roll-ups (results.py), never the ratings: no official's name and no single
rating is ever shown. The helpers below (periods, numbers, chart data) are shared with the staff pages
and the API.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from formplatform.agencies.models import Agency
from formplatform.errors import NotFound
from formplatform.models import utcnow
from formplatform.satisfaction import bp
from formplatform.satisfaction.periods import PERIOD_KINDS, current_period, period_bounds, period_keys, period_kind
from formplatform.satisfaction.questionnaire import OVERALL_VALUES
from formplatform.satisfaction.results import (
    RANKED_TYPES,
    Scale,
    agency_overview,
    breakdown,
    latest_period,
    periods_with_data,
    ranking,
)
from i18n.messages import register_errors
from i18n.text import localize

PUBLIC_TYPES = ("department", "district", "ward")  # the agencies that receive ratings
TOP_PROCEDURES = 10
CHART_LABEL_CHARS = 48
PERIOD_CHOICES = 24  # periods offered at once: ten years of months would be 120 options on every page
KIND_LABELS = {"month": _l("Month"), "quarter": _l("Quarter"), "year": _l("Year")}
TYPE_LABELS = {
    "department": _l("Departments and agencies (Sở-ngành)"),
    "district": _l("Districts (quận-huyện)"),
    "ward": _l("Wards and communes"),
}
OVERALL_LABELS = {
    "very_satisfied": _l("Very satisfied"),
    "satisfied": _l("Satisfied"),
    "not_satisfied": _l("Not satisfied"),
}

register_errors(
    {
        "bad_period": _l("A period is a year (2026), a quarter (2026-Q4) or a month (2026-11) from 2000 on."),
        "bad_ranking_type": _l("Rankings exist for departments (department) and districts (district)."),
        "bad_stage": _l("A stage is receive, process or return."),
    }
)


def valid_period(text: str | None) -> str | None:
    """The period key if it is a month, quarter or year from 2000 to next year, else None."""
    text = (text or "").strip()
    if period_kind(text) is None or not 2000 <= int(text[:4]) <= utcnow().year + 1:
        return None
    return text


def choose_period(args: Any) -> tuple[str, str | None]:
    """The period asked for in ?period= (or the latest with data of ?kind=), and a notice if it was not valid."""
    asked = args.get("period")
    period = valid_period(asked)
    if period is not None:
        return period, None
    kind = args.get("kind") if args.get("kind") in PERIOD_KINDS else "month"
    fallback = latest_period(kind, current_period(kind, utcnow()))
    notice = _("“%(asked)s” is not a period; showing %(period)s.", asked=asked, period=period_label(fallback))
    return fallback, notice if asked else None


def period_label(period: str) -> str:
    """A period key in words in the current language."""
    kind = period_kind(period)
    if kind == "month":
        return _("Month %(month)s/%(year)s", month=int(period[5:]), year=period[:4])
    if kind == "quarter":
        return _("Quarter %(quarter)s/%(year)s", quarter=period[6], year=period[:4])
    return _("Year %(year)s", year=period)


def period_choices(period: str) -> list[tuple[str, str]]:
    """At most PERIOD_CHOICES periods of the same kind with data, newest first, around the one shown (up to
    half of them later), so that choosing the oldest offered one offers earlier ones in turn."""
    kind = period_kind(period) or "month"
    current, newest = current_period(kind, utcnow()), period
    for _step in range(PERIOD_CHOICES // 2):
        later = period_keys(period_bounds(newest)[1] + timedelta(days=1))[kind]
        if later > current:
            break
        newest = later
    keys = periods_with_data(kind, newest, PERIOD_CHOICES)
    if period not in keys:
        keys = sorted({*keys, period}, reverse=True)
    return [(key, period_label(key)) for key in keys]


def kind_links(period: str) -> list[dict[str, Any]]:
    """Month / quarter / year switches: the same day's period of each kind."""
    day = period_bounds(period)[1]
    keys = period_keys(min(day, utcnow().date()))
    return [
        {"kind": k, "label": KIND_LABELS[k], "period": keys[k], "current": period_kind(period) == k}
        for k in PERIOD_KINDS
    ]


def number(value: float | None, decimals: int = 1) -> str:
    """A figure in the current language's notation (87,5 in Vietnamese), or an en dash when there is none."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"  # babel's format_decimal costs ~0.1 ms a cell; a ranking has hundreds
    return text.replace(",", " ").replace(".", ",").replace(" ", ".") if _lang() == "vi" else text


def percent(value: float | None) -> str:
    return "–" if value is None else f"{number(value)}%"


def short(label: Any) -> str:
    """A localized label cut for a chart axis (the table beside the chart has it whole)."""
    words = localize(label or {}, _lang())
    return words if len(words) <= CHART_LABEL_CHARS else words[: CHART_LABEL_CHARS - 1].rstrip() + "…"


def _lang() -> str:
    from i18n.babel import current_locale

    return current_locale()


def ranking_chart(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Chart data of a ranking: the rated agencies' satisfaction rates, best first."""
    rated = [e for e in entries if e["n"]]
    return {
        "kind": "ranking",
        "labels": [f"{e['rank']}. {short(e['agency'].name)}" for e in rated],
        "values": [e["satisfaction_rate"] for e in rated],
        "counts": [e["n"] for e in rated],
        "series": _("Satisfaction rate (%)"),
        "count_label": _("ratings"),
    }


def trend_chart(trend: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "kind": "trend",
        "labels": [period_label(t["period"]) for t in trend],
        "rates": [t["satisfaction_rate"] for t in trend],
        "averages": [t["average_total"] for t in trend],
        "rate_label": _("Satisfaction rate (%)"),
        "average_label": _("Average points (of 18)"),
    }


def criteria_trend_chart(trend: list[dict[str, Any]]) -> dict[str, Any]:
    """Each criterion's average points over the preceding periods, one line per criterion (by concept,
    so questionnaire versions that reword or reorder the questions stay on the same line)."""
    first = trend[0]["criteria"] if trend else []
    return {
        "kind": "criteria_trend",
        "labels": [period_label(t["period"]) for t in trend],
        "series": [_("C%(number)s", number=n) for n in range(1, len(first) + 1)],
        "full_labels": [localize(c["label"] or {}, _lang()) for c in first],
        "values": [[t["criteria"][i]["average"] for t in trend] for i in range(len(first))],
        "max": max([c["max"] for c in first] or [2]),
    }


def criteria_chart(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "criteria",
        "labels": [short(c["label"]) for c in figures["criteria"]],
        "full_labels": [localize(c["label"] or {}, _lang()) for c in figures["criteria"]],
        "short_labels": [_("C%(number)s", number=n) for n in range(1, len(figures["criteria"]) + 1)],
        "values": [c["average"] for c in figures["criteria"]],
        "maxima": [c["max"] for c in figures["criteria"]],
        "series": _("Average points"),
    }


def distribution_chart(figures: dict[str, Any], bands: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "kind": "distribution",
        "labels": [str(OVERALL_LABELS[v]) for v in OVERALL_VALUES],
        "values": [figures["overall"][v] for v in OVERALL_VALUES],
        "band_labels": [localize(b.get("label") or {}, _lang()) for b in bands],
        "band_values": [figures["bands"].get(b["key"], 0) for b in bands],
        "series": _("Ratings"),
    }


def helpers() -> dict[str, Any]:
    """What the results templates (public and staff) need besides their data."""
    return {
        "number": number,
        "percent": percent,
        "period_label": period_label,
        "type_labels": TYPE_LABELS,
        "overall_labels": OVERALL_LABELS,
        "overall_values": OVERALL_VALUES,
    }


def inactive_ids(entries: list[dict[str, Any]]) -> set[str]:
    """Agencies ranked for their past ratings that have since closed (shown, not linked)."""
    ids = [e["agency"].id for e in entries]
    return {a.id for a in Agency.objects(id__in=ids, active=False).only("id")}


@bp.get("/satisfaction")
def results() -> Any:
    period, notice = choose_period(request.args)
    rankings = {kind: ranking(period, kind) for kind in RANKED_TYPES}
    closed = set().union(*(inactive_ids(entries) for entries in rankings.values()))
    return render_template(
        "satisfaction/results.html",
        period=period,
        notice=notice,
        choices=period_choices(period),
        kinds=kind_links(period),
        rankings=rankings,
        charts={kind: ranking_chart(entries) for kind, entries in rankings.items()},
        closed=closed,
        version=Scale(period).version,
        **helpers(),
    )


def public_agency(agency_id: str) -> Agency:
    """An active agency that receives ratings, or 404."""
    agency = Agency.objects(id=agency_id, active=True, type__in=list(PUBLIC_TYPES)).first()
    if agency is None:
        raise NotFound()
    return agency


@bp.get("/satisfaction/agencies/<agency_id>")
def agency_results(agency_id: str) -> Any:
    agency = public_agency(agency_id)
    period, notice = choose_period(request.args)
    overview = agency_overview(agency.id, period)
    procedures, procedure_count = breakdown(agency.id, "procedure", period, per_page=TOP_PROCEDURES)
    parent = Agency.objects(id=agency.parent_id, active=True).only("id", "name", "type").first()
    return render_template(
        "satisfaction/results_agency.html",
        agency=agency,
        parent=parent if parent is not None and parent.type in PUBLIC_TYPES else None,
        period=period,
        notice=notice,
        choices=period_choices(period),
        kinds=kind_links(period),
        overview=overview,
        figures=overview["figures"],
        procedures=procedures,
        procedure_count=procedure_count,
        version=overview["scale"].version,
        charts={
            "trend": trend_chart(overview["trend"]),
            "criteria_trend": criteria_trend_chart(overview["trend"]),
            "criteria": criteria_chart(overview["figures"]),
            "distribution": distribution_chart(overview["figures"], overview["scale"].bands),
        },
        **helpers(),
    )
