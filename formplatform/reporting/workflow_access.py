"""Who acts on a report and who may read it: the chain's roles over the reporting agency.

An agency step is acted on by whoever holds its role over the reporting agency (`holds_role`), and
also by the holders of that role in one of the agency's own divisions (phòng): a district's report is
checked by the head of its Phòng Nội vụ, whose grant is on the division, not on the district. The
reviewer step belongs to reviewers over the reporting agency, or to an administrator holding
`reports.review` there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import g, has_app_context, has_request_context

from form_definitions.workflow import AGENCY_ROLES, REVIEWER, has_review, workflow_steps
from formplatform.accounts.models import User
from formplatform.agencies.models import Agency
from formplatform.errors import Forbidden, Unauthorized
from formplatform.models import Form
from formplatform.permissions import Principal, allows, holds_role, scope_filter
from formplatform.reporting.models import Report
from formplatform.services.forms import get_version

OPEN_STATES = ("not_started", "draft", "returned", "in_approval", "submitted")
FILL_STATES = ("not_started", "draft", "returned")


def _definitions() -> dict[tuple[str, int], dict[str, Any]]:
    """Definitions met in this request by (form, version): published versions never change."""
    if not has_app_context():
        return {}
    if "fp_report_definitions" not in g:
        g.fp_report_definitions = {}
    return g.fp_report_definitions


def report_definition(report: Report) -> dict[str, Any]:
    """The definition of the version the report pins (cached per version; its form read once a request)."""
    known = _definitions()
    slot = (report.form_key, report.version)
    if slot not in known:
        known[slot] = get_version(report.form_key, report.version).definition
    return known[slot]


def load_definitions(reports: Iterable[Report]) -> None:
    """Read the forms of many reports in one query, so that listing them costs no query per form."""
    known = _definitions()
    wanted = {(r.form_key, r.version) for r in reports} - set(known)
    if not wanted:
        return
    keys = sorted({key for key, _ in wanted})
    forms = {f.id: f for f in Form.objects(id__in=keys).only("id", "latest_version", "version_hashes")}
    for key, number in wanted:
        if key in forms:
            known[(key, number)] = get_version(key, number, form=forms[key]).definition


def report_steps(report: Report) -> list[dict[str, Any]]:
    """The approval chain of the report's pinned version."""
    return workflow_steps(report_definition(report))


def current_step(report: Report) -> dict[str, Any]:
    """Where the report stands: index, role, sign, label and what is done there (fill/approve/review/done)."""
    steps = report_steps(report)
    index = report.step or 0
    if report.state == "accepted" or index >= len(steps):
        return {"index": index, "role": None, "sign": False, "label": None, "kind": "done", "last": True}
    step = steps[index]
    if index == 0:
        kind = "fill"
    elif step["role"] == REVIEWER:
        kind = "review"
    else:
        kind = "approve"
    last_agency = index == (len(steps) - 2 if has_review(steps) else len(steps) - 1)
    return {
        "index": index,
        "role": step["role"],
        "sign": bool(step.get("sign")),
        "label": step.get("label"),
        "kind": kind,
        "last": last_agency,
    }


def division_ids(agency_id: str) -> list[str]:
    """The divisions (phòng) directly under an agency (read once a request: a to-do list asks per report)."""
    known: dict[str, list[str]] = g.setdefault("fp_divisions", {}) if has_request_context() else {}
    if agency_id not in known:
        known[agency_id] = [a.id for a in Agency.objects(parent_id=agency_id, type="division").only("id")]
    return known[agency_id]


def holds_step_role(principal: Principal | None, role: str, agency_id: str) -> bool:
    """Whether the principal may act at a step of `role` for the agency (directly or from one of its divisions)."""
    if role == REVIEWER:
        return holds_role(principal, REVIEWER, agency_id) or allows(principal, "reports.review", agency_id)
    if holds_role(principal, role, agency_id):
        return True
    if not isinstance(principal, User):
        return False
    granted = {g.agency_id for g in principal.roles if g.role == role}
    return bool(granted) and any(d in granted for d in division_ids(agency_id))


def can_act(principal: Principal | None, report: Report) -> bool:
    """Whether the principal may act on the report at its current step now."""
    step = current_step(report)
    if step["kind"] == "done" or not isinstance(principal, User):
        return False
    if step["kind"] == "fill" and report.state not in FILL_STATES:
        return False
    if step["kind"] == "approve" and report.state != "in_approval":
        return False
    if step["kind"] == "review" and report.state != "submitted":
        return False
    return holds_step_role(principal, step["role"], report.agency_id)


def subtree_ids(roots: set[str]) -> list[str]:
    if not roots:
        return []
    query = {"$or": [{"_id": {"$in": sorted(roots)}}, {"ancestors": {"$in": sorted(roots)}}]}
    return [a.id for a in Agency.objects(__raw__=query).only("id")]


def division_parents(principal: Principal | None) -> list[str]:
    """Agencies whose reports the principal acts on through a workflow role held on one of their divisions."""
    if not isinstance(principal, User):
        return []
    granted = {g.agency_id for g in principal.roles if g.role in AGENCY_ROLES}
    if not granted:
        return []
    divisions = Agency.objects(id__in=sorted(granted), type="division").only("parent_id")
    return sorted({d.parent_id for d in divisions if d.parent_id})


def acting_agencies(principal: Principal | None) -> list[str]:
    """Every agency where the principal holds an agency workflow role (subtrees and division parents)."""
    if not isinstance(principal, User) or not principal.can_log_in:
        return []
    roots = {g.agency_id for g in principal.roles if g.role in AGENCY_ROLES}
    return sorted(set(subtree_ids(roots)) | set(division_parents(principal)))


def reading_filter(principal: Principal | None) -> dict[str, Any] | None:
    """A raw filter on reports the principal may read; None means everything. Never raises.

    Readers of submissions read the reports of their subtrees; a division's staff also read the
    reports of the agency the division belongs to (they act on them).
    """
    parents = division_parents(principal)
    try:
        scoped = scope_filter(principal, "submissions.read")
    except (Forbidden, Unauthorized):  # no reading grant anywhere
        return {"agency_id": {"$in": parents}}
    if scoped is None:
        return None
    return {"agency_id": {"$in": sorted(set(scoped["agency_id"]["$in"]) | set(parents))}}


def may_read(principal: Principal | None, report: Report) -> bool:
    """Whether the principal may see this report at all (others get 404)."""
    if allows(principal, "submissions.read", report.agency_id):
        return True
    return report.agency_id in division_parents(principal) or can_act(principal, report)
