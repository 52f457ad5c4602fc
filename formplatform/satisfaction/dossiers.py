"""Dossiers from one-stop systems: all-or-nothing intake of batches, status updates, scoped reading.

A batch is checked whole before anything is written (every row, the caller's scope over each row's
agency, codes repeated in the batch, agencies of dossiers already stored); any problem → nothing is
written. New dossiers are inserted first (a code taken meanwhile by the same agency becomes an
update), then stored ones are updated, each with one conditional update on its current status so
two updates never both add history. A failure while writing (a code taken by another agency, a
status that keeps changing, a lost connection) undoes the batch's writes (dossier_writes.py).
Empty optional cells of an update keep what is stored: a partial row never erases data. The
received date is fixed by the code, so it is not changed by an update.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from form_definitions.problems import Problem
from formplatform.agencies.models import Agency
from formplatform.audit.services import record_event
from formplatform.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from formplatform.models import utcnow
from formplatform.paging import Page, any_of, combine, page_of
from formplatform.permissions import Principal, allows, allows_somewhere, scope_filter
from formplatform.satisfaction.codes import SHORT_RE, normalize_code, parse_dossier_code
from formplatform.satisfaction.dossier_input import DossierData, DossierRow, agency_codes, check_row
from formplatform.satisfaction.dossier_writes import apply_update, write_batch
from formplatform.satisfaction.models import DOSSIER_STATUSES, Dossier, Rating, status_move_allowed
from formplatform.satisfaction.periods import local_date
from formplatform.satisfaction.words import STATUS_LABELS
from i18n.messages import register_errors

MANAGE = "dossiers.manage"
READ = "satisfaction.read"
register_errors(
    {
        "dossier_conflict": _l(
            "Another system registered one of these dossiers at the same moment; nothing was imported. Try again."
        ),
        "dossier_import_gone": _l(
            "This import is no longer waiting (it was imported, cancelled, or left for more than a day). "
            "Upload the sheet again."
        ),
        "dossier_status_backwards": _l(
            "A dossier's status only moves forward (received, processing, finished, returned); this move goes back."
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
    stored = {d.id: d for d in Dossier.objects(id__in=[d.code for _, d in plan]).only("id", "agency_id", "status")}
    for row, data in plan:
        if data.code not in stored:
            continue
        if stored[data.code].agency_id != data.agency.id:  # type: ignore[union-attr]
            problems.append(Problem(row.path("agency_code"), "agency_changed"))
        current = stored[data.code].status
        if data.status and not status_move_allowed(current, data.status):
            params = {
                "current": str(STATUS_LABELS.get(current, current)),
                "requested": str(STATUS_LABELS.get(data.status, data.status)),
            }
            problems.append(Problem(row.path("status"), "status_backwards", params))
    return problems, [data for _, data in plan]


def save_dossiers(rows: list[DossierRow], actor: Principal, source: str = "api") -> dict[str, list[str]]:
    """Store a batch of dossiers whole, or raise Invalid with every row's problems and store nothing."""
    problems, plan = plan_dossiers(rows, actor)
    if problems:
        raise Invalid(problems)
    stored = {d.id: d for d in Dossier.objects(id__in=[d.code for d in plan])}  # one read for every update
    created, updated = write_batch(plan, stored, actor, source)
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
    if apply_update(data, actor, at, forward_only=True):
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


CORRECTION_REASON_MIN = 10


def correct_dossier_status(code: str, status: str, reason: str, actor: Principal) -> Dossier:
    """Set a dossier's status to any value, backwards too, to correct a mistake: a reason is required and
    the correction is kept in the dossier's history and the audit log."""
    dossier = _managed(code, actor)
    reason = (reason or "").strip()[:500]
    problems = []
    if status not in DOSSIER_STATUSES:
        problems.append(Problem("status", "bad_status", {"status": status, "choices": ", ".join(DOSSIER_STATUSES)}))
    elif status == dossier.status:
        problems.append(Problem("status", "status_unchanged"))
    if len(reason) < CORRECTION_REASON_MIN:
        problems.append(Problem("reason", "correction_reason_required", {"min": CORRECTION_REASON_MIN}))
    if problems:
        raise Invalid(problems)
    before, now = dossier.status, utcnow()
    entry = {"status": status, "at": now, "by": actor.id, "correction": reason}
    history = [dict(h) for h in dossier.history or []] + [entry]
    if not Dossier.objects(id=dossier.id, status=before).update_one(
        set__status=status, set__history=history, set__updated_at=now
    ):
        raise Conflict("dossier_conflict")
    record_event(
        "dossier.correct",
        actor=actor,
        target_type="dossier",
        target_id=dossier.id,
        agency_id=dossier.agency_id,
        before={"status": before},
        after={"status": status},
        details={"reason": reason},
    )
    return Dossier.objects.get(id=dossier.id)


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
) -> Page[Dossier]:
    """One page of the dossiers the caller may see, newest received first (never counted: see paging.py).

    A whole dossier code is looked up by id, and so is a short one (`YYMMDD-XXXX`, as printed for the
    counter): it can only be that code under one of the agencies in view. Other words search codes and
    procedures, which reads dossiers until a page is found (there is no text index), so it is the one
    filter whose cost varies.
    """
    scope = visible_filter(principal)
    agencies = None if scope is None else set(scope["agency_id"]["$in"])
    if agency:
        subtree = {a.id for a in Agency.objects(__raw__=Agency.subtree_query(agency)).only("id")}
        agencies = subtree if agencies is None else agencies & subtree
    clauses: list[dict[str, Any]] = [] if agencies is None else [any_of("agency_id", agencies or {"-"})]
    if status:
        clauses.append({"status": status})
    if parse_dossier_code(q):
        clauses.append({"_id": normalize_code(q)})
    elif SHORT_RE.match(normalize_code(q)):
        codes = Agency.objects(**({} if agencies is None else {"id__in": sorted(agencies)})).scalar("code")
        clauses.append(any_of("_id", [f"{code}-{normalize_code(q)}" for code in codes] or ["-"]))
    elif q.strip():
        pattern = {"$regex": re.escape(normalize_code(q)), "$options": "i"}  # codes are stored without spaces
        words = {"$regex": re.escape(q.strip()), "$options": "i"}
        fields = ("procedure_code", "procedure_name.vi", "procedure_name.en")
        clauses.append({"$or": [{"_id": pattern}, *({name: words} for name in fields)]})
    return page_of(Dossier.objects(__raw__=combine(clauses)).order_by("-received_at", "-id"), page, per_page)


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
