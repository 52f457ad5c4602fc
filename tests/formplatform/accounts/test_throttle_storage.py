"""Throttle counters keep a real date for their TTL index on every engine (nx-27017 drops
`$setOnInsert` and stores `$set` dates as text)."""

from __future__ import annotations

from datetime import datetime, timedelta

import mongoengine


def test_throttle_counter_counts_and_keeps_a_date_for_expiry(app):
    from formplatform.accounts.models import LoginThrottle
    from formplatform.models import utcnow

    with app.app_context():
        later = utcnow() + timedelta(minutes=20)
        assert [LoginThrottle.bump("10.0.0.1|1", later) for _ in range(3)] == [1, 2, 3]
        raw = mongoengine.get_db()["login_throttle"].find_one({"_id": "10.0.0.1|1"})
        assert isinstance(raw["expires_at"], datetime) and raw["count"] == 3
