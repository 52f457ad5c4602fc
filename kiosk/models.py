"""Kiosk devices: a touch screen at a one-stop counter, paired to one agency.

A device is created by an administrator with a short pairing code (shown once, stored as a keyed
hash, valid 15 minutes, single use). Pairing trades the code for a long random device token that
the kiosk's browser keeps in a cookie; only the token's sha256 is stored. Unpairing drops the hash,
so the device's next request finds nothing and sees "not paired".
"""

from __future__ import annotations

from mongoengine import Document, StringField

from formplatform.models import DateTimeField, new_id, utcnow

KIOSK_STATES = ("pending", "paired", "revoked")  # waiting for pairing · in use · unpaired


class KioskDevice(Document):
    """One kiosk screen; `state` moves by atomic conditional updates only."""

    id = StringField(primary_key=True, default=new_id)
    agency_id = StringField(required=True)
    name = StringField(required=True, max_length=120)
    location = StringField(max_length=200, default="")
    state = StringField(required=True, choices=KIOSK_STATES, default="pending")
    code_hash = StringField()  # keyed hash of the pairing code while one is outstanding
    code_expires_at = DateTimeField()  # compared in Python: a $set date is text on nx-27017
    token_hash = StringField()  # sha256 of the device token while paired
    paired_at = DateTimeField()
    last_seen_at = DateTimeField()
    revoked_at = DateTimeField()
    created_by = StringField()
    created_at = DateTimeField(default=utcnow)

    meta = {"collection": "kiosk_devices", "indexes": ["agency_id", "code_hash", "token_hash", "-created_at"]}

    @property
    def code_expired(self) -> bool:
        return self.code_expires_at is None or self.code_expires_at <= utcnow()

    @property
    def display_state(self) -> str:
        """pending · code_expired · paired · revoked: what the admin list shows."""
        if self.state == "pending" and self.code_expired:
            return "code_expired"
        return self.state
