"""Export services: ask for an export, list and read one's own, delete, stream the finished file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from formplatform.accounts.models import User
from formplatform.audit.services import record_event
from formplatform.errors import Conflict, NotFound
from formplatform.exports.models import ExportChunk, ExportJob
from formplatform.exports.selection import Selection, check_agencies, checked_form, owner_scope
from formplatform.models import utcnow
from formplatform.paging import Page, page_of
from formplatform.permissions import Principal
from formplatform.reporting.models import eq
from i18n.text import localize

MAX_ACTIVE = 3  # queued or running exports one owner may have at a time
KEEP_DAYS = 7


def owner_key(principal: Principal) -> str:
    """Whose exports these are: the user, or the integration client."""
    return principal.id if isinstance(principal, User) else f"client:{principal.id}"


def request_export(principal: Principal | None, chosen: Selection, locale: str) -> ExportJob:
    """Queue an export of what the principal may read now; the runner writes the file later."""
    scope = owner_scope(principal, chosen.source)
    assert principal is not None  # owner_scope raised otherwise
    form = checked_form(chosen.form_key)
    check_agencies(chosen.agencies, scope)
    owner = owner_key(principal)
    waiting = _owned(owner).filter(state__in=["queued", "running"]).only("id").limit(MAX_ACTIVE)
    if len(list(waiting)) >= MAX_ACTIVE:
        raise Conflict("too_many_exports", limit=MAX_ACTIVE)
    job = ExportJob(
        owner_id=owner,
        owner_name=getattr(principal, "username", "") or getattr(principal, "name", ""),
        source=chosen.source,
        form_key=form.id,
        form_title=localize(form.title, locale),
        agencies=chosen.agencies,
        day_from=chosen.day_from,
        day_to=chosen.day_to,
        states=chosen.states,
        scope=scope or [],
        scope_all=1 if scope is None else 0,
        format=chosen.format,
        language=chosen.language,
    )
    job.save(force_insert=True)
    record_event(
        "export.request",
        actor=principal,
        target_type="export",
        target_id=job.id,
        details={k: v for k, v in _selection(job).items() if v},
    )
    return job


def _selection(job: ExportJob) -> dict[str, Any]:
    return {
        "source": job.source,
        "form": job.form_key,
        "format": job.format,
        "language": job.language,
        "agencies": list(job.agencies),
        "from": job.day_from,
        "to": job.day_to,
        "states": list(job.states),
    }


def own_export(principal: Principal | None, job_id: str) -> ExportJob:
    """One of the principal's exports; 404 for anyone else's (whether it exists is not their business)."""
    job = ExportJob.objects(id=job_id).first() if principal is not None else None
    if job is None or principal is None or job.owner_id != owner_key(principal):
        raise NotFound()
    return job


def _owned(owner: str) -> Any:
    """An owner's exports, through the (owner_id, -created_at) index on every engine (`eq`)."""
    return ExportJob.objects(__raw__=eq(owner_id=owner))


def list_exports(principal: Principal, *, page: int, per_page: int) -> Page[ExportJob]:
    """A page of the principal's exports, newest first, never counted (the runner deletes those older than
    KEEP_DAYS)."""
    return page_of(_owned(owner_key(principal)).order_by("-created_at"), page, per_page)


def delete_export(principal: Principal | None, job_id: str) -> None:
    """Delete an export and its file; a running one stops at its next heartbeat."""
    job = own_export(principal, job_id)
    ExportJob.objects(id=job.id).delete()
    ExportChunk.objects(job_id=job.id).delete()
    record_event(
        "export.delete",
        actor=principal,
        target_type="export",
        target_id=job.id,
        details={"form": job.form_key, "state": job.state},
    )


def export_file(principal: Principal | None, job_id: str) -> tuple[ExportJob, Iterator[bytes]]:
    """A finished export's file as chunks, read one at a time; 404 until it is done."""
    job = own_export(principal, job_id)
    if job.state != "done":
        raise NotFound()
    record_event(
        "export.download",
        actor=principal,
        target_type="export",
        target_id=job.id,
        details={"form": job.form_key, "format": job.format, "size": job.size},
    )

    def chunks() -> Iterator[bytes]:
        for n in range(job.chunks):
            chunk = ExportChunk.objects(id=ExportChunk.key(job.id, n)).first()
            if chunk is None:  # deleted while downloading
                return
            yield bytes(chunk.data)

    return job, chunks()


def purge_expired(days: int = KEEP_DAYS) -> int:
    """Delete exports (and files) asked for more than `days` ago."""
    old = list(ExportJob.objects(created_at__lt=utcnow() - timedelta(days=days)).scalar("id"))
    for job_id in old:
        ExportChunk.objects(job_id=job_id).delete()
    ExportJob.objects(id__in=old).delete()
    return len(old)


def export_record(job: ExportJob) -> dict[str, Any]:
    """The API representation of an export job."""
    return {
        "id": job.id,
        "state": job.state,
        "progress": {"done": job.done, "total": job.total, "percent": job.percent},
        "selection": _selection(job),
        "created_at": job.created_at.isoformat() + "Z" if job.created_at else None,
        "error": job.error or None,
        "file": {"name": job.filename, "content_type": job.content_type, "size": job.size, "sha256": job.sha256}
        if job.state == "done"
        else None,
    }
