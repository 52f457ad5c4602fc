"""Seeding from several processes at once (gunicorn -w 4 on an empty database): one turn each, no error."""

from __future__ import annotations

import multiprocessing
import os
import socket
import subprocess
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from formplatform.embedded import EmbeddedMongo

WORKERS = 3
SEED_CONFIG = {
    "SECRET_KEY": "seed-test-secret-0123456789",
    "ENV": "testing",
    "SEED_ON_START": True,
    "DEMO_DATA": True,  # the demo city and its reports and ratings: the most documents a start can create
    "ADMIN_PASSWORD": "quantri-2026-pass",
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_KIB": 1024,
    "EXPORT_RUNNER": False,
}


def start_worker(uri: str) -> str:
    """What one gunicorn worker does on start: build the app, which seeds; the traceback if that fails."""
    from formplatform import create_app

    try:
        create_app({**SEED_CONFIG, "MONGODB_URI": uri})
    except BaseException:  # noqa: BLE001 - reported to the test, which fails with it
        return traceback.format_exc()
    return "ok"


def document_counts(uri: str) -> dict[str, int]:
    client: MongoClient = MongoClient(uri)
    try:
        db = client.get_default_database()
        return {name: db[name].count_documents({}) for name in db.list_collection_names() if name != "leases"}
    finally:
        client.close()


@pytest.mark.embedded_only  # processes share one server
def test_workers_starting_together_on_an_empty_database_seed_everything_once(tmp_path: Path) -> None:
    with EmbeddedMongo(tmp_path / "together") as together, EmbeddedMongo(tmp_path / "alone") as alone:
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(WORKERS, mp_context=spawn) as pool:
            results = list(pool.map(start_worker, [together.uri] * WORKERS))
        assert results == ["ok"] * WORKERS, "\n".join(results)
        with ProcessPoolExecutor(1, mp_context=spawn) as pool:  # not here: create_app rebinds this process's db
            assert pool.submit(start_worker, alone.uri).result() == "ok"
        # exactly the documents one process seeding alone creates: nothing twice, nothing missing
        assert document_counts(together.uri) == document_counts(alone.uri)


def test_the_seeding_lease_lets_one_holder_in_and_is_taken_over_once_expired(app: Any) -> None:
    import mongoengine

    from formplatform.services.seed import LEASE_COLLECTION, SEED_LEASE, _take_lease, seeding_lease

    with app.app_context():
        leases = mongoengine.get_db()[LEASE_COLLECTION]
        with seeding_lease() as held:
            assert held and leases.find_one({"_id": SEED_LEASE}) is not None
            assert not _take_lease(leases, "other", 30)
            with seeding_lease(wait=0.3) as second:
                assert not second  # still held by the first: the second gives up, holding nothing
            assert leases.find_one({"_id": SEED_LEASE}) is not None
        assert leases.find_one({"_id": SEED_LEASE}) is None  # released
        leases.insert_one({"_id": SEED_LEASE, "holder": "died-mid-seed", "expires": time.time() - 1})
        assert _take_lease(leases, "first", 30)
        assert not _take_lease(leases, "second", 30)
        assert leases.find_one({"_id": SEED_LEASE})["holder"] == "first"


def test_a_lease_of_a_process_killed_on_this_machine_is_taken_over_at_once(app: Any) -> None:
    import mongoengine

    from formplatform.services.seed import LEASE_COLLECTION, SEED_LEASE, _take_lease

    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # reaped: its pid names no process now
    dead = f"{socket.gethostname()}:{finished.pid}:1"
    with app.app_context():
        leases = mongoengine.get_db()[LEASE_COLLECTION]
        leases.insert_one({"_id": SEED_LEASE, "holder": dead, "expires": time.time() + 30})
        assert _take_lease(leases, "next-start", 30)  # no 30 s wait after a kill -9 during seeding
        alive = f"{socket.gethostname()}:{os.getpid()}:1"
        leases.update_one({"_id": SEED_LEASE}, {"$set": {"holder": alive, "expires": time.time() + 30}})
        assert not _take_lease(leases, "next-start", 30)
