"""Definitions exercising every field type, for renderer, form-data and browser tests."""

from __future__ import annotations

import copy
from typing import Any

XSS = "<script>alert(1)</script>"


def t(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def options(*pairs: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"value": v, "label": t(vi, en)} for v, vi, en in pairs]


PERCENT = {"*": [{"/": [{"var": "actual"}, {"var": "plan"}]}, 100]}

ALL_TYPES: dict[str, Any] = {
    "schema_version": 1,
    "key": "all-types",
    "kind": "report",
    "title": t("Báo cáo đủ loại trường", "Report with every field type"),
    "description": t("Mẫu thử", "A test form"),
    "scoring": {
        "bands": [
            {"min": 2, "key": "good", "label": t("Tốt", "Good")},
            {"min": 0, "key": "weak", "label": t("Yếu", "Weak")},
        ]
    },
    "fields": [
        {
            "type": "section",
            "name": "general",
            "label": t("Thông tin chung", "General"),
            "fields": [
                {
                    "type": "text",
                    "name": "agency",
                    "label": t("Cơ quan", "Agency"),
                    "required": True,
                    "help": t("Tên đầy đủ của cơ quan", "The agency's full name"),
                    "max_length": 200,
                },
                {"type": "textarea", "name": "notes", "label": t("Ghi chú", "Notes")},
                {"type": "integer", "name": "staff", "label": t("Số cán bộ", "Staff"), "unit": t("người", "people")},
                {
                    "type": "decimal",
                    "name": "budget",
                    "label": t("Ngân sách", "Budget"),
                    "decimals": 2,
                    "unit": t("triệu đồng", "million VND"),
                },
                {"type": "date", "name": "day", "label": t("Ngày báo cáo", "Report date"), "minimum": "2020-01-01"},
            ],
        },
        {
            "type": "choice",
            "name": "level",
            "label": t("Cấp", "Level"),
            "options": options(("city", "Thành phố", "City"), ("district", "Quận", "District")),
        },
        {
            "type": "choice",
            "name": "area",
            "label": t("Lĩnh vực", "Area"),
            "widget": "select",
            "options": options(("edu", "Giáo dục", "Education"), ("health", "Y tế", "Health")),
        },
        {
            "type": "multi_choice",
            "name": "channels",
            "label": t("Kênh tiếp nhận", "Channels"),
            "options": options(
                ("web", "Trực tuyến", "Online"), ("desk", "Tại quầy", "At the desk"), ("other", "Khác", "Other")
            ),
        },
        {
            "type": "text",
            "name": "other_channel",
            "label": t("Kênh khác", "Other channel"),
            "visible_if": {"in": ["other", {"var": "channels"}]},
            "required_if": {"in": ["other", {"var": "channels"}]},
        },
        {"type": "yes_no", "name": "has_plan", "label": t("Có kế hoạch?", "Has a plan?")},
        {
            "type": "rating",
            "name": "stars",
            "label": t("Đánh giá", "Rating"),
            "scale_max": 5,
            "min_label": t("Rất kém", "Very poor"),
            "max_label": t("Rất tốt", "Very good"),
        },
        {
            "type": "scored_choice",
            "name": "quality",
            "label": t("Chất lượng", "Quality"),
            "widget": "buttons",
            "options": [
                {"value": "good", "points": 2, "label": t("Tốt", "Good")},
                {"value": "poor", "points": 0, "label": t("Kém", "Poor")},
            ],
        },
        {"type": "email", "name": "mail", "label": t("Thư điện tử", "E-mail")},
        {"type": "phone", "name": "tel", "label": t("Điện thoại", "Phone")},
        {
            "type": "file",
            "name": "evidence",
            "label": t("Tài liệu kiểm chứng", "Evidence"),
            "accept": ["application/pdf"],
            "max_size": 2097152,
        },
        {"type": "static", "content": t("Phần dưới đây gồm các bảng.", "The tables follow.")},
        {
            "type": "group",
            "name": "items",
            "label": t("Hạng mục", "Items"),
            "fields": [
                {"type": "text", "name": "what", "label": t("Nội dung", "What")},
                {"type": "integer", "name": "qty", "label": t("Số lượng", "Quantity")},
                {"type": "decimal", "name": "price", "label": t("Đơn giá", "Price")},
                {
                    "type": "calculated",
                    "name": "cost",
                    "label": t("Thành tiền", "Cost"),
                    "formula": {"*": [{"var": "qty"}, {"var": "price"}]},
                },
            ],
        },
        {
            "type": "grid",
            "name": "annex",
            "label": t("Phụ lục chỉ tiêu", "Targets annex"),
            "row_total": t("Cộng dòng", "Row sum"),
            "rows": [
                {"key": "docs", "label": t("Văn bản", "Documents"), "unit": t("văn bản", "documents")},
                {"key": "procs", "label": t("Thủ tục", "Procedures")},
            ],
            "columns": [
                {"name": "plan", "type": "integer", "label": t("Kế hoạch", "Plan"), "total": True},
                {"name": "actual", "type": "integer", "label": t("Thực hiện", "Actual"), "total": True},
                {
                    "name": "pct",
                    "type": "calculated",
                    "label": t("Tỷ lệ", "Percent"),
                    "decimals": 1,
                    "unit": t("%", "%"),
                    "formula": PERCENT,
                },
            ],
        },
        {
            "type": "grid",
            "name": "lines",
            "label": t("Danh sách", "Lines"),
            "addable_rows": True,
            "columns": [
                {"name": "name", "type": "text", "label": t("Tên", "Name")},
                {"name": "amount", "type": "decimal", "label": t("Số tiền", "Amount"), "total": True},
            ],
        },
        {
            "type": "calculated",
            "name": "items_total",
            "label": t("Tổng thành tiền", "Total cost"),
            "decimals": 2,
            "formula": {"reduce": [{"var": "items"}, {"+": [{"var": "accumulator"}, {"var": "current.cost"}]}, 0]},
        },
        {"type": "integer", "name": "verified", "label": t("Điểm thẩm định", "Verified score"), "fill_by": "reviewer"},
    ],
}

FIELD_TYPES = (
    "text",
    "textarea",
    "integer",
    "decimal",
    "date",
    "choice",
    "multi_choice",
    "yes_no",
    "rating",
    "scored_choice",
    "email",
    "phone",
    "file",
    "section",
    "group",
    "grid",
    "calculated",
    "static",
)

FILE_REF = {"id": "f-123", "name": "bao-cao.pdf", "size": 20480, "content_type": "application/pdf"}

# Answers as formdata.read_form gives them (no calculated values, nothing reviewer-only).
ANSWERS: dict[str, Any] = {
    "agency": "Sở Nội vụ",
    "notes": "Dòng 1\nDòng 2",
    "staff": 120,
    "budget": 1234.5,
    "day": "2025-03-14",
    "level": "district",
    "area": "health",
    "channels": ["web", "other"],
    "other_channel": "Zalo",
    "has_plan": False,
    "stars": 4,
    "quality": "good",
    "mail": "vanthu@hcm.gov.vn",
    "tel": "0283829xxxx".replace("x", "1"),
    "evidence": FILE_REF,
    "items": [{"what": "Máy tính", "qty": 2, "price": 15.5}, {"what": "Bàn", "qty": 3, "price": 2}],
    "annex": {"docs": {"plan": 200, "actual": 150}, "procs": {"plan": 40}},
    "lines": [{"name": "A", "amount": 1.25}, {"amount": 2}],
}


def all_types() -> dict[str, Any]:
    return copy.deepcopy(ALL_TYPES)


def with_admin_text(text: str = XSS) -> dict[str, Any]:
    """ALL_TYPES with hostile text in a label, an option label, help, static content and a grid row."""
    definition = all_types()
    hostile = t(text, text)
    by_name = {f.get("name", f["type"]): f for f in definition["fields"]}
    agency = by_name["general"]["fields"][0]
    agency["label"] = agency["help"] = hostile
    by_name["general"]["fields"][2]["unit"] = hostile
    by_name["level"]["options"][0]["label"] = hostile
    by_name["static"]["content"] = hostile
    by_name["items"]["fields"][0]["label"] = hostile
    by_name["annex"]["rows"][0]["label"] = hostile
    by_name["annex"]["columns"][0]["label"] = hostile
    definition["title"] = definition["description"] = hostile
    return definition
