"""First-start seeding: the core of the agency tree, the administrator and the built-in definitions.

Everything here is idempotent, and `seeding_lease()` lets one process at a time seed: several workers starting
together on an empty database (`gunicorn -w 4`) take turns, and every turn after the first finds all done.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import mongoengine
from mongoengine.errors import NotUniqueError
from pymongo.errors import DuplicateKeyError

from form_definitions.library import library_versions
from formplatform.accounts.models import User
from formplatform.accounts.services import create_user
from formplatform.agencies.models import Agency
from formplatform.errors import Conflict
from formplatform.models import FormVersion
from formplatform.services.forms import publish_form, save_draft

LEASE_COLLECTION = "leases"
SEED_LEASE = "seed"
LEASE_SECONDS = 30  # a holder that dies mid-seed blocks the others this long at most
# Below gunicorn's 30 s worker timeout: a worker still waiting then starts without seeding, since the holder,
# which keeps renewing the lease, is alive and seeding.
LEASE_WAIT_SECONDS = 20

# The platform belongs to the city: its committee is the root of the tree and Sở Nội vụ designs forms.
ROOT_CODE = "000.00.00.H29"
HOME_AFFAIRS_CODE = "000.00.08.H29"
CORE_AGENCIES = (
    (ROOT_CODE, None, "city", "Ủy ban nhân dân Thành phố Hồ Chí Minh", "Ho Chi Minh City People's Committee"),
    (HOME_AFFAIRS_CODE, ROOT_CODE, "department", "Sở Nội vụ", "Department of Home Affairs"),
)


def ensure_agency(code: str, parent_code: str | None, kind: str, vi: str, en: str) -> Agency:
    """The agency with this code, created under its parent when missing."""
    existing = Agency.objects(code=code).first()
    if existing is not None:
        return existing
    parent = Agency.objects(code=parent_code).first() if parent_code else None
    agency = Agency(
        code=code,
        name={"vi": vi, "en": en},
        type=kind,
        parent_id=parent.id if parent else None,
        ancestors=parent.lineage if parent else [],
    )
    try:
        agency.save(force_insert=True)
    except NotUniqueError:
        return Agency.objects(code=code).first()  # created meanwhile by another process
    return agency


def ensure_core_agencies() -> tuple[Agency, Agency]:
    """The city committee (root) and Sở Nội vụ."""
    root, home_affairs = (ensure_agency(*spec) for spec in CORE_AGENCIES)
    return root, home_affairs


def ensure_admin(password: str | None) -> str | None:
    """Create `admin` (administrator of the whole city) if missing; return a generated password to print once."""
    if User.objects(username="admin").first() is not None:
        return None
    root, _ = ensure_core_agencies()
    generated = None if password else secrets.token_urlsafe(12) + "7a"
    try:
        create_user(
            "admin",
            password or generated or "",
            roles=[("admin", root.id)],
            agency_id=root.id,
            display_name="Quản trị hệ thống",
            must_change_password=False,
        )
    except NotUniqueError:
        return None
    return generated


def seed_library(actor: User | None = None) -> list[str]:
    """Publish every built-in version not yet published, in order; returns the ids published now."""
    _, home_affairs = ensure_core_agencies()
    published = []
    for key, versions in library_versions().items():
        for number, definition in enumerate(versions, start=1):
            if FormVersion.objects(id=FormVersion.make_id(key, number)).first() is not None:
                continue
            try:
                save_draft(key, definition, actor, owner_agency_id=home_affairs.id)
                published.append(publish_form(key, actor, confirm_breaking=True).id)
            except Conflict:
                break  # another process is seeding the same form right now
    return published


@contextlib.contextmanager
def seeding_lease(ttl: float = LEASE_SECONDS, wait: float = LEASE_WAIT_SECONDS) -> Iterator[bool]:
    """Hold the seeding lease (a document in MongoDB) for the block, waiting while another process holds it;
    yields False, holding nothing, when that process still holds it after `wait` seconds."""
    leases = mongoengine.get_db()[LEASE_COLLECTION]
    holder = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    deadline = time.monotonic() + wait
    while not _take_lease(leases, holder, ttl):
        if time.monotonic() > deadline:
            yield False
            return
        time.sleep(0.2)
    stop = threading.Event()
    renewer = threading.Thread(target=_renew_lease, args=(leases, holder, ttl, stop), daemon=True)
    renewer.start()
    try:
        yield True
    finally:
        stop.set()
        renewer.join()
        leases.delete_one({"_id": SEED_LEASE, "holder": holder})


def _take_lease(leases: Any, holder: str, ttl: float) -> bool:
    """Insert the lease, or take it over once expired; plain insert and compare-and-swap, no upsert semantics."""
    now = time.time()  # epoch seconds: compared the same way by every MongoDB-compatible engine
    try:
        leases.insert_one({"_id": SEED_LEASE, "holder": holder, "expires": now + ttl})
        return True
    except DuplicateKeyError:
        pass
    current = leases.find_one({"_id": SEED_LEASE})
    if current is None or (current.get("expires", 0) >= now and not _holder_is_gone(current.get("holder", ""))):
        return False  # held (or released just now: the next try inserts)
    # Only one of several waiters replaces the expired holder: the filter names the document it read.
    taken = leases.update_one(
        {"_id": SEED_LEASE, "holder": current.get("holder"), "expires": current.get("expires")},
        {"$set": {"holder": holder, "expires": now + ttl}},
    )
    return taken.modified_count == 1


def _holder_is_gone(holder: str) -> bool:
    """True when the holder was a process of this machine that no longer runs (killed mid-seed): no need to wait
    for its lease to expire. Holders on other machines are trusted until their lease expires."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _renew_lease(leases: Any, holder: str, ttl: float, stop: threading.Event) -> None:
    """Push the expiry forward while seeding runs, so a slow first start (demo data) keeps the lease."""
    while not stop.wait(ttl / 3):
        expires = time.time() + ttl
        with contextlib.suppress(Exception):  # a missed renewal only shortens the lease
            leases.update_one({"_id": SEED_LEASE, "holder": holder}, {"$set": {"expires": expires}})
