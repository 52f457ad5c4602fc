"""Agency services: the tree stays consistent, bad input is refused by field, and every change is audited."""

from __future__ import annotations

from datetime import datetime

import pytest

from formplatform.errors import Conflict, Invalid

NAME = {"vi": "Sở Văn hóa và Thể thao", "en": "Department of Culture and Sports"}
CONTACT = {"name": "Nguyễn Văn An", "position": "Chuyên viên", "phone": "028 3829 6052", "email": "an@tphcm.example"}


def problems(error: pytest.ExceptionInfo) -> set[tuple[str, str]]:
    return {(p.path, p.code) for p in error.value.problems}


def events(action: str) -> list:
    from formplatform.audit.models import AuditEvent

    return list(AuditEvent.objects(action=action).order_by("at"))


def test_create_agency_places_it_under_its_parent_and_is_audited(app, city):
    from formplatform.agencies.services import create_agency

    with app.app_context():
        actor = city.users["quantri"]
        agency = create_agency(" 000.00.21.h29 ", NAME, "department", city.id("city"), actor)
        assert agency.code == "000.00.21.H29" and agency.ancestors == [city.id("city")]
        assert agency.parent_id == city.id("city") and agency.active
        (event,) = events("agency.create")
        assert event.actor_id == actor.id and event.target_id == agency.id
        assert event.after["code"] == "000.00.21.H29" and event.after["name"] == NAME and event.before == {}


def test_an_agency_code_is_unique(app, city):
    from formplatform.agencies.models import Agency
    from formplatform.agencies.services import create_agency, update_agency

    with app.app_context():
        with pytest.raises(Conflict) as taken:
            create_agency("000.00.12.h29", NAME, "department", city.id("city"), None)
        assert taken.value.code == "agency_code_taken" and taken.value.status == 409
        with pytest.raises(Conflict):
            update_agency(city.agencies["d3"], {"code": "000.00.31.H29"}, None)
        assert Agency.objects(code="000.00.33.H29").count() == 1


def test_bad_fields_are_reported_by_field(app, city):
    from formplatform.agencies.services import create_agency

    with app.app_context():
        with pytest.raises(Invalid) as error:
            create_agency("H29", {"vi": " ", "en": "x" * 201}, "province", None, None)
        assert problems(error) == {
            ("code", "agency_code_format"),
            ("name.vi", "required"),
            ("name.en", "too_long"),
            ("type", "not_an_option"),
            ("parent_id", "required"),
        }
        with pytest.raises(Invalid) as error:
            create_agency("000.00.40.H29", NAME, "department", "no-such-agency", None)
        assert problems(error) == {("parent_id", "not_an_option")}


def test_types_must_fit_the_tree(app, city):
    from formplatform.agencies.services import create_agency, update_agency

    with app.app_context():
        with pytest.raises(Invalid) as error:
            create_agency("000.40.12.H29", NAME, "ward", city.id("justice"), None)
        assert problems(error) == {("parent_id", "agency_parent_type")}
        with pytest.raises(Invalid) as error:
            create_agency("000.00.99.H29", NAME, "city", None, None)
        assert problems(error) == {("type", "agency_city_root_only")}
        with pytest.raises(Invalid) as error:  # District 1 has a ward, which cannot sit under a department
            update_agency(city.agencies["d1"], {"type": "department"}, None)
        assert problems(error) == {("type", "agency_children_type")}
        assert update_agency(city.agencies["d3_ward"], {"type": "division"}, None).type == "division"


def test_moving_an_agency_rewrites_the_ancestors_of_its_whole_subtree(app, city):
    from formplatform.agencies.models import Agency
    from formplatform.agencies.services import create_agency, update_agency

    with app.app_context():
        office = create_agency("000.50.12.H29", NAME, "division", city.id("justice"), None)
        team = create_agency("000.51.12.H29", NAME, "division", office.id, None)
        leaf = create_agency("000.52.12.H29", NAME, "division", team.id, None)
        assert leaf.ancestors == [city.id("city"), city.id("justice"), office.id, team.id]
        update_agency(office, {"parent_id": city.id("d1")}, city.users["quantri"])
        assert Agency.objects(id=office.id).first().ancestors == [city.id("city"), city.id("d1")]
        assert Agency.objects(id=team.id).first().ancestors == [city.id("city"), city.id("d1"), office.id]
        assert Agency.objects(id=leaf.id).first().ancestors == [city.id("city"), city.id("d1"), office.id, team.id]
        subtree = {a.id for a in Agency.objects(__raw__=Agency.subtree_query(city.id("d1")))}
        assert {office.id, team.id, leaf.id} <= subtree
        (event,) = events("agency.update")
        assert event.before["parent_id"] == city.id("justice") and event.after["parent_id"] == city.id("d1")


def test_an_agency_cannot_move_under_itself_or_its_descendants(app, city):
    from formplatform.agencies.models import Agency
    from formplatform.agencies.services import create_agency, update_agency

    with app.app_context():
        office = create_agency("000.50.12.H29", NAME, "division", city.id("justice"), None)
        team = create_agency("000.51.12.H29", NAME, "division", office.id, None)
        for target in (office.id, team.id):
            with pytest.raises(Invalid) as error:
                update_agency(office, {"parent_id": target}, None)
            assert problems(error) == {("parent_id", "agency_parent_cycle")}
        assert Agency.objects(id=office.id).first().parent_id == city.id("justice")
        assert events("agency.update") == []


def test_unchanged_values_record_nothing(app, city):
    from formplatform.agencies.services import update_agency

    with app.app_context():
        agency = city.agencies["d1"]
        update_agency(agency, {"code": agency.code, "name": dict(agency.name), "parent_id": agency.parent_id}, None)
        assert events("agency.update") == []


def test_deactivation_waits_for_active_units_and_open_accounts(app, city):
    from formplatform.accounts.models import User
    from formplatform.agencies.services import set_agency_active, status_blockers

    with app.app_context():
        actor = city.users["quantri"]
        for short, code in (("city", "agency_is_root"), ("d3", "agency_has_active_children")):
            with pytest.raises(Conflict) as refused:
                set_agency_active(city.agencies[short], False, actor)
            assert refused.value.code == code
        assert status_blockers(city.agencies["d1_division"], False) == ["agency_has_open_accounts"]
        User.objects(username="tp_q1").update_one(set__status="closed")
        assert set_agency_active(city.agencies["d1_division"], False, actor).active is False
        ward = set_agency_active(city.agencies["d3_ward"], False, actor)
        (event,) = [e for e in events("agency.deactivate") if e.target_id == ward.id]
        assert event.before["active"] is True and event.after["active"] is False
        assert status_blockers(city.agencies["d3"], False) == ["agency_has_open_accounts"]  # cv_q3 works there


def test_activation_needs_an_active_parent(app, city):
    from formplatform.agencies.services import create_agency, set_agency_active

    with app.app_context():
        office = create_agency("000.50.12.H29", NAME, "division", city.id("justice"), None)
        team = create_agency("000.51.12.H29", NAME, "division", office.id, None)
        set_agency_active(team, False, None)
        set_agency_active(office, False, None)
        with pytest.raises(Conflict) as refused:
            set_agency_active(team, True, None)
        assert refused.value.code == "agency_parent_inactive"
        with pytest.raises(Invalid) as error:
            create_agency("000.52.12.H29", NAME, "division", office.id, None)
        assert problems(error) == {("parent_id", "agency_parent_inactive")}
        assert set_agency_active(office, True, None).active and set_agency_active(team, True, None).active
        assert len(events("agency.activate")) == 2


def test_contact_is_validated_normalized_and_audited(app, city):
    from formplatform.agencies.services import update_contact

    with app.app_context():
        agency = update_contact(city.agencies["d1"], CONTACT, city.users["cv_q1"])
        assert agency.contact == {**CONTACT, "phone": "02838296052"}
        assert isinstance(agency.updated_at, datetime) and agency.updated_at >= agency.created_at
        assert update_contact(agency, {**CONTACT, "phone": "+84 90 123 4567"}, None).contact["phone"] == "+84901234567"
        first, second = events("agency.contact_update")
        assert first.actor_id == city.users["cv_q1"].id and first.before == {"contact": {}}
        assert first.after["contact"]["phone"] == "02838296052"
        assert second.before["contact"]["phone"] == "02838296052" and second.after["contact"]["phone"] == "+84901234567"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"phone": "12345"}, ("phone", "phone_format")),
        ({"phone": "0283829605212"}, ("phone", "phone_format")),
        ({"phone": "+8428382960"}, ("phone", "phone_format")),
        ({"phone": "028382960"}, ("phone", "phone_format")),
        ({"email": "an@tphcm"}, ("email", "email_format")),
        ({"email": "a n@tphcm.example"}, ("email", "email_format")),
        ({"name": "  "}, ("name", "required")),
        ({"name": 5}, ("name", "type")),
        ({"position": "x" * 201}, ("position", "too_long")),
    ],
)
def test_a_bad_contact_is_refused_by_field(app, city, change, expected):
    from formplatform.agencies.models import Agency
    from formplatform.agencies.services import update_contact

    with app.app_context():
        with pytest.raises(Invalid) as error:
            update_contact(city.agencies["d1"], {**CONTACT, **change}, None)
        assert problems(error) == {expected}
        assert Agency.objects(id=city.id("d1")).first().contact == {}


def test_agency_tree_lists_subtrees_in_order_with_depth(app, city):
    from formplatform.agencies.services import agency_tree

    with app.app_context():
        rows = [(r.agency.code, r.depth) for r in agency_tree([city.id("city")])]
        assert rows == [
            ("000.00.00.H29", 0),
            ("000.00.08.H29", 1),
            ("000.00.12.H29", 1),
            ("000.00.31.H29", 1),
            ("000.01.31.H29", 2),
            ("000.31.31.H29", 2),
            ("000.00.33.H29", 1),
            ("000.33.33.H29", 2),
        ]
        d1 = [(r.agency.code, r.depth) for r in agency_tree([city.id("d1")])]
        assert d1 == [("000.00.31.H29", 0), ("000.01.31.H29", 1), ("000.31.31.H29", 1)]


def test_search_ignores_case_and_diacritics_and_respects_the_scope(app, city):
    from formplatform.agencies.services import search_agencies

    def codes(term, scope=None, kind=None):
        return [a.code for a in search_agencies(term, scope, kind)]

    with app.app_context():
        assert codes("quan 1") == ["000.00.31.H29", "000.01.31.H29"]
        assert codes("PHƯỜNG võ thi sau") == ["000.33.33.H29"]
        assert codes("ben nghe ward") == ["000.31.31.H29"]
        assert codes("000.00.3") == ["000.00.31.H29", "000.00.33.H29"]
        assert codes("000a00") == [] and codes("(.*") == []
        assert codes("", None, "ward") == ["000.31.31.H29", "000.33.33.H29"]
        d1_only = {"_id": {"$in": [city.id("d1"), city.id("d1_ward")]}}
        assert codes("ubnd", d1_only) == ["000.00.31.H29", "000.31.31.H29"]
        assert codes("ubnd", d1_only, "ward") == ["000.31.31.H29"]
