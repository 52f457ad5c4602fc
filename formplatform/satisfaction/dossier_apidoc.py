"""The OpenAPI description of the dossier routes (one-stop systems push dossiers and status updates)."""

from __future__ import annotations

from typing import Any

from formplatform.openapi import _op
from formplatform.satisfaction.dossier_input import COLUMNS, REQUIRED
from formplatform.satisfaction.models import DOSSIER_STATUSES

CODE = {
    "name": "code",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "Dossier code <agency code>-YYMMDD-XXXX (Thông tư 01/2018/TT-VPCP Điều 19).",
}
PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]
MOMENT = {
    "type": "string",
    "description": "YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][±HH:MM] or DD/MM/YYYY [HH:MM]; without an offset: Vietnam time.",
}
DOSSIER = {
    "type": "object",
    "required": list(REQUIRED),
    "additionalProperties": False,
    "properties": {
        **{column: {"type": "string"} for column in COLUMNS},
        "code": {"type": "string", "example": "000.00.31.H29-261110-0012"},
        "agency_code": {
            "type": "string",
            "description": "The handling agency's code; default: the agency part of the dossier code.",
        },
        "received_at": {**MOMENT, "description": "Must fall on the date in the code. " + MOMENT["description"]},
        "due_at": MOMENT,
        "finished_at": MOMENT,
        "status": {"enum": list(DOSSIER_STATUSES)},
    },
}
BATCH = {
    "oneOf": [
        DOSSIER,
        {
            "type": "object",
            "required": ["dossiers"],
            "properties": {"dossiers": {"type": "array", "minItems": 1, "maxItems": 1000, "items": DOSSIER}},
        },
    ]
}
STATUS_UPDATE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "status": {"enum": list(DOSSIER_STATUSES)},
        "at": {**MOMENT, "description": "When the status changed (default: now)."},
        "due_at": MOMENT,
        "finished_at": MOMENT,
    },
}


def dossier_paths() -> dict[str, Any]:
    """Paths to merge into the API description."""
    push = _op(
        "Create or update dossiers, all or nothing: a stored code updates status, dates, officials and names "
        "(its agency cannot change); any row's problem → 422 listing every problem (path `dossiers.<i>.<column>`) "
        "and nothing is stored",
        "Codes created (201 when any) and updated",
        400,
        401,
        403,
        409,
        422,
        body=BATCH,
        auth=True,
    )
    listing = _op(
        "Dossiers in the caller's scope, newest received first", "A page of dossiers", 400, 401, 403, auth=True
    )
    listing["parameters"] = [
        *PAGING,
        {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Part of a code or procedure."},
        {"name": "agency", "in": "query", "schema": {"type": "string"}, "description": "Agency id or code (subtree)."},
        {"name": "status", "in": "query", "schema": {"enum": list(DOSSIER_STATUSES)}},
    ]
    read = _op("A dossier with its status history and rating state", "The dossier", 401, 404, auth=True)
    read["parameters"] = [CODE]
    patch = _op(
        "Move a dossier's status forward (recorded in its history; a backward move is a 409) and correct its "
        "due / finishing dates",
        "The dossier",
        400,
        401,
        403,
        404,
        409,
        422,
        body=STATUS_UPDATE,
        auth=True,
    )
    patch["parameters"] = [CODE]
    return {"/dossiers": {"get": listing, "post": push}, "/dossiers/{code}": {"get": read, "patch": patch}}
