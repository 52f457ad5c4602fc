"""First-start seeding: the administrator and the built-in definitions, idempotently."""

from __future__ import annotations

import secrets

from mongoengine.errors import NotUniqueError

from form_definitions.library import library_versions
from formplatform.errors import Conflict
from formplatform.models import FormVersion, User
from formplatform.services.accounts import create_user
from formplatform.services.forms import publish_form, save_draft


def ensure_admin(password: str | None) -> str | None:
    """Create `admin` if missing; return the generated password (to print once) when none was given."""
    if User.objects(username="admin").first() is not None:
        return None
    generated = None if password else secrets.token_urlsafe(12)
    try:
        create_user("admin", password or generated or "", is_admin=True, display_name="Quản trị hệ thống")
    except NotUniqueError:
        return None
    return generated


def seed_library(actor: User | None = None) -> list[str]:
    """Publish every built-in version not yet published, in order; returns the ids published now."""
    published = []
    for key, versions in library_versions().items():
        for number, definition in enumerate(versions, start=1):
            if FormVersion.objects(id=FormVersion.make_id(key, number)).first() is not None:
                continue
            try:
                save_draft(key, definition, actor)
                published.append(publish_form(key, actor, confirm_breaking=True).id)
            except Conflict:
                break  # another process is seeding the same form right now
    return published
