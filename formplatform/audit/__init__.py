"""The append-only audit log: who did what, when, from where, with before/after."""
