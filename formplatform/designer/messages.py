"""Words for the designer's own error and problem codes, and for the reasons a diff gives."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from formplatform.audit.labels import ACTION_LABELS
from i18n.messages import register_errors, register_problems

# The audit log names the designer's own actions (form.create, draft_save and publish are named there).
ACTION_LABELS.update(
    {
        "form.duplicate": _l("Form duplicated"),
        "form.import": _l("Form imported from a file"),
        "form.archive": _l("Form archived"),
        "form.restore": _l("Form restored"),
    }
)

register_problems(
    {
        "key_format": _l(
            "Use 2 to 64 characters: lower-case letters without accents, digits and dashes, starting with a letter."
        ),
        "key_taken": _l("A form with the key %(key)s already exists."),
        "title_required": _l("Enter the title in Vietnamese or in English."),
        "owner_out_of_scope": _l("You may not design forms for this agency."),
        "import_key_exists": _l(
            "A form with the key %(key)s already exists: choose another key, or change that form "
            "with its editor or by duplicating it."
        ),
        "import_no_definition": _l("No form could be built from this file."),
    }
)
register_errors(
    {
        "invalid_form_details": _l("Some details need your attention."),
        "form_import_file_type": _l("Upload an XLSForm workbook (.xlsx) or a Form.io form (.json)."),
        "form_import_too_large": _l("The file is larger than the upload limit."),
        "form_import_unreadable": _l("The file could not be read: the content does not match its type."),
        "form_import_failed": _l("The file cannot be imported; correct the problems listed and upload it again."),
        "form_already_archived": _l("This form is already archived."),
        "form_not_archived": _l("This form is not archived."),
        "bad_export_format": _l("Choose the format json or xlsx."),
        "bad_compare": _l("Choose two published versions to compare."),
        "nothing_published": _l("This form has no published version yet."),
    }
)

KIND_LABELS = {
    "report": _l("Periodic report"),
    "kpi_sheet": _l("KPI sheet"),
    "assessment": _l("Scored self-assessment"),
    "questionnaire": _l("Questionnaire"),
}
KIND_HELP = {
    "report": _l("Filed by agencies for a period and reviewed through the approval chain."),
    "kpi_sheet": _l("Figures an agency updates every month, approved before the deadline."),
    "assessment": _l("Items scored by the unit with evidence, then verified (e.g. the PAR index)."),
    "questionnaire": _l("Answered by anyone, without an account (e.g. satisfaction ratings)."),
}
STATUS_LABELS = {
    "active": _l("Active"),
    "archived": _l("Archived"),
    "draft": _l("Draft only"),
}
REASONS = {
    "added": _l("new field"),
    "added_required": _l("new required field"),
    "removed": _l("field removed"),
    "type_changed": _l("type changed"),
    "renamed": _l("name changed"),
    "option_removed": _l("option removed"),
    "option_added": _l("option added"),
    "option_relabelled": _l("option relabelled"),
    "points_changed": _l("points changed"),
    "now_required": _l("now required"),
    "scale_changed": _l("scale or unit changed"),
    "concept_replaced": _l("new meaning (new concept)"),
    "label_changed": _l("label changed"),
    "help_changed": _l("help text changed"),
    "formula_changed": _l("formula changed"),
    "visible_if_changed": _l("visibility rule changed"),
    "required_if_changed": _l("required-if rule changed"),
    "columns_changed": _l("columns changed"),
    "rows_changed": _l("rows changed"),
    "fields_changed": _l("sub-fields changed"),
    "check_added": _l("new cross-field check"),
    "check_removed": _l("cross-field check removed"),
    "check_rule_changed": _l("cross-field check rule changed"),
    "check_message_changed": _l("cross-field check message changed"),
    "check_fields_changed": _l("cross-field check attached to other fields"),
    "row_checks_changed": _l("row checks changed"),
}


def reason_text(code: str) -> str:
    """A diff reason code in words; unknown `<setting>_changed` codes name the setting."""
    if code in REASONS:
        return str(REASONS[code])
    if code.endswith("_changed"):
        return gettext("setting %(setting)s changed", setting=code.removesuffix("_changed"))
    return code
