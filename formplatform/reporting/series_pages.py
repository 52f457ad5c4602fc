"""The page comparing an agency's reports of one template across periods (and template versions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template, request

from formplatform.agencies.models import Agency
from formplatform.auth import current_principal, require_login
from formplatform.errors import NotFound
from formplatform.permissions import require
from formplatform.reporting import bp, periods
from formplatform.reporting.series import agency_series
from formplatform.services import forms
from i18n.babel import current_locale


def period_label(report: Any, locale: str) -> str:
    """The period's words ("Tháng 11/2026")."""
    return periods.period_label(report.period_key, locale, report.period_start.date(), report.period_end.date())


@bp.get("/agencies/<agency_id>/forms/<form_key>/series")
@require_login
def series(agency_id: str, form_key: str) -> Any:
    """One agency's reports of a template over up to twelve periods, aligned by concept."""
    require(current_principal(), "submissions.read", agency_id, hide=True)
    agency = Agency.objects(id=agency_id).first()
    if agency is None:
        raise NotFound()
    form = forms.get_form(form_key)
    before = None
    if request.args.get("before"):
        try:
            before = datetime.fromisoformat(request.args["before"])
        except ValueError:
            before = None
    locale = current_locale()
    table = agency_series(agency_id, form_key, before=before, locale=locale)
    labels = [period_label(r, locale) for r in table.reports]
    older = table.reports[0].period_start.date().isoformat() if len(table.reports) >= 12 else None
    return render_template("reporting/series.html", agency=agency, form=form, table=table, labels=labels, older=older)
