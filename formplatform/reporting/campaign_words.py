"""Words for the campaign and compliance pages: period types, cut-offs, deadline rules, states."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PERIOD_TYPE_LABELS = {
    "month": _l("Monthly"),
    "quarter": _l("Quarterly"),
    "half": _l("Every 6 months"),
    "nine_months": _l("Nine months"),
    "year": _l("Yearly"),
    "once": _l("One-off"),
}
PERIOD_TYPE_HELP = {
    "month": _l("One report a month."),
    "quarter": _l("One report a quarter."),
    "half": _l("Reports for the first and the second half of the year."),
    "nine_months": _l("One report a year on the first nine months (January to September)."),
    "year": _l("One report a year on the whole year."),
    "once": _l("A single report on the time from the start date to the end date."),
}
CUTOFF_LABELS = {
    "nd09": _l("From the 15th to the 14th (Decree 09/2019)"),
    "calendar": _l("Calendar periods"),
}
CUTOFF_HELP = {
    "nd09": _l(
        "Administrative reports: a month runs from the 15th of the month before to the 14th; quarters, halves "
        "and years end on the 14th of their last month, so the year runs from 15 December to 14 December."
    ),
    "calendar": _l("Statistical reports: natural months, quarters, halves and years (January to December)."),
}
DEADLINE_LABELS = {
    "day_of_month": _l("By a day of the month"),
    "working_days": _l("Working days after the period ends"),
    "days": _l("Calendar days after the period ends"),
    "date": _l("On a fixed date (one-off campaigns)"),
}
DEADLINE_HELP = {
    "day_of_month": _l("The first such day on or after the period's last day, e.g. the 25th (QĐ 62/2024)."),
    "working_days": _l("Monday to Friday, without public holidays."),
    "days": _l("Counted from the period's last day."),
    "date": _l("The same date for every agency."),
}
AGENCY_TYPE_PLURALS = {
    "department": _l("All departments"),
    "district": _l("All districts and Thu Duc City"),
    "division": _l("All divisions"),
    "ward": _l("All wards and communes"),
}
CAMPAIGN_STATUS_LABELS = {"active": _l("Active"), "closed": _l("Closed")}
REPORT_STATUS_LABELS = {
    "not_started": _l("Not started"),
    "draft": _l("Draft"),
    "in_approval": _l("In approval"),
    "returned": _l("Returned"),
    "submitted": _l("Submitted"),
    "accepted": _l("Accepted"),
    "overdue": _l("Overdue"),
}
TIMELINESS_LABELS = {
    "on_time": _l("On time"),
    "due_soon": _l("Due soon"),
    "overdue": _l("Overdue"),
    "late": _l("Received late"),
}
