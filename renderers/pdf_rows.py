"""A long table as PDF, drawn row by row: the exports' PDF (thousands of rows), same look as renderers.tables.

fpdf2's table lays every cell out twice through its general line breaker (about 1.5 ms a cell here, so
2,000 ratings of 27 columns took over two minutes). Here each cell's words are measured once (widths
cached per word), wrapped greedily, and written as plain text lines inside ruled cells; the header row
is repeated at the top of every page, numbers are right-aligned.
"""

from __future__ import annotations

from functools import lru_cache

from renderers.pdf import ReportPdf
from renderers.pdf_layout import FONT, clean_text
from renderers.tables import DataTable, pdf_document
from renderers.values import Gettext

SIZE = 6.5  # points: 27 columns on A3 landscape
LINE = 3.0  # mm per line of text
PAD = 0.8
MIN_CHARS, MAX_CHARS = 10.0, 30.0
HEADER_FILL = (232, 236, 241)


def rows_pdf(table: DataTable, *, gettext: Gettext) -> bytes:
    """The table's title, subtitle, then its rows, a ruled grid repeating the header on every page."""
    doc = pdf_document(table, gettext)
    if table.columns:
        _Grid(doc, table).draw()
    return bytes(doc.output())


def _weights(header: list[str], rows: list[list[str]]) -> list[float]:
    """Shares of the width by content, in characters: a long header (a criterion's question) gets room for a
    few lines, no column is narrower than a short word, none wider than a long name."""
    weights: list[float] = []
    for i, text in enumerate(header):
        sizes = [float(len(row[i])) for row in rows if i < len(row)] + [float(len(w)) for w in text.split()]
        weights.append(min(max([MIN_CHARS, min(len(text) / 4, 18), *sizes]), MAX_CHARS))
    return weights


class _Grid:
    def __init__(self, doc: ReportPdf, table: DataTable) -> None:
        self.doc = doc
        self.numeric = table.numeric_columns()
        self.header = [clean_text(c) for c in table.columns]
        self.texts = table.texts()
        weights = _weights(self.header, self.texts)
        self.widths = [doc.epw * w / sum(weights) for w in weights]
        self.measure = lru_cache(maxsize=65536)(doc.get_string_width)

    def draw(self) -> None:
        self._row(self.header, header=True)
        for texts in self.texts:
            lines = self._wrap_row(texts)
            if self.doc.get_y() + self._height(lines) > self.doc.page_break_trigger:
                self.doc.add_page()
                self._row(self.header, header=True)
            self._draw(lines, header=False)

    def _row(self, texts: list[str], *, header: bool) -> None:
        self.doc.set_font(FONT, "B" if header else "", SIZE)
        self.measure.cache_clear()  # widths depend on the face
        self._draw(self._wrap_row(texts), header=header)
        self.doc.set_font(FONT, "", SIZE)
        self.measure.cache_clear()

    def _wrap_row(self, texts: list[str]) -> list[list[str]]:
        return [self._wrap(text, width - 2 * PAD) for text, width in zip(texts, self.widths, strict=False)]

    def _height(self, lines: list[list[str]]) -> float:
        return max([len(cell) for cell in lines] + [1]) * LINE + 2 * PAD

    def _draw(self, lines: list[list[str]], *, header: bool) -> None:
        doc, height, x, y = self.doc, self._height(lines), self.doc.l_margin, self.doc.get_y()
        for cell, width, right in zip(lines, self.widths, self.numeric, strict=False):
            if header:
                doc.set_fill_color(*HEADER_FILL)
            doc.rect(x, y, width, height, style="DF" if header else "D")
            for number, line in enumerate(cell):
                left = x + width - PAD - self.measure(line) if right and not header else x + PAD
                doc.text(left, y + PAD + LINE * number + LINE * 0.75, line)
            x += width
        doc.set_xy(doc.l_margin, y + height)

    def _wrap(self, text: str, width: float) -> list[str]:
        """Greedy word wrap; a word wider than the cell is cut where it must be."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if self.measure(candidate) <= width or not line and self.measure(word) <= width:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                line = ""
                while self.measure(word) > width and len(word) > 1:
                    cut = max(1, max(n for n in range(1, len(word) + 1) if self.measure(word[:n]) <= width or n == 1))
                    lines.append(word[:cut])
                    word = word[cut:]
                line = word
            lines.append(line)
        return lines or [""]
