"""Every UI message is translated into Vietnamese and English; locale choice works."""

from __future__ import annotations

from i18n.text import fallback_chain, localize
from tools.i18n import extracted, missing


def test_every_ui_message_has_vietnamese_and_english():
    assert missing() == []


def test_extraction_sees_templates_python_and_renderers():
    places = {place for places in extracted().values() for place in places}
    assert any(p.startswith("formplatform/templates/") for p in places)
    assert any(p.startswith("i18n/messages.py") for p in places)
    assert any(p.startswith("renderers/") for p in places)


def test_localize_falls_back_to_the_other_language():
    assert localize({"vi": "Xin chào", "en": "Hello"}, "en") == "Hello"
    assert localize({"vi": "Xin chào", "en": ""}, "en") == "Xin chào"
    assert localize({"en": "Hello"}, "vi") == "Hello"
    assert localize(None, "vi") == ""
    assert fallback_chain("fr") == ("vi", "en")


def test_vietnamese_is_the_default_whatever_the_browser_says(client):
    assert 'lang="vi"' in client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    client.get("/?lang=en")
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "vi"}).get_data(as_text=True)


def test_vietnamese_ui_is_really_vietnamese(client):
    html = client.get("/?lang=vi").get_data(as_text=True)
    assert "Biểu mẫu" in html or "biểu mẫu" in html
    assert "Forms and surveys" not in html
