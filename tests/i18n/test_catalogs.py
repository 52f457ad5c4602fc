"""Every UI message is translated into Vietnamese and English; locale choice works."""

from __future__ import annotations

import re

import pytest

from i18n.text import fallback_chain, localize
from tools.i18n import extracted, load, missing


def test_every_ui_message_has_vietnamese_and_english():
    assert missing() == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_translation_formats_with_its_message_placeholders(lang):
    """A translation that drops, renames or breaks a %(name)s placeholder would crash the page showing it."""
    broken = []
    for message in load(lang):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        names = {name for text in ids for name in re.findall(r"%\((\w+)\)s", text)}
        if not message.id or not names:
            continue
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            try:
                text % dict.fromkeys(names, 1)
            except (KeyError, ValueError, TypeError):
                broken.append((ids[0], text))
    assert broken == []


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
