"""What a campaign is made of, read from a page form or a JSON body, and checked before anything is saved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from form_definitions.problems import Problem
from formplatform.agencies.models import AGENCY_TYPES
from formplatform.models import Form
from formplatform.reporting.periods import CUTOFFS, PERIOD_TYPES, check_deadline_rule
from i18n.messages import register_errors, register_problems

ASSIGNABLE_TYPES = tuple(t for t in AGENCY_TYPES if t != "city")
NAME_LIMIT = 300
DEFAULT_DEADLINE = {"type": "day_of_month", "day": 25}  # QĐ 62/2024: approved before the 25th

register_problems(
    {
        "deadline_type": _l("Choose how the deadline is set."),
        "deadline_day": _l("Enter a day of the month from 1 to 31."),
        "deadline_days": _l("Enter a whole number of days, at most %(limit)s."),
        "deadline_date": _l("Enter the deadline as a date."),
        "deadline_date_once": _l("A fixed deadline date only fits a one-off campaign."),
        "deadline_before_start": _l("The deadline cannot be before the campaign starts."),
        "campaign_no_agencies": _l("Choose at least one agency or one type of agency."),
        "campaign_form_archived": _l("This form is archived; choose another form."),
        "campaign_end_required": _l("A one-off campaign needs an end date: the last day of its period."),
        "campaign_locked": _l("This can no longer change: reports of this campaign have been opened."),
    }
)
register_errors(
    {
        "campaign_closed": _l("This campaign is closed and can no longer be changed."),
        "invalid_campaign": _l("The campaign has problems; see the marked fields."),
    }
)


def _whole(text: Any) -> Any:
    """A whole number from a form field; anything else is kept as given, for the check to refuse."""
    if isinstance(text, str) and text.strip().lstrip("-").isdigit():
        return int(text.strip())
    return text


def _day(value: Any) -> Any:
    """A date from ISO text or a datetime; None when empty; other text is kept for the check to refuse."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return str(value)


def deadline_from_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """The deadline rule from the page's deadline_type / deadline_day / deadline_days / deadline_date."""
    kind = str(values.get("deadline_type") or "")
    if kind == "day_of_month":
        return {"type": kind, "day": _whole(values.get("deadline_day", ""))}
    if kind in ("working_days", "days"):
        return {"type": kind, "days": _whole(values.get("deadline_days", ""))}
    if kind == "date":
        return {"type": kind, "date": str(values.get("deadline_date") or "").strip()}
    return {"type": kind}


@dataclass
class CampaignInput:
    """The editable settings of a campaign, as given (not yet checked)."""

    name: dict[str, Any] = field(default_factory=lambda: {"vi": "", "en": ""})
    form_key: str = ""
    version: Any = None
    period_type: str = "month"
    cutoff: str = "nd09"
    deadline: Any = field(default_factory=lambda: dict(DEFAULT_DEADLINE))
    agency_ids: Any = field(default_factory=list)
    agency_types: Any = field(default_factory=list)
    owner_agency_id: str = ""
    recurring: bool = True
    starts_on: Any = None
    ends_on: Any = None

    @classmethod
    def from_form(cls, form: Any) -> CampaignInput:
        """From the campaign page (a MultiDict): the version comes as "form-key@number"."""
        key, _, number = str(form.get("form_version") or "").partition("@")
        return cls(
            name={"vi": form.get("name_vi", "").strip(), "en": form.get("name_en", "").strip()},
            form_key=key,
            version=_whole(number),
            period_type=form.get("period_type", ""),
            cutoff=form.get("cutoff", ""),
            deadline=deadline_from_fields(form),
            agency_ids=[i for i in form.getlist("agency_ids") if i],
            agency_types=[t for t in form.getlist("agency_types") if t],
            owner_agency_id=form.get("owner_agency_id", "").strip(),
            recurring=form.get("recurring") == "1",
            starts_on=_day(form.get("starts_on", "")),
            ends_on=_day(form.get("ends_on", "")),
        )

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> CampaignInput:
        """From an API body; wrong types are kept for the check to report by path."""
        name = body.get("name")
        return cls(
            name=dict(name) if isinstance(name, dict) else {"vi": None, "en": None},
            form_key=str(body.get("form_key") or ""),
            version=body.get("version"),
            period_type=body.get("period_type", "month"),
            cutoff=body.get("cutoff", "nd09"),
            deadline=body.get("deadline", dict(DEFAULT_DEADLINE)),
            agency_ids=body.get("agency_ids", []),
            agency_types=body.get("agency_types", []),
            owner_agency_id=str(body.get("owner_agency_id") or ""),
            recurring=body.get("recurring", True) is not False,
            starts_on=_day(body.get("starts_on")),
            ends_on=_day(body.get("ends_on")),
        )

    @classmethod
    def from_campaign(cls, campaign: Any) -> CampaignInput:
        """The settings of a saved campaign (to edit them)."""
        return cls(
            name=dict(campaign.name),
            form_key=campaign.form_key,
            version=campaign.version,
            period_type=campaign.period_type,
            cutoff=campaign.cutoff,
            deadline=dict(campaign.deadline),
            agency_ids=list(campaign.agency_ids),
            agency_types=list(campaign.agency_types),
            owner_agency_id=campaign.owner_agency_id,
            recurring=campaign.recurring,
            starts_on=_day(campaign.starts_on),
            ends_on=_day(campaign.ends_on),
        )


def _check_names(name: Any) -> list[Problem]:
    problems = []
    for lang in ("vi", "en"):
        value = name.get(lang) if isinstance(name, dict) else None
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(f"name.{lang}", "required"))
        elif len(value) > NAME_LIMIT:
            problems.append(Problem(f"name.{lang}", "too_long", {"limit": NAME_LIMIT}))
    return problems


def _check_form(key: str, version: Any) -> list[Problem]:
    """The form exists, is not archived, and the version is one of its published ones."""
    if not key:
        return [Problem("form_key", "required")]
    form = Form.objects(id=key).only("id", "status", "version_hashes").first()
    if form is None:
        return [Problem("form_key", "not_an_option")]
    if form.status == "archived":
        return [Problem("form_key", "campaign_form_archived")]
    if isinstance(version, bool) or not isinstance(version, int) or str(version) not in (form.version_hashes or {}):
        return [Problem("version", "not_an_option")]
    return []


def _check_dates(data: CampaignInput) -> list[Problem]:
    problems = []
    start, end = data.starts_on, data.ends_on
    if start is None:
        problems.append(Problem("starts_on", "required"))
    elif not isinstance(start, date):
        problems.append(Problem("starts_on", "format", {"format": "YYYY-MM-DD"}))
    if end is not None and not isinstance(end, date):
        problems.append(Problem("ends_on", "format", {"format": "YYYY-MM-DD"}))
    elif end is None and data.period_type == "once":
        problems.append(Problem("ends_on", "campaign_end_required"))
    elif isinstance(end, date) and isinstance(start, date) and end < start:
        problems.append(Problem("ends_on", "date_too_early", {"limit": start.strftime("%d/%m/%Y")}))
    return problems


def _check_deadline(data: CampaignInput) -> list[Problem]:
    problems = check_deadline_rule(data.deadline)
    if problems or data.deadline["type"] != "date":
        return problems
    if data.period_type != "once":
        return [Problem("deadline.type", "deadline_date_once")]
    if isinstance(data.starts_on, date) and date.fromisoformat(data.deadline["date"]) < data.starts_on:
        return [Problem("deadline.date", "deadline_before_start")]
    return []


def _check_agencies(ids: Any, types: Any) -> list[Problem]:
    if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
        return [Problem("agency_ids", "type", {"expected": "array of strings"})]
    if not isinstance(types, list) or any(t not in ASSIGNABLE_TYPES for t in types):
        return [Problem("agency_types", "not_an_option")]
    return [] if ids or types else [Problem("agencies", "campaign_no_agencies")]


def check_campaign(data: CampaignInput) -> list[Problem]:
    """Every problem of the settings, each with the path of its field."""
    problems = _check_names(data.name) + _check_form(data.form_key, data.version)
    if data.period_type not in PERIOD_TYPES:
        problems.append(Problem("period_type", "not_an_option"))
    if data.cutoff not in CUTOFFS:
        problems.append(Problem("cutoff", "not_an_option"))
    problems += _check_deadline(data) + _check_dates(data)
    return problems + _check_agencies(data.agency_ids, data.agency_types)
