"""Submissions: validated against their pinned version, stored whole or not at all."""

from __future__ import annotations

from typing import Any

from form_definitions.answers import check_answers
from form_definitions.problems import Problem
from formplatform.accounts.models import ApiToken, User
from formplatform.audit.services import record_event
from formplatform.errors import BadRequest, Gone, Invalid, NotFound
from formplatform.models import StoredFile, Submission
from formplatform.paging import Page, page_of
from formplatform.permissions import Principal, require, scope_filter
from formplatform.services.forms import get_form_for_filling, get_version
from formplatform.services.tallies import WAITING

SOURCES = ("web", "api", "kiosk")


def submit_form(
    key: str,
    data: Any,
    *,
    version: int | None = None,
    locale: str = "vi",
    source: str = "web",
    actor: Principal | None = None,
    agency_id: str | None = None,
) -> Submission:
    """Check answers against the requested (or newest) version and store them with that version pinned.

    Questionnaires are open to anyone. Other kinds are filed for an agency (the actor's own unless
    another is named) by someone allowed to create submissions there.
    """
    form = get_form_for_filling(key)
    if form.status != "active":
        raise Gone()  # archived: refused whoever asks, and nothing is stored
    if form.kind != "questionnaire":
        agency_id = agency_id or (actor.agency_id if isinstance(actor, User | ApiToken) else None)
        if agency_id is None and actor is not None:
            raise BadRequest("agency_required")
        require(actor, "submissions.create", agency_id)
    pinned = get_version(key, version, form=form)
    outcome = check_answers(pinned.plain_definition, data)
    problems = outcome.problems + _foreign_files(outcome.data, actor if isinstance(actor, User) else None)
    if problems:
        raise Invalid(problems)
    submission = Submission(
        form_key=key,
        version=pinned.number,
        version_hash=pinned.hash,
        data=outcome.data,
        score=outcome.score,
        totals=outcome.totals,
        locale=locale if locale in ("vi", "en") else "vi",
        source=source,
        agency_id=agency_id if form.kind != "questionnaire" else None,
        submitted_by=actor.id if actor else None,
        untallied=WAITING,  # added to its version's count by the scheduler's tallying pass
    )
    submission.save(force_insert=True)
    if actor is not None:
        record_event(
            "submission.create",
            actor=actor,
            target_type="submission",
            target_id=submission.id,
            agency_id=submission.agency_id,
            details={"form": key, "version": pinned.number, "source": source},
        )
    return submission


def _file_refs(value: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    if isinstance(value, dict) and {"id", "name", "size", "content_type"} <= set(value):
        return [(path, value)]
    if isinstance(value, dict):
        return [ref for k, v in value.items() for ref in _file_refs(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [ref for i, v in enumerate(value) for ref in _file_refs(v, f"{path}.{i}")]
    return []


def _foreign_files(data: dict[str, Any], actor: User | None) -> list[Problem]:
    """File references must name stored files this user uploaded, with matching size and type."""
    refs = _file_refs(data, "")
    if not refs:
        return []
    fields = ("id", "size", "content_type", "uploaded_by")
    stored = {f.id: f for f in StoredFile.objects(id__in=[r["id"] for _, r in refs]).only(*fields)}
    problems = []
    for path, ref in refs:
        record = stored.get(ref["id"])
        if (
            record is None
            or record.size != ref["size"]
            or record.content_type != ref["content_type"]
            or actor is None
            or record.uploaded_by != actor.id
        ):
            problems.append(Problem(path, "file_missing"))
    return problems


def get_submission(submission_id: str) -> Submission:
    submission = Submission.objects(id=submission_id).first()
    if submission is None:
        raise NotFound()
    return submission


def list_submissions(key: str, principal: Principal | None, *, page: int = 1, per_page: int = 20) -> Page[Submission]:
    """A page of a form's submissions that the principal may read (its agency subtrees), newest first."""
    restriction = scope_filter(principal, "submissions.read") or {}
    query = Submission.objects(__raw__={"form_key": key, **restriction}).order_by("-submitted_at")
    return page_of(query, page, per_page)


def submission_record(submission: Submission) -> dict[str, Any]:
    """The API representation of a stored submission, naming the version it pins."""
    return {
        "id": submission.id,
        "form": submission.form_key,
        "version": submission.version,
        "version_hash": submission.version_hash,
        "data": submission.data,
        "score": submission.score,
        "totals": submission.totals,
        "locale": submission.locale,
        "source": submission.source,
        "agency_id": submission.agency_id,
        "submitted_by": submission.submitted_by,
        "submitted_at": submission.submitted_at.isoformat() + "Z",
    }
