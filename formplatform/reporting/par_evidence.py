"""The PAR evidence rule, on the server: no evidence and no accepted explanation → the verified score is 0.

A sub-criterion whose `<item>_evidence` is empty may still be verified above 0 only as an exception:
the agency explained the missing evidence (`<item>_explanation`) and the reviewer accepts it by
writing a comment on the item (on `<item>_verified` or `<item>_self`). Anything else above 0 is
refused with the item's path (422), so the index can never count unproven points. Each exception
is audited with the criterion, the score and the comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from form_definitions.problems import Problem
from formplatform.audit.services import record_event
from formplatform.errors import Invalid
from formplatform.reporting.models import Report
from formplatform.reporting.par import ParItem, par_items
from i18n.messages import register_problems

register_problems(
    {
        "par_no_evidence": _l("No evidence is attached and no explanation was given: the verified score must be 0."),
        "par_exception_comment": _l(
            "No evidence is attached: to verify more than 0 points, accept the explanation by writing "
            "a comment on this item, or enter 0."
        ),
    }
)


@dataclass(frozen=True)
class EvidenceException:
    """A score above 0 without evidence, accepted by the reviewer's comment."""

    criterion: str  # "s1_1_1"
    score: float
    comment: str


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _comment(item: ParItem, comments: dict[str, Any]) -> str:
    for name in (item.verified_name, item.self_name):
        text = comments.get(name)
        if isinstance(text, str) and text.strip():
            return text.strip()
    return ""


def evidence_rule(
    definition: dict[str, Any], data: dict[str, Any], values: dict[str, Any], comments: dict[str, Any]
) -> tuple[list[Problem], list[EvidenceException]]:
    """Problems of verified scores that break the rule, and the exceptions the reviewer's comments accept."""
    problems: list[Problem] = []
    exceptions: list[EvidenceException] = []
    for item in par_items(definition):
        score = values.get(item.verified_name)
        if not isinstance(score, (int, float)) or isinstance(score, bool) or score <= 0:
            continue
        if _filled(data.get(f"{item.key}_evidence")):
            continue
        comment = _comment(item, comments)
        if not _filled(data.get(f"{item.key}_explanation")):
            problems.append(Problem(item.verified_name, "par_no_evidence"))
        elif not comment:
            problems.append(Problem(item.verified_name, "par_exception_comment"))
        else:
            exceptions.append(EvidenceException(item.key, float(score), comment))
    return problems, exceptions


def guard_evidence(
    report: Report, definition: dict[str, Any], values: dict[str, Any], comments: dict[str, Any], actor: Any
) -> None:
    """Refuse (422) verified scores that break the evidence rule; audit each exception new since the last save."""
    problems, exceptions = evidence_rule(definition, report.data or {}, values, comments)
    if problems:
        raise Invalid(problems)
    review = report.review or {}
    _, before = evidence_rule(definition, report.data or {}, review.get("values") or {}, review.get("comments") or {})
    for exception in sorted(set(exceptions) - set(before), key=lambda e: e.criterion):
        record_event(
            "report.par_exception",
            actor=actor,
            target_type="report",
            target_id=report.id,
            agency_id=report.agency_id,
            details={"criterion": exception.criterion, "score": exception.score, "comment": exception.comment},
        )
