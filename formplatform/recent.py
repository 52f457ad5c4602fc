"""What a process may reuse for a couple of seconds instead of reading it on every request.

For reference data that every busy write needs and that changes rarely: a form's status and newest
version (every submission), an agency's place in the tree (every rating). The time comes from
FORM_CACHE_SECONDS (0 turns reuse off); whoever changes such data in this process forgets it here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from flask import current_app

MAX_ENTRIES = 1024  # every form and agency of a city several times over; past it, start afresh


class Recent:
    """Values by key, each reused until it is FORM_CACHE_SECONDS old."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, read: Callable[[], Any]) -> Any:
        seconds = float(current_app.config.get("FORM_CACHE_SECONDS") or 0)
        if seconds <= 0:
            return read()
        now = time.monotonic()
        known = self._values.get(key)
        if known is not None and known[0] > now:
            return known[1]
        value = read()
        with self._lock:
            if len(self._values) >= MAX_ENTRIES:
                self._values.clear()
            self._values[key] = (now + seconds, value)
        return value

    def forget(self, key: str) -> None:
        with self._lock:
            self._values.pop(key, None)
