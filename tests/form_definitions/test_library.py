"""The built-in form library: every version publishes cleanly, and each form behaves as the law asks."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from form_definitions.answers import check_answers
from form_definitions.checks import check_definition
from form_definitions.library import LIBRARY_KEYS, library_definition, library_versions
from form_definitions.versions import assign_concepts, diff_definitions
from form_definitions.walk import data_fields, iter_fields

EXPECTED_KEYS = {"dossier-satisfaction", "cchc-report", "kpi-monthly", "par-self-assessment"}
ALL_VERSIONS = [(key, number) for key, versions in library_versions().items() for number in range(1, len(versions) + 1)]
EVIDENCE = {"id": "f-0001", "name": "ke-hoach-cchc.pdf", "size": 245_760, "content_type": "application/pdf"}
LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
VI_DIACRITICS = re.compile("[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE)


def pairs(problems: list[Any]) -> set[tuple[str, str]]:
    return {(p.path, p.code) for p in problems}


def names(definition: dict[str, Any]) -> list[str]:
    return [f["name"] for f in data_fields(definition["fields"])]


def bilingual_texts(node: Any) -> list[dict[str, str]]:
    """Every {vi, en} pair in a definition's fields (labels, help, options, units, static content)."""
    found = []
    if isinstance(node, dict):
        if set(node) == {"vi", "en"}:
            return [node]
        for key, value in node.items():
            if key not in ("formula", "visible_if", "required_if"):
                found += bilingual_texts(value)
    elif isinstance(node, list):
        for item in node:
            found += bilingual_texts(item)
    return found


# --- the library as a whole ------------------------------------------------------------------


def test_keys_are_exactly_the_four_built_in_forms():
    library = library_versions()
    assert set(library) == EXPECTED_KEYS
    assert set(LIBRARY_KEYS) == EXPECTED_KEYS
    assert {key: len(versions) for key, versions in library.items()} == {
        "dossier-satisfaction": 2,
        "cchc-report": 2,
        "kpi-monthly": 3,
        "par-self-assessment": 2,
    }


def test_library_hands_out_copies():
    first = library_versions()
    first["kpi-monthly"][0]["title"]["vi"] = "đã sửa"
    assert library_versions()["kpi-monthly"][0]["title"]["vi"] != "đã sửa"
    assert library_definition("dossier-satisfaction") == library_versions()["dossier-satisfaction"][-1]
    assert library_definition("dossier-satisfaction", 1) == library_versions()["dossier-satisfaction"][0]
    with pytest.raises(KeyError):
        library_definition("dossier-satisfaction", 3)


@pytest.mark.parametrize(("key", "number"), ALL_VERSIONS)
def test_every_version_passes_the_publishing_checks(key, number):
    definition = library_definition(key, number)
    assert check_definition(definition, publishing=True) == []
    assert definition["schema_version"] == 1
    assert definition["key"] == key


@pytest.mark.parametrize(("key", "number"), ALL_VERSIONS)
def test_every_data_field_has_an_explicit_unique_concept(key, number):
    fields = list(data_fields(library_definition(key, number)["fields"]))
    assert fields
    concepts = [f.get("concept") for f in fields]
    assert all(concepts), [f["name"] for f in fields if not f.get("concept")]
    assert len(set(concepts)) == len(concepts)


@pytest.mark.parametrize(("key", "number"), ALL_VERSIONS)
def test_every_text_is_real_vietnamese_and_english(key, number):
    definition = library_definition(key, number)
    texts = bilingual_texts(
        {k: definition[k] for k in ("title", "description", "fields", "scoring") if k in definition}
    )
    assert len(texts) > 10
    for text in texts:
        assert text["vi"].strip() and text["en"].strip(), text
        if len(LETTERS.findall(text["vi"])) >= 8:
            assert text["vi"] != text["en"], text
            assert not VI_DIACRITICS.search(text["en"]), text
    assert VI_DIACRITICS.search(definition["title"]["vi"])


@pytest.mark.parametrize(("key", "number"), ALL_VERSIONS)
def test_meta_names_the_legal_basis(key, number):
    meta = library_definition(key, number)["meta"]
    assert meta["legal_basis"] and all(item["ref"] for item in meta["legal_basis"])


# --- dossier-satisfaction ----------------------------------------------------------------------

CRITERIA = [f"c{i}" for i in range(1, 10)]


def satisfaction_answers(points: list[int] | None = None, **extra: Any) -> dict[str, Any]:
    values = points if points is not None else [2] * 9
    return {**{c: str(p) for c, p in zip(CRITERIA, values, strict=True)}, "overall": "satisfied", **extra}


@pytest.fixture(params=[1, 2], ids=["v1", "v2"])
def satisfaction(request):
    return library_definition("dossier-satisfaction", request.param)


def test_satisfaction_has_the_nine_criteria_with_2_1_0_points(satisfaction):
    fields = {f["name"]: f for f in data_fields(satisfaction["fields"])}
    for name in CRITERIA:
        field = fields[name]
        assert field["type"] == "scored_choice" and field["required"] is True
        assert [(o["value"], o["points"]) for o in field["options"]] == [("2", 2), ("1", 1), ("0", 0)]
        assert field["concept"] == f"satisfaction.{name}"
    assert [o["value"] for o in fields["overall"]["options"]] == ["very_satisfied", "satisfied", "not_satisfied"]
    assert fields["overall"]["required"] is True and fields["overall"]["concept"] == "satisfaction.overall"
    assert fields["comment"]["type"] == "textarea" and not fields["comment"].get("required")
    assert fields["comment"]["max_length"] == 2000
    bands = satisfaction["scoring"]["bands"]
    assert [b["key"] for b in bands] == ["excellent", "good", "fair", "average", "poor"]
    assert [b["min"] for b in bands] == sorted((b["min"] for b in bands), reverse=True)


def test_satisfaction_all_best_answers_score_18_of_18_excellent(satisfaction):
    outcome = check_answers(satisfaction, satisfaction_answers(comment="Cán bộ hướng dẫn rất tận tình."))
    assert outcome.problems == []
    assert outcome.score["total"] == 18 and outcome.score["max"] == 18
    assert outcome.score["band"] == "excellent"
    assert outcome.data["comment"] == "Cán bộ hướng dẫn rất tận tình."


@pytest.mark.parametrize(
    ("points", "total", "band"),
    [
        ([2, 1, 0, 2, 2, 1, 2, 2, 1], 13, "good"),
        ([2, 2, 2, 2, 2, 2, 2, 1, 0], 15, "good"),
        ([2, 2, 2, 2, 2, 2, 2, 2, 0], 16, "excellent"),
        ([1, 1, 1, 1, 1, 1, 2, 2, 2], 12, "good"),
        ([1, 1, 1, 1, 1, 1, 1, 1, 0], 8, "average"),
        ([1, 1, 1, 1, 1, 1, 1, 1, 1], 9, "fair"),
        ([0, 0, 0, 0, 0, 1, 1, 2, 2], 6, "average"),
        ([0, 0, 0, 0, 0, 0, 1, 2, 2], 5, "poor"),
        ([0] * 9, 0, "poor"),
    ],
)
def test_satisfaction_mixed_answers_total_and_band(satisfaction, points, total, band):
    outcome = check_answers(satisfaction, satisfaction_answers(points, overall="not_satisfied"))
    assert outcome.problems == []
    assert outcome.score["total"] == total and outcome.score["max"] == 18
    assert outcome.score["band"] == band
    assert outcome.score["fields"]["c3"] == points[2]


def test_satisfaction_missing_criterion_and_bogus_option_are_refused(satisfaction):
    answers = satisfaction_answers()
    del answers["c4"]
    answers["c2"] = "3"
    answers["overall"] = "so-so"
    outcome = check_answers(satisfaction, answers)
    assert pairs(outcome.problems) == {("c4", "required"), ("c2", "not_an_option"), ("overall", "not_an_option")}
    assert outcome.score is None


def test_satisfaction_overall_is_required_and_comment_is_limited(satisfaction):
    answers = satisfaction_answers(comment="x" * 2001)
    del answers["overall"]
    assert pairs(check_answers(satisfaction, answers).problems) == {("overall", "required"), ("comment", "too_long")}


def test_satisfaction_v1_to_v2_is_compatible_and_adds_only_the_channel_question():
    v1, v2 = (library_definition("dossier-satisfaction", n) for n in (1, 2))
    diff = diff_definitions(v1, v2)
    assert not diff.breaking
    added = [c for c in diff.changes if c.kind == "added"]
    assert [(c.name, c.concept, c.breaking) for c in added] == [("channel", "satisfaction.channel", False)]
    assert all(
        c.kind == "changed" and c.concept_status == "kept" and not c.breaking for c in diff.changes if c not in added
    )
    assert {c.name for c in diff.changes if c.kind == "changed"} >= {"c1", "c5"}  # clearer labels
    assert names(v2) == ["channel", *names(v1)]
    channel = next(f for f in data_fields(v2["fields"]) if f["name"] == "channel")
    assert channel["type"] == "choice" and not channel.get("required")
    assert [o["value"] for o in channel["options"]] == ["counter", "online", "postal"]


def test_satisfaction_explicit_concepts_match_what_publishing_would_carry_over():
    v1, v2 = (library_definition("dossier-satisfaction", n) for n in (1, 2))
    stripped = copy.deepcopy(v2)
    for field in data_fields(stripped["fields"]):
        field.pop("concept")
    assigned = {f["name"]: f["concept"] for f in data_fields(assign_concepts(stripped, v1, 2)["fields"])}
    explicit = {f["name"]: f["concept"] for f in data_fields(v2["fields"])}
    assert {n: c for n, c in assigned.items() if n != "channel"} == {
        n: c for n, c in explicit.items() if n != "channel"
    }
    assert assign_concepts(v2, v1, 2) == v2  # explicit concepts are kept as they are


def test_satisfaction_v2_accepts_the_channel_and_v1_does_not():
    v1, v2 = (library_definition("dossier-satisfaction", n) for n in (1, 2))
    outcome = check_answers(v2, satisfaction_answers(channel="online"))
    assert outcome.problems == [] and outcome.score["total"] == 18
    assert pairs(check_answers(v2, satisfaction_answers(channel="fax")).problems) == {("channel", "not_an_option")}
    assert pairs(check_answers(v1, satisfaction_answers(channel="online")).problems) == {("channel", "unknown_field")}


def test_satisfaction_meta_keeps_the_legal_basis_and_dates():
    v1, v2 = (library_definition("dossier-satisfaction", n)["meta"] for n in (1, 2))
    refs = {item["ref"] for item in v1["legal_basis"]}
    assert {"Thông tư 01/2018/TT-VPCP", "Nghị định 61/2018/NĐ-CP"} <= refs
    assert any(i.get("article") == "Điều 31" for i in v1["legal_basis"])
    assert "Nghị định 118/2025/NĐ-CP" in {item["ref"] for item in v2["legal_basis"]}
    assert v2["effective_from"] == "2025-07-01" and v1["effective_to"] == "2025-06-30"
    assert v1["score_max"] == v2["score_max"] == 18


# --- cchc-report -------------------------------------------------------------------------------


def cchc_answers(**extra: Any) -> dict[str, Any]:
    definition = library_definition("cchc-report", 1)
    answers: dict[str, Any] = {
        "agency": "Sở Nội vụ Thành phố Hồ Chí Minh",
        "period_kind": "q1",
        "year": 2025,
        "period_from": "2024-12-15",
        "period_to": "2025-03-14",
        "plan_issued": True,
        "plan_reference": "Kế hoạch số 15/KH-SNV ngày 10/01/2025",
        "annex_indicators": {
            "legal_docs_issued": {"planned": 4, "achieved": 3, "note": "01 văn bản chuyển sang quý II"},
            "procedures_simplified": {"planned": 10, "achieved": 12},
            "online_services_full": {"planned": 0, "achieved": 2},
        },
        "annex_dossiers": {
            "counter": {"received": 1200, "resolved_on_time": 1100, "resolved_late": 0, "pending": 100},
            "online": {"received": 800, "resolved_on_time": 780, "resolved_late": 0, "pending": 20},
            "postal": {"received": 15, "resolved_on_time": 15},
        },
    }
    for field in data_fields(definition["fields"]):
        if field["type"] == "textarea" and field.get("required"):
            answers[field["name"]] = f"Nội dung mục {field['name']}: đã triển khai đầy đủ theo kế hoạch."
    return {**answers, **extra}


# v2's header: from the campaign (agency, period type and number, year, cut-off dates, deadline)
CCHC_V2_HEADER = {"period_type": "quarter", "period_number": 1, "deadline": "2025-03-25"}


def cchc_answers_for(number: int, **extra: Any) -> dict[str, Any]:
    """Complete answers for version `number` of cchc-report (v2 replaced `period_kind`)."""
    answers = cchc_answers(**extra)
    if number >= 2:
        answers.pop("period_kind", None)
        answers = {**answers, **CCHC_V2_HEADER, **extra}
    return answers


def test_cchc_report_follows_the_reform_report_outline():
    definition = library_definition("cchc-report", 1)
    assert definition["kind"] == "report"
    present = set(names(definition))
    assert {
        "agency",
        "period_from",
        "period_to",
        "direction",
        "institutional_reform",
        "procedure_reform",
        "apparatus_reform",
        "civil_service_reform",
        "public_finance_reform",
        "digital_government",
        "difficulties",
        "causes",
        "next_tasks",
        "proposals",
        "annex_indicators",
        "annex_dossiers",
    } <= present
    rules = [f for _, f in iter_fields(definition["fields"]) if "visible_if" in f]
    assert rules and all("required_if" in f for f in rules)


def test_cchc_report_complete_answers_pass_and_compute_the_annex():
    outcome = check_answers(library_definition("cchc-report", 1), cchc_answers())
    assert outcome.problems == []
    dossiers = outcome.data["annex_dossiers"]
    assert dossiers["counter"]["on_time_rate"] == 100 and dossiers["postal"]["on_time_rate"] == 100
    assert outcome.totals["annex_dossiers"]["columns"] == {
        "received": 2015,
        "resolved_on_time": 1895,
        "resolved_late": 0,
        "pending": 120,
    }
    indicators = outcome.data["annex_indicators"]
    assert indicators["legal_docs_issued"]["completion_rate"] == 75
    assert indicators["procedures_simplified"]["completion_rate"] == 120
    assert indicators["online_services_full"]["completion_rate"] is None  # planned 0: no rate, no error
    assert outcome.data["on_time_rate_overall"] == 100
    assert "plan_missing_reason" not in outcome.data and "late_explanation" not in outcome.data


def test_cchc_report_late_dossiers_require_an_explanation_and_apologies():
    dossiers = {"counter": {"received": 300, "resolved_on_time": 270, "resolved_late": 7, "pending": 23}}
    definition = library_definition("cchc-report", 1)
    outcome = check_answers(definition, cchc_answers(annex_dossiers=dossiers))
    assert pairs(outcome.problems) == {("late_explanation", "required"), ("apologies_sent", "required")}
    assert outcome.data["annex_dossiers"]["counter"]["on_time_rate"] == 97.5
    fixed = cchc_answers(annex_dossiers=dossiers, apologies_sent=True, late_explanation="Hồ sơ đất đai phức tạp.")
    outcome = check_answers(definition, fixed)
    assert outcome.problems == []
    assert outcome.data["on_time_rate_overall"] == 97.5


def test_cchc_report_plan_not_issued_requires_a_reason_and_hides_the_reference():
    definition = library_definition("cchc-report", 1)
    outcome = check_answers(definition, cchc_answers(plan_issued=False))
    assert pairs(outcome.problems) == {("plan_missing_reason", "required")}
    assert "plan_reference" not in outcome.data
    outcome = check_answers(definition, cchc_answers(plan_issued=False, plan_missing_reason="Đang trình ký."))
    assert outcome.problems == [] and "plan_reference" not in outcome.data
    assert pairs(check_answers(definition, cchc_answers(plan_reference="")).problems) == {
        ("plan_reference", "required")
    }


def test_cchc_report_refuses_bad_period_and_annex_values():
    definition = library_definition("cchc-report", 1)
    answers = cchc_answers(period_kind="month", period_from="2025-02-30")
    answers["annex_dossiers"] = {"counter": {"received": -1}, "weekly": {"received": 3}}
    del answers["difficulties"]
    assert pairs(check_answers(definition, answers).problems) == {
        ("period_kind", "not_an_option"),
        ("period_from", "format"),
        ("annex_dossiers.counter.received", "too_small"),
        ("annex_dossiers.weekly", "unknown_field"),
        ("difficulties", "required"),
    }


# --- kpi-monthly -------------------------------------------------------------------------------


def kpi_answers(indicators: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    rows = (
        indicators
        if indicators is not None
        else {
            "grdp_growth": {"plan": 8.0, "actual": 7.2},
            "budget_revenue": {"plan": 540000, "actual": 135000, "note": "Ước thực hiện"},
            "export_turnover": {"plan": 52000, "actual": 12345.6},
            "fdi_registered": {"plan": 0, "actual": 250},
            "unemployment_rate": {"plan": 3.5, "actual": 3.5},
        }
    )
    return {
        "agency": "Sở Tài chính",
        "month": 3,
        "year": 2025,
        "indicators": rows,
        "commentary": "Thu ngân sách đạt 25% dự toán; xuất khẩu tăng so với cùng kỳ.",
        **extra,
    }


def test_kpi_sheet_has_realistic_bilingual_rows_with_units():
    definition = library_definition("kpi-monthly")
    assert definition["kind"] == "kpi_sheet"
    grid = next(f for f in data_fields(definition["fields"]) if f["type"] == "grid")
    assert 10 <= len(grid["rows"]) <= 14
    assert all(r["unit"]["vi"] and r["unit"]["en"] for r in grid["rows"])
    assert [c["name"] for c in grid["columns"]] == ["plan", "actual", "pct_of_plan", "note"]
    assert {"grdp_growth", "budget_revenue", "fdi_registered", "cpi_change", "unemployment_rate"} <= {
        r["key"] for r in grid["rows"]
    }
    assert "textarea" in {f["type"] for f in data_fields(definition["fields"])}


def test_kpi_sheet_computes_the_share_of_plan():
    outcome = check_answers(library_definition("kpi-monthly"), kpi_answers(contact_phone="0909123456"))
    assert outcome.problems == []
    rows = outcome.data["indicators"]
    assert rows["grdp_growth"]["pct_of_plan"] == 90
    assert rows["budget_revenue"]["pct_of_plan"] == 25
    assert rows["export_turnover"]["pct_of_plan"] == 23.7  # 12345.6 / 52000 * 100 = 23.74…
    assert rows["unemployment_rate"]["pct_of_plan"] == 100
    assert rows["fdi_registered"]["pct_of_plan"] is None  # plan 0: null, not an error


def test_kpi_sheet_share_of_plan_is_null_without_plan_or_actual():
    rows = {"cpi_change": {"plan": 4.5}, "new_enterprises": {"actual": 3200}, "jobs_created": {"plan": 0, "actual": 0}}
    outcome = check_answers(library_definition("kpi-monthly"), kpi_answers(rows))
    assert outcome.problems == []
    assert [outcome.data["indicators"][k]["pct_of_plan"] for k in rows] == [None, None, None]


def test_kpi_sheet_refuses_bad_period_rows_and_cells():
    rows = {"gdp_of_mars": {"plan": 1}, "budget_revenue": {"plan": "nhiều"}}
    outcome = check_answers(library_definition("kpi-monthly"), kpi_answers(rows, month=13, contact_phone="12345"))
    assert pairs(outcome.problems) == {
        ("month", "too_large"),
        ("indicators.gdp_of_mars", "unknown_field"),
        ("indicators.budget_revenue.plan", "type"),
        ("contact_phone", "pattern"),
    }
    outcome = check_answers(library_definition("kpi-monthly"), kpi_answers({}, commentary=""))
    assert pairs(outcome.problems) == {("indicators", "required"), ("commentary", "required")}


# --- par-self-assessment -----------------------------------------------------------------------


def par_definition() -> dict[str, Any]:
    return library_definition("par-self-assessment")


def sub_criteria(definition: dict[str, Any]) -> dict[str, float]:
    """sub-criterion prefix (e.g. "s1_1_1") -> its maximum points."""
    return {
        f["name"][: -len("_self")]: f["score_max"]
        for f in data_fields(definition["fields"])
        if f["name"].endswith("_self")
    }


def par_answers(definition: dict[str, Any], scores: dict[str, float] | None = None) -> dict[str, Any]:
    answers: dict[str, Any] = {"agency": "Ủy ban nhân dân phường Bến Thành", "year": 2025}
    for prefix, maximum in sub_criteria(definition).items():
        answers[f"{prefix}_self"] = (scores or {}).get(prefix, maximum)
        answers[f"{prefix}_evidence"] = dict(EVIDENCE)
        answers[f"{prefix}_doc_number"] = "125/BC-UBND ngày 15/11/2025"
        answers[f"{prefix}_page"] = "3-4"
    return answers


def test_par_structure_is_eight_areas_of_criteria_and_sub_criteria():
    definition = par_definition()
    assert definition["kind"] == "assessment"
    areas = [f for f in definition["fields"] if f["type"] == "section" and f["name"].startswith("area")]
    assert len(areas) == 8
    for area in areas:
        criteria = [f for f in area["fields"] if f["type"] == "section"]
        assert 1 <= len(criteria) <= 2
        assert re.search(r"\d", area["label"]["vi"]) and "tối đa" in area["label"]["vi"]
    subs = sub_criteria(definition)
    assert 13 <= len(subs) <= 17
    fields = {f["name"]: f for f in data_fields(definition["fields"])}
    for prefix, maximum in subs.items():
        assert fields[f"{prefix}_self"]["type"] == "decimal" and fields[f"{prefix}_self"]["minimum"] == 0
        evidence = fields[f"{prefix}_evidence"]
        assert evidence["type"] == "file" and evidence["max_size"] == 10 * 1024 * 1024
        assert {"application/pdf", "image/jpeg", "image/png", "application/msword"} <= set(evidence["accept"])
        assert fields[f"{prefix}_doc_number"]["type"] == fields[f"{prefix}_page"]["type"] == "text"
        assert fields[f"{prefix}_explanation"]["required_if"] == {"!": {"var": f"{prefix}_evidence"}}
        verified = fields[f"{prefix}_verified"]
        assert verified["fill_by"] == "reviewer" and verified["maximum"] == maximum and verified["minimum"] == 0
    assert any(f["type"] == "static" for f in definition["fields"])


def test_par_complete_self_assessment_passes_and_totals_the_self_scores():
    definition = par_definition()
    maxima = sub_criteria(definition)
    outcome = check_answers(definition, par_answers(definition))
    assert outcome.problems == []
    assert outcome.score["max"] == sum(maxima.values()) == definition["meta"]["self_score_max"]
    assert outcome.score["total"] == sum(maxima.values())
    assert outcome.data["self_total"] == outcome.score["total"]
    assert outcome.data["area1_self_total"] == sum(m for p, m in maxima.items() if p.startswith("s1_"))
    assert set(outcome.score["fields"]) == {f"{p}_self" for p in maxima}


def test_par_partial_scores_sum_per_area_and_overall():
    definition = par_definition()
    maxima = sub_criteria(definition)
    scores = {"s1_1_1": 0.5, "s1_1_2": 1, "s5_1_1": 0, "s7_1_2": 1.25}
    outcome = check_answers(definition, par_answers(definition, scores))
    assert outcome.problems == []
    expected = sum(maxima.values()) - sum(maxima[p] - s for p, s in scores.items())
    assert outcome.score["total"] == expected == outcome.data["self_total"]
    assert outcome.data["area1_self_total"] == 0.5 + 1 + maxima["s1_2_1"]
    assert outcome.data["area5_self_total"] == maxima["s5_2_1"]


def test_par_score_above_its_maximum_or_below_zero_is_refused():
    definition = par_definition()
    maxima = sub_criteria(definition)
    outcome = check_answers(definition, par_answers(definition, {"s1_1_1": maxima["s1_1_1"] + 0.5, "s2_1_1": -1}))
    assert pairs(outcome.problems) == {("s1_1_1_self", "too_large"), ("s2_1_1_self", "too_small")}


def test_par_missing_evidence_needs_an_explanation():
    definition = par_definition()
    answers = par_answers(definition)
    del answers["s3_2_2_evidence"]
    outcome = check_answers(definition, answers)
    assert pairs(outcome.problems) == {("s3_2_2_explanation", "required")}
    answers["s3_2_2_explanation"] = "Không phát sinh hồ sơ quá hạn trong năm nên không có văn bản xin lỗi."
    assert check_answers(definition, answers).problems == []


def test_par_evidence_file_type_and_size_are_limited():
    definition = par_definition()
    answers = par_answers(definition)
    answers["s1_1_1_evidence"] = {
        "id": "f-2",
        "name": "a.exe",
        "size": 11 * 1024 * 1024,
        "content_type": "application/x-msdownload",
    }
    assert pairs(check_answers(definition, answers).problems) == {
        ("s1_1_1_evidence.content_type", "not_an_option"),
        ("s1_1_1_evidence.size", "too_large"),
    }


def test_par_verified_scores_belong_to_the_reviewer():
    definition = par_definition()
    answers = par_answers(definition)
    answers["s2_1_1_verified"] = 1
    outcome = check_answers(definition, answers)
    assert pairs(outcome.problems) == {("s2_1_1_verified", "reviewer_only")}
    outcome = check_answers(definition, answers, role="reviewer")
    assert outcome.problems == []
    assert outcome.data["s2_1_1_verified"] == 1
    assert outcome.score["total"] == outcome.score["max"] == definition["meta"]["self_score_max"]  # self scores only
    answers["s2_1_1_verified"] = sub_criteria(definition)["s2_1_1"] + 1
    assert pairs(check_answers(definition, answers, role="reviewer").problems) == {("s2_1_1_verified", "too_large")}


def test_par_missing_self_score_is_required():
    definition = par_definition()
    answers = par_answers(definition)
    del answers["s8_1_1_self"]
    assert pairs(check_answers(definition, answers).problems) == {("s8_1_1_self", "required")}
