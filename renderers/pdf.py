"""render_pdf: a report (definition + answers) as a PDF laid out like the print view (no Flask, no database).

The PDF is the artefact an agency head signs (PAdES), so it must be reproducible: the same definition,
answers and heading give the same bytes (the creation date comes from the heading, the file id is a
hash of the content). Fonts are DejaVu Sans (vendored in renderers/fonts/, see its LICENSE), which
covers every Vietnamese letter with its diacritics.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF

from form_definitions.answers import compute
from renderers import pdf_official
from renderers.build import ViewBuilder
from renderers.form import _score_view
from renderers.messages import N_
from renderers.pdf_layout import FONT, Layout, clean_text
from renderers.pdf_official import SignatureBox
from renderers.values import Gettext
from renderers.views import Context

FONTS_DIR = Path(__file__).parent / "fonts"
# A fixed date for headings that carry none: reproducible bytes matter more than a "now".
DEFAULT_DATE = datetime(2020, 1, 1, tzinfo=UTC)
CREATOR = "HCMC form platform"
PDF_MESSAGES: tuple[str, ...] = (
    N_("Page %(page)s of %(pages)s"),
    N_("Agency"),
    N_("Reporting period"),
    N_("Report id"),
    N_("Template version"),
    N_("Content digest (SHA-256)"),
    N_("Report %(id)s"),
)


def _identity(text: str) -> str:
    return text


class ReportPdf(FPDF):
    """A4 document with a footer on every page: the report id on the left, "page x of y" on the right."""

    def __init__(self, footer_left: str, page_text: Gettext) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_left = footer_left
        self.page_text = page_text
        self.add_font(FONT, "", str(FONTS_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(FONTS_DIR / "DejaVuSans-Oblique.ttf"))
        self.add_font(FONT, "BI", str(FONTS_DIR / "DejaVuSans-BoldOblique.ttf"))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(90)
        width = self.epw / 2
        self.cell(width, 5, self.footer_left, align="L")
        self.cell(width, 5, self.page_text(str(self.page_no())), align="R")
        self.set_text_color(0)


def _page_text(gettext: Gettext) -> Gettext:
    """ "Page 3 of {nb}": fpdf2 replaces the alias with the page count when the document is finished."""

    def text(page: str) -> str:
        template = gettext("Page %(page)s of %(pages)s")
        try:
            return template % {"page": page, "pages": "{nb}"}
        except (KeyError, ValueError, TypeError):
            return f"{page} / {{nb}}"

    return text


def _metadata(doc: FPDF, title: str, heading: dict[str, Any]) -> None:
    """Title, subject and keywords that let an uploaded copy be matched to its report and content."""
    date = heading.get("date") or DEFAULT_DATE
    if isinstance(date, datetime) and date.tzinfo is None:
        date = date.replace(tzinfo=UTC)  # stored dates are naive UTC
    doc.set_creation_date(date)
    doc.set_title(title)
    doc.set_subject(clean_text(" · ".join(str(heading[k]) for k in ("agency", "period") if heading.get(k))))
    doc.set_author(clean_text(heading.get("agency") or ""))
    doc.set_creator(CREATOR)
    doc.set_keywords(report_keywords(str(heading.get("report_id") or ""), str(heading.get("digest") or "")))
    doc.set_lang("vi" if heading.get("locale", "vi") == "vi" else "en")


def report_keywords(report_id: str, digest: str) -> str:
    """The PDF keywords naming the report and the content digest its PDF was rendered from."""
    return f"report:{report_id} digest:{digest}"


def parse_keywords(keywords: str) -> dict[str, str]:
    """{"report": id, "digest": sha256} read back from PDF keywords (missing entries are absent)."""
    found = {}
    for word in (keywords or "").split():
        name, _, value = word.partition(":")
        if name in ("report", "digest") and value:
            found[name] = value
    return found


def render_pdf(
    definition: dict[str, Any],
    data: dict[str, Any] | None,
    *,
    locale: str = "vi",
    totals: dict[str, Any] | None = None,
    score: dict[str, Any] | None = None,
    gettext: Gettext = _identity,
    heading: dict[str, Any],
) -> bytes:
    """The report as PDF bytes: heading block, title, sections, answers, tables, score, page numbers.

    `heading` carries agency, period, report_id, version, digest (Report.content_digest()) and
    `date` (the creation date written into the PDF; fixed so the bytes are reproducible); with
    `official` (see renderers.pdf_official) the page follows Nghị định 30/2020's layout.
    """
    return render_pdf_document(
        definition, data, locale=locale, totals=totals, score=score, gettext=gettext, heading=heading
    )[0]


def render_pdf_document(
    definition: dict[str, Any],
    data: dict[str, Any] | None,
    *,
    locale: str = "vi",
    totals: dict[str, Any] | None = None,
    score: dict[str, Any] | None = None,
    gettext: Gettext = _identity,
    heading: dict[str, Any],
) -> tuple[bytes, SignatureBox | None]:
    """render_pdf, and where the visible signature goes when the layout is the official one."""
    values, computed = compute(definition, copy.deepcopy(data or {}))
    ctx = Context("print", locale, gettext, "filler", dict(totals or computed), score)
    fields = ViewBuilder(ctx).fields(definition.get("fields") or [], values, values)
    title = clean_text(ctx.text(definition.get("title")))
    footer = clean_text(ctx.tr("Report %(id)s", id=heading.get("report_id") or ""))
    doc = ReportPdf(footer, _page_text(gettext))
    _metadata(doc, title, {**heading, "locale": locale})
    doc.add_page()
    layout = Layout(doc, ctx)
    official = heading.get("official")
    if official:
        pdf_official.header(doc, official)
        pdf_official.title(doc, official)
    layout.heading_block(_heading_rows(heading, ctx))
    if not official:
        layout.title(title, clean_text(ctx.text(definition.get("description"))))
    layout.score(_score_view(definition, score, ctx))
    for view in fields:
        layout.field(view)
    box = pdf_official.closing(doc, official) if official else None
    return bytes(doc.output()), box


def _heading_rows(heading: dict[str, Any], ctx: Context) -> list[tuple[str, str]]:
    version = heading.get("version")
    rows = [
        (ctx.tr("Agency"), heading.get("agency")),
        (ctx.tr("Reporting period"), heading.get("period")),
        (ctx.tr("Report id"), heading.get("report_id")),
        (ctx.tr("Template version"), f"{heading.get('form_key') or ''} v{version}".strip() if version else None),
        (ctx.tr("Content digest (SHA-256)"), heading.get("digest")),
    ]
    return [(clean_text(label), clean_text(value)) for label, value in rows if value]
