"""Uploads checked by parsing, not by their first bytes: a PDF must open as a PDF, an image must decode, an
Office file must be a zip holding the parts of its kind (issue 18: "%PDF-1.4" followed by HTML was accepted).

Each check returns whether the bytes are what the declared type says. The parsers meet hostile input here,
so any exception they raise means "not readable", never a 500.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from PIL import Image

MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel photo; larger ones are refused before decoding (pixel bombs)
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # what an Office file may unpack to (zip bombs)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OFFICE_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "word/document.xml",
        b"wordprocessingml.document.main+xml",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "xl/workbook.xml",
        b"spreadsheetml.sheet.main+xml",
    ),
}


def _pdf(content: bytes) -> bool:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(content), strict=False)  # reads the cross-reference table and trailer
    pages = reader.root["/Pages"]
    return int(pages["/Count"]) >= 1


def _image(kind: str) -> Callable[[bytes], bool]:
    def check(content: bytes) -> bool:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != kind or image.width * image.height > MAX_IMAGE_PIXELS:
                return False
            image.load()  # decodes every pixel: a truncated or corrupt image fails here
        return True

    return check


def _office(content_type: str) -> Callable[[bytes], bool]:
    main_part, main_type = OFFICE_PARTS[content_type]

    def check(content: bytes) -> bool:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = {info.filename: info for info in archive.infolist()}
            if sum(info.file_size for info in members.values()) > MAX_UNZIPPED_BYTES:
                return False
            types = members.get("[Content_Types].xml")
            if main_part not in members or types is None or types.file_size > 1024 * 1024:
                return False
            return main_type in archive.read(types)

    return check


def _ole(content: bytes) -> bool:
    """A Word 97-2003 file is an OLE compound file: its header names sector sizes of 512 or 4096 bytes."""
    if len(content) < 512 or not content.startswith(OLE_SIGNATURE):
        return False
    major, sector_shift = int.from_bytes(content[26:28], "little"), int.from_bytes(content[30:32], "little")
    return (major, sector_shift) in ((3, 9), (4, 12)) and content[28:30] == b"\xfe\xff"


def _text(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in content


CHECKS: dict[str, Callable[[bytes], bool]] = {
    "application/pdf": _pdf,
    "image/png": _image("PNG"),
    "image/jpeg": _image("JPEG"),
    **{content_type: _office(content_type) for content_type in OFFICE_PARTS},
    "application/msword": _ole,
    "text/csv": _text,
    "text/plain": _text,
}


KINDS = {  # how the refusal names what the file should have been
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
    "application/msword": "Word (.doc)",
    "text/csv": "CSV",
    "text/plain": "UTF-8",
}


def accepted(content_type: str) -> bool:
    return content_type in CHECKS


def readable_as(content_type: str, content: bytes) -> bool:
    """Whether `content` parses as `content_type` (an accepted type)."""
    try:
        return bool(CHECKS[content_type](content))
    except Exception:  # noqa: BLE001 — a parser's failure on hostile bytes means "not this kind of file"
        return False
