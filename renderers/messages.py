"""Every UI msgid the renderers pass to `gettext`, so the catalogs can be extracted and checked.

Form content (labels, help, options) is data in the definition and never appears here.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional marker that message extraction looks for
    """Mark a msgid for extraction without translating it here."""
    return message


UI_MESSAGES: tuple[str, ...] = (
    N_("Required"),
    N_("Submit"),
    N_("Add row"),
    N_("Remove row"),
    N_("Row %(number)s"),
    N_("Total"),
    N_("Score"),
    N_("Points"),
    N_("%(points)s of %(max)s"),
    N_("Yes"),
    N_("No"),
    N_("No answer"),
    N_("Choose an option"),
    N_("There is a problem"),
    N_("Check the highlighted fields and try again."),
    N_("Filled in by the reviewer"),
    N_("Current file"),
    N_("Choose a new file to replace it."),
    N_("Allowed file types: %(types)s"),
    N_("Maximum size: %(size)s"),
    N_("Item"),
    N_("Unit"),
    N_("Actions"),
    N_("The form as people will see it (read-only)"),
    N_("Shown only when a condition on other answers holds"),
    N_("Added"),
    N_("Changed"),
    N_("Removed"),
)
