"""Words of the dashboards: board and table names, error headlines, the audit label of a download."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from formplatform.audit.labels import ACTION_LABELS, TARGET_LABELS
from i18n.messages import register_errors
from i18n.text import LANGUAGES

BOARD_LABELS = {
    "compliance": _l("Reporting compliance"),
    "kpi": _l("KPI trends"),
    "satisfaction": _l("Citizen satisfaction"),
}
BOARD_HELP = {
    "compliance": _l("Who reported, who is late: reports by state per period and each agency's completion rate."),
    "kpi": _l("One indicator of the KPI sheets across periods and agencies, lined up across template versions."),
    "satisfaction": _l("Satisfaction rate of your agencies over months, quarters or years, and points per criterion."),
}
KIND_LABELS = {"month": _l("Months"), "quarter": _l("Quarters"), "year": _l("Years")}
FORMAT_LABELS = {"csv": "CSV", "xlsx": "Excel (XLSX)", "docx": "Word (DOCX)", "pdf": "PDF"}

ACTION_LABELS.update({"dashboard.export": _l("Dashboard table downloaded")})
TARGET_LABELS.update({"dashboard": _l("Dashboard")})

register_errors(
    {
        "bad_month": _l("A month is written as YYYY-MM, for example 2026-03, from 2000 on."),
        "bad_month_range": _l("The first month must not be after the last month."),
        "unknown_template": _l("There is no published template with this key."),
        "unknown_campaign": _l("There is no reporting campaign with this id."),
        "not_a_kpi_template": _l("This template is not a KPI sheet; choose a KPI sheet template."),
        "unknown_indicator": _l("This template has no numeric indicator with this key; choose one from the list."),
        "bad_period_kind": _l("Periods are month, quarter or year."),
        "bad_satisfaction_period": _l(
            "A period is a year (2026), a quarter (2026-Q4) or a month (2026-11) of the chosen kind, from 2000 on."
        ),
        "bad_period_range": _l("The first period must not be after the last period."),
        "too_many_agencies": _l("Choose at most 20 agencies at a time."),
        "bad_table": _l("This dashboard has no table with this name."),
        "bad_export_format": _l("Downloads are CSV, XLSX, DOCX or PDF."),
    }
)


def both(text: Any) -> dict[str, str]:
    """A translatable message in every language, for API clients: {"vi": …, "en": …}."""
    found = {}
    for lang in LANGUAGES:
        with force_locale(lang):
            found[lang] = str(text)
    return found
