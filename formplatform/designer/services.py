"""Designer operations on whole forms: create, duplicate, archive and restore, each audit-logged."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from form_definitions import KINDS, SCHEMA_VERSION
from form_definitions.problems import Problem
from formplatform.accounts.models import User
from formplatform.audit.services import record_event
from formplatform.errors import Conflict, Invalid
from formplatform.models import Form
from formplatform.permissions import Principal, allows, design_owner
from formplatform.services import forms

KEY = re.compile(r"^[a-z][a-z0-9-]{1,63}$")
LANGS = ("vi", "en")


@dataclass
class FormDetails:
    """What a designer types to start a form (or to name a copy): key, kind, titles and owner."""

    key: str = ""
    kind: str = "report"
    title: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    owner_agency_id: str = ""

    @classmethod
    def from_mapping(cls, values: Any) -> FormDetails:
        """Read details from a request form or a JSON object, trimming text and ignoring the rest."""

        def text(name: str) -> str:
            value = values.get(name)
            return value.strip() if isinstance(value, str) else ""

        def bilingual(name: str) -> dict[str, str]:
            nested = values.get(name)
            if isinstance(nested, dict):
                return {lang: str(nested.get(lang) or "").strip() for lang in LANGS}
            return {lang: text(f"{name}_{lang}") for lang in LANGS}

        return cls(
            key=text("key"),
            kind=text("kind") or "report",
            title=bilingual("title"),
            description=bilingual("description"),
            owner_agency_id=text("owner_agency_id"),
        )

    def as_values(self) -> dict[str, str]:
        """The details as the flat names of the HTML form (title_vi, description_en, …)."""
        values = {"key": self.key, "kind": self.kind, "owner_agency_id": self.owner_agency_id}
        for lang in LANGS:
            values[f"title_{lang}"] = self.title.get(lang, "")
            values[f"description_{lang}"] = self.description.get(lang, "")
        return values


def check_key(key: str) -> list[Problem]:
    """A new form's key must have the key format and be unused."""
    if not KEY.match(key):
        return [Problem("key", "key_format")]
    if Form.objects(id=key).only("id").first() is not None:
        return [Problem("key", "key_taken", {"key": key})]
    return []


def check_details(details: FormDetails, *, kind_needed: bool = True) -> list[Problem]:
    """Problems with the details of a new form (key, kind, a title in at least one language)."""
    problems = check_key(details.key)
    if kind_needed and details.kind not in KINDS:
        problems.append(Problem("kind", "not_an_option"))
    if not any(details.title.values()):
        problems.append(Problem("title_vi", "title_required"))
    return problems


def choose_owner(principal: Principal | None, key: str, requested: str = "") -> str | None:
    """The agency owning a new form: the one asked for (if the caller designs there), else the default."""
    default = design_owner(principal, key)
    if not requested or requested == default:
        return default
    if not allows(principal, "forms.design", requested):
        raise Invalid([Problem("owner_agency_id", "owner_out_of_scope")], "invalid_form_details")
    return requested


def _texts(value: dict[str, str]) -> dict[str, str]:
    return {lang: text for lang, text in value.items() if text}


def create_form(details: FormDetails, actor: User) -> Form:
    """Start a form with an empty draft (no fields yet); the designer adds them in the editor."""
    problems = check_details(details)
    if problems:
        raise Invalid(problems, "invalid_form_details")
    owner = choose_owner(actor, details.key, details.owner_agency_id)
    definition: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "key": details.key,
        "kind": details.kind,
        "title": _texts(details.title),
        "fields": [],
    }
    if any(details.description.values()):
        definition["description"] = _texts(details.description)
    return save_new_draft(details.key, definition, actor, owner)


def save_new_draft(key: str, definition: dict[str, Any], actor: User | None, owner: str | None) -> Form:
    """Save the first draft of a new form; never overwrites a form created in the meantime."""
    try:
        # revision 0 never exists, so if the key was taken since the check this is a conflict
        return forms.save_draft(key, definition, actor, expected_revision=0, owner_agency_id=owner)
    except Conflict as error:
        raise Invalid([Problem("key", "key_taken", {"key": key})], "invalid_form_details") from error


def without_concepts(fields: list[Any]) -> list[Any]:
    """A copy of the field tree with every concept id removed (nested fields and grid columns too)."""
    copied = copy.deepcopy(fields)
    stack = list(copied)
    while stack:
        spec = stack.pop()
        if isinstance(spec, dict):
            spec.pop("concept", None)
            stack += list(spec.get("fields") or []) + list(spec.get("columns") or [])
    return copied


def duplicate_form(source_key: str, details: FormDetails, actor: User, *, version: int | None = None) -> Form:
    """Copy a form's draft (or one published version) to a new key with new titles, without concepts.

    Concepts say "this field measures the same thing across versions of one form"; a copy is a new
    form whose answers must not be merged into the original's series, so its fields get fresh
    concepts (`<new key>.<name>`) when it is first published.
    """
    source = forms.get_form(source_key, with_draft=version is None)
    definition = forms.get_version(source_key, version, form=source).definition if version else source.draft
    problems = check_details(details, kind_needed=False)
    if problems:
        raise Invalid(problems, "invalid_form_details")
    owner = choose_owner(actor, details.key, details.owner_agency_id)
    copied = {**copy.deepcopy(definition), "key": details.key, "title": _texts(details.title)}
    copied["fields"] = without_concepts(definition.get("fields") or [])
    if any(details.description.values()):
        copied["description"] = _texts(details.description)
    form = save_new_draft(details.key, copied, actor, owner)
    record_event(
        "form.duplicate",
        actor=actor,
        target_type="form",
        target_id=details.key,
        agency_id=owner,
        details={"source": source_key, "source_version": version or "draft"},
    )
    return form


def archive_form(key: str, actor: User | None) -> Form:
    """Stop new submissions to a form; its versions and submissions stay readable."""
    return _set_status(key, actor, "active", "archived", "form_already_archived")


def restore_form(key: str, actor: User | None) -> Form:
    """Accept submissions to an archived form again."""
    return _set_status(key, actor, "archived", "active", "form_not_archived")


def _set_status(key: str, actor: User | None, before: str, after: str, refused: str) -> Form:
    form = forms.get_form(key)
    updated = Form.objects(id=key, status=before).modify(new=True, set__status=after)
    forms.forget_form(key)
    if updated is None:
        raise Conflict(refused)
    record_event(
        "form.archive" if after == "archived" else "form.restore",
        actor=actor,
        target_type="form",
        target_id=key,
        agency_id=form.owner_agency_id,
        before={"status": before},
        after={"status": after},
    )
    return updated
