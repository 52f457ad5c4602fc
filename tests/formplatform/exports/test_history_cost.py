"""A week of many exports costs what a few cost (DESIGN §6, CONVENTIONS 12): counted, not timed.

"My exports" (page and API) and asking for an export are requested with a page and a bit of finished exports,
then again with ten times as many: the same commands and documents, no count, and every read of export jobs
served from the (owner_id, -created_at) index (tests/querycount.py replays it on neosqlite)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import bearer, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.querycount import CommandLog, counting, skip_without_events, unindexed_reads

pytestmark = pytest.mark.embedded_only  # command monitoring: mongomock has no wire protocol

FORM = "dossier-satisfaction"


def add_jobs(owner_id: str, count: int) -> None:
    """`count` finished exports of the owner within the last six days (the runner deletes older ones)."""
    from formplatform.exports.models import ExportJob
    from formplatform.models import utcnow

    now = utcnow()
    jobs = [
        ExportJob(
            owner_id=owner_id,
            source="submissions",
            form_key=FORM,
            format="csv",
            language="vi",
            state="done",
            created_at=now - timedelta(minutes=30 * n + 5),
        )
        .to_mongo()
        .to_dict()
        for n in range(count)
    ]
    ExportJob._get_collection().insert_many(jobs)


def cost(client: Any, mongo_uri: str, headers: dict[str, str]) -> CommandLog:
    """Both pages of the list, the first page by API, and one export asked for (then deleted again)."""
    for _ in range(2):  # the first round warms the process caches; the second is counted
        with counting(mongo_uri) as log:
            for url in ("/exports", "/exports?page=2"):
                assert client.get(url).status_code == 200, url
            listed = client.get("/api/v1/exports", headers=headers).get_json()
            body = {"source": "submissions", "form": FORM, "format": "xlsx", "language": "vi"}
            asked = client.post("/api/v1/exports", json=body, headers=headers)
        assert asked.status_code == 202, asked.get_json()
        assert len(listed["items"]) == 20 and listed["has_next"] and "total" not in listed
        assert client.delete(f"/api/v1/exports/{asked.get_json()['id']}", headers=headers).status_code == 204
    return log


def test_my_exports_and_asking_for_one_cost_the_same_with_ten_times_as_many_exports(
    app, client, city, seeded, mongo_uri
):
    from formplatform.exports.models import ExportJob

    skip_without_events()
    owner = city.users["quantri"].id
    headers = bearer(client, "quantri", CITY_PASSWORD)
    log_in(client, "quantri", CITY_PASSWORD)
    with app.app_context():
        add_jobs(owner, 45)
    few = cost(client, mongo_uri, headers)
    with app.app_context():
        add_jobs(owner, 405)
    many = cost(client, mongo_uri, headers)
    assert (len(many.commands), many.summary()["documents"]) == (len(few.commands), few.summary()["documents"]), (
        few.summary(),
        many.summary(),
    )
    assert not [c for c in many.commands if c.name in ("count", "aggregate")], many.summary()
    reads = CommandLog()
    reads.commands = [c for c in many.commands if c.name == "find"]
    assert unindexed_reads(reads, ExportJob) == []
