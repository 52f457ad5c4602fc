"""Building campaigns and reports for the workflow tests (the published library forms, the city fixture).

Chains: `cchc-report` follows QĐ 1439 (cv_q1 specialist → tp_q1 division head → ct_q1 agency head
signs → thamdinh reviewer); `kpi-monthly` v2 stops at the agency head, unsigned; `par-self-assessment`
has the reviewer's verified scores.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from form_definitions.walk import data_fields
from tests.form_definitions.test_library import EVIDENCE, cchc_answers, kpi_answers

FAKE_SIGNATURE = {"file_id": "f-1", "signer": "Chủ tịch UBND Quận 1", "valid": True, "sha256": "00" * 32}


def make_report(
    city: Any,
    form_key: str,
    *,
    version: int = 1,
    agency: str = "d1",
    period_key: str = "2026-M11",
    deadline: datetime | None = None,
    state: str = "not_started",
    data: dict[str, Any] | None = None,
    campaign_id: str | None = None,
) -> Any:
    """A campaign (reused when `campaign_id` is given) and one agency's report for one period."""
    from formplatform.reporting.models import Campaign, Report
    from formplatform.services.forms import get_version

    pinned = get_version(form_key, version)
    if campaign_id is None:
        campaign = Campaign(
            name={"vi": "Báo cáo định kỳ", "en": "Periodic report"},
            form_key=form_key,
            version=version,
            period_type="month",
            deadline={"type": "day_of_month", "day": 25},
            agency_ids=[city.id("d1"), city.id("d3")],
            owner_agency_id=city.id("home_affairs"),
            # starting in the future, the campaign opens no period by itself (the to-do list opens due
            # periods lazily): the reports of a test are exactly those it makes
            starts_on=datetime(2099, 1, 1),
        )
        campaign.save()
        campaign_id = campaign.id
    report = Report(
        campaign_id=campaign_id,
        form_key=form_key,
        version=version,
        version_hash=pinned.hash,
        agency_id=city.id(agency),
        owner_agency_id=city.id("home_affairs"),
        period_key=period_key,
        period_start=datetime(2026, 10, 15),
        period_end=datetime(2026, 11, 14),
        deadline=deadline or (datetime.utcnow() + timedelta(days=10)),
        state=state,
        data=data or {},
    )
    report.save(force_insert=True)
    return report


def cchc_data(**extra: Any) -> dict[str, Any]:
    return cchc_answers(**extra)


def kpi_data(**extra: Any) -> dict[str, Any]:
    return kpi_answers(**extra)


def par_data(
    definition: dict[str, Any], scores: dict[str, float] | None = None, *, evidence: bool = True
) -> dict[str, Any]:
    """A complete self-assessment: each item's self score (default: its maximum) with its evidence file
    (a reference only: no stored file, so for reports made directly, not saved through the service), or,
    without `evidence`, an explanation of why there is none."""
    answers: dict[str, Any] = {"agency": "UBND Quận 1", "year": 2026}
    for field in data_fields(definition["fields"]):
        if field["name"].endswith("_self"):
            key = field["name"].removesuffix("_self")
            answers[field["name"]] = (scores or {}).get(key, field["score_max"])
            if evidence:
                answers[f"{key}_evidence"] = {**EVIDENCE, "id": f"f-par-{key}"}
                answers[f"{key}_doc_number"] = "125/BC-UBND ngày 15/11/2026"
            else:
                answers[f"{key}_explanation"] = "Tài liệu kiểm chứng nộp bản giấy."
    return answers


def users(city: Any) -> dict[str, Any]:
    """The four people of the chain, freshly read (roles and status as stored)."""
    from formplatform.accounts.models import User

    return {name: User.objects(username=name).first() for name in city.users}
