from __future__ import annotations

from form_definitions.merge import merge_fields
from form_definitions.versions import assign_concepts, content_hash, diff_definitions
from tests.fixtures.definitions import sample_v1, sample_v2, sample_v3, t


def published(*definitions):
    """Assign concepts the way publishing does, version after version."""
    result, previous = [], None
    for number, definition in enumerate(definitions, start=1):
        previous = assign_concepts(definition, previous, number)
        result.append(previous)
    return result


def test_hash_is_stable_and_content_sensitive():
    assert content_hash(sample_v1()) == content_hash(sample_v1())
    assert content_hash(sample_v1()) != content_hash(sample_v2())


def test_relabel_and_new_option_are_compatible_and_keep_the_concept():
    v1, v2 = published(sample_v1(), sample_v2())
    diff = diff_definitions(v1, v2)
    assert not diff.breaking
    [change] = diff.changes
    assert change.name == "level" and change.concept == "sample-report.level" and change.concept_status == "kept"
    assert "option_added" in change.reasons


def test_removed_option_and_removed_field_are_breaking():
    v1, v2, v3 = published(sample_v1(), sample_v2(), sample_v3())
    diff = diff_definitions(v2, v3)
    assert diff.breaking
    by_name = {c.name: c for c in diff.changes}
    assert by_name["quality"].kind == "removed" and by_name["quality"].breaking
    assert "option_removed" in by_name["level"].reasons and by_name["level"].breaking
    assert v3["fields"][0]["fields"][2]["concept"] == "sample-report.level.v3"


def test_type_change_and_new_required_field_are_breaking():
    v1 = published(sample_v1())[0]
    changed = sample_v1()
    changed["fields"][0]["fields"][1]["type"] = "decimal"
    changed["fields"].append({"type": "text", "name": "phone_note", "label": t("Ghi chú", "Note"), "required": True})
    v2 = assign_concepts(changed, v1, 2)
    by_name = {c.name: c for c in diff_definitions(v1, v2).changes}
    assert by_name["staff"].breaking and "type_changed" in by_name["staff"].reasons
    assert by_name["staff"].concept == "sample-report.staff.v2" and by_name["staff"].concept_status == "new"
    assert by_name["phone_note"].kind == "added" and by_name["phone_note"].breaking


def test_rename_with_same_concept_is_a_compatible_change():
    v1 = published(sample_v1())[0]
    renamed = sample_v1()
    renamed["fields"][0]["fields"][0].update(name="agency_name", concept="sample-report.agency")
    renamed["fields"][0]["fields"][0]["label"] = t("Tên cơ quan", "Agency name")
    diff = diff_definitions(v1, assign_concepts(renamed, v1, 2))
    [change] = diff.changes
    assert change.kind == "changed" and change.old_name == "agency" and not change.breaking


def test_first_version_lists_every_field_as_added():
    v1 = published(sample_v1())[0]
    diff = diff_definitions(None, v1)
    assert {c.kind for c in diff.changes} == {"added"}


def test_merge_aligns_by_concept_keeps_old_only_fields_and_newest_labels():
    v1, v2, v3 = published(sample_v1(), sample_v2(), sample_v3())
    merged = {m.concept: m for m in merge_fields({1: v1, 2: v2, 3: v3})}
    assert merged["sample-report.quality"].names == {1: "quality", 2: "quality"}
    assert merged["sample-report.level"].label["en"] == "Administrative level"
    assert merged["sample-report.level"].options["ward"]["en"] == "Ward"
    assert merged["sample-report.level.v3"].names == {3: "level"}
    order = [m.concept for m in merge_fields({1: v1, 2: v2, 3: v3})]
    assert order.index("sample-report.quality") > order.index("sample-report.staff_x2")


def test_relabelled_option_shows_in_the_diff_as_compatible():
    v1 = published(sample_v1())[0]
    relabelled = sample_v1()
    relabelled["fields"][2]["options"][0]["label"] = t("Rất tốt", "Very good")
    [change] = diff_definitions(v1, assign_concepts(relabelled, v1, 2)).changes
    assert change.name == "quality" and change.reasons == ["option_relabelled"] and not change.breaking
