"""Reference data and document shapes for bench/growth.py.

`load_reference()` reads, once, what every generated document refers to (the demo city's agencies and
logins, the published versions of the built-in forms, the demo campaigns) inside an app context, and
precomputes answer pools with the forms' own checker (`check_answers`), so bulk generation never needs
the database. `shaped()` lays a document out exactly as `Model(**values).to_mongo()` does (declared field
order, defaults filled, None dropped unless nullable) at a fraction of MongoEngine's per-document cost;
`check_shapes()` proves that on samples with the real classes.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from rankings import FAMILY, GIVEN, Profile

RATED_TYPES = ("department", "district", "ward")
STAFF_ROLES = ("specialist", "specialist", "viewer", "division_head", "agency_head")
BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
)
SENTENCES = (
    "Đã triển khai đầy đủ các nhiệm vụ theo kế hoạch năm.",
    "Tiếp tục rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền.",
    "Một số hồ sơ còn chậm do phải lấy ý kiến cơ quan liên quan.",
    "Đề nghị Sở Nội vụ tổ chức tập huấn nghiệp vụ cho công chức Bộ phận Một cửa.",
    "Tỷ lệ hồ sơ trực tuyến toàn trình tăng so với cùng kỳ.",
)


def moment(value: datetime) -> datetime:
    """A time as MongoDB stores it: BSON keeps milliseconds, so the stored text is the same on every path."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def hex_id(rnd: random.Random) -> str:
    """A 24-hex-digit id like formplatform.models.new_id, but reproducible."""
    return f"{rnd.getrandbits(96):024x}"


_LAYOUTS: dict[Any, list[tuple[str, str, Any, bool]]] = {}


def shaped(model: Any, values: dict[str, Any]) -> dict[str, Any]:
    """What `model(**values).to_mongo()` stores: declared field order, defaults filled, None only if nullable."""
    layout = _LAYOUTS.get(model)
    if layout is None:
        fields = [(name, model._fields[name]) for name in model._fields_ordered]
        layout = _LAYOUTS[model] = [(name, spec.db_field, spec.default, bool(spec.null)) for name, spec in fields]
    out: dict[str, Any] = {}
    for name, db_field, default, null in layout:
        # MongoEngine's mutable defaults are factories (list, dict, utcnow, new_id)
        value = values[name] if name in values else default() if callable(default) else default
        if value is not None or null:
            out[db_field] = value
    return out


class Derived(dict[str, Any]):
    """A stored document copied from a prototype: only its `variable` keys differ (see growth_store.StoredText)."""

    __slots__ = ("origin", "variable")
    origin: dict[str, Any]
    variable: frozenset[str]

    def __reduce__(self) -> Any:  # pickled (to a MongoDB-bound main process) as the plain dict it is
        return dict, (dict(self),)


def derive(origin: dict[str, Any], variable: frozenset[str]) -> Derived:
    doc = Derived(origin)
    doc.origin, doc.variable = origin, variable
    return doc


def check_shapes(model: Any, docs: list[dict[str, Any]], sample: int = 3) -> None:
    """The real class reads each sampled document back, validates it and writes the very same document."""
    for doc in docs[:sample] + docs[-sample:]:
        instance = model._from_son(copy.deepcopy(doc))
        instance.validate()
        again = instance.to_mongo().to_dict()
        if again != doc or list(again) != list(doc):
            raise AssertionError(f"{model.__name__}: generated document differs from to_mongo():\n{doc}\n{again}")


def person(rnd: random.Random) -> str:
    return f"{rnd.choice(FAMILY)} {rnd.choice(GIVEN)}"


def audit(rnd: random.Random, at: datetime, action: str, actor: Any, **fields: Any) -> dict[str, Any]:
    """An audit event as `record_event` writes it (`agency_id` defaults to the actor's agency)."""
    from formplatform.audit.models import AuditEvent

    values = {
        "id": hex_id(rnd),
        "at": moment(at),
        "action": action,
        "actor_id": getattr(actor, "id", None),
        "actor_name": getattr(actor, "username", None) or getattr(actor, "name", ""),
        "agency_id": fields.pop("agency_id", getattr(actor, "agency_id", None)),
        **fields,
    }
    return shaped(AuditEvent, values)


def fill_answers(definition: dict[str, Any], rnd: random.Random, values: dict[str, Any]) -> dict[str, Any]:
    """Plausible answers for every data field of a definition (grids cell by cell); `values` wins."""
    from form_definitions.walk import data_fields

    data: dict[str, Any] = {}
    for spec in data_fields(definition.get("fields") or []):
        kind, name = spec["type"], spec["name"]
        if name in values:
            data[name] = values[name]
        elif kind in ("text", "textarea"):
            data[name] = " ".join(rnd.sample(SENTENCES, 2 if kind == "textarea" else 1))[: spec.get("max_length", 900)]
        elif kind in ("choice", "scored_choice") and spec.get("options"):
            data[name] = rnd.choice(spec["options"])["value"]
        elif kind in ("integer", "decimal"):
            data[name] = rnd.randint(int(spec.get("minimum", 0)), int(spec.get("minimum", 0)) + 40)
        elif kind == "yes_no":
            data[name] = True
        elif kind == "phone":
            data[name] = f"028{rnd.randrange(10**8):08d}"
        elif kind == "grid":
            cells = [c for c in spec.get("columns") or [] if c["type"] in ("integer", "decimal")]
            data[name] = {row["key"]: {c["name"]: rnd.randint(5, 400) for c in cells} for row in spec["rows"]}
    return data


def checked(definition: dict[str, Any], data: dict[str, Any]) -> tuple[dict[str, Any], Any, dict[str, Any]]:
    """The stored form of answers, with score and totals, as the platform's own checker computes them."""
    from form_definitions.answers import check_answers, compute

    outcome = check_answers(definition, compute(definition, data)[0])
    if outcome.problems:
        raise AssertionError(f"{definition.get('key')}: generated answers refused: {outcome.problems[:3]}")
    return outcome.data, outcome.score, outcome.totals


@dataclass
class Version:
    form_key: str
    number: int
    hash: str
    definition: dict[str, Any]


@dataclass
class Reference:
    """Everything generation refers to, picklable (workers inherit it)."""

    now: datetime
    agencies: dict[str, Any]  # id -> namespace(id, code, type, ancestors, name)
    types: dict[str, str]
    profiles: list[Profile]
    users: dict[str, Any]  # demo user name -> namespace(id, username, agency_id)
    password_hash: str
    versions: dict[tuple[str, int], Version]
    satisfaction_by_month: dict[str, int]  # "YYYY-MM" -> questionnaire version in force
    satisfaction_pool: dict[int, list[tuple[dict[str, Any], Any, dict[str, Any]]]]
    kpi_pool: list[tuple[str, tuple[dict[str, Any], Any, dict[str, Any]]]]  # (agency id, checked answers)
    campaigns: list[dict[str, Any]]
    report_keys: set[tuple[str, str, str]]
    onestop: Any  # the one-stop system's integration token: namespace(id, name, agency_id)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def root_id(self) -> str:
        return next(a.id for a in self.agencies.values() if a.type == "city")

    def by_code(self, code: str) -> Any:
        return next(a for a in self.agencies.values() if a.code == code)

    def satisfaction_version(self, day: date) -> Version:
        key = f"{day.year}-{day.month:02d}"
        number = self.satisfaction_by_month.get(key) or max(self.satisfaction_by_month.values())
        return self.versions[("dossier-satisfaction", number)]


class Quest:
    """rankings.make_rating's questionnaire: the version in force on a day, its criteria and bands."""

    def __init__(self, ref: Reference) -> None:
        from formplatform.satisfaction.questionnaire import bands, criteria

        self.ref = ref
        self.parts = {
            number: ([(c["name"], c["slug"]) for c in criteria(v.definition)], bands(v.definition))
            for (key, number), v in ref.versions.items()
            if key == "dossier-satisfaction"
        }
        self.bands: list[dict[str, Any]] = []

    def on(self, day: date) -> tuple[Version, list[tuple[str, str]]]:
        version = self.ref.satisfaction_version(day)
        fields, self.bands = self.parts[version.number]
        return version, fields


def _namespace_agency(agency: Any) -> Any:
    return SimpleNamespace(
        id=agency.id, code=agency.code, type=agency.type, ancestors=list(agency.ancestors), name=dict(agency.name)
    )


def _satisfaction_pool(version: Version, rnd: random.Random, size: int = 300) -> list[Any]:
    pool = []
    for _ in range(size):
        skill = rnd.uniform(0.4, 0.95)
        values = {f"c{i}": "2" if rnd.random() < skill else rnd.choice(("1", "0")) for i in range(1, 10)}
        values["comment"] = rnd.choice(("", "", "", "Cán bộ hướng dẫn tận tình.", "Thời gian chờ hơi lâu."))
        pool.append(checked(version.definition, fill_answers(version.definition, rnd, values)))
    return pool


def _kpi_pool(version: Version, districts: list[Any], rnd: random.Random) -> list[Any]:
    from formplatform.reporting.demo import _kpi_data

    pool = []
    for step in range(24):
        for agency in districts:
            end = date(2025 + step // 12, step % 12 + 1, 14)
            figures = _kpi_data(version.definition, agency, step, end)  # the demo's own plausible KPI figures
            pool.append((agency.id, checked(version.definition, fill_answers(version.definition, rnd, figures))))
    return pool


def load_reference(now: datetime) -> Reference:
    """Read the demo city, forms and campaigns (inside an app context) and precompute answer pools."""
    from formplatform.accounts.models import User
    from formplatform.agencies.models import Agency
    from formplatform.models import Form, FormVersion
    from formplatform.reporting.models import Campaign, Report
    from formplatform.satisfaction.questionnaire import version_in_force

    rnd = random.Random(2026)
    agencies = {a.id: _namespace_agency(a) for a in Agency.objects.order_by("code")}
    rated = [a for a in agencies.values() if a.type in RATED_TYPES]
    users = {
        u.username: SimpleNamespace(id=u.id, username=u.username, agency_id=u.agency_id)
        for u in User.objects(username__in=["admin", "demo.thamdinh", "demo.chuyenvien", "demo.chuyenvien3"])
    }
    password_hash = User.objects(username="demo.xem").first().password_hash
    versions: dict[tuple[str, int], Version] = {}
    for form in Form.objects(id__in=["dossier-satisfaction", "kpi-monthly", "cchc-report"]):
        for v in FormVersion.objects(form_key=form.id):
            versions[(form.id, v.number)] = Version(form.id, v.number, v.hash, dict(v.definition))
    months = {}
    day = date(now.year - 11, 1, 1)
    while day <= now.date():
        months[f"{day.year}-{day.month:02d}"] = version_in_force(day).number
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    campaigns = [c.to_mongo().to_dict() for c in Campaign.objects.order_by("form_key")]
    keys = {
        (r.campaign_id, r.period_key, r.agency_id)
        for r in Report.objects.only("campaign_id", "period_key", "agency_id")
    }
    districts = [a for a in agencies.values() if a.type == "district"]
    kpi_latest = max(n for k, n in versions if k == "kpi-monthly")
    return Reference(
        now=now,
        agencies=agencies,
        types={a.id: a.type for a in agencies.values()},
        profiles=[Profile(agency, index, rnd) for index, agency in enumerate(rated)],
        users=users,
        password_hash=password_hash,
        versions=versions,
        satisfaction_by_month=months,
        satisfaction_pool={
            n: _satisfaction_pool(v, rnd) for (k, n), v in versions.items() if k == "dossier-satisfaction"
        },
        kpi_pool=_kpi_pool(versions[("kpi-monthly", kpi_latest)], districts, rnd),
        campaigns=campaigns,
        report_keys=keys,
        onestop=SimpleNamespace(id=hex_id(rnd), name="Hệ thống thông tin giải quyết TTHC Thành phố", agency_id=""),
        extra={"kpi_version": kpi_latest},
    )
