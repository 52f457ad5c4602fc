"""A version's submission count is added by the scheduler's tallying pass, exactly once per submission,
however a pass ends: finished, died half-way and finished by the next, or two passes at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.fixtures.satisfaction import answers

FORM = "dossier-satisfaction"


def submit(app: Any, count: int) -> str:
    """`count` public submissions through the service; the id of the version they pin."""
    from formplatform.services.submissions import submit_form

    with app.test_request_context():
        stored = [submit_form(FORM, answers(n % 3), source="api") for n in range(count)]
    return f"{FORM}@{stored[-1].version}"


def counts(app: Any, version_id: str) -> int:
    from formplatform.services.tallies import submission_counts

    with app.app_context():
        return submission_counts([version_id]).get(version_id, 0)


def run_pass(app: Any, after: float = 0) -> int:
    from formplatform.models import utcnow
    from formplatform.services.tallies import tally_waiting

    with app.app_context():
        return tally_waiting(utcnow() + timedelta(seconds=after))


def test_waiting_submissions_are_counted_once_and_shown_with_the_versions(app, client, seeded):
    version_id = submit(app, 4)
    assert counts(app, version_id) == 0  # stored, not yet tallied
    assert run_pass(app) == 4
    assert counts(app, version_id) == 4
    assert run_pass(app) == 0 and counts(app, version_id) == 4
    submit(app, 2)
    assert run_pass(app) == 2 and counts(app, version_id) == 6
    form = client.get(f"/api/v1/forms/{FORM}").get_json()
    shown = {v["number"]: v["submission_count"] for v in form["versions"]}
    assert shown[int(version_id.split("@")[1])] == 6


@pytest.mark.parametrize("dies_in", ["_add", "update_many"])
def test_a_pass_that_died_is_finished_by_a_later_one_without_counting_twice(app, seeded, monkeypatch, dies_in):
    from formplatform.models import Submission, TallyPass
    from formplatform.services import tallies

    version_id = submit(app, 5)
    if dies_in == "_add":  # claimed the submissions, then died before adding them

        def die(claim: str) -> int:
            raise RuntimeError("the process was killed")

        monkeypatch.setattr(tallies, "_add", die)
    else:  # added them, then died before clearing their marks
        real_add = tallies._add

        def add_then_die(claim: str) -> int:
            real_add(claim)
            raise RuntimeError("the process was killed")

        monkeypatch.setattr(tallies, "_add", add_then_die)
    with pytest.raises(RuntimeError):
        run_pass(app)
    monkeypatch.undo()
    submit(app, 3)  # stored while the dead pass still holds its claim
    assert run_pass(app, after=1) == 0  # a pass under way is left alone...
    assert counts(app, version_id) == (5 if dies_in == "update_many" else 0)
    run_pass(app, after=tallies.CLAIM_SECONDS + 1)  # ...until it is clearly dead: finished, not redone
    assert counts(app, version_id) == 5
    assert run_pass(app, after=tallies.CLAIM_SECONDS + 2) == 3  # then the ones stored meanwhile
    assert counts(app, version_id) == 8
    with app.app_context():
        assert TallyPass.objects.count() == 0
        assert Submission.objects(untallied__exists=True).count() == 0


def test_a_pass_never_adds_a_claim_twice_even_when_two_finish_it(app, seeded):
    """Two processes finishing the same dead pass: each version's tally carries the claim it added."""
    from formplatform.models import utcnow
    from formplatform.services import tallies

    version_id = submit(app, 7)
    with app.app_context():
        claim = tallies._claim(utcnow())
        assert claim is not None
        assert tallies._add(claim) == 7
        assert tallies._add(claim) == 7  # the second finisher sees the same submissions...
    assert counts(app, version_id) == 7  # ...and adds nothing
    assert run_pass(app, after=tallies.CLAIM_SECONDS + 1) == 7
    assert counts(app, version_id) == 7
