"""REST API v1 for one-stop systems: push dossiers (all or nothing), update their status, read them back.

Callers are integration clients with the `dossiers:write` scope, or people (bearer token or session)
holding dossiers.manage; reading also accepts satisfaction.read. Every row is scoped: a client of
District 1 cannot push or see a District 3 dossier.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from pydantic import BaseModel, Field, RootModel

from form_definitions.problems import Problem
from formplatform.agencies.models import Agency
from formplatform.api import json_body
from formplatform.apispec import AUTH, Open, Page, Paging, api, ok, paging
from formplatform.auth import current_principal, require_permission
from formplatform.errors import BadRequest, Invalid, Unauthorized
from formplatform.models import by_ids
from formplatform.paging import page_body
from formplatform.permissions import Principal, allows
from formplatform.satisfaction import api_bp
from formplatform.satisfaction.dossier_input import parse_moment, rows_from_json
from formplatform.satisfaction.dossiers import (
    MANAGE,
    dossier_record,
    get_dossier,
    list_dossiers,
    plan_dossiers,
    ratings_of,
    save_dossiers,
    update_dossier_status,
)
from formplatform.satisfaction.models import DOSSIER_STATUSES, Dossier
from formplatform.satisfaction.possession import rating_pin


class DossierBatch(RootModel[dict[str, Any] | list[Any]]):
    """One dossier object (code, procedure_name_vi, received_at, status, …) or {"dossiers": [...]} with 1 to 1000;
    a list or an empty or oversized batch answers 400 dossier_rows_required, each row's problems 422 (path
    dossiers.<i>.<column>)."""


class ListDossiersQuery(Paging):
    q: str | None = Field(None, description="Part of a code or procedure.")
    agency: str | None = Field(None, description="Agency id or code (subtree).")
    status: str | None = Field(
        None,
        max_length=64,
        description="One of: received, processing, supplement_requested, finished, returned, rejected, withdrawn.",
    )


class UpdateDossierBody(BaseModel):
    status: str | None = Field(
        None,
        max_length=64,
        description="One of: received, processing, supplement_requested, finished, returned, rejected, withdrawn.",
    )
    at: str | None = Field(None, description="When the status changed (default: now).")
    due_at: str | None = Field(
        None,
        description=(
            "YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][±HH:MM] or DD/MM/YYYY [HH:MM]; without an offset: Vietnam time."
        ),
    )
    finished_at: str | None = Field(
        None,
        description=(
            "YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][±HH:MM] or DD/MM/YYYY [HH:MM]; without an offset: Vietnam time."
        ),
    )


PATCH_KEYS = ("status", "at", "due_at", "finished_at")


def _caller() -> Principal:
    principal = current_principal()
    if principal is None:
        raise Unauthorized()
    return principal


def _record(dossier: Dossier, principal: Principal) -> dict[str, Any]:
    agency = Agency.objects(id=dossier.agency_id).only("id", "code").first()
    rating = ratings_of([dossier.id]).get(dossier.id)
    manages = allows(principal, MANAGE, dossier.agency_id)
    record = dossier_record(dossier, agency, rating, full_applicant=manages)
    if manages:  # the one-stop system prints it on its receipts; readers never see it
        record["rating_pin"] = rating_pin(dossier.id)
    return record


@api_bp.post("/dossiers")
@require_permission(MANAGE)
@api.validate(json=DossierBatch, resp=ok(Open, HTTP_201=Open, HTTP_409=None), tags=["dossiers"], security=AUTH)
def api_save_dossiers() -> Any:
    """Create or update dossiers, all or nothing: a stored code updates status, dates, officials and names (its agency
    cannot change); any row's problem → 422 listing every problem (path `dossiers.<i>.<column>`) and nothing is
    stored
    """
    principal = _caller()
    rows, problems = rows_from_json(json_body())
    if problems:  # report the shape problems together with every row's own
        raise Invalid(problems + plan_dossiers(rows, principal)[0])
    outcome = save_dossiers(rows, principal, source="api")
    unchanged = len(rows) - len(outcome["created"]) - len(outcome["updated"])
    return jsonify({**outcome, "unchanged": unchanged}), 201 if outcome["created"] else 200


def _patch_values(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest("invalid_json")
    problems = [Problem(key, "unknown_column", {"column": key}) for key in body if key not in PATCH_KEYS]
    values: dict[str, Any] = {}
    for key in ("at", "due_at", "finished_at"):
        text = body.get(key)
        if text in (None, ""):
            values[key] = None
        elif not isinstance(text, str) or (moment := parse_moment(text)) is None:
            problems.append(Problem(key, "bad_date"))
        else:
            values[key] = moment
    status = body.get("status")
    if status is not None and not isinstance(status, str):
        problems.append(Problem("status", "not_text"))
    if problems:
        raise Invalid(problems)
    values["status"] = status
    return values


@api_bp.patch("/dossiers/<code>")
@require_permission(MANAGE)
@api.validate(json=UpdateDossierBody, resp=ok(Open, HTTP_409=None), tags=["dossiers"], security=AUTH)
def api_update_dossier(code: str) -> Any:
    """Move a dossier's status forward (recorded in its history; a backward move is a 409) and correct its due /
    finishing dates
    """
    principal = _caller()
    values = _patch_values(json_body())
    current = get_dossier(code, principal)
    dossier = update_dossier_status(
        current.id,
        values["status"] or current.status,
        values["at"],
        principal,
        due_at=values["due_at"],
        finished_at=values["finished_at"],
    )
    return jsonify(_record(dossier, principal))


@api_bp.get("/dossiers/<code>")
@api.validate(resp=ok(Open), tags=["dossiers"], security=AUTH)
def api_read_dossier(code: str) -> Any:
    """A dossier with its status history and rating state"""
    principal = _caller()
    return jsonify(_record(get_dossier(code, principal), principal))


def _agency_arg() -> str:
    """?agency= as an agency id or code; an unknown agency matches nothing rather than everything."""
    given = (request.args.get("agency") or "").strip()
    if not given:
        return ""
    agency = Agency.objects(id=given).only("id").first() or Agency.objects(code=given.upper()).only("id").first()
    return agency.id if agency else "-"


@api_bp.get("/dossiers")
@api.validate(query=ListDossiersQuery, resp=ok(Page), tags=["dossiers"], security=AUTH)
def api_list_dossiers() -> Any:
    """Dossiers in the caller's scope, newest received first"""
    principal = _caller()
    page, per_page = paging()
    status = (request.args.get("status") or "").strip()
    if status and status not in DOSSIER_STATUSES:
        raise BadRequest("bad_status_filter")
    q = (request.args.get("q") or "").strip()
    found = list_dossiers(principal, q=q, agency=_agency_arg(), status=status, page=page, per_page=per_page)
    items = found.items
    agencies = by_ids(Agency.objects.only("id", "code"), (d.agency_id for d in items))
    ratings = ratings_of([d.id for d in items])
    records = [
        dossier_record(
            d,
            agencies.get(d.agency_id),
            ratings.get(d.id),
            full_applicant=allows(principal, MANAGE, d.agency_id),
        )
        for d in items
    ]
    return jsonify(page_body(found, records))
