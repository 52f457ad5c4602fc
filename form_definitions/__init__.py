"""Pure form-definition logic: registry, checks, rules, answers, diff and merge.

Imports neither Flask nor MongoEngine; see FORMAT.md for the definition format.
"""

from form_definitions.problems import Problem

SCHEMA_VERSION = 1
KINDS = ("report", "kpi_sheet", "assessment", "questionnaire")
LANGUAGES = ("vi", "en")

__all__ = ["KINDS", "LANGUAGES", "SCHEMA_VERSION", "Problem"]
