"""Documents of report signing: certificate revocation lists loaded by an administrator, and the
number-and-symbol (số, ký hiệu) each signed report gets, unique per agency and year."""

from __future__ import annotations

from typing import Any

from mongoengine import BinaryField, DictField, Document, IntField, StringField

from formplatform.models import DateTimeField, new_id, utcnow


class RevocationList(Document):
    """A CRL file an administrator loaded (DER), used offline when checking signer certificates."""

    id = StringField(primary_key=True, default=new_id)
    issuer = StringField(required=True)  # RFC 4514 text of the issuing CA
    der = BinaryField(required=True)
    sha256 = StringField(required=True, unique=True)
    this_update = DateTimeField()
    next_update = DateTimeField(null=True)
    revoked = IntField(default=0)  # how many certificates it lists
    name = StringField(default="")  # the uploaded file's name
    uploaded_by = StringField()
    created_at = DateTimeField(default=utcnow)

    meta = {"collection": "revocation_lists", "indexes": ["issuer", "-created_at"]}


class DocumentCounter(Document):
    """The last number given to an agency's reports in a year; raised atomically by `modify(inc)`."""

    id = StringField(primary_key=True)  # "<agency_id>|<year>"
    value = IntField(default=0)

    meta = {"collection": "document_counters"}


class DocumentNumber(Document):
    """A report's number and symbol (Nghị định 30/2020, Điều 8/15): "12/BC-000.00.31.H29", with the
    date, place and signer printed on it; given once, when the report is first prepared for signing."""

    id = StringField(primary_key=True)  # the report's id
    agency_id = StringField(required=True)
    year = IntField(required=True)
    number = IntField(required=True)
    symbol = StringField(required=True)
    issued_on = DateTimeField(required=True)  # the date printed as "ngày … tháng … năm …"
    signer = DictField()  # {"user_id", "name", "position"} of the person it was prepared for
    created_at = DateTimeField(default=utcnow)

    meta = {
        "collection": "document_numbers",
        "indexes": [{"fields": ["agency_id", "year", "number"], "unique": True}],
    }

    def label(self) -> str:
        return f"{self.number}/{self.symbol}"

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "symbol": self.symbol, "label": self.label(), "year": self.year}
