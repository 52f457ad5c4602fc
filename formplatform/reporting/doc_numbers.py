"""Number and symbol of a signed report (Nghị định 30/2020, Điều 15): "N/BC-<agency code>", numbered from 1
each year per issuing agency, given once per report when it is first prepared for signing.

The counter is one document per (agency, year) raised with an atomic `modify(inc)`, so two reports
signed at once never get the same number; a unique index on (agency, year, number) backs it up.
A report keeps its number through a return and a new signature (the same document, corrected); the
date and the signer printed beside it follow whoever prepares it last, until it is signed.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from mongoengine.errors import NotUniqueError

from formplatform.accounts.models import User
from formplatform.agencies.models import Agency
from formplatform.audit.services import record_event
from formplatform.models import utcnow
from formplatform.reporting.models import Report
from formplatform.reporting.signature_models import DocumentCounter, DocumentNumber

KIND = "BC"  # báo cáo (ND 30, Phụ lục III: abbreviations of document kinds)
VN_OFFSET = timedelta(hours=7)


def _today_in_vietnam() -> datetime:
    """Midnight of today's date in Vietnam (UTC+7), naive like every stored date."""
    moment = utcnow() + VN_OFFSET
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def next_number(agency_id: str, year: int) -> int:
    """The next number of `agency_id` in `year`, atomically (1 for the first)."""
    key = f"{agency_id}|{year}"
    with contextlib.suppress(NotUniqueError):  # insert first: every engine then only has to `$inc`
        DocumentCounter(id=key, value=0).save(force_insert=True)
    counter = DocumentCounter.objects(id=key).modify(new=True, inc__value=1)
    return int(counter.value)


def symbol_of(agency: Agency | None, agency_id: str) -> str:
    return f"{KIND}-{agency.code if agency else agency_id}"


def document_number(report: Report) -> DocumentNumber | None:
    return DocumentNumber.objects(id=report.id).first()


def _signer(actor: User) -> dict[str, str]:
    return {"user_id": actor.id, "name": actor.display_name or actor.username, "position": actor.position or ""}


def prepare_document(report: Report, actor: User) -> DocumentNumber:
    """The report's number (allocated now if it has none), dated today and naming `actor` as signer."""
    today = _today_in_vietnam()
    record = document_number(report)
    if record is not None:
        if record.signer.get("user_id") != actor.id or record.issued_on != today or record.signer != _signer(actor):
            record.update(set__issued_on=today, set__signer=_signer(actor))
            record.reload()
        return record
    agency = Agency.objects(id=report.agency_id).only("code").first()
    year = today.year
    number = next_number(report.agency_id, year)
    record = DocumentNumber(
        id=report.id,
        agency_id=report.agency_id,
        year=year,
        number=number,
        symbol=symbol_of(agency, report.agency_id),
        issued_on=today,
        signer=_signer(actor),
    )
    try:
        record.save(force_insert=True)
    except NotUniqueError:  # another request numbered this report first: its number stands (ours is skipped)
        return prepare_document(report, actor)
    details = {"number": record.label(), "year": year}
    record_event(
        "report.numbered",
        actor=actor,
        target_type="report",
        target_id=report.id,
        agency_id=report.agency_id,
        details=details,
    )
    return record
