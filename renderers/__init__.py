"""HTML renderers for form definitions: fill, view, print and blank (no Flask, no database).

`render_form` renders a whole form; `render_value` gives the text of one answer for lists and
exports. UI words go through the caller's `gettext`; every msgid is in `renderers.messages`.
"""

from renderers.form import render_form
from renderers.messages import UI_MESSAGES
from renderers.values import format_number, render_value

__all__ = ["UI_MESSAGES", "format_number", "render_form", "render_value"]
