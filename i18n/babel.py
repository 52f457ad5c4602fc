"""Flask-Babel wiring: ?lang=, then Accept-Language (API only), then the cookie; Vietnamese by default."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request
from flask.wrappers import Response
from flask_babel import Babel, force_locale, gettext

from i18n.text import DEFAULT_LOCALE, LANGUAGES

TRANSLATIONS = Path(__file__).parent / "translations"
COOKIE = "lang"
babel = Babel()


def select_locale() -> str:
    """The request's language; an explicit ?lang= wins and is remembered by after_request."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    if request.path.startswith("/api/") and not request.path.endswith("/docs"):
        # The API follows the client's Accept-Language (issue 21); ?lang= above still overrides it.
        # Its reference page /api/v1/docs is a page of the site and keeps the pages' rule.
        spoken = request.accept_languages.best_match(LANGUAGES)
        if spoken:
            return spoken
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGUAGES:
        return remembered
    # Vietnamese unless the visitor chose otherwise: many officials run English-language browsers.
    return DEFAULT_LOCALE


def compile_catalogs(directory: Path = TRANSLATIONS) -> None:
    """Compile each messages.po into messages.mo when the .mo is missing or older (run at start-up)."""
    for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # One temporary file per process: several workers starting at once each compile, the last rename wins.
        tmp = mo_path.with_name(f".messages.mo.{os.getpid()}.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp.replace(mo_path)


def _remember_locale(response: Response) -> Response:
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def init_app(app: Flask) -> None:
    compile_catalogs()
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LOCALE
    babel.init_app(app, locale_selector=select_locale)
    app.after_request(_remember_locale)


def current_locale() -> str:
    """The language of the current request, as a plain code."""
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT_LOCALE


def translators() -> dict[str, Callable[..., str]]:
    """A gettext per language, `(msgid, **params) -> text`, for pages that carry both languages (kiosk)."""

    def translator(lang: str) -> Callable[..., str]:
        def translate(msgid: str, **params: object) -> str:
            with force_locale(lang):
                return str(gettext(msgid, **params))

        return translate

    return {lang: translator(lang) for lang in LANGUAGES}
