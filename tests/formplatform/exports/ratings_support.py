"""Ratings stored through the live intake across two questionnaire versions, for the ratings export tests.

The library's v2 is in force first; then a v3 is published for the tests that moves criterion 2 before
criterion 1 and rewords criterion 1 (same concepts), and replaces criterion 9 by a new criterion
(`satisfaction.c10`, same points): its column is empty for v2 ratings, criterion 9's is empty for v3's.

Ratings, in capture order (the export's order):
- r1: Bến Nghé ward, v2, web, all 2 points, very satisfied; captured 3 days before it was stored (kiosk outbox)
- r2: District 1, v2, QR, all 1 point, satisfied (first from its address)
- r3: District 1, v2, QR, all 0 points, not satisfied: flagged (second from the same address)
- r4: District 1, v2, QR, flagged then rejected by a reviewer
- r5: District 3, v2, web (another district)
- r6: Bến Nghé ward, v3, web, every criterion 2 points, very satisfied
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from tests.fixtures.definitions import t
from tests.fixtures.satisfaction import answers, make_dossier

C1_V3 = t("1. Thời gian giải quyết hồ sơ so với quy định", "1. Time to settle the dossier against the legal limit")
C10 = t("9. Chất lượng dịch vụ công trực tuyến", "9. Quality of the online public service")


def version_three() -> dict[str, Any]:
    from form_definitions.library import library_definition
    from formplatform.models import utcnow

    definition = copy.deepcopy(library_definition("dossier-satisfaction", 2))
    definition["meta"]["effective_from"] = (utcnow() - timedelta(days=1)).date().isoformat()
    section = next(f for f in definition["fields"] if f.get("name") == "criteria")
    fields = section["fields"]
    fields[0]["label"] = C1_V3
    fields[0], fields[1] = fields[1], fields[0]
    fields[8] = {**fields[8], "name": "c10", "concept": "satisfaction.c10", "label": C10}
    return definition


def publish_version_three(city: Any) -> None:
    from formplatform.services.forms import publish_form, save_draft

    save_draft("dossier-satisfaction", version_three(), None, owner_agency_id=city.id("home_affairs"))
    publish_form("dossier-satisfaction", None, confirm_breaking=True)


def store_ratings(app: Any, city: Any) -> dict[str, str]:
    """The six ratings above through submit_rating (and review_rating); their dossier codes by name."""
    from formplatform.models import utcnow
    from formplatform.satisfaction.ratings import review_rating, submit_rating

    codes: dict[str, str] = {}
    saved = app.config["RATING_ADDRESS_FLAG"]
    app.config["RATING_ADDRESS_FLAG"] = 1  # the second rating a day from one address is flagged
    try:
        with app.test_request_context():
            plan = [
                ("r1", "d1_ward", answers(2, "very_satisfied"), {"channel": "web"}),
                ("r2", "d1", answers(1, "satisfied"), {"channel": "qr", "ip": "10.1.1.1"}),
                ("r3", "d1", answers(0, "not_satisfied"), {"channel": "qr", "ip": "10.1.1.1"}),
                ("r4", "d1", answers(2, "satisfied"), {"channel": "qr", "ip": "10.1.1.1"}),
                ("r5", "d3", answers(1, "satisfied"), {"channel": "web"}),
            ]
            for seq, (name, agency, given, origin) in enumerate(plan, start=1):
                dossier = make_dossier(city, agency, seq=seq)
                if name == "r1":
                    origin = {**origin, "captured_at": utcnow() - timedelta(days=3)}
                submit_rating(dossier.id, given, **origin)
                codes[name] = dossier.id
            review_rating(f"{codes['r4']}|dossier", "reject", city.users["thamdinh"])
            publish_version_three(city)
            dossier = make_dossier(city, "d1_ward", seq=6)
            v3_answers = {**answers(2, "very_satisfied"), "c10": "2"}
            del v3_answers["c9"]
            submit_rating(dossier.id, v3_answers, channel="web")
            codes["r6"] = dossier.id
    finally:
        app.config["RATING_ADDRESS_FLAG"] = saved
    return codes
