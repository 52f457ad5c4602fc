"""Words for stable codes: validation problems and error titles, in the request's language."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

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
    "rows_required": _l("A grid with fixed rows needs at least one row."),
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
    "import_bad_name": _l("The name %(name)s is not valid: use a-z, 0-9 and _, starting with a letter."),
    "import_list_missing": _l("The choice list %(list)s is not on the choices sheet."),
    "import_list_unused": _l("The choice list %(list)s is not used by any question; it was ignored."),
    "import_points_missing": _l("Option %(value)s of list %(list)s has no points, although other options do."),
    "import_unreadable": _l("The Form.io definition could not be read."),
    "import_unsupported_component": _l("Form.io component %(key)s (type %(type)s) is not supported; it was skipped."),
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
    template = PROBLEMS.get(code) or PROBLEMS["invalid"]
    lang_names = {"vi": _("Vietnamese"), "en": _("English")}
    safe = {k: lang_names.get(v, v) if k == "lang" else v for k, v in params.items()}
    try:
        return str(template) % safe if safe else str(template).replace("%%", "%")
    except (KeyError, TypeError, ValueError):
        return str(template)


def error_title(code: str, params: dict[str, Any]) -> str:
    """The headline of an error response."""
    return str(ERRORS.get(code) or ERRORS["bad_request"])


def register_errors(messages: dict[str, Any]) -> None:
    """Let an area add the headlines of its own error codes (call at import, with lazy_gettext texts)."""
    ERRORS.update(messages)


def register_problems(messages: dict[str, Any]) -> None:
    """Let an area add the messages of its own validation problem codes."""
    PROBLEMS.update(messages)
