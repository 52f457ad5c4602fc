"""Internationalisation: bilingual content helpers (i18n.text) and Flask-Babel wiring (i18n.babel)."""
