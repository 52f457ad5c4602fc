"""The visual editor page and its live preview (rendered by the real renderers)."""

from __future__ import annotations

import json
from typing import Any

from flask import make_response, render_template, request, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from form_definitions.checks import check_definition
from form_definitions.walk import data_fields, iter_fields
from formplatform.auth import current_principal, require_permission
from formplatform.designer import bp
from formplatform.designer.palette import palette
from formplatform.designer.rule_messages import rule_editor_messages
from formplatform.errors import localize_problems
from formplatform.limits import parse_json
from formplatform.permissions import design_owner
from formplatform.services import forms
from i18n.babel import current_locale, translators
from i18n.text import localize
from renderers import render_form
from renderers.form import json_script
from renderers.kiosk import kiosk_steps, render_kiosk_questionnaire

DEVICES = ("desktop", "phone", "kiosk")
# Preview pages are framed by the editor (same origin only); everything else keeps frame-ancestors 'none'.
PREVIEW_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'self'"
)

EDITOR_MESSAGES = {
    "saved": _l("All changes saved"),
    "saved_revision": _l("Saved · revision %(revision)s"),
    "saving": _l("Saving…"),
    "unsaved": _l("Unsaved changes"),
    "offline": _l("Not saved: the server cannot be reached. Your changes are kept in this browser."),
    "invalid": _l("Not saved: the draft has problems to fix first. Your changes are kept in this browser."),
    "conflict": _l(
        "Someone else saved this draft meanwhile (revision %(revision)s). Your changes are kept in this browser."
    ),
    "load_theirs": _l("Load their version"),
    "keep_mine": _l("Overwrite with mine"),
    "restore_prompt": _l("This browser holds changes to this draft that were not saved (%(time)s)."),
    "restore": _l("Restore my changes"),
    "discard": _l("Discard them"),
    "missing_count": _l("Missing translations: %(count)s"),
    "no_missing": _l("Both languages complete"),
    "problems_title": _l("Problems to fix before the draft can be saved"),
    "no_label": _l("(no label yet)"),
    "delete_confirm": _l("Remove “%(label)s”? Its answers in earlier versions stay stored."),
    "delete_children_confirm": _l("Remove “%(label)s” and the %(count)s fields inside it?"),
    "add_field": _l("Add a field"),
    "add_here_hint": _l("Click a field type to add it after the selected field, or drag it into place."),
    "empty_form": _l("This form has no fields yet. Pick a field type on the left to add the first one."),
    "empty_container": _l("Drop fields here"),
    "select_hint": _l("Select a field in the outline to edit it."),
    "form_settings": _l("Form settings"),
    "title": _l("Title"),
    "description": _l("Description"),
    "kind": _l("Kind of form"),
    "key": _l("Key"),
    "scoring_bands": _l("Classification bands"),
    "scoring_bands_help": _l("A total score at or above the minimum gets the band's label; highest band first."),
    "band_min": _l("Minimum score"),
    "add_band": _l("Add a band"),
    "vietnamese": _l("Vietnamese"),
    "english": _l("English"),
    "duplicate": _l("Duplicate"),
    "remove": _l("Remove"),
    "move_up": _l("Move up"),
    "move_down": _l("Move down"),
    "drag": _l("Drag to reorder"),
    "add_option": _l("Add an option"),
    "option_value": _l("Stored value"),
    "points": _l("Points"),
    "add_row": _l("Add a row"),
    "row_key": _l("Row key"),
    "add_column": _l("Add a column"),
    "column_name": _l("Column name"),
    "column_type": _l("Type"),
    "column_total": _l("Total this column"),
    "in_row_total": _l("Counts in the row total"),
    "checks": _l("Cross-field checks"),
    "checks_help": _l(
        "Rules the answers must meet together, such as figures that must add up; "
        "the message is shown when one is not met."
    ),
    "add_check": _l("Add a check"),
    "check_name": _l("Check name"),
    "check_message": _l("Message when the check fails"),
    "check_rule": _l("What must hold"),
    "check_rule_help": _l("The check waits until every figure it compares is filled in."),
    "check_fields": _l("Show the message next to"),
    "column_formula": _l("Formula on the row"),
    "megabytes": _l("MB"),
    "required_marker": _l("required"),
    "rule_marker": _l("rule"),
    "reviewer_marker": _l("reviewer"),
    "missing_marker": _l("translation missing"),
    "name_invalid": _l("Use letters, digits, _ and -, starting with a letter or _."),
    "name_taken": _l("Another field already uses this name."),
    "renamed_rules": _l("Rules that used the old name were updated."),
    "number_invalid": _l("Enter a number."),
    "advanced": _l("Advanced"),
    "preview": _l("Preview"),
    "outline": _l("Fields"),
    "desktop": _l("Desktop"),
    "phone": _l("Phone"),
    "kiosk": _l("Kiosk"),
    "undo": _l("Undo"),
    "redo": _l("Redo"),
    "label_word": _l("Label"),
    "unit_word": _l("Unit"),
}
NEW_OPTION = _l("Option %(number)s")  # the default option label, in both languages of the form
NEW_ROW = _l("Row %(number)s")  # the default label of a new grid row


def _in_language(locale: str, message: Any) -> str:
    with force_locale(locale):
        return str(message)


def _design_urls(key: str) -> dict[str, str]:
    return {
        "draft": url_for("api.read_draft", key=key),
        "preview": url_for("designer.preview", key=key),
    }


@bp.get("/admin/forms/<key>/design")
@require_permission("forms.design")
def editor(key: str) -> Any:
    """The visual editor of a form's draft."""
    design_owner(current_principal(), key)
    form = forms.get_form(key, with_draft=True)
    state = {
        "key": key,
        "revision": form.draft_revision,
        "definition": form.draft,
        "latest_version": form.latest_version,
        "locale": current_locale(),
        "urls": _design_urls(key),
        "palette": palette(),
        "messages": {
            **{k: str(v) for k, v in EDITOR_MESSAGES.items()},
            **{f"new_option_{lang}": _in_language(lang, NEW_OPTION) for lang in ("vi", "en")},
            **{f"new_row_{lang}": _in_language(lang, NEW_ROW) for lang in ("vi", "en")},
        },
        "rule_messages": rule_editor_messages(),
        "warnings": localize_problems(forms.draft_warnings(form)),
    }
    return render_template(
        "designer/editor.html",
        form=form,
        state_json=json_script(state),
        publish_url=url_for("designer.publish", key=key),
        json_url=url_for("designer.json_draft", key=key),
    )


@bp.post("/admin/forms/<key>/preview")
@require_permission("forms.design")
def preview(key: str) -> Any:
    """The posted (possibly unsaved) definition rendered as its fill page, for the editor's preview frame."""
    design_owner(current_principal(), key)
    device = request.form.get("device") if request.form.get("device") in DEVICES else "desktop"
    locale = request.form.get("locale") if request.form.get("locale") in ("vi", "en") else current_locale()
    with force_locale(locale):
        html = _preview_page(request.form.get("definition", ""), device, locale)
    response = make_response(html)
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _preview_page(text: str, device: str, locale: str) -> str:
    body, problems, definition = None, [], None
    try:
        definition = parse_json(text)
    except json.JSONDecodeError:
        problems = [{"path": "", "message": gettext("The request body is not valid JSON.")}]
    else:
        found = check_definition(definition)
        if found:
            problems = localize_problems(found)
        elif device == "kiosk" and definition.get("kind") == "questionnaire":
            return _kiosk_preview(definition, locale)
        else:
            body = render_form(
                definition, mode="fill", locale=locale, gettext=gettext, action="", csrf_token="", show_title=False
            )
    return render_template(
        "designer/preview.html", body=body, problems=problems, definition=definition, device=device, locale=locale
    )


def _kiosk_preview(definition: dict[str, Any], locale: str) -> str:
    """A questionnaire as the counter kiosk asks it (renderers.kiosk), and what the kiosk leaves out."""
    steps = kiosk_steps(definition)
    asked = {step.field["name"] for step in steps}
    fields = list(data_fields(definition.get("fields") or []))
    return render_template(
        "designer/preview_kiosk.html",
        definition=definition,
        locale=locale,
        quiz=render_kiosk_questionnaire(definition, translators()),
        steps=len(steps),
        skipped=[localize(f.get("label"), locale) or f.get("name") for f in fields if f.get("name") not in asked],
        rules=any(
            f.get("visible_if") is not None or f.get("required_if") is not None
            for _, f in iter_fields(definition.get("fields") or [])
        ),
    )
