"""Shared set-up of the designer page tests: forms owned by Sở Nội vụ, designers and tokens."""

from __future__ import annotations

from typing import Any

from tests.conftest import bearer, csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.fixtures.definitions import sample_v1, sample_v2, sample_v3, valid_answers

KEY = "sample-report"
VERSIONS = {1: sample_v1, 2: sample_v2, 3: sample_v3}


def make_form(app: Any, city: Any, *versions: int, key: str = KEY, draft: int | None = None) -> None:
    """A Sở Nội vụ form with the given sample versions published (and optionally a later draft)."""
    from formplatform.services.forms import publish_form, save_draft

    with app.app_context():
        for number in versions:
            save_draft(key, VERSIONS[number](key), None, owner_agency_id=city.id("home_affairs"))
            publish_form(key, None, confirm_breaking=True)
        if draft is not None:
            save_draft(key, VERSIONS[draft](key), None, owner_agency_id=city.id("home_affairs"))


def submit(app: Any, city: Any, version: int, times: int = 1, key: str = KEY, without: str = "") -> None:
    """File `times` reports against `version` as the District 1 specialist (leaving out field `without`),
    then let the scheduler's tallying pass add them to their version's count."""
    from formplatform.models import utcnow
    from formplatform.services.submissions import submit_form
    from formplatform.services.tallies import tally_waiting

    answers = {name: value for name, value in valid_answers().items() if name != without}
    with app.app_context():
        for _ in range(times):
            submit_form(key, answers, version=version, actor=city.users["cv_q1"])
        tally_waiting(utcnow())


def designer_session(client: Any, username: str = "thietke") -> str:
    """Log the designer in; returns a CSRF token for page writes."""
    log_in(client, username, CITY_PASSWORD)
    return csrf_token(client, "/admin/forms")


def token(client: Any, username: str = "thietke") -> dict[str, str]:
    """A bearer token, asked for by a fresh client (a logged-in session would need a CSRF header)."""
    return bearer(client.application.test_client(), username, CITY_PASSWORD)


def events(action: str) -> list[Any]:
    from formplatform.audit.models import AuditEvent

    return list(AuditEvent.objects(action=action))
