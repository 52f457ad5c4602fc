"""Receipts: a signed token that lets an anonymous submitter read back what they filed."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from formplatform.models import Submission, User


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


def can_read_submission(submission: Submission, user: User | None, receipt: str | None) -> bool:
    """Administrators, the submitter, or whoever holds the receipt."""
    if user is not None and (user.is_admin or user.id == submission.submitted_by):
        return True
    return receipt_matches(receipt, submission.id)
