"""Fixtures of the designer page tests (helpers live in pages_support)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.formplatform.designer.pages_support import designer_session


@pytest.fixture
def designer(client: Any, city: Any) -> str:
    """`thietke`, designer of Sở Nội vụ, logged in; the CSRF token of the session."""
    return designer_session(client)
