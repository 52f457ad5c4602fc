"""The approval chain of a report: draft and submit, approve or send back, sign, accept or return.

Each transition is ONE conditional `modify` on (id, state, step) (see workflow_moves): of two people
acting at once, exactly one moves the report and the other gets 409. A service checks, in order: that
the report waits for this action (409), that the actor holds the step's role (403), then the content
(422). A report being revised after a return stays `returned` (not `draft`) until it is resubmitted,
and the compliance view shows it as returned for supplementation whatever the date (coloured overdue
once its deadline passed). `on_time` is decided at the first receipt (by the reviewer, or acceptance
when the chain has no reviewer) and never changes afterwards, so a late resubmission does not rewrite it.
The reviewer's comments per section or item are kept with the review (`review["comments"]`) when the
review is saved, and on the accept or return step; a signature is kept on its sign step, so the signed
PDF of an earlier submission stays reachable after a return clears `report.signature`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from form_definitions.problems import Problem
from formplatform.accounts.models import User
from formplatform.audit.services import record_event
from formplatform.errors import Invalid
from formplatform.models import utcnow
from formplatform.reporting.header import with_header
from formplatform.reporting.models import Report
from formplatform.reporting.par import check_exempt_areas
from formplatform.reporting.par_evidence import guard_evidence
from formplatform.reporting.workflow_access import (
    FILL_STATES,
    can_act,
    current_step,
    report_definition,
    report_steps,
)
from formplatform.reporting.workflow_data import (
    agency_content,
    clean_comments,
    file_problems,
    freeze_revision,
    review_values,
    reviewer_content,
)
from formplatform.reporting.workflow_events import announce, record_step
from formplatform.reporting.workflow_moves import advance, expect, get_report, move, signed
from i18n.messages import register_errors, register_problems

__all__ = [
    "accept_report",
    "approve_report",
    "can_act",
    "current_step",
    "get_report",
    "return_report",
    "save_report",
    "send_back",
    "submit_report",
]

register_errors(
    {
        "report_conflict": _l("This report was changed or moved on by someone else; reload it and try again."),
        "report_not_actionable": _l("This report is not waiting for this action."),
        "bad_step": _l("The step must be a whole number."),
    }
)
register_problems(
    {
        "comment_required": _l("Write a comment that says what must be changed."),
        "signature_required": _l("This step must be signed digitally."),
        "agency_only": _l("Only the reporting agency may change this field."),
        "not_an_area": _l("This is not an area of the assessment."),
    }
)


Comments = tuple[str, dict[str, str] | None]  # a general comment and comments per section or field


@dataclass
class Saved:
    """A saved report and what is still wrong with its content (a draft may be incomplete)."""

    report: Report
    problems: list[Problem] = field(default_factory=list)


def save_report(
    report_id: str,
    data: Any,
    actor: User | None,
    *,
    expected_revision: int | None = None,
    exempt_areas: list[str] | None = None,
    comments: Comments | None = None,
) -> Saved:
    """Save a draft leniently (problems are reported, not refused), or the reviewer's fields at review."""
    report = get_report(report_id)
    if current_step(report)["kind"] == "review" and can_act(actor, report):
        options = {"expected_revision": expected_revision, "exempt_areas": exempt_areas, "comments": comments}
        return Saved(save_review(report, data, actor, **options))
    expect(report, "fill", FILL_STATES, actor, None)
    definition = report_definition(report)
    outcome = agency_content(definition, with_header(definition, data, report), review_values(report))
    foreign = file_problems(outcome.data, report.data or {}, actor)
    if foreign:
        raise Invalid(foreign)
    revision = report.revision if expected_revision is None else expected_revision
    update = {
        "set__data": outcome.data,
        "set__score": outcome.score,
        "set__totals": outcome.totals,
        "set__state": "returned" if report.state == "returned" else "draft",
        "inc__revision": 1,
    }
    saved = move(report, update, revision=revision)
    record_event(
        "report.save",
        actor=actor,
        target_type="report",
        target_id=report.id,
        agency_id=report.agency_id,
        after={"revision": saved.revision, "state": saved.state},
    )
    return Saved(saved, outcome.problems)


def save_review(
    report: Report,
    data: Any,
    actor: User | None,
    *,
    expected_revision: int | None = None,
    exempt_areas: list[str] | None = None,
    comments: Comments | None = None,
) -> Report:
    """The reviewer's own fields (verified scores), exempt areas and comments, before accepting or returning.

    `comments` is (general comment, {section or field: comment}); None keeps the stored ones.
    """
    expect(report, "review", ("submitted",), actor, None)
    definition = report_definition(report)
    review = {**(report.review or {}), "values": reviewer_content(definition, data if data is not None else {}, report)}
    if exempt_areas is not None:
        review["exempt_areas"] = check_exempt_areas(definition, exempt_areas)
    if comments is not None:
        review["comment"], review["comments"] = clean_comments(definition, *comments, required=False)
    guard_evidence(report, definition, review["values"], review.get("comments") or {}, actor)
    update: dict[str, Any] = {"set__review": review, "inc__revision": 1}
    revision = report.revision if expected_revision is None else expected_revision
    saved = move(report, update, revision=revision)
    record_event(
        "report.review_save",
        actor=actor,
        target_type="report",
        target_id=report.id,
        agency_id=report.agency_id,
        after={"revision": saved.revision},
    )
    return saved


def submit_report(
    report_id: str,
    actor: User | None,
    *,
    expected_step: int | None = None,
    signature: dict[str, Any] | None = None,
) -> Report:
    """Check the content strictly and send it up the chain (or straight to the reviewer / accepted).

    A chain whose first step signs needs the signature here, as an approval would.
    """
    report = get_report(report_id)
    step = expect(report, "fill", FILL_STATES, actor, expected_step)
    assert isinstance(actor, User)
    definition = report_definition(report)
    outcome = agency_content(definition, with_header(definition, report.data or {}, report), review_values(report))
    if outcome.problems:
        raise Invalid(outcome.problems)
    again = (report.submissions or 0) > 0
    update = {"set__data": outcome.data, "set__score": outcome.score, "set__totals": outcome.totals}
    update |= signed(step, signature) | advance(report, 0)
    moved = move(report, update, revision=report.revision)
    freeze_revision(moved, "resubmitted" if again else "submitted", actor)
    record_step(moved, report, "resubmit" if again else "submit", actor, signature=signature if step["sign"] else None)
    announce(moved)
    return moved


def approve_report(
    report_id: str,
    actor: User | None,
    *,
    comment: str = "",
    signature: dict[str, Any] | None = None,
    expected_step: int | None = None,
) -> Report:
    """Approve at an agency step; at a signing step only with the signature, which the report keeps."""
    report = get_report(report_id)
    step = expect(report, "approve", ("in_approval",), actor, expected_step)
    assert isinstance(actor, User)
    text, _ = clean_comments(report_definition(report), comment, None, required=False)
    moved = move(report, signed(step, signature) | advance(report, report.step))
    kept = {"signature": signature, "audit": {"signer": signature.get("signer")}} if step["sign"] and signature else {}
    record_step(moved, report, "sign" if step["sign"] else "approve", actor, comment=text, **kept)
    announce(moved)
    return moved


def send_back(report_id: str, actor: User | None, comment: str, *, expected_step: int | None = None) -> Report:
    """An approver returns the report to its drafter, with a comment saying why."""
    report = get_report(report_id)
    expect(report, "approve", ("in_approval",), actor, expected_step)
    assert isinstance(actor, User)
    text, _ = clean_comments(report_definition(report), comment, None, required=True)
    moved = move(report, {"set__state": "draft", "set__step": 0, "set__signature": None})
    record_step(moved, report, "send_back", actor, comment=text)
    announce(moved)
    return moved


def accept_report(
    report_id: str,
    actor: User | None,
    *,
    comment: str = "",
    field_comments: dict[str, str] | None = None,
    expected_step: int | None = None,
) -> Report:
    """The reviewing agency accepts the report; its content at that moment is kept as a revision.

    Comments per section or item (None: those saved with the review) stay with the review and the step.
    """
    report = get_report(report_id)
    expect(report, "review", ("submitted",), actor, expected_step)
    assert isinstance(actor, User)
    text, notes = clean_comments(report_definition(report), comment, field_comments, required=False)
    update = {"set__state": "accepted", "set__step": len(report_steps(report)), "set__accepted_at": utcnow()}
    if field_comments is None:
        notes = dict((report.review or {}).get("comments") or {})
    else:
        update["set__review__comments"] = notes
    guard_evidence(report, report_definition(report), review_values(report), notes, actor)
    moved = move(report, update)
    freeze_revision(moved, "accepted", actor)
    record_step(moved, report, "accept", actor, comment=text, field_comments=notes)
    announce(moved)
    return moved


def return_report(
    report_id: str,
    actor: User | None,
    *,
    comment: str = "",
    field_comments: dict[str, str] | None = None,
    expected_step: int | None = None,
) -> Report:
    """Return for supplementation, with a general comment and/or comments per section or field."""
    report = get_report(report_id)
    expect(report, "review", ("submitted",), actor, expected_step)
    assert isinstance(actor, User)
    text, notes = clean_comments(report_definition(report), comment, field_comments, required=True)
    update = {"set__state": "returned", "set__step": 0, "set__signature": None, "set__review__comments": notes}
    moved = move(report, update)
    freeze_revision(moved, "returned", actor)
    record_step(moved, report, "return", actor, comment=text, field_comments=notes)
    announce(moved)
    return moved
