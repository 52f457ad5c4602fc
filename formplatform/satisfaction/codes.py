"""Dossier codes (Thông tư 01/2018/TT-VPCP Điều 19): `<agency code>-YYMMDD-XXXX`.

The date part must be a real date and the sequence four digits; the agency part stays permissive
(letters, digits, dots) because one-stop systems of different levels use different code roots.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

CODE_RE = re.compile(r"^(?P<agency>[0-9A-Za-z][0-9A-Za-z.]{0,39})-(?P<date>\d{6})-(?P<seq>\d{4})$")
SHORT_RE = re.compile(r"^(?P<date>\d{6})-(?P<seq>\d{4})$")


@dataclass(frozen=True)
class DossierCode:
    agency: str
    received: date
    sequence: int

    def __str__(self) -> str:
        return f"{self.agency}-{self.received:%y%m%d}-{self.sequence:04d}"


def normalize_code(text: str) -> str:
    """Trim what scanners and phones add: spaces, a trailing newline, lower-case letters."""
    return re.sub(r"\s+", "", text or "").upper()


def parse_dossier_code(text: str) -> DossierCode | None:
    """The parsed code, or None when it does not follow the format or names an impossible date."""
    match = CODE_RE.match(normalize_code(text))
    if match is None:
        return None
    raw = match["date"]
    try:
        received = date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:]))
    except ValueError:
        return None
    return DossierCode(match["agency"], received, int(match["seq"]))


def complete_code(text: str, agency_code: str) -> str:
    """A full code from what a citizen typed: `YYMMDD-XXXX` alone gets the kiosk agency's prefix."""
    code = normalize_code(text)
    return f"{agency_code}-{code}" if SHORT_RE.match(code) else code
