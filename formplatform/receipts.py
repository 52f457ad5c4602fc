"""Receipts: a signed token that lets an anonymous submitter read back what they filed."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from formplatform.models import Submission
from formplatform.permissions import Principal, allows


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="submission-receipt")


def make_receipt(submission_id: str) -> str:
    return _serializer().dumps(submission_id)


def receipt_matches(receipt: str | None, submission_id: str) -> bool:
    if not receipt:
        return False
    try:
        return _serializer().loads(receipt) == submission_id
    except BadSignature:
        return False


def can_read_submission(submission: Submission, principal: Principal | None, receipt: str | None) -> bool:
    """Readers of the submission's agency subtree, its submitter, or whoever holds the receipt."""
    if principal is not None and (
        principal.id == submission.submitted_by or allows(principal, "submissions.read", submission.agency_id)
    ):
        return True
    return receipt_matches(receipt, submission.id)
