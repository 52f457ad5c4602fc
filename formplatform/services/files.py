"""Evidence files: size- and type-checked by their content, stored in MongoDB."""

from __future__ import annotations

import hashlib

from form_definitions.problems import Problem
from formplatform.accounts.models import User
from formplatform.errors import Invalid
from formplatform.models import StoredFile

# content type -> magic-number prefixes; the declared type must match what the bytes say.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
    "application/msword": (b"\xd0\xcf\x11\xe0",),
    "text/csv": (),
    "text/plain": (),
}


def sniff_ok(content_type: str, content: bytes) -> bool:
    prefixes = SIGNATURES.get(content_type)
    if prefixes is None:
        return False
    if not prefixes:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in content
    return any(content.startswith(prefix) for prefix in prefixes)


def store_file(name: str, content_type: str, content: bytes, *, max_bytes: int, actor: User | None) -> StoredFile:
    """Store an upload after checking its size and that its bytes match its declared type."""
    content_type = (content_type or "").split(";")[0].strip().lower()
    if len(content) > max_bytes:
        raise Invalid([Problem("file", "file_too_large", {"limit": max_bytes})])
    if not content or not sniff_ok(content_type, content):
        raise Invalid([Problem("file", "file_type")])
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
