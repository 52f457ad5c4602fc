"""The publish diff's verdicts, one behaviour per test: what is compatible, what is breaking and why."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from form_definitions import versions
from form_definitions.versions import (
    Change,
    Diff,
    assign_concepts,
    content_hash,
    diff_definitions,
    field_changes,
    upgrade,
)
from tests.fixtures.definitions import t


def form(*fields: dict[str, Any]) -> dict[str, Any]:
    return {"schema_version": 1, "key": "pinned", "kind": "report", "title": t("Mẫu", "Form"), "fields": list(fields)}


def integer(name: str = "staff", **config: Any) -> dict[str, Any]:
    return {"type": "integer", "name": name, "label": t("Số", "Number"), **config}


def verdict(old_field: dict[str, Any], new_field: dict[str, Any]) -> tuple[bool, list[str]]:
    """The diff's (breaking?, reasons) for one field changed in place (same concept)."""
    old, new = form({**old_field, "concept": "c"}), form({**new_field, "concept": "c"})
    diff = diff_definitions(old, new)
    assert not diff.changes or len(diff.changes) == 1
    return (diff.changes[0].breaking, diff.changes[0].reasons) if diff.changes else (False, [])


def grid(columns: list[dict[str, Any]], rows: list[str] | None = None, **config: Any) -> dict[str, Any]:
    return {
        "type": "grid",
        "name": "annex",
        "label": t("Phụ lục", "Annex"),
        "rows": [{"key": k, "label": t(k, k)} for k in rows or ["docs", "procs"]],
        "columns": columns,
        **config,
    }


def column(name: str, kind: str = "integer", **config: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "label": t(name, name), **config}


def group(*fields: dict[str, Any]) -> dict[str, Any]:
    return {"type": "group", "name": "events", "label": t("Sự kiện", "Events"), "fields": list(fields)}


# Required


def test_making_a_field_required_is_breaking():
    assert verdict(integer(), integer(required=True)) == (True, ["now_required"])


def test_making_a_required_field_optional_is_compatible():
    breaking, reasons = verdict(integer(required=True), integer(required=False))
    assert not breaking and "now_required" not in reasons


def test_adding_a_required_field_is_breaking_but_an_optional_or_conditional_one_is_not():
    old = form(integer())
    for added, breaking in [
        (integer("extra", required=True), True),
        (integer("extra"), False),
        (integer("extra", required=True, visible_if={"==": [{"var": "staff"}, 1]}), False),
    ]:
        [change] = diff_definitions(old, form(integer(), added)).changes
        assert (change.kind, change.breaking, change.concept_status) == ("added", breaking, "new")
        assert change.reasons == (["added_required"] if breaking else ["added"])


def test_every_field_of_a_first_version_is_added_and_nothing_is_breaking():
    diff = diff_definitions(None, form(integer(required=True), integer("other")))
    assert [(c.kind, c.breaking) for c in diff.changes] == [("added", False), ("added", False)]
    assert not diff.breaking


# Limits: narrowing breaks, widening does not


@pytest.mark.parametrize(
    "key, old, new, breaking",
    [
        ("maximum", 10, 5, True),
        ("maximum", 10, 10.5, False),
        ("maximum", 10, None, False),
        ("maximum", None, 10, True),
        ("minimum", 0, 1, True),
        ("minimum", 1, 0, False),
        ("minimum", 1, None, False),
        ("minimum", None, 0, True),
    ],
)
def test_narrowing_a_number_limit_is_breaking_and_widening_it_is_not(key, old, new, breaking):
    before = integer(**({key: old} if old is not None else {}))
    after = integer(**({key: new} if new is not None else {}))
    assert verdict(before, after) == (breaking, [f"{key}_changed"])


@pytest.mark.parametrize(
    "kind, key, old, new, breaking",
    [
        ("text", "max_length", 100, 50, True),
        ("text", "max_length", 50, 100, False),
        ("text", "min_length", 2, 5, True),
        ("text", "min_length", 5, 2, False),
        ("multi_choice", "max_items", 3, 2, True),
        ("multi_choice", "max_items", 2, 3, False),
        ("multi_choice", "min_items", 1, 2, True),
        ("multi_choice", "min_items", 2, 1, False),
        ("file", "max_size", 2000, 1000, True),
        ("file", "max_size", 1000, 2000, False),
    ],
)
def test_narrowing_a_length_count_or_size_limit_is_breaking(kind, key, old, new, breaking):
    base = {"type": kind, "name": "f", "label": t("F", "F")}
    if kind == "multi_choice":
        base["options"] = [{"value": v, "label": t(v, v)} for v in "abc"]
    assert verdict({**base, key: old}, {**base, key: new}) == (breaking, [f"{key}_changed"])


def test_asking_for_at_least_one_character_or_no_item_changes_nothing():
    text = {"type": "text", "name": "f", "label": t("F", "F")}
    assert verdict(text, {**text, "min_length": 1}) == (False, ["min_length_changed"])
    assert verdict({**text, "min_length": 0}, {**text, "min_length": 1}) == (False, ["min_length_changed"])
    assert verdict(text, {**text, "min_length": 2}) == (True, ["min_length_changed"])
    options = [{"value": "a", "label": t("a", "a")}]
    many = {"type": "multi_choice", "name": "m", "label": t("M", "M"), "options": options}
    assert verdict(many, {**many, "min_items": 0}) == (False, ["min_items_changed"])
    assert verdict(many, {**many, "min_items": 1}) == (True, ["min_items_changed"])
    required = {**many, "required": True}  # a required multi-choice is never stored empty
    assert verdict(required, {**required, "min_items": 1}) == (False, ["min_items_changed"])


def test_a_changed_date_limit_is_breaking_only_when_it_narrows():
    day = {"type": "date", "name": "on", "label": t("Ngày", "Date")}
    assert verdict({**day, "minimum": "2026-01-01"}, {**day, "minimum": "2026-02-01"})[0]
    assert not verdict({**day, "minimum": "2026-02-01"}, {**day, "minimum": "2026-01-01"})[0]
    assert verdict({**day, "maximum": "2026-12-31"}, {**day, "maximum": "2026-06-30"})[0]
    assert not verdict({**day, "maximum": "2026-06-30"}, {**day, "maximum": "2026-12-31"})[0]


def test_changing_when_a_field_shows_or_is_required_is_compatible():
    rule = {"==": [{"var": "staff"}, 1]}
    assert verdict(integer(), integer(visible_if=rule)) == (False, ["visible_if_changed"])
    assert verdict(integer(), integer(required_if=rule)) == (False, ["required_if_changed"])


def test_a_stricter_text_pattern_is_breaking_and_dropping_it_is_not():
    text = {"type": "text", "name": "code", "label": t("Mã", "Code")}
    assert verdict({**text, "pattern": "^[0-9]+$"}, {**text, "pattern": "^[0-9]{3}$"}) == (True, ["pattern_changed"])
    assert verdict(text, {**text, "pattern": "^[0-9]+$"})[0]
    assert verdict({**text, "pattern": "^[0-9]+$"}, text) == (False, ["pattern_changed"])


def test_accepting_fewer_file_types_is_breaking_and_more_is_not():
    upload = {"type": "file", "name": "scan", "label": t("Tệp", "File"), "accept": ["application/pdf"]}
    assert verdict(upload, {**upload, "accept": ["application/pdf", "image/png"]}) == (False, ["accept_changed"])
    assert verdict({**upload, "accept": ["application/pdf", "image/png"]}, upload) == (True, ["accept_changed"])
    assert not verdict(upload, {k: v for k, v in upload.items() if k != "accept"})[0]


# Scale, unit, type, options, score


def test_a_rating_scale_change_is_breaking():
    rating = {"type": "rating", "name": "stars", "label": t("Sao", "Stars")}
    assert verdict(rating, {**rating, "scale_max": 10}) == (True, ["scale_changed"])
    assert verdict({**rating, "scale_min": 1}, {**rating, "scale_min": 0}) == (True, ["scale_changed"])


def test_a_unit_or_score_maximum_change_is_breaking():
    people, thousands = t("người", "people"), t("nghìn người", "thousand people")
    assert verdict(integer(unit=people), integer(unit=thousands)) == (True, ["scale_changed"])
    assert verdict(integer(score_max=10), integer(score_max=20)) == (True, ["scale_changed"])


def test_a_type_change_is_breaking_whatever_else_changed():
    text = {"type": "text", "name": "staff", "label": t("Số", "Number")}
    assert verdict(integer(required=True), text) == (True, ["type_changed"])


def test_a_new_formula_is_breaking():
    calc = {"type": "calculated", "name": "double", "label": t("Gấp đôi", "Double"), "formula": {"*": [1, 2]}}
    assert verdict(calc, {**calc, "formula": {"*": [1, 3]}}) == (True, ["formula_changed"])


def test_changed_points_of_a_scored_option_are_breaking():
    def scored(points: int) -> dict[str, Any]:
        return {
            "type": "scored_choice",
            "name": "q",
            "label": t("Câu", "Question"),
            "options": [{"value": "yes", "points": points, "label": t("Có", "Yes")}],
        }

    assert verdict(scored(1), scored(2)) == (True, ["points_changed"])


def test_a_new_option_is_compatible_and_a_removed_one_is_breaking():
    def choice(*values: str) -> dict[str, Any]:
        return {
            "type": "choice",
            "name": "level",
            "label": t("Cấp", "Level"),
            "options": [{"value": v, "label": t(v, v)} for v in values],
        }

    assert verdict(choice("a"), choice("a", "b")) == (False, ["option_added"])
    assert verdict(choice("a", "b"), choice("a")) == (True, ["option_removed"])


def test_relabelling_a_ratings_ends_or_a_grids_total_row_is_compatible():
    rating = {"type": "rating", "name": "stars", "label": t("Sao", "Stars"), "min_label": t("Tệ", "Bad")}
    assert verdict(rating, {**rating, "min_label": t("Kém", "Poor"), "max_label": t("Tốt", "Good")}) == (
        False,
        ["max_label_changed", "min_label_changed"],
    )
    before = grid([column("plan")], row_total=t("Cộng", "Total"))
    assert verdict(before, {**before, "row_total": t("Tổng", "Sum")}) == (False, ["row_total_changed"])
    choice = {"type": "choice", "name": "c", "label": t("C", "C"), "options": [{"value": "a", "label": t("a", "a")}]}
    assert verdict(choice, {**choice, "widget": "select"}) == (False, ["widget_changed"])


def test_presentation_changes_are_compatible_and_named():
    breaking, reasons = verdict(integer(), integer(label=t("Nhân sự", "Staff"), help=t("Gợi ý", "Hint")))
    assert not breaking and reasons == ["help_changed", "label_changed"]


def test_an_unchanged_field_is_not_in_the_diff():
    assert diff_definitions(form(integer(concept="c")), form(integer(concept="c"))).changes == []


# Grids and groups


def test_removing_or_retyping_a_grid_column_is_breaking_and_adding_one_is_not():
    before = grid([column("plan"), column("actual")])
    assert verdict(before, grid([column("plan")])) == (True, ["columns_changed"])
    assert verdict(before, grid([column("plan"), column("actual", "text")])) == (True, ["columns_changed"])
    assert verdict(before, grid([column("plan"), column("actual"), column("note", "text")])) == (
        False,
        ["columns_changed"],
    )


def test_narrowing_a_grid_column_is_breaking_and_relabelling_it_is_not():
    before = grid([column("plan", maximum=100)])
    assert verdict(before, grid([column("plan", maximum=50)]))[0]
    assert not verdict(before, grid([column("plan", maximum=200, label=t("KH", "Plan"), total=True)]))[0]


def test_removing_a_grid_row_is_breaking_and_adding_one_is_not():
    before = grid([column("plan")], rows=["docs", "procs"])
    assert verdict(before, grid([column("plan")], rows=["docs"])) == (True, ["rows_changed"])
    assert verdict(before, grid([column("plan")], rows=["docs", "procs", "other"])) == (False, ["rows_changed"])


def test_switching_a_grid_between_fixed_and_addable_rows_is_breaking():
    assert verdict(grid([column("plan")]), grid([column("plan")], addable_rows=True)) == (
        True,
        ["addable_rows_changed"],
    )


def test_removing_retyping_or_requiring_a_group_sub_field_is_breaking():
    title = {"type": "text", "name": "title", "label": t("Tên", "Title")}
    on = {"type": "date", "name": "on", "label": t("Ngày", "Date")}
    assert verdict(group(title, on), group(title)) == (True, ["fields_changed"])
    assert verdict(group(title, on), group(title, {**on, "type": "text"})) == (True, ["fields_changed"])
    assert verdict(group(title), group({**title, "required": True})) == (True, ["fields_changed"])
    assert verdict(group(title), group(title, {**on, "required": True})) == (True, ["fields_changed"])


def test_adding_an_optional_group_sub_field_or_relabelling_one_is_compatible():
    title = {"type": "text", "name": "title", "label": t("Tên", "Title")}
    on = {"type": "date", "name": "on", "label": t("Ngày", "Date")}
    assert verdict(group(title), group(title, on)) == (False, ["fields_changed"])
    assert verdict(group(title), group({**title, "label": t("Tiêu đề", "Heading")})) == (False, ["fields_changed"])
    conditional = {**on, "required": True, "visible_if": {"==": [{"var": "title"}, "x"]}}
    assert verdict(group(title), group(title, conditional)) == (False, ["fields_changed"])


# Concepts: renames, replacements, removals


def test_a_rename_under_the_same_concept_is_compatible_and_remembers_the_old_name():
    [change] = diff_definitions(form(integer("staff", concept="c")), form(integer("people", concept="c"))).changes
    assert (change.kind, change.name, change.old_name, change.breaking) == ("changed", "people", "staff", False)
    assert change.reasons == ["renamed"] and change.concept_status == "kept"


def test_a_field_whose_concept_was_replaced_is_a_breaking_change_under_its_old_name():
    [change] = diff_definitions(form(integer(concept="c")), form(integer(concept="c.v2"))).changes
    assert (change.kind, change.concept, change.concept_status, change.breaking) == ("changed", "c.v2", "new", True)
    assert change.reasons == ["concept_replaced"] and change.old_name is None


def test_a_removed_field_is_breaking():
    old = form(integer(concept="c"), integer("gone", concept="g"))
    [change] = diff_definitions(old, form(integer(concept="c"))).changes
    assert (change.kind, change.name, change.concept, change.breaking, change.reasons) == (
        "removed",
        "gone",
        "g",
        True,
        ["removed"],
    )


def test_fields_without_a_concept_pair_up_by_name():
    diff = diff_definitions(form(integer()), form(integer(maximum=5)))
    assert [(c.kind, c.name, c.breaking) for c in diff.changes] == [("changed", "staff", True)]


def test_publishing_keeps_the_concept_of_a_compatible_change_and_renews_it_on_a_breaking_one():
    v1 = assign_concepts(form(integer(), integer("other")), None, 1)
    assert [f["concept"] for f in v1["fields"]] == ["pinned.staff", "pinned.other"]
    v2 = assign_concepts(form(integer(maximum=5), integer("other", label=t("Khác", "Other"))), v1, 2)
    assert [f["concept"] for f in v2["fields"]] == ["pinned.staff.v2", "pinned.other"]


def test_a_concept_chosen_by_the_designer_is_kept():
    v1 = assign_concepts(form(integer()), None, 1)
    v2 = assign_concepts(form(integer(maximum=5, concept="kpi.staff")), v1, 2)
    assert v2["fields"][0]["concept"] == "kpi.staff"


# The diff as data, and format upgrades


def test_a_diff_reads_as_plain_data_for_the_api():
    diff = diff_definitions(form(integer(concept="c")), form(integer(concept="c", required=True)))
    assert diff.as_dict() == {
        "breaking": True,
        "changes": [
            {
                "kind": "changed",
                "name": "staff",
                "concept": "c",
                "breaking": True,
                "reasons": ["now_required"],
                "concept_status": "kept",
                "old_name": None,
            }
        ],
    }


def test_a_diff_is_breaking_when_any_one_change_is():
    compatible = Change("changed", "a", "a", False, ["label_changed"])
    assert not Diff([compatible]).breaking and not Diff([]).breaking
    assert Diff([compatible, Change("removed", "b", "b", True, ["removed"])]).breaking


def test_a_field_change_helper_names_every_reason():
    breaking, reasons = field_changes(integer(), {**integer("people", required=True), "help": t("h", "h")})
    assert breaking and reasons == ["renamed", "now_required", "help_changed"]


def test_upgrading_a_current_definition_returns_an_equal_copy():
    definition = form(integer())
    upgraded = upgrade(definition)
    assert upgraded == definition and upgraded is not definition
    upgraded["fields"].append(integer("other"))
    assert len(definition["fields"]) == 1


def test_an_older_definition_is_upgraded_through_each_step_in_order(monkeypatch):
    def step(number: int):
        def apply(definition: dict[str, Any]) -> dict[str, Any]:
            result = copy.deepcopy(definition)
            result["steps"] = [*definition.get("steps", []), number]
            result["schema_version"] = number + 1
            return result

        return apply

    monkeypatch.setattr(versions, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(versions, "UPGRADES", {1: step(1), 2: step(2)})
    old = {"schema_version": 1, "fields": []}
    assert upgrade(old) == {"schema_version": 3, "fields": [], "steps": [1, 2]}
    assert upgrade({"schema_version": 2}) == {"schema_version": 3, "steps": [2]}
    assert upgrade({"fields": []}) == {"fields": []}  # no schema_version: taken as current
    assert old == {"schema_version": 1, "fields": []}


def test_merged_fields_say_how_each_version_names_them_and_align_by_name_without_concepts():
    from form_definitions.merge import merge_fields

    v1 = form(integer("staff", concept="c"), integer("gone"))
    v2 = form(integer("people", concept="c"), integer("extra"))
    merged = {m.concept: m for m in merge_fields({1: v1, 2: v2})}
    assert merged["c"].name_in(1) == "staff" and merged["c"].name_in(2) == "people"
    assert merged["gone"].name_in(1) == "gone" and merged["gone"].name_in(2) is None
    assert list(merged) == ["c", "extra", "gone"]


def test_the_content_hash_names_its_algorithm_and_ignores_key_order():
    definition = form(integer(maximum=5, minimum=0))
    reordered = dict(reversed(list(form(dict(reversed(list(integer(maximum=5, minimum=0).items())))).items())))
    assert content_hash(definition) == content_hash(reordered)
    digest = content_hash(definition)
    assert digest.startswith("sha256:") and len(digest) == len("sha256:") + 64
    assert content_hash(form(integer(maximum=6, minimum=0))) != digest


def test_moving_a_field_to_the_reviewer_is_compatible():
    assert verdict(integer(), integer(fill_by="reviewer")) == (False, ["fill_by_changed"])
