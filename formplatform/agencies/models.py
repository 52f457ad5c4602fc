"""Agencies, kept as a tree with a materialized path so a subtree is one indexed query."""

from __future__ import annotations

from mongoengine import BooleanField, DictField, Document, ListField, StringField

from formplatform.models import DateTimeField, new_id, utcnow

# City committee; Sở/ban/ngành; quận/huyện and TP Thủ Đức; phòng (divisions); phường/xã (wards).
AGENCY_TYPES = ("city", "department", "district", "division", "ward")
CODE_PATTERN = r"^[0-9A-Z]{2,3}(\.[0-9A-Z]{2,3}){3}$"
CONTACT_KEYS = ("name", "position", "phone", "email")


class Agency(Document):
    """One agency. `ancestors` lists every ancestor id, root first (not the agency itself)."""

    id = StringField(primary_key=True, default=new_id)
    code = StringField(required=True, unique=True, regex=CODE_PATTERN, max_length=20)
    name = DictField(required=True)  # {"vi": …, "en": …}
    type = StringField(required=True, choices=AGENCY_TYPES)
    parent_id = StringField(null=True)
    ancestors = ListField(StringField())
    contact = DictField()  # cán bộ đầu mối: name, position, phone, email — kept current by the agency
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    meta = {"collection": "agencies", "indexes": ["ancestors", "parent_id", "type"]}

    @property
    def lineage(self) -> list[str]:
        """Ancestor ids then the agency's own id: every scope root that covers this agency."""
        return [*self.ancestors, self.id]

    @classmethod
    def subtree_query(cls, root_id: str) -> dict[str, object]:
        """Raw filter for an agency and everything below it."""
        return {"$or": [{"_id": root_id}, {"ancestors": root_id}]}
