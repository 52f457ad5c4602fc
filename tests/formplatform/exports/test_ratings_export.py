"""The ratings export: every stored rating (counted, flagged, rejected), two questionnaire versions lined up by
concept, the same rows in CSV, XLSX, DOCX and PDF, scoped like every read, through the API and the pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import bearer, csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.exports.ratings_support import store_ratings
from tests.formplatform.exports.support import finished, run_exports, sheets
from tests.querycount import counting, skip_without_events

OFFICIALS = ["Nguyễn Văn Tiếp (cb.tiepnhan)", "Trần Thị Xử (cb.xuly)", "Lê Văn Trả (cb.trakq)"]
PROCEDURE = ["1.001234", "Issuing a copy of a civil-status extract"]
META = ["Dossier code", "Agency code", "Agency", "Procedure code", "Procedure"]
META += ["Receiving official", "Processing official", "Returning official", "Channel", "Rated at", "Received at"]
META += ["Questionnaire version"]
TAIL = ["Total points (of 18)", "Overall verdict", "Band", "Status", "Flags"]
WARD, D1 = ("000.31.31.H29", "Ben Nghe Ward People's Committee"), ("000.00.31.H29", "District 1 People's Committee")
D3 = ("000.00.33.H29", "District 3 People's Committee")
FLAG = "Many ratings from one network address in a day"
# (name, agency, channel, version, points c1..c9 of v2 or c1..c8 + c10 of v3, total, verdict, band, status, flags)
EXPECTED = [
    ("r1", WARD, "Dossier code on the web", 2, 2, 18, "Very satisfied", "Excellent", "Counted", None),
    ("r2", D1, "QR code", 2, 1, 9, "Satisfied", "Fair", "Counted", None),
    ("r3", D1, "QR code", 2, 0, 0, "Not satisfied", "Poor", "Flagged, waiting for review", FLAG),
    ("r4", D1, "QR code", 2, 2, 18, "Satisfied", "Excellent", "Rejected", FLAG),
    ("r5", D3, "Dossier code on the web", 2, 1, 9, "Satisfied", "Fair", "Counted", None),
    ("r6", WARD, "Dossier code on the web", 3, 2, 18, "Very satisfied", "Excellent", "Counted", None),
]


@pytest.fixture
def rated(app: Any, city: Any, seeded: Any) -> dict[str, str]:
    return store_ratings(app, city)


def ask(**changes: Any) -> dict[str, Any]:
    return {"source": "ratings", "format": "xlsx", "language": "en", **changes}


def stored_count(app: Any) -> int:
    from formplatform.satisfaction.models import Rating

    with app.app_context():
        return Rating.objects.count()


def expected_row(codes: dict[str, str], entry: tuple[Any, ...]) -> list[Any]:
    name, (agency_code, agency), channel, version, points, total, verdict, band, status, flags = entry
    # columns c2, c1 (v3's order, c1 reworded), c3 … c8, then c10 (v3 only), then c9 (v2 only)
    criteria = [points] * 8 + ([points, None] if version == 3 else [None, points])
    row = [codes[name], agency_code, agency, *PROCEDURE, *OFFICIALS, channel, None, None, version, *criteria]
    return [*row, total, verdict, band, status, flags]


def without_times(row: list[Any]) -> list[Any]:
    return [*row[:9], None, None, *row[11:]]


def test_every_stored_rating_is_one_xlsx_row_with_versions_lined_up_by_concept(app, client, rated):
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    status, content = finished(client, app, ask(), headers)
    assert status["progress"] == {"done": 6, "total": 6, "percent": 100}
    assert status["file"]["name"].startswith("dossier-satisfaction-ratings-")
    ((title, rows),) = sheets(content).items()
    assert title == "Citizens' ratings" and len(rows) - 1 == stored_count(app) == 6
    criteria = rows[0][len(META) : -len(TAIL)]
    assert rows[0][: len(META)] == META and rows[0][-len(TAIL) :] == TAIL
    assert criteria[:2] == [
        "2. Time taken by each agency or unit involved in handling the dossier (including coordinating units)",
        "1. Time to settle the dossier against the legal limit",  # reworded and moved by v3: one column
    ]
    assert criteria[8:] == [
        "9. Quality of the online public service",
        "9. Progress and quality of the online public service",
    ]
    assert [without_times(r) for r in rows[1:]] == [expected_row(rated, e) for e in EXPECTED]
    captured, received = rows[1][9], rows[1][10]  # r1 came from an outbox three days late, in Vietnam time
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", captured) and captured < received


def test_csv_docx_and_pdf_hold_the_same_rows(app, client, rated):
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    _, content = finished(client, app, ask(), headers)
    expected = next(iter(sheets(content).values()))
    stored = stored_count(app)

    _, content = finished(client, app, ask(format="csv"), headers)
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(table) - 1 == stored
    assert table == [["" if v is None else str(v) for v in row] for row in expected]

    docx = pytest.importorskip("docx")
    status, content = finished(client, app, ask(format="docx"), headers)
    assert status["file"]["name"].endswith(".docx") and status["file"]["content_type"].endswith("document")
    word_table = docx.Document(io.BytesIO(content)).tables[0]
    cells = [[c.text for c in row.cells] for row in word_table.rows]
    assert len(cells) - 1 == stored and cells[0] == expected[0]
    assert [row[0] for row in cells[1:]] == [row[0] for row in expected[1:]]
    assert [row[-2] for row in cells[1:]] == [row[-2] for row in expected[1:]]  # statuses
    assert [row[-5] for row in cells[1:]] == ["18", "9", "0", "18", "9", "18"]  # totals

    pypdf = pytest.importorskip("pypdf")
    status, content = finished(client, app, ask(format="pdf"), headers)
    assert status["file"]["content_type"] == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    flat = re.sub(r"\s+", "", text)
    sequences = re.findall(r"261110-(\d{4})", flat)  # each dossier code once: one row per rating
    assert sorted(sequences) == [f"{n:04d}" for n in range(1, stored + 1)]
    for status_word in ("Counted", "Rejected", "Flagged,waitingforreview"):
        assert status_word in flat


def test_headers_in_vietnamese_values_too(app, client, rated):
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    _, content = finished(client, app, ask(language="vi"), headers)
    ((title, rows),) = sheets(content).items()
    assert title == "Đánh giá của người dân"
    assert rows[0][:3] == ["Mã hồ sơ", "Mã định danh cơ quan", "Cơ quan"] and rows[0][-5] == "Tổng điểm (trên 18)"
    assert rows[1][2] == "UBND Phường Bến Nghé" and rows[1][-4:-1] == ["Rất hài lòng", "Xuất sắc", "Đã tính"]
    assert rows[4][-2] == "Bị loại"


def agency_id(app: Any, code: str) -> str:
    from formplatform.agencies.models import Agency

    with app.app_context():
        return Agency.objects(code=code).first().id


def test_a_district_exports_itself_and_its_wards_only(app, client, rated):
    headers = bearer(client, "cv_q1", CITY_PASSWORD)  # specialist of District 1
    _, content = finished(client, app, ask(), headers)
    rows = next(iter(sheets(content).values()))
    assert [row[0] for row in rows[1:]] == [rated[n] for n in ("r1", "r2", "r3", "r4", "r6")]
    asked = client.post("/api/v1/exports", json=ask(agency=[agency_id(app, D3[0])]), headers=headers)
    assert asked.status_code == 404  # another district: not revealed
    _, content = finished(client, app, ask(agency=[agency_id(app, WARD[0])]), headers)
    assert [row[0] for row in next(iter(sheets(content).values()))[1:]] == [rated["r1"], rated["r6"]]


def test_a_span_of_days_selects_by_capture_day(app, client, rated):
    from formplatform.models import utcnow
    from formplatform.satisfaction.periods import local_date

    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    today = local_date(utcnow())
    _, content = finished(client, app, ask(**{"from": today.isoformat()}), headers)
    rows = next(iter(sheets(content).values()))
    assert [row[0] for row in rows[1:]] == [rated[n] for n in ("r2", "r3", "r4", "r5", "r6")]  # r1 captured earlier
    _, content = finished(client, app, ask(to=(today - timedelta(days=1)).isoformat()), headers)
    assert [row[0] for row in next(iter(sheets(content).values()))[1:]] == [rated["r1"]]


@pytest.mark.parametrize(
    ("body", "path", "vi", "en"),
    [
        ({"format": "odt"}, "format", "Chọn CSV, XLSX, DOCX hoặc PDF.", "Choose CSV, XLSX, DOCX or PDF."),
        ({"from": "2026-13-01"}, "from", "Ngày được viết theo dạng YYYY-MM-DD", "Write a day as YYYY-MM-DD"),
        ({"form": "cchc-report"}, "form", "chỉ xuất từ phiếu khảo sát", "from the satisfaction questionnaire only"),
        (
            {"source": "submissions", "form": "cchc-report", "format": "pdf"},  # Word and PDF: ratings only
            "format",
            "Hãy chọn CSV hoặc XLSX.",
            "Choose CSV or XLSX.",
        ),
    ],
)
def test_bad_input_is_refused_with_bilingual_messages(app, client, rated, body, path, vi, en):
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    for lang, message in (("vi", vi), ("en", en)):
        answer = client.post(f"/api/v1/exports?lang={lang}", json=ask(**body), headers=headers)
        assert answer.status_code == 422
        problems = answer.get_json()["error"]["errors"]
        assert [p["path"] for p in problems] == [path] and message in problems[0]["message"]


def test_reading_ratings_compares_no_dates_and_names_no_form(app, client, rated, mongo_uri):
    """The span is applied by position and the scope by agency: nx-27017 would read every rating otherwise."""
    skip_without_events()
    from formplatform.models import utcnow
    from formplatform.satisfaction.periods import local_date

    headers = bearer(client, "cv_q1", CITY_PASSWORD)
    asked = client.post("/api/v1/exports", json=ask(**{"from": local_date(utcnow()).isoformat()}), headers=headers)
    assert asked.status_code == 202
    with counting(mongo_uri) as log:
        run_exports(app)
    finds = [c for c in log.commands if c.name == "find" and c.collection == "ratings"]
    assert finds and all(set(c.body["filter"]) <= {"agency_id"} for c in finds)
    assert max(c.documents for c in finds) <= 1000


def test_the_ratings_page_offers_the_export_prefilled(app, client, rated):
    log_in(client, "cv_q1", CITY_PASSWORD)
    page = client.get("/admin/satisfaction?period=2026-Q4&lang=en").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" data-fps-export>Export ratings…', page)
    assert link and "source=ratings" in link.group(1) and "from=2026-10-01" in link.group(1)
    assert "to=2026-12-31" in link.group(1)
    ward = agency_id(app, WARD[0])
    detail = client.get(f"/admin/satisfaction/agencies/{ward}?period=2026-11&lang=en").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" data-fps-export>', detail)
    assert link and f"agency={ward}" in link.group(1).replace("&amp;", "&") and "to=2026-11-30" in link.group(1)
    options = client.get(link.group(1).replace("&amp;", "&"))
    html = options.get_data(as_text=True)
    assert options.status_code == 200 and "<h1>Export citizens' ratings</h1>" in html
    assert 'value="pdf"' in html and 'value="docx"' in html and 'value="2026-11-30"' in html
    assert re.search(rf'value="{ward}" checked', html)
    posted = client.post(
        "/exports",
        data={"csrf_token": csrf_token(client, "/exports"), "source": "ratings", "format": "pdf", "language": "vi"},
    )
    assert posted.status_code == 302
    run_exports(app)
    job = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert "/file" in job


def test_headers_in_both_languages_values_in_vietnamese(app, client, rated):
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    _, content = finished(client, app, ask(language="both"), headers)
    rows = next(iter(sheets(content).values()))
    assert rows[0][0] == "Mã hồ sơ / Dossier code" and rows[0][-5] == "Tổng điểm (trên 18) / Total points (of 18)"
    assert rows[1][-4:-1] == ["Rất hài lòng", "Xuất sắc", "Đã tính"]


def test_an_integration_client_needs_the_satisfaction_scope_and_gets_its_agency(app, client, city, rated):
    from formplatform.accounts.tokens import issue_integration_token

    with app.app_context():
        admin = city.users["quantri"]
        reader, _ = issue_integration_token("Kho dữ liệu", ["satisfaction:read"], city.id("d3"), 30, admin)
        other, _ = issue_integration_token("Kho bài nộp", ["submissions:read"], city.id("d3"), 30, admin)
    _, content = finished(client, app, ask(), {"Authorization": f"Bearer {reader}"})
    assert [row[0] for row in next(iter(sheets(content).values()))[1:]] == [rated["r5"]]
    refused = client.post("/api/v1/exports", json=ask(), headers={"Authorization": f"Bearer {other}"})
    assert refused.status_code == 403
