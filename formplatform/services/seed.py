"""First-start seeding: the core of the agency tree, the administrator and the built-in definitions.

Everything here is idempotent, so it is safe on every start and from several processes at once.
"""

from __future__ import annotations

import secrets

from mongoengine.errors import NotUniqueError

from form_definitions.library import library_versions
from formplatform.accounts.models import User
from formplatform.accounts.services import create_user
from formplatform.agencies.models import Agency
from formplatform.errors import Conflict
from formplatform.models import FormVersion
from formplatform.services.forms import publish_form, save_draft

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
