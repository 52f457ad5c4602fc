"""The ratings export: one row per stored rating (counted, flagged or rejected), versions lined up by concept.

A rating keeps its criterion points by concept slug (Rating.points), its total, overall verdict and
band as intake computed them with its own questionnaire version. The export shows exactly those
stored figures (the ones behind the rankings), never a recomputation: one points column per
criterion concept of any version, labelled by the newest version that asks it, so a question
reworded or moved under the same concept stays one column and a criterion only some versions have
is empty for the others. The verdict and band are labelled from the rating's own version.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import lazy_gettext as _l

from form_definitions.walk import field_index
from formplatform.exports.cells import AgencyNames, local_time
from formplatform.satisfaction.models import STAGES
from formplatform.satisfaction.questionnaire import bands, criteria, overall_field
from formplatform.satisfaction.words import CHANNEL_LABELS, FLAG_LABELS
from i18n.text import localize
from renderers.export_plan import Cell, Column, Definition, ExportTable, Record, Wording, unique_headers

RATINGS_TITLE = _l("Citizens' ratings")
STATUS_LABELS = {"counted": _l("Counted"), "flagged": _l("Flagged, waiting for review"), "rejected": _l("Rejected")}
OFFICIAL_HEADERS = {
    "receive": _l("Receiving official"),
    "process": _l("Processing official"),
    "return": _l("Returning official"),
}
RATING_HEADERS = (
    _l("Dossier code"),
    _l("Agency code"),
    _l("Agency"),
    _l("Procedure code"),
    _l("Procedure"),
    *(OFFICIAL_HEADERS[stage] for stage in STAGES),
    _l("Channel"),
    _l("Rated at"),
    _l("Received at"),
    _l("Questionnaire version"),
)
RATING_FIELDS = ("dossier_code", "agency_id", "procedure_code", "officials", "names", "channel", "created_at")
RATING_FIELDS += ("stored_at", "version", "points", "total", "max", "overall", "band", "status", "flags")
TAIL_WORDS = (_l("Total points (of %(max)s)"), _l("Total points"), _l("Maximum points"))
TAIL_WORDS += (_l("Overall verdict"), _l("Band"), _l("Status"), _l("Flags"))


def rating_meta(doc: dict[str, Any], agencies: AgencyNames, label: Any, word: Any) -> list[Cell]:
    """The cells before the points: dossier, agency, procedure, officials, channel, times, version."""
    code, name = agencies.get(doc.get("agency_id") or "", ("", None))
    names = doc.get("names") or {}
    channel = doc.get("channel") or ""
    return [
        doc.get("dossier_code"),
        code or None,
        label(name) if name else None,
        doc.get("procedure_code") or None,
        label(names.get("procedure")) or None,
        *(_official(doc, stage) for stage in STAGES),
        word(CHANNEL_LABELS[channel]) if channel in CHANNEL_LABELS else channel or None,
        local_time(doc.get("created_at")),
        local_time(doc.get("stored_at")),
        doc.get("version"),
    ]


def _official(doc: dict[str, Any], stage: str) -> Cell:
    """ "Name (id)" of the official of a stage, or whichever of the two the dossier gave."""
    who, name = (doc.get("officials") or {}).get(stage) or "", (doc.get("names") or {}).get(stage) or ""
    if name and who and who != name:
        return f"{name} ({who})"
    return name or who or None


def rating_data(doc: dict[str, Any]) -> dict[str, Any]:
    """What the plan reads of a rating: the stored document itself (points, total, verdict, status)."""
    return doc


class RatingsPlan:
    """One table: the meta columns, a points column per criterion concept, then total, verdict, band, status."""

    def __init__(self, versions: dict[int, Definition], meta_headers: list[str], wording: Wording) -> None:
        self.versions = versions
        self.wording = wording
        self.slugs: list[str] = []
        labels: dict[str, Any] = {}
        for number in sorted(versions, reverse=True):  # newest first: its order and labels win
            for criterion in criteria(versions[number]):
                if criterion["slug"] not in labels:
                    labels[criterion["slug"]] = criterion["label"]
                    self.slugs.append(criterion["slug"])
        maxima = {_maximum(versions[n]) for n in versions} or {0.0}
        self.one_max = len(maxima) == 1
        tail = [wording.word("Total points")]
        if self.one_max:
            tail = [wording.word(_l("Total points (of %(max)s)", max=_number(maxima.pop())))]
        else:
            tail.append(wording.word("Maximum points"))
        tail += [wording.word(w) for w in ("Overall verdict", "Band", "Status", "Flags")]
        headers = [*meta_headers, *(wording.label(labels[s]) for s in self.slugs), *tail]
        numeric = [False] * len(meta_headers) + [True] * (len(self.slugs) + (1 if self.one_max else 2))
        numeric[len(meta_headers) - 1] = True  # the questionnaire version
        columns = [Column(h, n) for h, n in zip(unique_headers(headers), numeric + [False] * 4, strict=True)]
        self.tables = [ExportTable("ratings", wording.word(RATINGS_TITLE), columns)]
        self._verdicts = {n: _verdicts(d) for n, d in versions.items()}
        self._bands = {n: {b.get("key"): b.get("label") for b in bands(d)} for n, d in versions.items()}

    def rows(self, record: Record) -> Iterator[tuple[int, list[Cell]]]:
        doc = record.data
        points = doc.get("points") or {}
        row: list[Cell] = [*record.meta, *(_plain_number(points.get(slug)) for slug in self.slugs)]
        row.append(_plain_number(doc.get("total")))
        if not self.one_max:
            row.append(_plain_number(doc.get("max")))
        overall, band, status = doc.get("overall") or "", doc.get("band") or "", doc.get("status") or ""
        verdict = self._verdicts.get(record.version, {}).get(overall)
        locale = self.wording.value_locale  # values in one language, as the other exports' choices
        row.append(localize(verdict, locale) if verdict else overall or None)
        band_label = self._bands.get(record.version, {}).get(band)
        row.append(localize(band_label, locale) if band_label else band or None)
        row.append(self.wording.value_word(STATUS_LABELS[status]) if status in STATUS_LABELS else status or None)
        flags = [self.wording.value_word(FLAG_LABELS[f]) if f in FLAG_LABELS else f for f in doc.get("flags") or []]
        row.append("; ".join(flags) or None)
        yield 0, row


def _maximum(definition: Definition) -> float:
    return float(sum(c["max"] for c in criteria(definition)))


def _verdicts(definition: Definition) -> dict[str, Any]:
    name = overall_field(definition)
    spec = field_index(definition).get(name or "") or {}
    return {option.get("value"): option.get("label") for option in spec.get("options") or []}


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _plain_number(value: Any) -> Cell:
    """Points as stored (floats from the scoring), written as whole numbers where they are whole."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if float(value).is_integer() else float(value)
