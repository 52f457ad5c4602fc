"""What the signed PDF's administrative header says (Nghị định 30/2020), read from the report's campaign,
period and agency records — never from what was typed into the form."""

from __future__ import annotations

import re
from typing import Any

from formplatform.agencies.models import Agency
from formplatform.reporting.doc_numbers import document_number, symbol_of
from formplatform.reporting.models import Campaign, Report
from formplatform.reporting.periods import period_label
from formplatform.reporting.signature_models import DocumentNumber
from i18n.text import localize

PLACE = "Thành phố Hồ Chí Minh"
ARCHIVE = "Lưu: VT."  # văn thư: the issuing agency's own copy
# People's committees sign for the committee as a whole (ND 30, Phụ lục I: "TM. ỦY BAN NHÂN DÂN").
COMMITTEES = ("city", "district", "ward")
HEAD_TITLES = {"city": "Chủ tịch", "district": "Chủ tịch", "ward": "Chủ tịch", "department": "Giám đốc"}
DEFAULT_HEAD = "Thủ trưởng"
_REPORT_WORD = re.compile(r"^\s*báo\s+cáo\s*", re.IGNORECASE)


def official_name(name: str) -> str:
    """An agency name as ND 30 prints it: "UBND Quận 1" → "ỦY BAN NHÂN DÂN QUẬN 1"."""
    return re.sub(r"^UBND\b", "Ủy ban nhân dân", name.strip()).upper()


def _vi(agency: Agency | None) -> str:
    return localize(agency.name, "vi") if agency else ""


def signer_lines(agency_type: str, position: str) -> list[str]:
    """Authority lines above the signer's position: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH" for a deputy."""
    lines = ["TM. Ủy ban nhân dân"] if agency_type in COMMITTEES else []
    if position.lower().startswith("phó "):
        lines.append("KT. " + position[4:].strip())
    return [line.upper() for line in lines]


def subject_of(title: str, period: str) -> str:
    """What the report is about and for when: the template's title without its leading "Báo cáo"."""
    rest = _REPORT_WORD.sub("", title).strip()
    rest = rest[:1].upper() + rest[1:] if rest else ""
    return f"{rest} {period}".strip()


def official_header(report: Report, title: str) -> dict[str, Any]:
    """Agency, number, date, title, period, signer and recipients for renderers.pdf_official."""
    agency = Agency.objects(id=report.agency_id).first()
    parent = Agency.objects(id=agency.parent_id).first() if agency and agency.parent_id else None
    owner = Agency.objects(id=report.owner_agency_id).only("name").first()
    campaign = Campaign.objects(id=report.campaign_id).only("period_type").first()
    start, end = report.period_start.date(), report.period_end.date()
    kind = campaign.period_type if campaign else ""
    period = period_label(report.period_key, "vi", start, end) if kind != "once" or report.period_key == "once" else ""
    record: DocumentNumber | None = document_number(report)
    agency_type = agency.type if agency else ""
    signer = record.signer if record else {}
    position = signer.get("position") or HEAD_TITLES.get(agency_type, DEFAULT_HEAD)
    return {
        # a people's committee is the top of its own hierarchy: ND 30 prints no governing body above it
        "parent_agency": official_name(_vi(parent)) if parent and agency_type not in COMMITTEES else "",
        "agency": official_name(_vi(agency)) or report.agency_id,
        "number": record.label() if record else "",
        "symbol": record.symbol if record else symbol_of(agency, report.agency_id),
        "place": PLACE,
        "date": record.issued_on.date() if record else None,
        "subject": subject_of(title, period),
        "span": f"(Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y})",
        "signer": {
            "authority": signer_lines(agency_type, position),
            "position": position.upper(),
            "name": signer.get("name") or "",
        },
        "recipients": [f"{_vi(owner)};" if owner else "", ARCHIVE],
    }
