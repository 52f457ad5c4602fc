"""Dossier intake from one-stop systems: every row checked first, all or nothing, scoped, updatable."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.conftest import bearer
from tests.fixtures.city import CITY_PASSWORD

D1_WARD = "000.31.31.H29"
D3_WARD = "000.33.33.H29"


def row(seq: int = 1, agency: str = D1_WARD, day: str = "261110", **over: Any) -> dict[str, Any]:
    """A valid API/sheet row of a dossier received on 10/11/2026 (Vietnam time)."""
    return {
        "code": f"{agency}-{day}-{seq:04d}",
        "procedure_code": "1.001234",
        "procedure_name_vi": "Cấp bản sao trích lục hộ tịch",
        "procedure_name_en": "Issuing a copy of a civil-status extract",
        "field_vi": "Hộ tịch",
        "field_en": "Civil status",
        "receive_official_id": "cb.tiepnhan",
        "receive_official_name": "Nguyễn Văn Tiếp",
        "process_official_id": "cb.xuly",
        "process_official_name": "Trần Thị Xử",
        "applicant": "Phạm Minh Khoa",
        "received_at": "2026-11-10T08:30",
        "due_at": "15/11/2026",
        "status": "processing",
        **over,
    }


def rows_of(*items: dict[str, Any]) -> list[Any]:
    from formplatform.satisfaction.dossier_input import rows_from_json

    rows, problems = rows_from_json({"dossiers": list(items)})
    assert problems == []
    return rows


def codes_of(error: Any) -> dict[str, str]:
    return {p.path: p.code for p in error.value.problems}


def test_a_batch_is_stored_with_dates_in_utc_officials_and_history(app, city):
    from formplatform.audit.models import AuditEvent
    from formplatform.satisfaction.dossiers import save_dossiers
    from formplatform.satisfaction.models import Dossier

    with app.test_request_context():
        outcome = save_dossiers(
            rows_of(row(1), row(2, status="finished", finished_at="13/11/2026 16:00")), city.users["cv_q1"], "api"
        )
        assert outcome == {"created": [f"{D1_WARD}-261110-0001", f"{D1_WARD}-261110-0002"], "updated": []}
    first = Dossier.objects.get(id=f"{D1_WARD}-261110-0001")
    assert first.agency_id == city.id("d1_ward") and first.status == "processing"
    assert first.received_at == datetime(2026, 11, 10, 1, 30)  # 08:30 in Ho Chi Minh City
    assert first.due_at == datetime(2026, 11, 14, 17, 0)
    assert first.officials["receive"] == {"id": "cb.tiepnhan", "name": "Nguyễn Văn Tiếp"}
    assert "return" not in first.officials
    assert first.procedure_name == {
        "vi": "Cấp bản sao trích lục hộ tịch",
        "en": "Issuing a copy of a civil-status extract",
    }
    assert [h["status"] for h in first.history] == ["received", "processing"]
    second = Dossier.objects.get(id=f"{D1_WARD}-261110-0002")
    assert second.finished_at == datetime(2026, 11, 13, 9, 0) and second.rateable
    events = list(AuditEvent.objects(action="dossier.import"))
    assert len(events) == 1 and events[0].details["created"] == 2


def test_a_bad_row_in_the_middle_stores_nothing_and_every_problem_is_reported(app, city):
    from formplatform.errors import Invalid
    from formplatform.satisfaction.dossiers import save_dossiers
    from formplatform.satisfaction.models import Dossier

    bad = [
        row(2, received_at="2026-11-11"),  # the code says 10/11
        row(3, code="Q1-2611-1"),
        row(4, status="lost"),
        row(5, due_at="2026-11-01"),
        row(6, received_at="31/02/2026"),
        row(7, agency_code="999.99.99.H29"),
        row(1),  # repeated code
        row(8, receive_official_id="", receive_official_name="Ai đó"),
    ]
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        save_dossiers(rows_of(row(1), *bad, row(9)), city.users["cv_q1"], "api")
    assert codes_of(refused) == {
        "dossiers.1.received_at": "code_date_mismatch",
        "dossiers.2.code": "bad_code",
        "dossiers.3.status": "bad_status",
        "dossiers.4.due_at": "due_before_received",
        "dossiers.5.received_at": "bad_date",
        "dossiers.6.agency_code": "unknown_agency",
        "dossiers.7.code": "duplicate_in_batch",
        "dossiers.8.receive_official_id": "official_id_required",
    }
    assert Dossier.objects.count() == 0


def test_a_known_code_updates_status_dates_and_officials_but_never_its_agency(app, city):
    from formplatform.errors import Invalid
    from formplatform.satisfaction.dossiers import save_dossiers
    from formplatform.satisfaction.models import Dossier

    specialist = city.users["cv_q1"]
    with app.test_request_context():
        save_dossiers(rows_of(row(1), row(2)), specialist, "api")
        update = row(
            1,
            status="returned",
            finished_at="2026-11-12T10:00",
            return_official_id="cb.trakq",
            return_official_name="Lê Văn Trả",
            applicant="",
        )
        outcome = save_dossiers(rows_of(update, row(2), row(3)), specialist, "import")
        assert outcome == {"created": [f"{D1_WARD}-261110-0003"], "updated": [f"{D1_WARD}-261110-0001"]}
        moved = row(2, agency_code="000.00.31.H29")  # the ward's dossier cannot move to the district
        with pytest.raises(Invalid) as refused:
            save_dossiers(rows_of(moved), specialist, "api")
        assert codes_of(refused) == {"dossiers.0.agency_code": "agency_changed"}
    first = Dossier.objects.get(id=f"{D1_WARD}-261110-0001")
    assert first.status == "returned" and first.finished_at == datetime(2026, 11, 12, 3, 0)
    assert first.officials["return"]["name"] == "Lê Văn Trả"
    assert first.applicant == "Phạm Minh Khoa"  # an empty cell keeps what is stored
    assert [h["status"] for h in first.history] == ["received", "processing", "returned"]
    assert Dossier.objects.get(id=f"{D1_WARD}-261110-0002").agency_id == city.id("d1_ward")


def test_a_district_1_specialist_cannot_push_a_district_3_dossier(app, city):
    from formplatform.errors import Invalid
    from formplatform.satisfaction.dossiers import save_dossiers
    from formplatform.satisfaction.models import Dossier

    with app.test_request_context(), pytest.raises(Invalid) as refused:
        save_dossiers(rows_of(row(1), row(1, agency=D3_WARD)), city.users["cv_q1"], "api")
    assert codes_of(refused) == {"dossiers.1.agency_code": "agency_out_of_scope"}
    assert Dossier.objects.count() == 0


def test_status_updates_record_history_once_and_stay_in_scope(app, city):
    from formplatform.errors import NotFound
    from formplatform.satisfaction.dossiers import save_dossiers, update_dossier_status

    with app.test_request_context():
        save_dossiers(rows_of(row(1)), city.users["cv_q1"], "api")
        code = f"{D1_WARD}-261110-0001"
        dossier = update_dossier_status(code, "finished", datetime(2026, 11, 13, 2), city.users["cv_q1"])
        again = update_dossier_status(code, "finished", None, city.users["cv_q1"])
        assert dossier.finished_at == datetime(2026, 11, 13, 2) and again.status == "finished"
        assert [h["status"] for h in again.history] == ["received", "processing", "finished"]
        with pytest.raises(NotFound):
            update_dossier_status(code, "returned", None, city.users["cv_q3"])


def test_lists_are_scoped_searchable_and_newest_first(app, city):
    from formplatform.errors import Forbidden, NotFound
    from formplatform.satisfaction.dossiers import get_dossier, list_dossiers, save_dossiers

    with app.test_request_context():
        save_dossiers(rows_of(row(1), row(2, day="261112", received_at="2026-11-12")), city.users["cv_q1"], "api")
        other = row(1, agency=D3_WARD, procedure_name_vi="Đăng ký khai sinh", procedure_code="1.000001")
        save_dossiers(rows_of(other), city.users["cv_q3"], "api")
        mine = list_dossiers(city.users["xem_q1"]).items
        assert [d.id for d in mine] == [f"{D1_WARD}-261112-0002", f"{D1_WARD}-261110-0001"]

        def found(**filters: str) -> list[str]:
            return [d.id for d in list_dossiers(city.users["quantri"], **filters).items]

        assert len(found()) == 3
        assert found(q="khai sinh") == [f"{D3_WARD}-261110-0001"]
        assert found(q="261112-00") == [f"{D1_WARD}-261112-0002"]
        assert found(q=f"{D1_WARD}-261112-0002") == [f"{D1_WARD}-261112-0002"]  # a whole code: by id
        assert found(q=" 261110-0001 ") == [f"{D3_WARD}-261110-0001", f"{D1_WARD}-261110-0001"]  # short: by ids
        assert [d.id for d in list_dossiers(city.users["xem_q1"], q="261110-0001").items] == [f"{D1_WARD}-261110-0001"]
        assert found(agency=city.id("d3")) == [f"{D3_WARD}-261110-0001"]
        assert found(status="finished") == []
        assert found(q="(.*") == []  # regex characters are literal
        with pytest.raises(NotFound):
            get_dossier(f"{D3_WARD}-261110-0001", city.users["xem_q1"])
        with pytest.raises(Forbidden):
            list_dossiers(city.users["thietke"])


# --- API ---------------------------------------------------------------------------------------------------


def client_token(app, city, agency: str, scopes: tuple[str, ...]) -> dict[str, str]:
    from formplatform.accounts.tokens import issue_integration_token

    with app.test_request_context():
        token, _ = issue_integration_token("Một cửa", list(scopes), city.id(agency), 30, city.users["quantri"])
    return {"Authorization": f"Bearer {token}"}


def test_api_pushes_reads_and_updates_with_an_integration_token(app, client, city):
    headers = client_token(app, city, "d1", ("dossiers:write",))
    created = client.post("/api/v1/dossiers", json={"dossiers": [row(1), row(2)]}, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["created"] == [f"{D1_WARD}-261110-0001", f"{D1_WARD}-261110-0002"]
    single = client.post("/api/v1/dossiers", json=row(1, status="finished"), headers=headers)
    assert single.status_code == 200 and single.get_json()["updated"] == [f"{D1_WARD}-261110-0001"]
    code = f"{D1_WARD}-261110-0002"
    patched = client.patch(
        f"/api/v1/dossiers/{code}", json={"status": "returned", "at": "2026-11-14T09:00"}, headers=headers
    )
    body = patched.get_json()
    assert patched.status_code == 200 and body["status"] == "returned"
    assert body["finished_at"] == "2026-11-14T02:00:00Z" and body["history"][-1]["status"] == "returned"
    assert body["applicant"] == "Phạm Minh Khoa" and body["rating"] is None and body["agency_code"] == D1_WARD
    listing = client.get("/api/v1/dossiers?status=returned", headers=headers).get_json()
    assert len(listing["items"]) == 1 and listing["items"][0]["code"] == code and not listing["has_next"]
    viewer = bearer(client, "xem_q1", CITY_PASSWORD)
    seen = client.get(f"/api/v1/dossiers/{code}", headers=viewer).get_json()
    assert seen["applicant"] == "P. M. K."  # masked for a viewer


def test_api_refuses_wrong_scopes_other_districts_bad_json_and_bad_rows(app, client, city):
    from formplatform.satisfaction.models import Dossier

    reader = client_token(app, city, "d1", ("satisfaction:read",))
    assert client.post("/api/v1/dossiers", json=row(1), headers=reader).status_code == 403
    assert client.post("/api/v1/dossiers", json=row(1)).status_code == 401
    writer = client_token(app, city, "d1", ("dossiers:write",))
    elsewhere = client.post("/api/v1/dossiers", json=row(1, agency=D3_WARD), headers=writer)
    assert elsewhere.status_code == 422
    assert elsewhere.get_json()["error"]["errors"][0]["code"] == "agency_out_of_scope"
    broken = client.post("/api/v1/dossiers", data="{not json", content_type="application/json", headers=writer)
    assert broken.status_code == 400 and broken.get_json()["error"]["code"] == "invalid_json"
    for body in ([row(1)], {"dossiers": []}, {"dossiers": [row(1), "x"]}, {"dossiers": [row(n) for n in range(1001)]}):
        response = client.post("/api/v1/dossiers", json=body, headers=writer)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "dossier_rows_required"
    mixed = client.post(
        "/api/v1/dossiers?lang=en", json={"dossiers": [row(1), row(2, recieved_at="x", status=[1])]}, headers=writer
    )
    errors = {e["path"]: e for e in mixed.get_json()["error"]["errors"]}
    assert mixed.status_code == 422 and set(errors) == {"dossiers.1.recieved_at", "dossiers.1.status"}
    assert errors["dossiers.1.recieved_at"]["message"] == "There is no column recieved_at."
    assert Dossier.objects.count() == 0
    assert (
        client.patch(
            f"/api/v1/dossiers/{D1_WARD}-261110-0001", data="[", content_type="application/json", headers=writer
        ).status_code
        == 400
    )
    assert client.get(f"/api/v1/dossiers/{D3_WARD}-261110-0001", headers=writer).status_code == 404
    assert client.get("/api/v1/dossiers?status=lost", headers=writer).status_code == 400


def test_api_patch_checks_status_and_dates(app, client, city):
    writer = client_token(app, city, "d1", ("dossiers:write",))
    assert client.post("/api/v1/dossiers", json=row(1), headers=writer).status_code == 201
    code = f"{D1_WARD}-261110-0001"
    bad = client.patch(
        f"/api/v1/dossiers/{code}", json={"status": "lost", "due_at": "soon", "owner": "x"}, headers=writer
    )
    assert bad.status_code == 422
    assert {e["path"]: e["code"] for e in bad.get_json()["error"]["errors"]} == {
        "owner": "unknown_column",
        "due_at": "bad_date",
    }
    bad_status = client.patch(f"/api/v1/dossiers/{code}", json={"status": "lost"}, headers=writer)
    assert bad_status.status_code == 422 and bad_status.get_json()["error"]["errors"][0]["code"] == "bad_status"
    early = client.patch(f"/api/v1/dossiers/{code}", json={"due_at": "2026-11-09"}, headers=writer)
    assert early.status_code == 422
    assert client.patch(f"/api/v1/dossiers/{code}", json={"due_at": "2026-11-20"}, headers=writer).status_code == 200


def test_api_patch_moves_a_status_forward_only(app, client, city):
    from formplatform.satisfaction.models import Dossier

    writer = client_token(app, city, "d1", ("dossiers:write",))
    assert client.post("/api/v1/dossiers", json=row(1), headers=writer).status_code == 201
    code = f"{D1_WARD}-261110-0001"

    def move(status: str) -> Any:
        return client.patch(f"/api/v1/dossiers/{code}?lang=vi", json={"status": status}, headers=writer)

    for status in ("processing", "supplement_requested", "processing", "finished", "finished", "returned"):
        assert move(status).status_code == 200, status  # forward, back from a supplement request, or staying
    for status in ("processing", "received", "finished", "supplement_requested", "withdrawn"):
        refused = move(status)
        assert refused.status_code == 409, status
        error = refused.get_json()["error"]
        assert error["code"] == "dossier_status_backwards" and error["message"].startswith("Trạng thái hồ sơ")
        assert error["details"] == {"current": "returned", "requested": status}
    stored = Dossier.objects.get(id=code)
    assert stored.status == "returned" and [h["status"] for h in stored.history][-1] == "returned"


@pytest.mark.parametrize("ended", ["rejected", "withdrawn"])
def test_an_ended_dossier_moves_no_further(app, client, city, ended):
    writer = client_token(app, city, "d1", ("dossiers:write",))
    assert client.post("/api/v1/dossiers", json=row(1), headers=writer).status_code == 201
    code = f"{D1_WARD}-261110-0001"
    assert client.patch(f"/api/v1/dossiers/{code}", json={"status": ended}, headers=writer).status_code == 200
    again = client.patch(f"/api/v1/dossiers/{code}", json={"status": "processing"}, headers=writer)
    assert again.status_code == 409


def test_every_dossier_route_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/dossiers"]) == {"get", "post"} and set(paths["/dossiers/{code}"]) == {"get", "patch"}
    assert paths["/dossiers/{code}"]["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
