"""The OpenAPI description of the campaign, compliance and notification routes."""

from __future__ import annotations

from typing import Any

from formplatform.openapi import _op

BILINGUAL = {"type": "object", "properties": {"vi": {"type": "string"}, "en": {"type": "string"}}}
CAMPAIGN_ID = {"name": "campaign_id", "in": "path", "required": True, "schema": {"type": "string"}}
PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]
DEADLINE = {
    "type": "object",
    "required": ["type"],
    "description": (
        "day_of_month: the first `day` (1–31, clamped to the month's end) on or after the period's last day; "
        "working_days: `days` (1–60) Monday–Friday without public holidays after it; days: `days` (0–366) "
        "calendar days after it; date: a fixed `date` (one-off campaigns only)."
    ),
    "properties": {
        "type": {"enum": ["day_of_month", "working_days", "days", "date"]},
        "day": {"type": "integer", "minimum": 1, "maximum": 31},
        "days": {"type": "integer", "minimum": 0, "maximum": 366},
        "date": {"type": "string", "format": "date"},
    },
}
CAMPAIGN = {
    "type": "object",
    "required": ["name", "form_key", "version", "period_type", "deadline", "starts_on"],
    "properties": {
        "name": BILINGUAL,
        "form_key": {"type": "string"},
        "version": {"type": "integer", "minimum": 1, "description": "A published version of the form."},
        "period_type": {"enum": ["month", "quarter", "half", "nine_months", "year", "once"]},
        "cutoff": {
            "enum": ["nd09", "calendar"],
            "default": "nd09",
            "description": "nd09: periods run from the 15th to the 14th (Decree 09/2019); calendar: natural periods.",
        },
        "deadline": DEADLINE,
        "agency_ids": {"type": "array", "items": {"type": "string"}},
        "agency_types": {"type": "array", "items": {"enum": ["department", "district", "division", "ward"]}},
        "owner_agency_id": {"type": "string", "description": "The reviewing agency; default the caller's."},
        "recurring": {"type": "boolean", "default": True},
        "starts_on": {"type": "string", "format": "date", "description": "The first period contains this day."},
        "ends_on": {"type": "string", "format": "date", "description": "No period opens after it; required for once."},
    },
}


def campaign_paths() -> dict[str, Any]:
    """Paths to merge into the API description."""
    compliance = _op(
        "Compliance of one period: every assigned agency in the caller's scope with its state (overdue derived), "
        "timeliness (on_time, due_soon, overdue, late), counts, and completion / on-time rates over the `periods` "
        "periods up to it. `periods` lists the newest 12 opened periods and those up to the chosen one",
        "The period's rows, counts and rates",
        401,
        403,
        404,
        auth=True,
    )
    compliance["parameters"] = [
        CAMPAIGN_ID,
        {
            "name": "period",
            "in": "query",
            "schema": {"type": "string"},
            "description": "A period key, any opened one (404 otherwise). Default: the latest.",
        },
        {"name": "periods", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 24}},
    ]
    listing = _op(
        "Campaigns the caller manages or follows, newest first (paged, never counted)",
        "`{items, page, per_page, has_next}`",
        400,
        401,
        403,
        auth=True,
    )
    listing["parameters"] = [
        *PAGING,
        {"name": "q", "in": "query", "schema": {"type": "string"}},
        {"name": "status", "in": "query", "schema": {"enum": ["active", "closed"]}},
    ]
    read = _op("A campaign and the keys of its newest 12 opened periods", "The campaign", 401, 404, auth=True)
    read["parameters"] = [CAMPAIGN_ID]
    notices = _op(
        "The caller's notifications, newest first (paged, never counted)",
        "`{items, page, per_page, has_next}`",
        400,
        401,
        auth=True,
    )
    notices["parameters"] = [*PAGING, {"name": "unread", "in": "query", "schema": {"enum": ["0", "1"]}}]
    create = _op(
        "Open a reporting campaign (agencies must lie in the caller's scope: 404 otherwise)",
        "Campaign created",
        400,
        401,
        403,
        404,
        422,
        body=CAMPAIGN,
        auth=True,
        status="201",
    )
    return {
        "/campaigns": {"get": listing, "post": create},
        "/campaigns/{campaign_id}": {"get": read},
        "/campaigns/{campaign_id}/compliance": {"get": compliance},
        "/notifications": {"get": notices},
    }
