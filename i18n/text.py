"""Pure helpers for bilingual content `{"vi": …, "en": …}` (no Flask needed)."""

from __future__ import annotations

from typing import Any

LANGUAGES = ("vi", "en")
DEFAULT_LOCALE = "vi"


def fallback_chain(locale: str) -> tuple[str, ...]:
    """Languages to try, in order, for a requested locale."""
    first = locale if locale in LANGUAGES else DEFAULT_LOCALE
    return (first,) + tuple(lang for lang in LANGUAGES if lang != first)


def localize(text: Any, locale: str) -> str:
    """Pick the best language from bilingual content; plain strings pass through, None gives ''."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if isinstance(text, dict):
        for lang in fallback_chain(locale):
            value = text.get(lang)
            if isinstance(value, str) and value.strip():
                return value
    return ""
