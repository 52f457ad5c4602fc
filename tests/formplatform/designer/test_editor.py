"""The visual editor's page, its palette (every option of every field type) and its live preview."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from form_definitions.registry import COMMON_KEYS, REGISTRY
from formplatform.designer.palette import OPTIONS, TYPES, palette
from tests.conftest import csrf_token, log_in
from tests.fixtures.definitions import sample_v1


def editor_state(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="fp-d-state">(.*?)</script>', html, re.S)
    assert match, "the editor page embeds its state"
    return json.loads(match.group(1))


def test_every_registered_type_and_option_has_words(app: Any) -> None:
    assert set(TYPES) == set(REGISTRY)
    keys = {k for kind in REGISTRY.values() for k in kind.config} | (set(COMMON_KEYS) - {"type", "widget"})
    assert keys <= set(OPTIONS), f"options without a label in the designer: {sorted(keys - set(OPTIONS))}"


def test_palette_offers_each_types_own_options(app: Any) -> None:
    with app.test_request_context("/?lang=en"):
        types = {t["name"]: t for t in palette()["types"]}
    grid = {o["key"]: o for o in types["grid"]["options"]}
    assert grid["columns"]["kind"] == "columns" and grid["rows"]["kind"] == "rows"
    assert grid["addable_rows"]["kind"] == "boolean" and grid["row_total"]["kind"] == "bilingual"
    scored = {o["key"]: o for o in types["scored_choice"]["options"]}
    assert scored["options"]["kind"] == "options"
    assert [c["value"] for c in scored["widget"]["choices"]] == ["radio", "select", "buttons"]
    assert {o["key"] for o in types["calculated"]["options"]} >= {"formula", "decimals", "unit"}
    assert types["section"]["container"] and types["group"]["container"]
    assert all(o["label"] and o["help"] for t in types.values() for o in t["options"])


def test_designer_opens_the_draft_with_its_revision(client: Any, city: Any, seeded: None) -> None:
    log_in(client, "thietke", "thanhpho-2026-matkhau")
    response = client.get("/admin/forms/kpi-monthly/design?lang=en")
    assert response.status_code == 200
    state = editor_state(response.get_data(as_text=True))
    assert state["key"] == "kpi-monthly"
    assert state["definition"]["key"] == "kpi-monthly"
    assert state["revision"] >= 1
    assert "%(number)s" in state["messages"]["new_option_en"]
    assert "Sortable.min.js" in response.get_data(as_text=True)


def test_designer_is_refused_to_those_who_do_not_design(client: Any, city: Any, seeded: None) -> None:
    log_in(client, "cv_q1", "thanhpho-2026-matkhau")
    assert client.get("/admin/forms/kpi-monthly/design").status_code in (403, 404)
    token = csrf_token(client)
    response = client.post(
        "/admin/forms/kpi-monthly/preview", data={"csrf_token": token, "definition": json.dumps(sample_v1())}
    )
    assert response.status_code in (403, 404)


def test_preview_renders_an_unsaved_definition_in_the_chosen_language(client: Any, city: Any, seeded: None) -> None:
    log_in(client, "thietke", "thanhpho-2026-matkhau")
    client.get("/admin/forms/kpi-monthly/design")
    definition = sample_v1()
    definition["title"] = {"vi": "Bản xem trước <b>thử</b>", "en": "Preview <b>trial</b>"}
    response = client.post(
        "/admin/forms/kpi-monthly/preview",
        data={
            "csrf_token": csrf_token(client),
            "definition": json.dumps(definition),
            "locale": "en",
            "device": "phone",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview &lt;b&gt;trial&lt;/b&gt;" in html  # admin-authored text is escaped
    assert "fp-preview--phone" in html
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    for field in definition["fields"]:
        if field.get("name") and field["type"] not in ("section", "static"):
            assert f'name="{field["name"]}' in html or f"f-{field['name']}" in html


@pytest.mark.parametrize("text", ["{not json", json.dumps({"key": "x", "fields": "nope"})])
def test_preview_shows_problems_instead_of_failing(client: Any, city: Any, seeded: None, text: str) -> None:
    log_in(client, "thietke", "thanhpho-2026-matkhau")
    client.get("/admin/forms/kpi-monthly/design")
    response = client.post(
        "/admin/forms/kpi-monthly/preview?lang=en", data={"csrf_token": csrf_token(client), "definition": text}
    )
    assert response.status_code == 200
    assert "fp-flash--error" in response.get_data(as_text=True)
