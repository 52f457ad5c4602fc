"""Words of the exports: choices, states, why a job failed, problems and audit labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from formplatform.audit.labels import ACTION_LABELS, TARGET_LABELS
from i18n.messages import register_errors, register_problems

SOURCE_LABELS = {"submissions": _l("Submissions"), "reports": _l("Reports"), "ratings": _l("Citizens' ratings")}
FORMAT_LABELS = {
    "xlsx": _l("Excel (XLSX): one sheet per table, headers formatted"),
    "csv": _l("CSV (UTF-8): one file, or a ZIP of one file per table"),
    "docx": _l("Word (DOCX): the table on landscape pages (A3 when wide), to print or file"),
    "pdf": _l("PDF: the table on landscape pages (A3 when wide), to print or file"),
}
FORMAT_NAMES = {"xlsx": "XLSX", "csv": "CSV", "docx": "DOCX", "pdf": "PDF"}
LANGUAGE_LABELS = {"vi": _l("Vietnamese"), "en": _l("English"), "both": _l("Both (Vietnamese / English)")}
STATE_LABELS = {
    "queued": _l("Waiting"),
    "running": _l("In progress"),
    "done": _l("Ready"),
    "failed": _l("Failed"),
}
FAILURES = {
    "export_failed": _l("The export failed. The error has been logged; please try again or tell the administrator."),
    "export_gave_up": _l("The export was interrupted several times and has been stopped. Please ask for it again."),
}

ACTION_LABELS.update(
    {
        "export.request": _l("Export requested"),
        "export.download": _l("Export downloaded"),
        "export.delete": _l("Export deleted"),
    }
)
TARGET_LABELS.update({"export": _l("Export")})

register_errors({"too_many_exports": _l("You already have 3 exports waiting or in progress; wait until one is ready.")})
register_problems(
    {
        "export_bad_source": _l("Exports are of submissions, reports or citizens' ratings."),
        "export_bad_format": _l("Choose CSV or XLSX."),
        "export_bad_ratings_format": _l("Choose CSV, XLSX, DOCX or PDF."),
        "export_not_ratings": _l("Ratings are exported from the satisfaction questionnaire only."),
        "export_bad_language": _l("Choose Vietnamese, English or both for the headers."),
        "export_too_many_agencies": _l("Choose at most %(limit)s agencies."),
        "export_bad_state": _l("Choose report states from the list."),
        "export_bad_day": _l("Write a day as YYYY-MM-DD, for example 2026-03-31."),
        "export_bad_month": _l("Write a month as YYYY-MM, for example 2026-03."),
        "export_bad_range": _l("The end must not be before the start."),
    }
)
