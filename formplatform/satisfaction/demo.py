"""Demo satisfaction data: a year of ratings for the demo city, plus dossiers waiting to be rated.

The year of ratings is loaded the way `bench/rankings.py` loads a million: ratings inserted in bulk
and their roll-ups written with the same increments live intake uses. Dossiers `…-261102-0001` to
`-0005` of each demo ward are finished and unrated, for trying the kiosk and the QR pages (README).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from formplatform.agencies.models import Agency
from formplatform.errors import NotFound
from formplatform.models import utcnow
from formplatform.satisfaction.models import Dossier, Rating
from formplatform.satisfaction.questionnaire import criteria, version_in_force
from formplatform.satisfaction.rollups import mark_layout, merge_increments, rating_increments, write_increments

RATED_TYPES = ("department", "district", "ward")
TRY_DAY = datetime(2026, 11, 2, 8, 30)
PROCEDURES = (
    ("1.001193", {"vi": "Đăng ký khai sinh", "en": "Birth registration"}, {"vi": "Hộ tịch", "en": "Civil status"}),
    (
        "1.000894",
        {"vi": "Chứng thực bản sao từ bản chính", "en": "Certifying copies"},
        {"vi": "Chứng thực", "en": "Certification"},
    ),
    (
        "1.001612",
        {"vi": "Đăng ký hộ kinh doanh", "en": "Household business registration"},
        {"vi": "Kinh doanh", "en": "Business"},
    ),
)
OFFICIALS = (("Nguyễn Thị Thu", "Trần Văn Tâm"), ("Lê Hoàng Anh", "Phạm Thị Mai"), ("Võ Minh Đức", "Đặng Thu Hà"))


def seed_demo_satisfaction(ratings_per_agency: int = 120) -> int:
    """Dossiers and a year of ratings for each demo agency, once; returns the ratings added."""
    agencies = list(Agency.objects(type__in=list(RATED_TYPES), active=True).order_by("code"))
    for agency in agencies:
        if agency.type == "ward":
            _dossiers_to_try(agency)
    if not agencies or Rating.exists_for(f"DEMO-{agencies[0].code}-00000"):
        return 0  # loaded before
    try:
        version = version_in_force(utcnow().date())
    except NotFound:
        return 0  # the questionnaire is not published (library not seeded)
    slugs = [c["slug"] for c in criteria(version.definition)]
    types = {a.id: a.type for a in Agency.objects.only("id", "type")}
    generator = random.Random(2026)
    ratings: list[dict[str, Any]] = []
    for index, agency in enumerate(agencies):
        skill = 0.55 + 0.4 * ((index * 7) % len(agencies)) / max(len(agencies), 1)
        ratings += [_rating(agency, n, skill, version, slugs, generator) for n in range(ratings_per_agency)]
    Rating._get_collection().insert_many(ratings, ordered=False)
    increments = []
    for rating in ratings:
        increments += rating_increments(rating, types)
    write_increments(merge_increments(increments))
    mark_layout()
    return len(ratings)


def _dossiers_to_try(agency: Agency) -> None:
    for seq in range(1, 6):
        code = f"{agency.code}-{TRY_DAY:%y%m%d}-{seq:04d}"
        if Dossier.objects(id=code).only("id").first() is not None:  # never count(): it reads every dossier
            continue
        procedure, name, field = PROCEDURES[seq % len(PROCEDURES)]
        receiver, processor = OFFICIALS[seq % len(OFFICIALS)]
        Dossier(
            id=code,
            agency_id=agency.id,
            procedure_code=procedure,
            procedure_name=name,
            field_name=field,
            officials={
                "receive": {"id": f"tn{seq % 3}", "name": receiver},
                "process": {"id": f"xl{seq % 3}", "name": processor},
                "return": {"id": f"tn{seq % 3}", "name": receiver},
            },
            applicant="Nguyễn Văn An",
            received_at=TRY_DAY,
            due_at=TRY_DAY + timedelta(days=7),
            finished_at=TRY_DAY + timedelta(days=5),
            status="returned",
            history=[{"status": "received", "at": TRY_DAY}, {"status": "returned", "at": TRY_DAY + timedelta(days=5)}],
            source="demo",
        ).save(force_insert=True)


STAGE_IDS = {"receive": "tn", "process": "xl", "return": "tn"}


def _rating(agency: Agency, n: int, skill: float, version: Any, slugs: list[str], rnd: random.Random) -> dict[str, Any]:
    """One plausible rating: criteria at 2 with probability `skill`, overall following the points."""
    points = {slug: 2 if rnd.random() < skill else rnd.choice((1, 1, 0)) for slug in slugs}
    total = sum(points.values())
    overall = "very_satisfied" if total >= 16 else "satisfied" if total >= 11 else "not_satisfied"
    band = next((b["key"] for b in version.definition["scoring"]["bands"] if total >= b["min"]), "")
    created = utcnow() - timedelta(days=rnd.randrange(365), minutes=rnd.randrange(600))
    procedure, name, _field = PROCEDURES[n % len(PROCEDURES)]
    receiver, processor = OFFICIALS[n % len(OFFICIALS)]
    code = f"DEMO-{agency.code}-{n:05d}"
    return {
        "_id": Rating.make_id(code),
        "dossier_code": code,
        "stage": "dossier",
        "agency_id": agency.id,
        "lineage": [*agency.ancestors, agency.id],
        "procedure_code": procedure,
        # an official's id is unique in the city (a district lists its wards' officials beside its own)
        "officials": {stage: f"{agency.code}-{who}{n % 3}" for stage, who in STAGE_IDS.items()},
        "names": {"receive": receiver, "process": processor, "return": receiver, "procedure": name},
        "form_key": version.form_key,
        "version": version.number,
        "version_hash": version.hash,
        "data": {},
        "points": points,
        "total": float(total),
        "max": 18.0,
        "overall": overall,
        "band": band,
        "channel": "api",
        "locale": "vi",
        "status": "counted",
        "flags": [],
        "rolled_up": True,
        "created_at": created,
    }
