"""Exports read their records a window at a time, with a span of dates applied by position, not in a query."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.querycount import counting, skip_without_events

START = datetime(2026, 3, 1)


@pytest.fixture
def stored(app):
    """Submissions of two forms, one an hour from 1 March 2026, with ties on the time (same minute)."""
    from formplatform.models import Submission

    with app.app_context():
        for n in range(23):
            for key in ("f-a", "f-b"):
                moment = START + timedelta(hours=n // 2)  # two submissions share each hour
                Submission(id=f"{key}-{n:02d}", form_key=key, version=1, version_hash="h", submitted_at=moment).save()


def selected(app, query, window):
    from formplatform.exports.sources import SOURCES, ordered_documents

    with app.app_context():
        return [doc["_id"] for doc in ordered_documents(SOURCES["submissions"], query, window=window)]


@pytest.mark.parametrize("window", [1, 2, 5, 1000])
@pytest.mark.parametrize(
    ("first", "last"),
    [(None, None), (0, 22), (3, 14), (5, None), (None, 9), (40, None), (None, -5), (7, 7)],
)
def test_windows_and_date_spans_select_what_a_date_query_would(app, stored, window, first, last):
    """Whatever the window and span (empty, inside, outside, one hour), the same records in the same order."""
    from formplatform.models import Submission

    span = {}
    if first is not None:
        span["$gte"] = START + timedelta(hours=first)
    if last is not None:
        span["$lte"] = START + timedelta(hours=last, minutes=59)
    query = {"form_key": "f-a", **({"submitted_at": span} if span else {})}
    with app.app_context():
        expected = [s.id for s in Submission.objects(__raw__=query).order_by("submitted_at", "id")]
    assert selected(app, query, window) == expected


def test_no_read_compares_dates_and_none_returns_more_than_a_window(app, stored, mongo_uri):
    """The span never reaches the database (the embedded engine would scan every row to compare dates)."""
    skip_without_events()
    span = {"$gte": START + timedelta(hours=4), "$lte": START + timedelta(hours=9)}
    query = {"form_key": "f-a", "submitted_at": span}
    with counting(mongo_uri) as log:
        found = selected(app, query, 3)
    assert len(found) == 12
    finds = [c for c in log.commands if c.name == "find" and c.collection == "submissions"]
    assert finds and all("submitted_at" not in c.body["filter"] for c in finds)
    assert max(c.documents for c in finds) <= 3
