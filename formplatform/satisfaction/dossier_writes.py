"""Writing a checked batch of dossiers all or nothing, without transactions (DESIGN §4).

Each write is atomic on one document, and every document a batch writes carries the batch's
`write_id`. Before a stored dossier is updated its whole document is kept as a before-image; if any
later row fails (a conflict, a lost connection, a server error), the batch is taken back out:
its inserts are deleted and its updates replaced by their before-images, each only where the
document still carries this batch's `write_id` — a change another writer made since is never
overwritten. Readers may glimpse a batch for the moment between its write and its undo; what
stays is either the whole batch or none of it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mongoengine.errors import NotUniqueError

from formplatform.errors import Conflict
from formplatform.models import new_id, utcnow
from formplatform.permissions import Principal
from formplatform.satisfaction.dossier_input import DossierData
from formplatform.satisfaction.models import Dossier, status_move_allowed

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
log = logging.getLogger(__name__)


@dataclass
class Journal:
    """What one batch has written so far: enough to take it back out."""

    write_id: str = field(default_factory=new_id)
    inserted: list[str] = field(default_factory=list)
    before: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> document before this batch


def write_batch(
    plan: list[DossierData], stored: dict[str, Dossier], actor: Principal, source: str
) -> tuple[list[str], list[str]]:
    """Insert the new dossiers and update the stored ones; on any failure undo what was written, then raise."""
    journal = Journal()
    try:
        created, late = _insert_all([d for d in plan if d.code not in stored], actor, source, journal)
        changes = [*late, *(d for d in plan if d.code in stored)]
        updated = [
            d.code
            for d in changes
            if apply_update(d, actor, current=stored.get(d.code), journal=journal, forward_only=True)
        ]
    except Exception:
        undo_batch(journal)
        raise
    return created, updated


def undo_batch(journal: Journal) -> None:
    """Take a failed batch back out: delete its inserts, restore the before-images of its updates."""
    collection = Dossier._get_collection()
    try:
        for code, before in journal.before.items():
            collection.replace_one({"_id": code, "write_id": journal.write_id}, before)
        if journal.inserted:
            collection.delete_many({"_id": {"$in": journal.inserted}, "write_id": journal.write_id})
    except Exception:  # the database is gone too: say what may be left, the batch's own error is raised
        log.exception("dossier batch %s could not be undone; codes %s", journal.write_id, journal.inserted)


def new_dossier(data: DossierData, actor: Principal, source: str, write_id: str | None = None) -> Dossier:
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
        write_id=write_id or new_id(),
    )


def _insert_all(
    plan: list[DossierData], actor: Principal, source: str, journal: Journal
) -> tuple[list[str], list[DossierData]]:
    """Insert new dossiers; a code stored meanwhile by the same agency is returned to be updated instead."""
    late: list[DossierData] = []
    for data in plan:
        try:
            new_dossier(data, actor, source, journal.write_id).save(force_insert=True)
            journal.inserted.append(data.code)
        except NotUniqueError as error:
            holder = Dossier.objects(id=data.code).only("agency_id").first()
            if holder is not None and holder.agency_id == data.agency.id:  # type: ignore[union-attr]
                late.append(data)
                continue
            raise Conflict("dossier_conflict") from error
    return list(journal.inserted), late


def pending_changes(current: Dossier, data: DossierData) -> dict[str, Any]:
    wanted = {name: getattr(data, name) for name in UPDATABLE}
    wanted = {k: v for k, v in wanted.items() if v not in (None, "", {}) and v != {"vi": "", "en": ""}}
    return {k: v for k, v in wanted.items() if getattr(current, k) != v}


def apply_update(
    data: DossierData,
    actor: Principal,
    at: datetime | None = None,
    current: Dossier | None = None,
    journal: Journal | None = None,
    *,
    forward_only: bool = False,
) -> bool:
    """Apply a row's changes to a stored dossier with one update conditional on its status; True if changed.

    With `forward_only`, a status that would move backwards along the life cycle is a 409 (checked against
    the status the conditional update is made on, so a concurrent change cannot slip one through)."""
    write_id = journal.write_id if journal else new_id()
    for attempt in range(RETRIES):
        if current is None or attempt:  # re-read when the status changed under us
            current = Dossier.objects(id=data.code).first()
        if current is None:
            return False
        changes = pending_changes(current, data)
        if not changes:
            return False
        update: dict[str, Any] = {f"set__{k}": v for k, v in changes.items()}
        update["set__updated_at"] = utcnow()
        update["set__write_id"] = write_id
        if forward_only and not status_move_allowed(current.status, changes.get("status", current.status)):
            raise Conflict("dossier_status_backwards", current=current.status, requested=changes["status"])
        if "status" in changes:
            # the whole list is set: nx-27017 turns an array into JSON strings on `$push` of a document
            entry = {"status": changes["status"], "at": at or utcnow(), "by": actor.id}
            update["set__history"] = [dict(h) for h in current.history or []] + [entry]
        before = current.to_mongo().to_dict()
        if Dossier.objects(id=data.code, agency_id=current.agency_id, status=current.status).update_one(**update):
            if journal is not None:
                journal.before.setdefault(data.code, before)
            return True
    raise Conflict("dossier_conflict") if journal else Conflict()
