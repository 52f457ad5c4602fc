"""A problem found in a definition or in submitted answers: a path, a code and parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One validation problem; `code` is a stable message id, rendered into words at the edge."""

    path: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "code": self.code, "params": dict(self.params)}


def join_path(*parts: object) -> str:
    """Join path segments with dots, skipping empty ones: ("fields", 0, "name") -> "fields.0.name"."""
    return ".".join(str(p) for p in parts if p != "" and p is not None)
