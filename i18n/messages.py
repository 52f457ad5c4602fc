"""Words for stable codes: validation problems and error titles, in the request's language."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from i18n.babel import current_locale
from i18n.text import localize

PROBLEMS = {
    "required": _l("This field is required."),
    "type": _l("This value has the wrong type (expected %(expected)s)."),
    "not_an_option": _l("Choose one of the offered options."),
    "too_small": _l("The value must be at least %(limit)s."),
    "too_large": _l("The value must be at most %(limit)s."),
    "too_short": _l("Enter at least %(limit)s characters."),
    "too_long": _l("Enter at most %(limit)s characters."),
    "pattern": _l("The value does not have the expected format."),
    "format": _l("Enter a valid value (%(format)s)."),
    "too_few": _l("Choose or add at least %(limit)s items."),
    "too_many": _l("Choose or add at most %(limit)s items."),
    "duplicate": _l("The same item appears twice."),
    "unknown_field": _l("This field is not part of the form."),
    "reviewer_only": _l("Only the reviewing agency may fill this field."),
    "date_too_early": _l("The date must not be before %(limit)s."),
    "date_too_late": _l("The date must not be after %(limit)s."),
    "invalid": _l("This value is not valid."),
    "unknown_type": _l("Unknown field type %(type)s."),
    "duplicate_name": _l("The name %(name)s is used more than once."),
    "duplicate_option": _l("The option value %(value)s is used more than once."),
    "unknown_variable": _l("The rule refers to %(name)s, which is not a field of this form."),
    "unknown_operator": _l("The rule uses %(operator)s, which is not an operator of the rule language."),
    "unknown_field_name": _l("The message is attached to %(name)s, which is not a field here."),
    "check_failed": _l("The figures do not add up."),
    "rows_required": _l("A grid with fixed rows needs at least one row."),
    "prefill_in_row": _l("A field inside a repeatable group cannot be filled from the campaign."),
    "prefill_type": _l("%(source)s can only fill a field of type %(types)s."),
    "prefill_options": _l("A field filled with the period type needs the options %(values)s."),
    "missing_translation": _l("The %(lang)s text is missing."),
    "bad_key": _l("Names may not be empty, start with $ or contain a dot."),
    "key_mismatch": _l("The definition's key must be %(expected)s."),
    "file_too_large": _l("The file is larger than %(limit)s bytes."),
    "file_type": _l("This type of file is not accepted."),
    "file_unreadable": _l("The file is damaged or is not really a %(kind)s file."),
    "file_missing": _l("The referenced file does not exist."),
    "invalid_json": _l("The request body is not valid JSON."),
    "no_fields": _l("Add at least one question before publishing."),
    "workflow_first_step": _l("The approval chain must start with a step of the reporting agency."),
    "workflow_reviewer_last": _l("The reviewing agency's step can only be the last one."),
    "workflow_reviewer_signs": _l("Only a step of the reporting agency can sign."),
    # Importing definitions (form_definitions.interchange): what could not be kept, by row or component.
    "import_not_xlsx": _l("The file is not an Excel workbook (.xlsx)."),
    "import_sheet_missing": _l("The workbook has no sheet named %(sheet)s."),
    "import_column_missing": _l("The %(sheet)s sheet has no %(column)s column."),
    "import_unclosed": _l("The %(type)s on this row is never closed."),
    "import_unexpected_end": _l("The %(type)s on this row does not close an open group, repeat or matrix."),
    "import_column_empty": _l("The %(column)s cell of this row is empty; the row was skipped."),
    "import_unsupported_type": _l("The question type %(type)s is not supported; it was skipped."),
    "import_unsupported_column": _l("The column %(column)s is not supported here; its content was ignored."),
    "import_unsupported_appearance": _l("The appearance %(appearance)s is not supported; it was ignored."),
    "import_type_option": _l("The addition %(option)s to the question type is not supported; it was ignored."),
    "import_bad_value": _l("The value %(value)s in column %(column)s is not valid; it was ignored."),
    "import_bad_expression": _l("The expression %(value)s in column %(column)s cannot become a rule; it was ignored."),
    "import_bad_json": _l("Column %(column)s does not hold valid JSON; it was ignored."),
    "import_bad_name": _l(
        "Sheet %(sheet)s, row %(row)s, column %(column)s: the name %(name)s is not valid here (use letters, "
        "digits, _ and -, starting with a letter or _); it was kept as written so collected data keeps its key, "
        "rename it first."
    ),
    "import_pyxform_refused": _l("Sheet %(sheet)s, row %(row)s: the XLSForm cannot be read: %(detail)s"),
    "import_type_dropped": _l(
        "Sheet %(sheet)s, row %(row)s: the question type %(type)s has no equivalent here; the question was left out."
    ),
    "import_type_changed": _l("Sheet %(sheet)s, row %(row)s: the question type %(type)s is asked as %(target)s here."),
    "import_column_dropped": _l(
        "Sheet %(sheet)s, row %(row)s: column %(column)s (%(value)s) has no equivalent here; it was left out."
    ),
    "import_constraint_dropped": _l(
        "Sheet %(sheet)s, row %(row)s: the constraint %(value)s cannot become a limit here; it was left out."
    ),
    "import_language_kept": _l(
        "Sheet %(sheet)s, row %(row)s: column %(column)s has text only in %(language)s; it was kept as the "
        "text of the form's main language, for you to translate."
    ),
    "import_label_from_name": _l(
        "Sheet %(sheet)s, row %(row)s: %(name)s has no label; its name was used as the label."
    ),
    "import_languages_dropped": _l(
        "Sheet %(sheet)s: texts in %(languages)s were left out; only Vietnamese and English are kept."
    ),
    "import_list_missing": _l("The choice list %(list)s is not on the choices sheet."),
    "import_list_unused": _l("The choice list %(list)s is not used by any question; it was ignored."),
    "import_points_missing": _l("Option %(value)s of list %(list)s has no points, although other options do."),
    "import_unreadable": _l("The Form.io definition could not be read."),
    "import_unsupported_component": _l(
        "Form.io component %(key)s (“%(label)s”, type %(type)s) has no equivalent here; it was left out."
    ),
    "import_component_changed": _l(
        "Form.io component %(key)s (“%(label)s”, type %(type)s) is asked as text with a format check here."
    ),
    "import_no_options": _l(
        "Form.io component %(key)s (“%(label)s”) has no options to choose from in the file; it was left out."
    ),
    "import_formio_not_object": _l("The Form.io definition cannot be read: %(key)s must be an object."),
    "import_formio_not_list": _l("The Form.io definition cannot be read: %(key)s must be a list."),
    "import_formio_no_type": _l("The Form.io definition cannot be read: %(key)s (the component's type) is missing."),
    "import_formio_not_json": _l("The Form.io file is not valid JSON (%(error)s)."),
    "import_javascript": _l(
        "%(property)s of %(key)s holds a script or logic, which is never run here; it was ignored."
    ),
    "import_unsupported_setting": _l("The setting %(property)s of %(key)s is not supported; it was ignored."),
    "import_layout_flattened": _l("The %(type)s layout %(key)s was removed; its fields were kept in order."),
    "import_renamed": _l("The key %(key)s is not a valid field name; it was renamed to %(name)s."),
    "import_markup_dropped": _l("The formatting of %(key)s was dropped; only its text was kept."),
    "import_time_dropped": _l("%(key)s also asks for a time of day; only the date was kept."),
    "import_bad_condition": _l("The display condition of %(key)s cannot be translated; it was ignored."),
    "import_option_skipped": _l("An option of %(key)s has no value; it was skipped."),
}

# JSON Schema's type and format names are stable codes in a problem's params (API clients read them); in a
# message they are words of the reader's language (issue 22: "cần integer" in a Vietnamese sentence).
TYPE_NAMES = {
    "integer": _l("a whole number"),
    "number": _l("a number"),
    "string": _l("text"),
    "boolean": _l("yes or no"),
    "object": _l("a group of answers"),
    "array": _l("a list"),
    "array of strings": _l("a list of texts"),
    "null": _l("no value"),
}
FORMAT_NAMES = {
    "date": _l("a date, day/month/year"),
    "date-time": _l("a date and time"),
    "time": _l("a time of day"),
    "email": _l("an e-mail address"),
    "uri": _l("a web address"),
}

ERRORS = {
    "bad_request": _l("The request could not be understood."),
    "invalid_json": _l("The request body is not valid JSON."),
    "bad_revision": _l("The draft revision must be a whole number."),
    "bad_version": _l("The version must be a whole number."),
    "bad_page": _l("Pages are numbered from 1 and hold 1 to 100 items."),
    "bad_agency": _l("The agency must be given by its id."),
    "file_required": _l("Attach a file in the field named file."),
    "password_too_short": _l("The password must have at least 10 characters."),
    "agency_required": _l("Say for which agency the answers are filed."),
    "password_too_simple": _l("The password must mix letters and digits and must not contain the user name."),
    "wrong_current_password": _l("The current password is wrong."),
    "password_unchanged": _l("The new password must differ from the current one."),
    "password_change_required": _l("Change your password before using the platform."),
    "account_temporarily_locked": _l("Too many failed logins: the account is locked for a few minutes."),
    "account_closed": _l("This account is closed and cannot be changed."),
    "cannot_lock_yourself": _l("You cannot lock or close your own account."),
    "invalid": _l("Some answers need your attention."),
    "invalid_request": _l("The request does not match the API description; see the list of problems."),
    "invalid_definition": _l("The form definition has problems."),
    "unauthorized": _l("Please log in first."),
    "invalid_credentials": _l("Wrong user name or password."),
    "forbidden": _l("You are not allowed to do this."),
    "not_found": _l("Not found."),
    "method_not_allowed": _l("This method is not allowed here."),
    "conflict": _l("Someone else changed this in the meantime; reload and try again."),
    "draft_conflict": _l("The draft was changed by someone else since you opened it."),
    "nothing_to_publish": _l("The draft is identical to the latest published version."),
    "breaking_change_unconfirmed": _l("This version contains breaking changes; confirm them to publish."),
    "form_archived": _l("This form is archived and accepts no new submissions."),
    "too_large": _l("The upload is too large."),
    "json_too_large": _l("The request body is too large for JSON; send less at a time."),
    "json_too_deep": _l("The request body nests too deeply (at most 64 levels)."),
    "bad_query": _l("The address has too many or too long parameters."),
    "too_many_requests": _l("Too many requests; please wait a moment."),
    "csrf_failed": _l("Your session expired or the form was tampered with; please reload the page."),
    "http_error": _l("The request failed."),
    "internal_error": _l("Something went wrong on our side. The error has been logged."),
}


def problem_message(code: str, params: dict[str, Any]) -> str:
    """A validation problem in words, in the current request's language."""
    if code == "check_failed" and params.get("message"):
        # A cross-field check carries the designer's own bilingual message (form content, not UI text).
        return localize(params["message"], current_locale()) or str(PROBLEMS["check_failed"])
    template = PROBLEMS.get(code) or PROBLEMS["invalid"]
    safe = {key: _word(code, key, value) for key, value in params.items()}
    try:
        return str(template) % safe if safe else str(template).replace("%%", "%")
    except (KeyError, TypeError, ValueError):
        return str(template)


def _word(code: str, key: str, value: Any) -> Any:
    """A parameter that names a language, a type or a format, in words of the reader's language."""
    names: dict[str, Any] = {
        ("missing_translation", "lang"): {"vi": _("Vietnamese"), "en": _("English")},
        ("type", "expected"): TYPE_NAMES,
        ("format", "format"): FORMAT_NAMES,
    }.get((code, key), {})
    word = names.get(value) if isinstance(value, str) else None
    return str(word) if word is not None else value


def error_title(code: str, params: dict[str, Any]) -> str:
    """The headline of an error response."""
    return str(ERRORS.get(code) or ERRORS["bad_request"])


def register_errors(messages: dict[str, Any]) -> None:
    """Let an area add the headlines of its own error codes (call at import, with lazy_gettext texts)."""
    ERRORS.update(messages)


def register_problems(messages: dict[str, Any]) -> None:
    """Let an area add the messages of its own validation problem codes."""
    PROBLEMS.update(messages)
