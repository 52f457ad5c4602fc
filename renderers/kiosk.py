"""The questionnaire for a touch kiosk: one question per screen, huge answer buttons, both languages.

Pure: a definition in, HTML out (no Flask, no database). Every text is rendered in Vietnamese and
English side by side (`<span lang="vi">` / `<span lang="en">`); the kiosk's stylesheet shows the
chosen language, so switching language never loses the question a citizen is on. Answers are read
by the kiosk script from the form (data-kind says how to type each value); the server checks them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from markupsafe import Markup

from form_definitions.walk import CONTAINERS
from i18n.text import LANGUAGES, localize

Translate = Callable[..., str]  # gettext of one language: (msgid, **params) -> text
Field = dict[str, Any]
SINGLE = {"choice": "string", "scored_choice": "string", "yes_no": "boolean", "rating": "integer"}
TYPED = {
    "text": "string",
    "textarea": "string",
    "email": "string",
    "phone": "string",
    "date": "string",
    "integer": "integer",
    "decimal": "number",
    "multi_choice": "array",
}


def N_(message: str) -> str:  # noqa: N802 - the conventional marker that message extraction looks for
    return message


KIOSK_MESSAGES: tuple[str, ...] = (
    N_("Back"),
    N_("Next question"),
    N_("Send my rating"),
    N_("Optional"),
    N_("Please choose an answer to continue."),
    N_("Please answer this question to continue."),
    N_("Question %(number)s of %(count)s"),
    N_("Yes"),
    N_("No"),
)


@dataclass
class Step:
    """One screen: a data field with the section it sits in and any text shown before it."""

    field: Field
    section: Any = None
    intro: list[Any] = dataclass_field(default_factory=list)


def kiosk_steps(definition: Mapping[str, Any]) -> list[Step]:
    """The fields a kiosk can ask, in order; static text is shown with the question after it."""
    steps: list[Step] = []
    pending: list[Any] = []

    def walk(fields: list[Any], section: Any) -> None:
        for spec in fields:
            if not isinstance(spec, dict):
                continue
            kind = spec.get("type")
            if kind in CONTAINERS:
                walk(spec.get("fields") or [], spec.get("label"))
            elif kind == "static":
                pending.append(spec.get("content"))
            elif (kind in SINGLE or kind in TYPED) and spec.get("name"):
                steps.append(Step(spec, section, list(pending)))
                pending.clear()

    walk(list(definition.get("fields") or []), None)
    return steps


def both(text: Any, tag: str = "span") -> Markup:
    """Bilingual content as one element per language (each falls back to the other when missing)."""
    return Markup("").join(
        Markup('<{0} lang="{1}">{2}</{0}>').format(Markup(tag), lang, localize(text, lang)) for lang in LANGUAGES
    )


def words(gettexts: Mapping[str, Translate], msgid: str, **params: Any) -> dict[str, str]:
    return {lang: gettexts[lang](msgid, **params) for lang in LANGUAGES}


def _options(spec: Field, gettexts: Mapping[str, Translate]) -> list[tuple[str, Any]]:
    kind = spec.get("type")
    if kind == "yes_no":
        return [("yes", words(gettexts, "Yes")), ("no", words(gettexts, "No"))]
    if kind == "rating":
        low, high = int(spec.get("scale_min", 1)), int(spec.get("scale_max", 5))
        return [(str(n), str(n)) for n in range(low, high + 1)]
    return [(str(o.get("value")), o.get("label")) for o in spec.get("options") or [] if isinstance(o, dict)]


def _choices(spec: Field, gettexts: Mapping[str, Translate], input_type: str) -> Markup:
    options = _options(spec, gettexts)
    items = [
        Markup(
            '<label class="k-option"><input type="{0}" name="{1}" value="{2}"><span class="k-option__text">{3}</span>'
            "</label>"
        ).format(input_type, spec["name"], value, both(label))
        for value, label in options
    ]
    count = min(len(options), 6)
    head = Markup('<fieldset class="k-q__field"><legend class="k-q__label">{0}</legend>{1}').format(
        both(spec.get("label")), _help(spec)
    )
    scale = _scale_labels(spec) if spec.get("type") == "rating" else Markup("")
    body = Markup('<div class="k-options k-options--{0}">{1}</div>{2}</fieldset>').format(
        count, Markup("").join(items), scale
    )
    return head + body


def _scale_labels(spec: Field) -> Markup:
    if not (spec.get("min_label") or spec.get("max_label")):
        return Markup("")
    return Markup('<p class="k-scale"><span>{0}</span><span>{1}</span></p>').format(
        both(spec.get("min_label")), both(spec.get("max_label"))
    )


def _help(spec: Field) -> Markup:
    return Markup('<p class="k-q__help">{0}</p>').format(both(spec["help"])) if spec.get("help") else Markup("")


def _entry(spec: Field) -> Markup:
    name, kind = spec["name"], spec.get("type")
    ident = f"kq-{name}"
    label = Markup('<label class="k-q__label" for="{0}">{1}</label>{2}').format(
        ident, both(spec.get("label")), _help(spec)
    )
    limit = Markup(' maxlength="{0}"').format(int(spec["max_length"])) if spec.get("max_length") else Markup("")
    if kind == "textarea":
        box = Markup('<textarea class="k-text" id="{0}" name="{1}" rows="5"{2}></textarea>').format(ident, name, limit)
    else:
        mode = {"integer": "numeric", "decimal": "decimal", "email": "email", "phone": "tel"}.get(kind or "", "text")
        html_type = "date" if kind == "date" else "text"
        box = Markup('<input class="k-text" id="{0}" name="{1}" type="{2}" inputmode="{3}"{4}>').format(
            ident, name, html_type, mode, limit
        )
    return label + box


def _button(action: str, css: str, text: dict[str, str]) -> Markup:
    return Markup('<button type="button" class="k-btn {0}" data-action="{1}">{2}</button>').format(
        css, action, both(text)
    )


def _step(number: int, count: int, step: Step, gettexts: Mapping[str, Translate]) -> Markup:
    spec = step.field
    kind = spec.get("type") or ""
    required = bool(spec.get("required"))
    if kind in SINGLE:
        body = _choices(spec, gettexts, "radio")
    elif kind == "multi_choice":
        body = _choices(spec, gettexts, "checkbox")
    else:
        body = _entry(spec)
    need = "Please choose an answer to continue." if kind in SINGLE else "Please answer this question to continue."
    last = number == count
    parts = [
        Markup('<p class="k-q__section">{0}</p>').format(both(step.section)) if step.section else Markup(""),
        Markup("").join(Markup('<p class="k-q__intro">{0}</p>').format(both(text)) for text in step.intro),
        Markup(
            '<p class="k-q__progress"><span class="k-q__count"><span class="k-sr">{0}</span>'
            '<span aria-hidden="true">{1} / {2}</span></span><progress max="{2}" value="{1}"></progress>{3}</p>'
        ).format(
            both(words(gettexts, "Question %(number)s of %(count)s", number=number, count=count)),
            number,
            count,
            Markup("")
            if required
            else Markup('<span class="k-tag">{0}</span>').format(both(words(gettexts, "Optional"))),
        ),
        body,
        Markup('<p class="k-q__need" role="alert" hidden>{0}</p>').format(both(words(gettexts, need))),
        Markup('<div class="k-nav">{0}{1}</div>').format(
            _button("back", "k-btn--ghost", words(gettexts, "Back")),
            _button("send", "k-btn--primary", words(gettexts, "Send my rating"))
            if last
            else _button("next", "k-btn--primary", words(gettexts, "Next question")),
        ),
    ]
    return Markup(
        '<section class="k-q" data-step="{0}" data-name="{1}" data-kind="{2}" data-required="{3}" hidden>{4}</section>'
    ).format(
        number,
        spec["name"],
        SINGLE.get(kind) or TYPED.get(kind, "string"),
        "true" if required else "false",
        Markup("").join(parts),
    )


def render_kiosk_questionnaire(definition: Mapping[str, Any], gettexts: Mapping[str, Translate]) -> Markup:
    """The whole questionnaire as hidden steps of one form; the kiosk script shows one at a time."""
    steps = kiosk_steps(definition)
    sections = [_step(number, len(steps), step, gettexts) for number, step in enumerate(steps, start=1)]
    return Markup('<form class="k-quiz" id="k-quiz" data-steps="{0}" novalidate autocomplete="off">{1}</form>').format(
        len(steps), Markup("").join(sections)
    )
