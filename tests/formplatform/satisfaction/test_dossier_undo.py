"""A dossier batch that fails while being written leaves nothing half-imported: its inserts are removed
and its updates restored, whichever row failed."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.errors import AutoReconnect

from tests.formplatform.satisfaction.test_dossier_intake import D1_WARD, row, rows_of


def snapshot() -> dict[str, dict[str, Any]]:
    from formplatform.satisfaction.models import Dossier

    return {d["_id"]: d for d in Dossier.objects.as_pymongo()}


def fail_on_call(monkeypatch: Any, module: Any, name: str, nth: int) -> None:
    """Let `module.name` work until its nth call, which fails as a lost connection would."""
    real = getattr(module, name)
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == nth:
            raise AutoReconnect("connection lost")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, flaky)


@pytest.fixture
def stored(app, city):
    """Two dossiers already stored, processing; the batches below update them and add two more."""
    from formplatform.satisfaction.dossiers import save_dossiers

    with app.test_request_context():
        save_dossiers(rows_of(row(1), row(2)), city.users["cv_q1"], "api")
    return snapshot()


def batch() -> list[Any]:
    finished = {"status": "returned", "finished_at": "2026-11-12T10:00"}
    return rows_of(row(1, **finished), row(2, **finished), row(3), row(4))


@pytest.mark.parametrize("nth", [1, 2])
def test_a_failure_on_an_update_undoes_the_inserts_and_earlier_updates(app, city, stored, monkeypatch, nth):
    from formplatform.satisfaction import dossier_writes
    from formplatform.satisfaction.dossiers import save_dossiers

    fail_on_call(monkeypatch, dossier_writes, "pending_changes", nth)  # the nth stored dossier's update fails
    with app.test_request_context(), pytest.raises(AutoReconnect):
        save_dossiers(batch(), city.users["cv_q1"], "import")
    assert snapshot() == stored  # both new dossiers gone, the updated one exactly as before


def test_a_failure_on_an_insert_removes_the_earlier_inserts(app, city, stored, monkeypatch):
    from formplatform.satisfaction import dossier_writes
    from formplatform.satisfaction.dossiers import save_dossiers

    fail_on_call(monkeypatch, dossier_writes, "new_dossier", 2)
    with app.test_request_context(), pytest.raises(AutoReconnect):
        save_dossiers(batch(), city.users["cv_q1"], "import")
    assert snapshot() == stored


def test_a_conflict_late_in_the_batch_undoes_everything_before_it(app, city, stored):
    from formplatform.errors import Conflict
    from formplatform.satisfaction.dossier_input import DossierData
    from formplatform.satisfaction.dossier_writes import new_dossier, write_batch
    from formplatform.satisfaction.models import Dossier

    with app.test_request_context():
        plan = plan_of(batch(), city)
        current = {code: Dossier.objects.get(id=code) for code in stored}
        # another system registers dossier 4 under District 3's ward while this batch is being written
        received = current[f"{D1_WARD}-261110-0001"].received_at
        intruder = DossierData(f"{D1_WARD}-261110-0004", city.agencies["d3_ward"], "received", received)
        new_dossier(intruder, city.users["cv_q3"], "api").save(force_insert=True)
        before = snapshot()
        with pytest.raises(Conflict) as refused:
            write_batch(plan, current, city.users["cv_q1"], "import")
    assert refused.value.code == "dossier_conflict"
    assert snapshot() == before


def plan_of(rows: list[Any], city: Any) -> list[Any]:
    from formplatform.satisfaction.dossiers import plan_dossiers

    problems, plan = plan_dossiers(rows, city.users["cv_q1"])
    assert problems == []
    return plan


def test_an_undo_never_overwrites_a_later_change_by_someone_else(app, city, stored):
    from formplatform.satisfaction.dossier_writes import Journal, apply_update, undo_batch
    from formplatform.satisfaction.models import Dossier

    code = f"{D1_WARD}-261110-0001"
    with app.test_request_context():
        journal = Journal()
        [data] = plan_of(rows_of(row(1, status="finished")), city)
        assert apply_update(data, city.users["cv_q1"], journal=journal)
        [later] = plan_of(rows_of(row(1, status="returned")), city)
        assert apply_update(later, city.users["cv_q1"])  # another import moved it on since
        undo_batch(journal)
    assert Dossier.objects.get(id=code).status == "returned"
