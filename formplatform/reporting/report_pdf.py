"""The PDF of a report that gets signed: its pinned template version with its content, in Vietnamese, laid
out as an administrative document (Nghị định 30/2020) whose header comes from the campaign, period and
agency records; reproducible (same report, number and signer → same bytes)."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale, gettext

from formplatform.agencies.models import Agency
from formplatform.reporting.models import Report
from formplatform.reporting.pdf_header import official_header
from formplatform.reporting.periods import period_label
from formplatform.services.forms import get_version
from i18n.text import localize
from renderers.pdf import render_pdf_document
from renderers.pdf_official import SignatureBox

PDF_LOCALE = "vi"  # the signed artefact is the official, Vietnamese document


def _heading(report: Report, title: str) -> dict[str, Any]:
    agency = Agency.objects(id=report.agency_id).only("name").first()
    start = report.period_start.date() if report.period_start else None
    end = report.period_end.date() if report.period_end else None
    return {
        "agency": localize(agency.name, PDF_LOCALE) if agency else report.agency_id,
        "period": period_label(report.period_key, PDF_LOCALE, start, end),
        "report_id": report.id,
        "form_key": report.form_key,
        "version": report.version,
        "digest": report.content_digest(),
        "date": report.updated_at or report.created_at,
        "official": official_header(report, title),
    }


def render_report_document(report: Report, stamp: dict[str, str] | None = None) -> tuple[bytes, SignatureBox | None]:
    """The report as the PDF that gets signed (with the visible signature's text in its box when `stamp`
    is given), and where that box is."""
    definition = get_version(report.form_key, report.version).definition
    heading = _heading(report, localize(definition.get("title"), PDF_LOCALE))
    if stamp:
        heading["official"]["stamp"] = stamp
    with force_locale(PDF_LOCALE):
        return render_pdf_document(
            definition,
            report.data or {},
            locale=PDF_LOCALE,
            totals=report.totals or None,
            score=report.score or None,
            gettext=gettext,
            heading=heading,
        )


def render_report_pdf(report: Report) -> bytes:
    """The report as the PDF that gets signed: its pinned version, in Vietnamese (same content → same bytes),
    laid out as an administrative document (ND 30/2020) with its number once it was prepared for signing."""
    return render_report_document(report)[0]
