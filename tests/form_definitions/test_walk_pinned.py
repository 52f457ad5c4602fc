"""Walking a definition's field tree: paths, data fields and the name index."""

from __future__ import annotations

from form_definitions.walk import data_fields, field_index, iter_fields

FIELDS = [
    {
        "type": "section",
        "name": "outer",
        "fields": [
            {"type": "text", "name": "a"},
            {"type": "static", "content": {}},
            {"type": "section", "name": "inner", "fields": [{"type": "integer", "name": "b"}]},
        ],
    },
    {"type": "group", "name": "people", "fields": [{"type": "text", "name": "person"}]},
    {"type": "grid", "name": "annex"},
    {"type": "text"},
]


def test_iter_fields_yields_definition_paths_depth_first_sections_included():
    paths = [(path, field.get("name")) for path, field in iter_fields(FIELDS)]
    assert paths == [
        ("fields.0", "outer"),
        ("fields.0.fields.0", "a"),
        ("fields.0.fields.1", None),
        ("fields.0.fields.2", "inner"),
        ("fields.0.fields.2.fields.0", "b"),
        ("fields.1", "people"),
        ("fields.2", "annex"),
        ("fields.3", None),
    ]


def test_iter_fields_accepts_a_base_path_and_a_section_without_fields():
    assert [p for p, _ in iter_fields([{"type": "section"}], "x.fields")] == ["x.fields.0"]


def test_data_fields_walks_into_sections_and_yields_every_named_field_but_not_group_members():
    names = [f.get("name") for f in data_fields(FIELDS)]
    assert names == ["a", "b", "people", "annex", None]


def test_field_index_maps_names_to_fields_and_skips_nameless_ones():
    index = field_index({"fields": FIELDS})
    assert list(index) == ["a", "b", "people", "annex"]
    assert index["b"] == {"type": "integer", "name": "b"}
    assert field_index({}) == {}
    assert field_index({"fields": None}) == {}


def test_a_section_whose_fields_are_not_a_list_is_reported_not_a_crash():
    from form_definitions.checks import check_definition

    definition = {
        "key": "broken",
        "kind": "report",
        "title": {"vi": "Hỏng", "en": "Broken"},
        "fields": [{"type": "section", "title": {"vi": "A", "en": "A"}, "fields": {"a": 1}}, "not a field"],
    }
    problems = check_definition(definition)
    assert problems and any(p.path.startswith("fields.0") for p in problems)
