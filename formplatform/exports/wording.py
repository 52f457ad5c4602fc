"""How an export speaks: headers in Vietnamese, English or both ("vi / en"), values in one language.

Runs outside any request (in the export runner), so the language is forced per call. Flask-Babel only
forces a language when `g` holds something, hence the marker set by `export_context`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from i18n.text import localize
from renderers.export_plan import Wording

# Words the export plan asks for by msgid (renderers stay free of Flask), marked here for the catalogs.
PLAN_WORDS = (_l("Record id"), _l("Form version"), _l("Points"), _l("Row key"), _l("Row"), _l("Item"))
PLAN_WORDS += (_l("Yes"), _l("No"))


def translate(lang: str, text: Any) -> str:
    """A msgid or a lazy string in `lang`."""
    g.setdefault("export_language", lang)  # Flask-Babel forces nothing while g is empty
    with force_locale(lang):
        return str(gettext(text)) if isinstance(text, str) else str(text)


def _joined(vi: str, en: str) -> str:
    return vi if vi == en or not en else f"{vi} / {en}" if vi else en


def wording_for(language: str) -> Wording:
    """Headers in `language` ("vi", "en" or "both"); values in English only for "en"."""
    value_locale = "en" if language == "en" else "vi"

    def word(text: Any) -> str:
        if language == "both":
            return _joined(translate("vi", text), translate("en", text))
        return translate(language, text)

    def label(text: Any) -> str:
        if language == "both":
            return _joined(localize(text, "vi"), localize(text, "en"))
        return localize(text, language)

    value_word: Callable[[str], str] = lambda msgid: translate(value_locale, msgid)  # noqa: E731
    return Wording(label=label, word=word, value_locale=value_locale, value_word=value_word)
