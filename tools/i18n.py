"""Message catalogs: extract UI strings from code and templates, and merge them into vi/en catalogs.

python -m tools.i18n update     # add new msgids (empty translations), drop obsolete ones
python -m tools.i18n missing    # list msgids lacking a vi or en translation (exit 1 if any)
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "i18n" / "translations"
PACKAGES = ("formplatform", "renderers", "kiosk", "i18n")
METHODS = [("**/static/**", "ignore"), ("**.py", "python"), ("**/templates/**.html", "jinja2")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}


def extracted() -> dict[str | tuple[str, str], list[str]]:
    """msgid (or singular/plural pair) -> places it is used."""
    found: dict[str | tuple[str, str], list[str]] = {}
    for package in PACKAGES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / package, METHODS, OPTIONS, KEYWORDS
        ):
            key = message if isinstance(message, str) else tuple(message[:2])
            found.setdefault(key, []).append(f"{package}/{filename}:{lineno}")
    return found


def load(lang: str) -> Catalog:
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return Catalog(locale=lang, project="formplatform")
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def save(catalog: Catalog, lang: str) -> None:
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False, sort_output=True, ignore_obsolete=True)


def update() -> None:
    messages = extracted()
    for lang in ("vi", "en"):
        old = load(lang)
        new = Catalog(locale=lang, project="formplatform", fuzzy=False)
        for msgid, places in messages.items():
            previous = old.get(msgid if isinstance(msgid, str) else msgid[0])
            string = previous.string if previous is not None else ("" if isinstance(msgid, str) else ("", ""))
            new.add(msgid, string, locations=[(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in places])
        save(new, lang)
        print(f"{lang}: {len(messages)} messages")


def missing() -> list[str]:
    """Every UI message lacking a translation in either language."""
    problems = []
    catalogs = {lang: load(lang) for lang in ("vi", "en")}
    for msgid in extracted():
        singular = msgid if isinstance(msgid, str) else msgid[0]
        for lang, catalog in catalogs.items():
            entry = catalog.get(singular)
            strings = [] if entry is None else ([entry.string] if isinstance(entry.string, str) else list(entry.string))
            if not strings or not all(s.strip() for s in strings):
                problems.append(f"{lang}: {singular!r}")
    return problems


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "missing"
    if command == "update":
        update()
    else:
        gaps = missing()
        print("\n".join(gaps) or "every message is translated")
        sys.exit(1 if gaps else 0)
