"""Evidence files: size-checked and parsed as their declared type (file_checks.py), stored in MongoDB."""

from __future__ import annotations

import hashlib

from form_definitions.problems import Problem
from formplatform.accounts.models import User
from formplatform.errors import Invalid
from formplatform.models import StoredFile
from formplatform.services import file_checks


def store_file(name: str, content_type: str, content: bytes, *, max_bytes: int, actor: User | None) -> StoredFile:
    """Store an upload after checking its size and that its bytes parse as its declared type; else store nothing."""
    content_type = (content_type or "").split(";")[0].strip().lower()
    if len(content) > max_bytes:
        raise Invalid([Problem("file", "file_too_large", {"limit": max_bytes})])
    if not content or not file_checks.accepted(content_type):
        raise Invalid([Problem("file", "file_type")])
    if not file_checks.readable_as(content_type, content):
        raise Invalid([Problem("file", "file_unreadable", {"kind": file_checks.KINDS[content_type]})])
    safe_name = (name or "file").replace("/", "_").replace("\\", "_")[-255:]
    record = StoredFile(
        name=safe_name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=actor.id if actor else None,
    )
    record.save(force_insert=True)
    return record
