"""Pure form-definition logic: registry, checks, rules, answers, diff and merge.

Imports neither Flask nor MongoEngine; see FORMAT.md for the definition format.
"""

from form_definitions.problems import Problem

SCHEMA_VERSION = 1
KINDS = ("report", "kpi_sheet", "assessment", "questionnaire")
LANGUAGES = ("vi", "en")

# Importing the type modules fills the registry, whichever module a caller imports first.
import form_definitions.composite  # noqa: E402,F401
import form_definitions.fields  # noqa: E402,F401

__all__ = ["KINDS", "LANGUAGES", "SCHEMA_VERSION", "Problem"]
