"""Agencies: create, edit and move in the tree, (de)activate, keep the contact person; every change audited."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from mongoengine import QuerySet
from mongoengine.errors import NotUniqueError

from form_definitions.problems import Problem
from formplatform.accounts.models import User
from formplatform.agencies.models import AGENCY_TYPES, CODE_PATTERN, CONTACT_KEYS, Agency
from formplatform.audit.services import record_event
from formplatform.errors import Conflict, Invalid, NotFound
from i18n.messages import register_errors, register_problems

PHONE_PATTERN = re.compile(r"^(0|\+84)[0-9]{9,10}$")
PHONE_SEPARATORS = re.compile(r"[\s.\-()]")  # people type "028 3829 6052" or "028.3829.6052"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LIMITS = {"name": 200, "position": 200, "phone": 20, "email": 254}
# Which types may sit directly under which. Divisions nest (a Chi cục of a Sở has its own phòng);
# wards may hang under the city itself, as in HCMC's two-level local government since 2025.
ALLOWED_PARENTS: dict[str, tuple[str, ...]] = {
    "city": (),
    "department": ("city",),
    "district": ("city",),
    "division": ("city", "department", "district", "division"),
    "ward": ("city", "district"),
}
EDITABLE = ("code", "name", "type", "parent_id")
# Vietnamese letters by base letter: people search "quan 1" or "thu duc" for "Quận 1" and "Thủ Đức".
VARIANTS = {
    "a": "aàáảãạăằắẳẵặâầấẩẫậ",
    "d": "dđ",
    "e": "eèéẻẽẹêềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọôồốổỗộơờớởỡợ",
    "u": "uùúủũụưừứửữự",
    "y": "yỳýỷỹỵ",
}

register_problems(
    {
        "agency_code_format": _l("Enter the official agency code, for example 000.00.00.H29."),
        "agency_parent_type": _l("An agency of this type cannot be placed under the chosen parent."),
        "agency_children_type": _l("This type does not fit the units already placed under this agency."),
        "agency_parent_cycle": _l("An agency cannot be placed under itself or under one of its own units."),
        "agency_parent_inactive": _l("The chosen parent agency is inactive."),
        "agency_city_root_only": _l("Only the City People's Committee at the top of the tree has the type City."),
        "phone_format": _l("Enter a Vietnamese phone number: 0 or +84 followed by 9 or 10 digits."),
        "email_format": _l("Enter a valid e-mail address."),
    }
)
register_errors(
    {
        "agency_code_taken": _l("Another agency already has this code."),
        "agency_is_root": _l("The City People's Committee at the top of the tree cannot be deactivated."),
        "agency_has_active_children": _l("Units below this agency are still active; deactivate or move them first."),
        "agency_has_open_accounts": _l("Accounts still belong to this agency; close or move them first."),
        "agency_parent_inactive": _l("The parent agency is inactive; activate it first."),
        "bad_agency_type": _l("Unknown agency type."),
    }
)


@dataclass(frozen=True)
class TreeRow:
    """One agency of a displayed tree and how deep it sits below the top row."""

    agency: Agency
    depth: int


def agency_snapshot(agency: Agency) -> dict[str, Any]:
    """What the audit log keeps of an agency's state."""
    return {
        "code": agency.code,
        "name": dict(agency.name or {}),
        "type": agency.type,
        "parent_id": agency.parent_id,
        "active": agency.active,
        "contact": dict(agency.contact or {}),
    }


def _set_fields(agency_id: str, values: dict[str, Any]) -> None:
    """Set plain values and stamp `updated_at`.

    The time comes from $currentDate: nx-27017 stores a datetime given to $set as a string.
    """
    Agency.objects(id=agency_id).update_one(__raw__={"$set": values, "$currentDate": {"updated_at": True}})


def _audit(action: str, agency: Agency, actor: Any, before: dict | None, after: dict | None) -> None:
    record_event(
        action, actor=actor, target_type="agency", target_id=agency.id, agency_id=agency.id, before=before, after=after
    )


def get_agency(agency_id: str) -> Agency:
    """The agency with this id, or 404."""
    agency = Agency.objects(id=agency_id).first()
    if agency is None:
        raise NotFound()
    return agency


def _field_problems(code: str, name: Any, kind: str) -> list[Problem]:
    problems = []
    if not code:
        problems.append(Problem("code", "required"))
    elif not re.match(CODE_PATTERN, code):
        problems.append(Problem("code", "agency_code_format"))
    for lang in ("vi", "en"):
        text = name.get(lang, "") if isinstance(name, dict) else ""
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(f"name.{lang}", "required"))
        elif len(text.strip()) > LIMITS["name"]:
            problems.append(Problem(f"name.{lang}", "too_long", {"limit": LIMITS["name"]}))
    if kind not in AGENCY_TYPES:
        problems.append(Problem("type", "required" if not kind else "not_an_option"))
    return problems


def _placement_problems(kind: str, parent_id: str | None, agency: Agency | None) -> tuple[list[Problem], Agency | None]:
    """Problems of placing an agency of type `kind` under `parent_id`, and the parent found."""
    if kind == "city":
        root = Agency.objects(parent_id=None, type="city").only("id").first()
        taken = root is not None and (agency is None or root.id != agency.id)
        return ([Problem("type", "agency_city_root_only")] if taken or parent_id else []), None
    if not parent_id:
        return [Problem("parent_id", "required")], None
    parent = Agency.objects(id=parent_id).first()
    if parent is None:
        return [Problem("parent_id", "not_an_option")], None
    if agency is not None and (parent.id == agency.id or agency.id in parent.ancestors):
        return [Problem("parent_id", "agency_parent_cycle")], parent
    if kind in AGENCY_TYPES and parent.type not in ALLOWED_PARENTS[kind]:
        return [Problem("parent_id", "agency_parent_type")], parent
    if not parent.active and (agency is None or agency.parent_id != parent.id):
        return [Problem("parent_id", "agency_parent_inactive")], parent
    return [], parent


def _children_problems(agency: Agency, kind: str) -> list[Problem]:
    child_types = {child.type for child in Agency.objects(parent_id=agency.id).only("type")}
    return [Problem("type", "agency_children_type")] if any(kind not in ALLOWED_PARENTS[t] for t in child_types) else []


def _check_code_free(code: str, agency: Agency | None = None) -> None:
    other = Agency.objects(code=code).only("id").first()
    if other is not None and (agency is None or other.id != agency.id):
        raise Conflict("agency_code_taken", agency_code=code)


def _clean_name(name: Any) -> dict[str, str]:
    return {lang: str(name.get(lang) or "").strip() for lang in ("vi", "en")} if isinstance(name, dict) else {}


def create_agency(code: str, name: dict[str, str], type: str, parent_id: str | None, actor: Any) -> Agency:
    """Add an agency under `parent_id` (None only for the city at the root)."""
    code = (code or "").strip().upper()
    problems = _field_problems(code, name, type)
    placement, parent = _placement_problems(type, parent_id or None, None)
    if problems or placement:
        raise Invalid(problems + placement)
    _check_code_free(code)
    agency = Agency(
        code=code,
        name=_clean_name(name),
        type=type,
        parent_id=parent.id if parent else None,
        ancestors=parent.lineage if parent else [],
    )
    try:
        agency.save(force_insert=True)
    except NotUniqueError as error:  # the same code saved by someone else a moment ago
        raise Conflict("agency_code_taken", agency_code=code) from error
    _audit("agency.create", agency, actor, None, agency_snapshot(agency))
    return agency


def update_agency(agency: Agency, changes: dict[str, Any], actor: Any) -> Agency:
    """Change code, name, type or parent; a move rewrites the ancestors of the whole subtree."""
    wanted = {key: changes[key] for key in EDITABLE if key in changes}
    code = str(wanted.get("code", agency.code) or "").strip().upper()
    name = _clean_name(wanted["name"]) if "name" in wanted else dict(agency.name)
    kind = wanted.get("type", agency.type)
    parent_id = wanted.get("parent_id", agency.parent_id) or None
    problems = _field_problems(code, name, kind)
    placement, parent = _placement_problems(kind, parent_id, agency)
    problems += placement
    if kind != agency.type and kind in AGENCY_TYPES:
        problems += _children_problems(agency, kind)
    if problems:
        raise Invalid(problems)
    before = agency_snapshot(agency)
    moved = parent_id != agency.parent_id
    after = {**before, "code": code, "name": name, "type": kind, "parent_id": parent_id}
    if after == before:
        return agency
    if code != agency.code:
        _check_code_free(code, agency)
    fields: dict[str, Any] = {"code": code, "name": name, "type": kind}
    if moved:
        fields.update(parent_id=parent_id, ancestors=parent.lineage if parent else [])
    try:
        _set_fields(agency.id, fields)
    except NotUniqueError as error:
        raise Conflict("agency_code_taken", agency_code=code) from error
    agency.reload()
    if moved:
        _rewrite_subtree(agency)
    _audit("agency.update", agency, actor, before, agency_snapshot(agency))
    return agency


def _rewrite_subtree(agency: Agency) -> None:
    """Recompute `ancestors` below a moved agency, level by level through `parent_id`.

    Walking `parent_id` rather than patching old paths means a move cut short by a crash is
    repaired by moving the agency again.
    """
    lineages = {agency.id: agency.lineage}
    while lineages:
        children = Agency.objects(parent_id__in=list(lineages)).only("id", "parent_id", "ancestors")
        next_level = {}
        for child in children:
            path = lineages[child.parent_id]
            if child.ancestors != path:
                _set_fields(child.id, {"ancestors": path})
            next_level[child.id] = [*path, child.id]
        lineages = next_level


def active_children(agency: Agency) -> list[Agency]:
    """Active agencies directly below this one."""
    return list(Agency.objects(parent_id=agency.id, active=True).order_by("code"))


def open_account_count(agency: Agency) -> int:
    """Accounts not closed that work at this agency or hold a role over it."""
    query = {"$or": [{"agency_id": agency.id}, {"roles.agency_id": agency.id}], "status": {"$ne": "closed"}}
    return User.objects(__raw__=query).count()


def status_blockers(agency: Agency, active: bool) -> list[str]:
    """Error codes that stop setting the agency (in)active; empty when it may go ahead."""
    if active:
        parent = Agency.objects(id=agency.parent_id).only("active").first() if agency.parent_id else None
        return ["agency_parent_inactive"] if parent is not None and not parent.active else []
    if agency.parent_id is None:
        return ["agency_is_root"]
    blockers = ["agency_has_active_children"] if active_children(agency) else []
    return blockers + (["agency_has_open_accounts"] if open_account_count(agency) else [])


def set_agency_active(agency: Agency, active: bool, actor: Any) -> Agency:
    """Deactivate (refused while it has active units or open accounts) or activate again."""
    if agency.active == active:
        return agency
    blockers = status_blockers(agency, active)
    if blockers:
        raise Conflict(blockers[0])
    before = agency_snapshot(agency)
    _set_fields(agency.id, {"active": active})
    agency.reload()
    _audit("agency.activate" if active else "agency.deactivate", agency, actor, before, agency_snapshot(agency))
    return agency


def clean_contact(contact: dict[str, Any]) -> dict[str, str]:
    """The contact person's details, normalized; Invalid lists every problem by field."""
    problems: list[Problem] = []
    values: dict[str, str] = {}
    for key in CONTACT_KEYS:
        value = contact.get(key) if isinstance(contact, dict) else None
        if value is not None and not isinstance(value, str):
            problems.append(Problem(key, "type", {"expected": "string"}))
            value = ""
        values[key] = (value or "").strip()
    values["phone"] = PHONE_SEPARATORS.sub("", values["phone"])
    for key in ("name", "phone", "email"):
        if not values[key] and not any(p.path == key for p in problems):
            problems.append(Problem(key, "required"))
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            problems.append(Problem(key, "too_long", {"limit": limit}))
    if values["phone"] and not PHONE_PATTERN.match(values["phone"]):
        problems.append(Problem("phone", "phone_format"))
    if values["email"] and not EMAIL_PATTERN.match(values["email"]):
        problems.append(Problem("email", "email_format"))
    if problems:
        raise Invalid(problems)
    return values


def update_contact(agency: Agency, contact: dict[str, Any], actor: Any) -> Agency:
    """Replace the agency's contact person (cán bộ đầu mối)."""
    values = clean_contact(contact)
    before = agency_snapshot(agency)
    if values == dict(agency.contact or {}):
        return agency
    _set_fields(agency.id, {"contact": values})
    agency.reload()
    _audit("agency.contact_update", agency, actor, {"contact": before["contact"]}, {"contact": values})
    return agency


def _sibling_order(agency: Agency) -> tuple[int, str]:
    return AGENCY_TYPES.index(agency.type) if agency.type in AGENCY_TYPES else len(AGENCY_TYPES), agency.code


def agency_tree(root_ids: Iterable[str] | None) -> list[TreeRow]:
    """The subtrees under `root_ids` (everything when None) in display order, each row with its depth."""
    roots = None if root_ids is None else list(root_ids)
    query = {} if roots is None else {"$or": [{"_id": {"$in": roots}}, {"ancestors": {"$in": roots}}]}
    agencies = list(Agency.objects(__raw__=query))
    ids = {a.id for a in agencies}
    children: dict[str | None, list[Agency]] = defaultdict(list)
    for agency in agencies:
        children[agency.parent_id if agency.parent_id in ids else None].append(agency)
    rows: list[TreeRow] = []
    stack = [(a, 0) for a in sorted(children[None], key=_sibling_order, reverse=True)]
    while stack:
        agency, depth = stack.pop()
        rows.append(TreeRow(agency, depth))
        stack.extend((c, depth + 1) for c in sorted(children[agency.id], key=_sibling_order, reverse=True))
    return rows


def _search_pattern(term: str) -> str:
    """A regex matching `term` whatever its Vietnamese diacritics; everything else is escaped."""
    parts = []
    for char in unicodedata.normalize("NFC", term).lower():
        base = "d" if char == "đ" else unicodedata.normalize("NFD", char)[0]
        variants = VARIANTS.get(base)
        parts.append(f"[{variants}{variants.upper()}]" if variants else re.escape(char))
    return "".join(parts)


def search_agencies(term: str, scope_filter: dict[str, Any] | None, type: str | None = None) -> QuerySet:
    """Agencies within `scope_filter` whose code or name (either language) contains `term`, by code."""
    clauses = [scope_filter or {}]
    if term and term.strip():
        pattern = {"$regex": _search_pattern(term.strip()), "$options": "i"}
        clauses.append({"$or": [{"code": pattern}, {"name.vi": pattern}, {"name.en": pattern}]})
    if type:
        clauses.append({"type": type})
    clauses = [c for c in clauses if c]
    keys = [key for clause in clauses for key in clause]
    query = {k: v for c in clauses for k, v in c.items()} if len(keys) == len(set(keys)) else {"$and": clauses}
    return Agency.objects(__raw__=query).order_by("code")
