"""Forms: drafts, publishing immutable versions, reading versions."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from mongoengine.errors import NotUniqueError

from form_definitions.checks import check_definition, missing_translations
from form_definitions.problems import Problem
from form_definitions.schema import build_schema
from form_definitions.versions import Diff, assign_concepts, content_hash, diff_definitions, upgrade
from form_definitions.walk import data_fields
from formplatform.accounts.models import User
from formplatform.audit.services import record_event
from formplatform.errors import Conflict, Invalid, NeedsConfirmation, NotFound
from formplatform.models import Form, FormVersion, utcnow
from formplatform.recent import Recent
from formplatform.services.tallies import with_counts


def list_forms(*, include_archived: bool = False) -> list[Form]:
    """Forms that have at least one published version, by key."""
    query = Form.objects(latest_version__gte=1)
    if not include_archived:
        query = query.filter(status="active")
    return list(query.order_by("id"))


SUMMARY_FIELDS = (
    "id",
    "kind",
    "title",
    "status",
    "owner_agency_id",
    "latest_version",
    "version_hashes",
    "draft_revision",
    "created_at",
)
VERSION_SUMMARY_FIELDS = ("id", "form_key", "number", "hash", "published_by", "published_at", "submission_count")


def get_form(key: str, *, with_draft: bool = False) -> Form:
    """A form; its (possibly large) draft is loaded only when asked for."""
    query = Form.objects(id=key)
    form = (query if with_draft else query.only(*SUMMARY_FIELDS)).first()
    if form is None:
        raise NotFound()
    return form


_recent_forms = Recent()


def get_form_for_filling(key: str) -> Form:
    """A form's summary as read at most FORM_CACHE_SECONDS ago in this process (submissions and ratings).

    Every submission needs the form's status and newest version; reading them once a second instead of
    once per submission takes a database round trip off the busiest write. A change made here (publish,
    archive, restore) is seen at once by this process (`forget_form`); other processes see it within
    FORM_CACHE_SECONDS: a submission in that window is checked against, and pinned to, the version
    before, which it was filled in from anyway. 0 turns the cache off.
    """
    return _recent_forms.get(key, lambda: get_form(key))


def forget_form(key: str) -> None:
    """This process changed the form: its next submission reads it afresh."""
    _recent_forms.forget(key)


@lru_cache(maxsize=512)
def _frozen_version(version_id: str, content_hash_: str) -> FormVersion | None:
    """Published versions never change: each (id, hash) is read from the database once per process.

    Keying by the content hash the form document lists makes the cache safe even if the database
    is replaced underneath (a restore): a different version has a different hash.
    """
    version = FormVersion.objects(id=version_id).exclude("submission_count").first()
    if version is None or version.hash != content_hash_:
        return None
    version.plain_definition  # noqa: B018 - made once here, for every submission checked against it
    return version


def get_version(key: str, number: int | None = None, *, form: Form | None = None) -> FormVersion:
    """A published version (immutable, cached); the newest one when `number` is None."""
    form = form or get_form(key)
    number = number or form.latest_version
    known_hash = (form.version_hashes or {}).get(str(number))
    version = _frozen_version(FormVersion.make_id(key, number), known_hash) if known_hash else None
    if version is None:
        raise NotFound()
    return version


def list_versions(key: str) -> list[FormVersion]:
    """Version summaries (no definitions), oldest first, with live submission counts."""
    return with_counts(list(FormVersion.objects(form_key=key).only(*VERSION_SUMMARY_FIELDS).order_by("number")))


def save_draft(
    key: str,
    definition: Any,
    actor: User | None,
    *,
    expected_revision: int | None = None,
    owner_agency_id: str | None = None,
) -> Form:
    """Replace the draft after checking it; a stale `expected_revision` is a conflict, never an overwrite.

    A new form belongs to `owner_agency_id`, whose designers maintain it.
    """
    problems = check_definition(definition)
    if isinstance(definition, dict) and definition.get("key") not in (None, key):
        problems.insert(0, Problem("key", "key_mismatch", {"expected": key}))
    if problems:
        raise Invalid(problems, "invalid_definition")
    definition = upgrade(definition)
    actor_id = actor.id if actor else None
    form = Form.objects(id=key).only(*SUMMARY_FIELDS).first()
    if form is None:
        form = Form(
            id=key,
            kind=definition["kind"],
            title=definition["title"],
            draft=definition,
            draft_revision=1,
            draft_updated_at=utcnow(),
            draft_updated_by=actor_id,
            owner_agency_id=owner_agency_id,
        )
        try:
            form.save(force_insert=True)
        except NotUniqueError as error:
            raise Conflict("draft_conflict") from error
        record_event(
            "form.create",
            actor=actor,
            target_type="form",
            target_id=key,
            agency_id=owner_agency_id,
            after={"revision": 1, "kind": form.kind},
        )
        return form
    revision = form.draft_revision if expected_revision is None else expected_revision
    updated = Form.objects(id=key, draft_revision=revision).modify(
        new=True,
        set__draft=definition,
        set__kind=definition["kind"],
        set__title=definition["title"],
        set__draft_updated_at=utcnow(),
        set__draft_updated_by=actor_id,
        inc__draft_revision=1,
    )
    if updated is None:
        raise Conflict("draft_conflict", current_revision=get_form(key).draft_revision)
    record_event(
        "form.draft_save",
        actor=actor,
        target_type="form",
        target_id=key,
        agency_id=form.owner_agency_id,
        before={"revision": revision},
        after={"revision": updated.draft_revision},
    )
    return updated


def draft_warnings(form: Form) -> list[Problem]:
    """What would stop the draft from being published (missing translations)."""
    return missing_translations(form.draft) if form.draft else []


def preview_publish(key: str) -> tuple[dict[str, Any], Diff]:
    """The definition that publishing would freeze, and its diff against the latest version."""
    form = get_form(key, with_draft=True)
    previous = _latest_definition(key)
    candidate = assign_concepts(form.draft, previous, form.latest_version + 1)
    return candidate, diff_definitions(previous, candidate)


def _latest_definition(key: str) -> dict[str, Any] | None:
    form = get_form(key)
    return get_version(key, form=form).definition if form.latest_version else None


def publish_form(key: str, actor: User | None, *, confirm_breaking: bool = False) -> FormVersion:
    """Freeze the draft as the next numbered version; breaking changes need `confirm_breaking`."""
    form = get_form(key, with_draft=True)
    problems = check_definition(form.draft, publishing=True)
    if not problems and not any(True for _ in data_fields(form.draft.get("fields") or [])):
        problems = [Problem("fields", "no_fields")]
    if problems:
        raise Invalid(problems, "invalid_definition")
    candidate, diff = preview_publish(key)
    latest = get_version(key, form=form) if form.latest_version else None
    if latest is not None and latest.hash == content_hash(candidate):
        raise Conflict("nothing_to_publish")
    if diff.breaking and latest is not None and not confirm_breaking:
        raise NeedsConfirmation(diff.as_dict())
    number = (latest.number if latest else 0) + 1
    version = FormVersion(
        id=FormVersion.make_id(key, number),
        form_key=key,
        number=number,
        hash=content_hash(candidate),
        definition=candidate,
        schema_json=json.dumps(build_schema(candidate), ensure_ascii=False),
        diff=diff.as_dict(),
        published_by=actor.id if actor else None,
    )
    try:
        version.save(force_insert=True)
    except NotUniqueError as error:
        raise Conflict() from error
    record_event(
        "form.publish",
        actor=actor,
        target_type="form",
        target_id=key,
        agency_id=form.owner_agency_id,
        after={
            "version": number,
            "hash": version.hash,
            "breaking": diff.breaking,
            "confirmed_breaking": bool(confirm_breaking and diff.breaking),
        },
    )
    Form.objects(id=key).update_one(**{f"set__version_hashes__{number}": version.hash})
    Form.objects(id=key, latest_version__lt=number).update_one(set__latest_version=number)
    Form.objects(id=key, draft_revision=form.draft_revision).update_one(set__draft=candidate)
    forget_form(key)
    return version
