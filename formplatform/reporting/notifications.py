"""In-app notifications about reports, e-mailed too when SMTP is configured.

A notification stores its kind and parameters, never a sentence: the list shows it in the reader's
language, and an e-mail carries Vietnamese then English.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import current_app, has_app_context, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

from formplatform.accounts.models import User
from formplatform.agencies.models import Agency
from formplatform.models import Form
from formplatform.paging import Page, page_of
from formplatform.permissions import lineage
from formplatform.reporting.models import Notification, Report, eq
from formplatform.reporting.periods import period_label
from formplatform.reporting.workflow_access import division_ids, holds_step_role
from i18n.text import localize

log = logging.getLogger(__name__)
VN_OFFSET = timedelta(hours=7)
UNREAD_CAP = 100  # the badge says "99+" from here on: it never counts a user's whole history
KIND_LABELS = {
    "due": _l("Due"),
    "overdue": _l("Overdue"),
    "to_act": _l("Waiting for you"),
    "returned": _l("Returned"),
    "accepted": _l("Accepted"),
    "submitted": _l("Submitted"),
}
# %(form)s, %(period)s, %(agency)s and %(deadline)s come from the report; more from the caller's params.
TEXTS = {
    "due": _l("%(form)s, %(period)s: the report of %(agency)s is due by %(deadline)s."),
    "due_soon": _l("%(form)s, %(period)s: the report of %(agency)s is due soon, by %(deadline)s."),
    "overdue": _l("%(form)s, %(period)s: the report of %(agency)s was due by %(deadline)s and is overdue."),
    "to_act": _l("%(form)s, %(period)s: the report of %(agency)s is waiting for your action."),
    "returned": _l("%(form)s, %(period)s: the report of %(agency)s was returned for supplementation."),
    "accepted": _l("%(form)s, %(period)s: the report of %(agency)s was accepted."),
    "submitted": _l("%(form)s, %(period)s: the report of %(agency)s was submitted for review."),
}


def report_url(report_id: str | None, *, external: bool = False) -> str:
    """Where a report is shown: the workflow's page, or its path while that endpoint is missing."""
    if not report_id:
        return ""
    try:
        return url_for("reporting.report", report_id=report_id, _external=external)
    except (BuildError, RuntimeError):
        return f"/reports/{report_id}"


def vietnam_date_text(moment: datetime | None) -> str:
    """A naive-UTC time as the Vietnamese calendar day, dd/mm/yyyy."""
    return (moment + VN_OFFSET).strftime("%d/%m/%Y") if moment else ""


def vietnam_datetime_text(moment: datetime | None) -> str:
    """A naive-UTC time in Vietnam, dd/mm/yyyy HH:MM."""
    return (moment + VN_OFFSET).strftime("%d/%m/%Y %H:%M") if moment else ""


def report_params(report: Report) -> dict[str, Any]:
    """What every notice about a report says: form, period, agency (bilingual) and the deadline."""
    form = Form.objects(id=report.form_key).only("title").first()
    agency = Agency.objects(id=report.agency_id).only("name", "code").first()
    start = report.period_start.date() if report.period_start else None
    end = report.period_end.date() if report.period_end else None
    return {
        "form": dict(form.title) if form else {"vi": report.form_key, "en": report.form_key},
        "period": {lang: period_label(report.period_key, lang, start, end) for lang in ("vi", "en")},
        "agency": dict(agency.name) if agency else {"vi": "", "en": ""},
        "deadline": vietnam_date_text(report.deadline),
    }


def recipients(roles: Sequence[str], agency_id: str) -> list[User]:
    """Active users who act at a step of one of `roles` for the agency (the workflow's own rule).

    That is a grant of the role on the agency or an ancestor, or on one of the agency's divisions
    (a district's Phòng Nội vụ head); for the reviewer, also administrators with reports.review there.
    """
    wanted = set(roles)
    places = [*lineage(agency_id), *division_ids(agency_id)]
    # nx-27017 matches nothing for `$in` on a path into an array of subdocuments ("roles.agency_id"),
    # while equality works: one equality per place, then the exact rule in Python.
    query = {"status": "active", "$or": [{"roles.agency_id": place} for place in places]}
    found = User.objects(__raw__=query).only("id", "username", "email", "roles", "status")
    return [user for user in found if any(holds_step_role(user, role, agency_id) for role in wanted)]


def notify_report(
    report: Report,
    kind: str,
    roles: Sequence[str],
    *,
    agency_id: str | None = None,
    params: dict[str, Any] | None = None,
    once: bool = False,
) -> int:
    """Notify every active user holding one of `roles` over the agency; returns how many were notified.

    `once` skips users already notified of this kind for this report (overdue and due-soon sweeps).
    """
    users = recipients(roles, agency_id or report.agency_id)
    if once and users:
        already = _already_notified(report.id, kind, soon=bool((params or {}).get("soon")))
        users = [user for user in users if user.id not in already]
    if not users:
        return 0
    values = {**report_params(report), **(params or {})}
    notices = [Notification(user_id=u.id, kind=kind, report_id=report.id, params=values) for u in users]
    Notification.objects.insert(notices, load_bulk=False)
    send_emails([u for u in users if u.email], kind, values, report.id)
    return len(users)


def _already_notified(report_id: str, kind: str, *, soon: bool) -> set[str]:
    """Users who got this kind of notice for the report (for "due", only the due-soon reminders count)."""
    query: dict[str, Any] = eq(report_id=report_id, kind=kind)
    if soon:
        query["params.soon"] = True
    return set(Notification.objects(__raw__=query).scalar("user_id"))


def _words(kind: str, params: dict[str, Any], locale: str) -> tuple[str, str]:
    """(title, sentence) of a notice in `locale`; call under a forced or request locale."""
    key = "due_soon" if kind == "due" and params.get("soon") else kind
    values = {name: localize(params.get(name), locale) for name in ("form", "period", "agency")}
    values["deadline"] = str(params.get("deadline") or "")
    title = str(KIND_LABELS.get(kind, kind))
    try:
        sentence = str(TEXTS.get(key, TEXTS["to_act"])) % values
    except (KeyError, TypeError, ValueError):
        sentence = title
    return title, sentence


def notification_text(notification: Notification, locale: str) -> tuple[str, str]:
    """A notice in the reader's language: (kind label, sentence)."""
    return _words(notification.kind, notification.params or {}, locale)


def compose_email(kind: str, params: dict[str, Any], link: str) -> tuple[str, str]:
    """Subject and body: Vietnamese, then English, in one message."""
    parts: list[tuple[str, str]] = []
    for locale in ("vi", "en"):
        with force_locale(locale):
            title, sentence = _words(kind, params, locale)
            comment = str(params.get("comment") or "")
            lines = [sentence]
            if comment:
                lines.append(gettext("Comment: %(comment)s", comment=comment))
            if link:
                lines.append(gettext("Open the report: %(link)s", link=link))
            parts.append((f"{title}: {localize(params.get('form'), locale)}", "\n".join(lines)))
    subject = f"{parts[0][0]} / {parts[1][0]}"
    return subject, f"{parts[0][1]}\n\n----\n\n{parts[1][1]}\n"


def send_emails(users: list[User], kind: str, params: dict[str, Any], report_id: str) -> int:
    """E-mail the notice when SMTP_HOST is set; failures are logged, never raised. Returns messages sent."""
    config = current_app.config if has_app_context() else {}
    host = config.get("SMTP_HOST")
    if not host or not users:
        return 0
    subject, body = compose_email(kind, params, report_url(report_id, external=True))
    sender = config.get("SMTP_FROM") or config.get("SMTP_USER") or "no-reply@localhost"
    sent = 0
    try:
        with smtplib.SMTP(host, int(config.get("SMTP_PORT") or 25), timeout=15) as server:
            if config.get("SMTP_STARTTLS"):
                server.starttls()
            if config.get("SMTP_USER"):
                server.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            for user in users:
                message = EmailMessage()
                message["Subject"], message["From"], message["To"] = subject, sender, user.email
                message.set_content(body)
                server.send_message(message)
                sent += 1
    except (smtplib.SMTPException, OSError, ValueError) as error:
        log.warning("notification e-mail (%s, report %s) failed after %d messages: %s", kind, report_id, sent, error)
    return sent


def unread_count(user: User | None) -> int:
    """How many notices the user has not read, up to UNREAD_CAP: at most that many ids, from one index."""
    if user is None:
        return 0
    return len(list(Notification.objects(__raw__=eq(user_id=user.id, read=False)).limit(UNREAD_CAP).scalar("id")))


def unread_text(count: int) -> str:
    """The badge's number: "99+" once the cap is reached."""
    return f"{UNREAD_CAP - 1}+" if count >= UNREAD_CAP else str(count)


def list_notifications(
    user: User, *, unread_only: bool = False, page: int = 1, per_page: int = 20
) -> Page[Notification]:
    """One page of the user's notices, newest first (never counted)."""
    query = eq(user_id=user.id, **({"read": False} if unread_only else {}))
    return page_of(Notification.objects(__raw__=query).order_by("-created_at", "-id"), page, per_page)


def mark_read(user: User, notification_id: str) -> Notification | None:
    """Mark one of the user's notices read and return it; someone else's is left alone (None)."""
    return Notification.objects(id=notification_id, user_id=user.id).modify(new=True, set__read=True)


def mark_all_read(user: User) -> int:
    """Mark every notice of the user read."""
    return Notification.objects(__raw__=eq(user_id=user.id, read=False)).update(set__read=True)
