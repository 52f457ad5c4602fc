"""Import and export of form definitions: XLSForm-style workbooks (KoboToolbox/ODK) and Form.io JSON.

Pure: reads and writes bytes and dicts, never the database. See XLSFORM.md for the mapping.
"""

from form_definitions.interchange.common import Imported
from form_definitions.interchange.formio import definition_from_formio
from form_definitions.interchange.xlsform_export import workbook_from_definition
from form_definitions.interchange.xlsform_import import definition_from_workbook

__all__ = ["Imported", "definition_from_formio", "definition_from_workbook", "workbook_from_definition"]
