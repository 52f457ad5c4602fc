"""Files that the readers of a report may download: its evidence files and the signed PDFs of its submissions.

The caller has already checked that the principal may read the report (`readable_report`); here a
file is found only through the report that references it, so a file id of another report, or of no
report, answers 404 exactly like a report out of scope. Evidence counts when the report's content
references it now or referenced it in a kept revision (what the history compares). A signed PDF counts
when the report holds its signature now or a sign step of its history kept it (a return clears the
report's signature, never the step's).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from formplatform.errors import NotFound
from formplatform.models import StoredFile
from formplatform.reporting.models import Report, ReportRevision, ReportStep
from formplatform.reporting.workflow_data import content, file_refs

SIGNING_ACTIONS = ("sign", "submit", "resubmit")  # a chain whose first step signs signs at submission
_ASCII_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.() ")


def evidence_ids(report: Report) -> set[str]:
    """Ids of the evidence files the report's current content references."""
    return {str(ref["id"]) for _, ref in file_refs(content(report))}


def evidence_file(report: Report, file_id: str) -> StoredFile:
    """A stored evidence file of the report (now or in a kept revision); 404 for any other id."""
    known = file_id in evidence_ids(report)
    if not known:
        revisions = ReportRevision.of(report.id).only("data")
        known = any(file_id == str(ref["id"]) for r in revisions for _, ref in file_refs(r.data or {}))
    stored = StoredFile.objects(id=file_id).first() if known else None
    if stored is None:
        raise NotFound()
    return stored


@dataclass
class SignedCopy:
    """One signed PDF of the report: the signature record as kept, who acted, when, and whether it is current."""

    record: dict[str, Any]
    actor_id: str | None
    at: datetime | None
    current: bool

    @property
    def file_id(self) -> str:
        return str(self.record.get("file_id") or "")


def signed_copies(report: Report) -> list[SignedCopy]:
    """Every signature the report was given, oldest first; the report's own signature is marked current."""
    current = str((report.signature or {}).get("file_id") or "")
    steps = ReportStep.of(report.id).filter(action__in=SIGNING_ACTIONS).order_by("created_at")
    copies = [
        SignedCopy(dict(s.signature), s.actor_id, s.created_at, False)
        for s in steps.only("signature", "actor_id", "created_at")
        if s.signature and s.signature.get("file_id")
    ]
    for item in copies:
        item.current = bool(current) and item.file_id == current
    if current and not any(c.current for c in copies):  # signed before sign steps kept their record
        copies.append(SignedCopy(dict(report.signature or {}), report.signature.get("signed_by"), None, True))
    return copies


def signed_copy(report: Report, file_id: str) -> StoredFile:
    """The stored signed PDF `file_id` of the report (current or earlier); 404 for any other id."""
    if not any(c.file_id == file_id for c in signed_copies(report)):
        raise NotFound()
    stored = StoredFile.objects(id=file_id).first()
    if stored is None:
        raise NotFound()
    return stored


def ascii_name(name: str) -> str:
    """A plain-ASCII stand-in for a file name (Vietnamese letters without their marks, đ as d)."""
    simple = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(c if c in _ASCII_SAFE else "_" for c in simple if not unicodedata.combining(c))
    return kept.strip(" .") or "file"


def attachment_disposition(name: str) -> str:
    """`Content-Disposition: attachment` with an ASCII filename and the exact UTF-8 name (RFC 5987 / 6266)."""
    cleaned = "".join(c for c in (name or "file") if unicodedata.category(c)[0] != "C").replace("/", "_")
    cleaned = cleaned.replace("\\", "_").strip() or "file"
    return f"attachment; filename=\"{ascii_name(cleaned)}\"; filename*=UTF-8''{quote(cleaned, safe='')}"
