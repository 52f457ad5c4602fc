"""Dossiers from one-stop systems: all-or-nothing intake of batches, status updates, scoped reading.

A batch is checked whole before anything is written (every row, the caller's scope over each row's
agency, codes repeated in the batch, agencies of dossiers already stored); any problem → nothing is
written. New dossiers are inserted first (a code taken meanwhile by the same agency becomes an
update; by another agency, this batch's inserts are removed again), then stored ones are updated,
each with one conditional update on its current status so two updates never both add history.
Empty optional cells of an update keep what is stored: a partial row never erases data. The
received date is fixed by the code, so it is not changed by an update.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from mongoengine.errors import NotUniqueError

from form_definitions.problems import Problem
from formplatform.agencies.models import Agency
from formplatform.audit.services import record_event
from formplatform.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from formplatform.models import utcnow
from formplatform.permissions import Principal, allows, allows_somewhere, scope_filter
from formplatform.satisfaction.codes import normalize_code
from formplatform.satisfaction.dossier_input import DossierData, DossierRow, agency_codes, check_row
from formplatform.satisfaction.models import DOSSIER_STATUSES, Dossier, Rating
from formplatform.satisfaction.periods import local_date
from i18n.messages import register_errors

MANAGE = "dossiers.manage"
READ = "satisfaction.read"
UPDATABLE = (
    "status",
    "due_at",
    "finished_at",
    "procedure_code",
    "procedure_name",
    "field_name",
    "officials",
    "applicant",
)
RETRIES = 3

register_errors(
    {
        "dossier_conflict": _l(
            "Another system registered one of these dossiers at the same moment; nothing was imported. Try again."
        ),
    }
)


def as_datetime(value: Any) -> datetime | None:
    """A stored time as a datetime (nx-27017 keeps times written by an update, e.g. in history, as text)."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def plan_dossiers(rows: list[DossierRow], actor: Principal | None) -> tuple[list[Problem], list[DossierData]]:
    """Check every row of a batch, its scope and its codes against the batch and the stored dossiers."""
    agencies = {a.code: a for a in Agency.objects(code__in=sorted(agency_codes(rows)))}
    problems: list[Problem] = []
    plan: list[tuple[DossierRow, DossierData]] = []
    first: dict[str, str] = {}
    for row in rows:
        row_problems, data = check_row(row, agencies)
        code = normalize_code(row.values["code"])
        if code in first:
            row_problems.append(Problem(row.path("code"), "duplicate_in_batch", {"first": first[code]}))
        elif code:
            first[code] = row.where or "1"
        if data is not None and not allows(actor, MANAGE, data.agency.id):  # type: ignore[union-attr]
            row_problems.append(Problem(row.path("agency_code"), "agency_out_of_scope"))
        problems += row_problems
        if data is not None and not row_problems:
            plan.append((row, data))
    stored = {d.id: d.agency_id for d in Dossier.objects(id__in=[d.code for _, d in plan]).only("id", "agency_id")}
    for row, data in plan:
        if data.code in stored and stored[data.code] != data.agency.id:  # type: ignore[union-attr]
            problems.append(Problem(row.path("agency_code"), "agency_changed"))
    return problems, [data for _, data in plan]


def save_dossiers(rows: list[DossierRow], actor: Principal, source: str = "api") -> dict[str, list[str]]:
    """Store a batch of dossiers whole, or raise Invalid with every row's problems and store nothing."""
    problems, plan = plan_dossiers(rows, actor)
    if problems:
        raise Invalid(problems)
    stored = {d.id: d for d in Dossier.objects(id__in=[d.code for d in plan])}  # one read for every update
    created, late = _insert_all([d for d in plan if d.code not in stored], actor, source)
    changes = [*late, *(d for d in plan if d.code in stored)]
    updated = [d.code for d in changes if _apply_update(d, actor, current=stored.get(d.code))]
    outcome = {"created": created, "updated": updated}
    unchanged = len(plan) - len(created) - len(updated)
    record_event(
        "dossier.import",
        actor=actor,
        target_type="dossier",
        details={
            "source": source,
            "created": len(created),
            "updated": len(updated),
            "unchanged": unchanged,
            "codes": [d.code for d in plan][:100],
        },
    )
    return outcome


def _new_dossier(data: DossierData, actor: Principal, source: str) -> Dossier:
    history = [{"status": "received", "at": data.received_at, "by": actor.id}]
    if data.status != "received":
        history.append({"status": data.status, "at": data.finished_at or utcnow(), "by": actor.id})
    return Dossier(
        id=data.code,
        agency_id=data.agency.id,  # type: ignore[union-attr]
        procedure_code=data.procedure_code,
        procedure_name=data.procedure_name,
        field_name=data.field_name,
        officials=data.officials,
        applicant=data.applicant,
        received_at=data.received_at,
        due_at=data.due_at,
        finished_at=data.finished_at,
        status=data.status,
        history=history,
        source=source,
    )


def _insert_all(plan: list[DossierData], actor: Principal, source: str) -> tuple[list[str], list[DossierData]]:
    """Insert new dossiers; a code stored meanwhile by the same agency is returned to be updated instead."""
    created: list[str] = []
    late: list[DossierData] = []
    for data in plan:
        try:
            _new_dossier(data, actor, source).save(force_insert=True)
            created.append(data.code)
        except NotUniqueError as error:
            holder = Dossier.objects(id=data.code).only("agency_id").first()
            if holder is not None and holder.agency_id == data.agency.id:  # type: ignore[union-attr]
                late.append(data)
                continue
            Dossier.objects(id__in=created).delete()
            raise Conflict("dossier_conflict") from error
    return created, late


def _changes(current: Dossier, data: DossierData) -> dict[str, Any]:
    wanted = {name: getattr(data, name) for name in UPDATABLE}
    wanted = {k: v for k, v in wanted.items() if v not in (None, "", {}) and v != {"vi": "", "en": ""}}
    return {k: v for k, v in wanted.items() if getattr(current, k) != v}


def _apply_update(
    data: DossierData, actor: Principal, at: datetime | None = None, current: Dossier | None = None
) -> bool:
    """Apply a row's changes to a stored dossier with one update conditional on its status; True if changed."""
    for attempt in range(RETRIES):
        if current is None or attempt:  # re-read when the status changed under us
            current = Dossier.objects(id=data.code).first()
        if current is None:
            return False
        changes = _changes(current, data)
        if not changes:
            return False
        update: dict[str, Any] = {f"set__{k}": v for k, v in changes.items()}
        update["set__updated_at"] = utcnow()
        if "status" in changes:
            # the whole list is set: nx-27017 turns an array into JSON strings on `$push` of a document
            entry = {"status": changes["status"], "at": at or utcnow(), "by": actor.id}
            update["set__history"] = [dict(h) for h in current.history or []] + [entry]
        if Dossier.objects(id=data.code, agency_id=current.agency_id, status=current.status).update_one(**update):
            return True
    raise Conflict()


def update_dossier_status(
    code: str,
    status: str,
    at: datetime | None,
    actor: Principal,
    *,
    due_at: datetime | None = None,
    finished_at: datetime | None = None,
) -> Dossier:
    """Move a dossier to a new status (and correct its due / finishing dates); history records the change."""
    dossier = _managed(code, actor)
    problems = []
    if status not in DOSSIER_STATUSES:
        problems.append(Problem("status", "bad_status", {"status": status, "choices": ", ".join(DOSSIER_STATUSES)}))
    received = local_date(dossier.received_at)
    if due_at is not None and local_date(due_at) < received:
        problems.append(Problem("due_at", "due_before_received"))
    for name, value in (("finished_at", finished_at), ("at", at)):
        if value is not None and local_date(value) < received:
            problems.append(Problem(name, "finished_before_received"))
    if problems:
        raise Invalid(problems)
    if finished_at is None and status in ("finished", "returned") and dossier.finished_at is None:
        finished_at = at or utcnow()  # the result is ready now, unless told when
    before = dossier.status
    data = DossierData(dossier.id, None, status, dossier.received_at, due_at=due_at, finished_at=finished_at)
    if _apply_update(data, actor, at):
        dossier.reload()
        record_event(
            "dossier.status",
            actor=actor,
            target_type="dossier",
            target_id=dossier.id,
            agency_id=dossier.agency_id,
            before={"status": before},
            after={"status": dossier.status},
        )
    return dossier


def _managed(code: str, actor: Principal | None) -> Dossier:
    dossier = Dossier.objects(id=normalize_code(code)).first()
    if actor is None:
        raise Unauthorized()
    if dossier is None or not allows(actor, MANAGE, dossier.agency_id):
        raise NotFound()
    return dossier


def can_view(principal: Principal | None, agency_id: str) -> bool:
    return allows(principal, MANAGE, agency_id) or allows(principal, READ, agency_id)


def get_dossier(code: str, principal: Principal | None) -> Dossier:
    """A dossier the caller may see (dossiers.manage or satisfaction.read over its agency); 404 otherwise."""
    if principal is None:
        raise Unauthorized()
    dossier = Dossier.objects(id=normalize_code(code)).first()
    if dossier is None or not can_view(principal, dossier.agency_id):
        raise NotFound()
    return dossier


def visible_filter(principal: Principal | None) -> dict[str, Any] | None:
    """A raw filter on agency_id for the dossiers the caller may see; None for the whole city."""
    ids: set[str] = set()
    allowed = [p for p in (MANAGE, READ) if allows_somewhere(principal, p)]
    if not allowed:
        raise Forbidden() if principal is not None else Unauthorized()
    for permission in allowed:
        scope = scope_filter(principal, permission)
        if scope is None:
            return None
        ids |= set(scope["agency_id"]["$in"])
    return {"agency_id": {"$in": sorted(ids)}}


def list_dossiers(
    principal: Principal | None, *, q: str = "", agency: str = "", status: str = "", page: int = 1, per_page: int = 20
) -> tuple[list[Dossier], int]:
    """One page of the dossiers the caller may see, newest received first, with the total."""
    clauses: list[dict[str, Any]] = [scope] if (scope := visible_filter(principal)) else []
    if q.strip():
        pattern = {"$regex": re.escape(normalize_code(q)), "$options": "i"}  # codes are stored without spaces
        words = {"$regex": re.escape(q.strip()), "$options": "i"}
        clauses.append(
            {
                "$or": [
                    {"_id": pattern},
                    {"procedure_code": words},
                    {"procedure_name.vi": words},
                    {"procedure_name.en": words},
                ]
            }
        )
    if agency:
        subtree = [a.id for a in Agency.objects(__raw__=Agency.subtree_query(agency)).only("id")]
        clauses.append({"agency_id": {"$in": subtree}})
    if status:
        clauses.append({"status": status})
    query = Dossier.objects(__raw__={"$and": clauses} if clauses else {})
    total = query.count()
    items = list(query.order_by("-received_at", "-id").skip((page - 1) * per_page).limit(per_page))
    return items, total


def ratings_of(codes: list[str]) -> dict[str, Rating]:
    """The ratings of these dossiers (whole-dossier stage), by dossier code."""
    found = Rating.objects(id__in=[Rating.make_id(c) for c in codes]).only("id", "dossier_code", "status", "created_at")
    return {r.dossier_code: r for r in found}


def _time(value: Any) -> str | None:
    moment = as_datetime(value)
    return moment.isoformat() + "Z" if moment else None


def dossier_record(
    dossier: Dossier, agency: Agency | None = None, rating: Rating | None = None, *, full_applicant: bool = False
) -> dict[str, Any]:
    """What the API tells about a dossier (the applicant masked unless the caller manages it)."""
    return {
        "code": dossier.id,
        "agency_id": dossier.agency_id,
        "agency_code": agency.code if agency else None,
        "procedure_code": dossier.procedure_code,
        "procedure_name": dict(dossier.procedure_name or {}),
        "field": dict(dossier.field_name or {}),
        "officials": {stage: dict(who) for stage, who in (dossier.officials or {}).items()},
        "applicant": dossier.applicant if full_applicant else dossier.masked_applicant,
        "received_at": _time(dossier.received_at),
        "due_at": _time(dossier.due_at),
        "finished_at": _time(dossier.finished_at),
        "status": dossier.status,
        "history": [{**h, "at": _time(h.get("at"))} for h in dossier.history or []],
        "rateable": dossier.rateable,
        "rating": {"status": rating.status, "at": _time(rating.created_at)} if rating else None,
        "source": dossier.source,
        "created_at": _time(dossier.created_at),
        "updated_at": _time(dossier.updated_at),
    }
