"""Importing accounts from CSV and Excel: every row checked first, a row-level report, all or nothing."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

from tests.formplatform.accounts.conftest import as_user, post

HEADER = ["username", "display_name", "email", "phone", "position", "agency_code", "roles"]
GOOD_ROWS = [
    [
        "nv.an",
        "Nguyễn Văn An",
        "an@q1.gov.vn",
        "0283 829 1234",
        "Chuyên viên",
        "000.00.31.H29",
        "specialist@000.00.31.H29",
    ],
    ["tt.binh", "Trần Thị Bình", "", "", "", "000.31.31.H29", "specialist@000.31.31.H29;viewer@000.00.31.H29"],
    ["le.cuong", "Lê Cường", "", "", "Trưởng phòng", "000.01.31.H29", "division_head@000.01.31.H29"],
]


def csv_bytes(rows, bom=True):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content, filename):
    return post(
        client,
        "/admin/users/import?lang=en",
        {"sheet": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def usernames(app):
    from formplatform.accounts.models import User

    with app.app_context():
        return {u.username for u in User.objects.only("username")}


def test_a_valid_csv_creates_every_account_and_shows_the_passwords_once(app, city):
    from formplatform.accounts.models import User
    from formplatform.audit.models import AuditEvent

    client = as_user(app, "quantri")
    response = upload(client, csv_bytes(GOOD_ROWS), "tai-khoan.csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    assert response.headers["Cache-Control"] == "no-store" and "3 accounts imported" in html
    link = re.search(r'href="data:text/csv;charset=utf-8,([^"]+)"', html).group(1)
    table = list(csv.reader(io.StringIO(unquote(link).lstrip("\ufeff"))))
    assert table[0] == ["username", "temporary_password"] and [r[0] for r in table[1:]] == [
        "nv.an",
        "tt.binh",
        "le.cuong",
    ]
    with app.app_context():
        an = User.objects(username="nv.an").first()
        assert an.must_change_password and an.display_name == "Nguyễn Văn An" and an.phone == "02838291234"
        assert an.agency_id == city.id("d1") and [(g.role, g.agency_id) for g in an.roles] == [
            ("specialist", city.id("d1"))
        ]
        binh = User.objects(username="tt.binh").first()
        assert [(g.role, g.agency_id) for g in binh.roles] == [
            ("specialist", city.id("d1_ward")),
            ("viewer", city.id("d1")),
        ]
        assert AuditEvent.objects(action="user.import").first().details["count"] == 3
        assert AuditEvent.objects(action="user.create", target_id=an.id).count() == 1
    password = table[1][1]
    assert password in html and password not in client.get("/admin/users").get_data(as_text=True)
    fresh = app.test_client()
    assert fresh.post("/api/v1/auth/token", json={"username": "nv.an", "password": password}).status_code == 403


def test_a_valid_xlsx_creates_every_account(app, city):
    client = as_user(app, "quantri")
    response = upload(client, xlsx_bytes(GOOD_ROWS), "tai-khoan.xlsx")
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    assert {"nv.an", "tt.binh", "le.cuong"} <= usernames(app)


def report_rows(html):
    """(row, column, message) of the report table."""
    body = html.split('data-testid="import-report"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<tr><td class="fp-num">(\d+)</td><td><code>([a-z_]+)</code></td><td>([^<]+)</td></tr>', body)
    return [(int(r), c, m) for r, c, m in cells]


def test_one_bad_row_imports_nothing_and_the_report_names_row_and_column(app, city):
    client = as_user(app, "quantri")
    before = usernames(app)
    rows = [
        *GOOD_ROWS,
        ["x.dung", "Dung", "", "", "", "999.99.99.H29", "viewer@000.00.31.H29"],
        ["nv.an", "Trùng tên", "khong-phai-email", "12", "", "000.00.31.H29", "viewer@000.00.31.H29"],
        ["cv_q3", "Đã có", "", "", "", "000.00.33.H29", "boss@000.00.33.H29"],
        ["y.em", "", "", "", "", "", ""],
        ["Z Sai", "Tên sai", "", "", "", "000.00.33.H29", "viewer000.00.33.H29"],
    ]
    response = upload(client, csv_bytes(rows), "tai-khoan.csv")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was imported" in html
    found = {(row, column) for row, column, _ in report_rows(html)}
    assert found == {
        (5, "agency_code"),
        (6, "username"),
        (6, "email"),
        (6, "phone"),
        (7, "username"),
        (7, "roles"),
        (8, "display_name"),
        (8, "agency_code"),
        (8, "roles"),
        (9, "username"),
        (9, "roles"),
    }
    messages = dict(((r, c), m) for r, c, m in report_rows(html))
    assert messages[(5, "agency_code")] == "There is no agency 999.99.99.H29."
    assert messages[(6, "username")] == "This user name already appears on row 2."
    assert messages[(7, "username")] == "This user name is already taken."
    assert messages[(7, "roles")] == "There is no role boss."
    assert usernames(app) == before


def test_a_district_admin_cannot_import_accounts_beyond_the_district(app, city, district_admin):
    client = as_user(app, "qt_q1")
    rows = [GOOD_ROWS[0], ["d3.user", "Quận 3", "", "", "", "000.00.33.H29", "viewer@000.00.33.H29"]]
    response = upload(client, csv_bytes(rows), "tai-khoan.csv")
    assert response.status_code == 422
    assert {(r, c) for r, c, _ in report_rows(response.get_data(as_text=True))} == {(3, "agency_code"), (3, "roles")}
    assert "nv.an" not in usernames(app)
    grant_up = [["nv.an", "An", "", "", "", "000.00.31.H29", "admin@000.00.00.H29"]]
    assert upload(client, csv_bytes(grant_up), "a.csv").status_code == 422


def test_files_of_the_wrong_size_type_or_shape_are_refused(app, city):
    client = as_user(app, "quantri")
    big = csv_bytes(GOOD_ROWS) + b"#" * (2 * 1024 * 1024)
    too_big = upload(client, big, "big.csv")
    assert too_big.status_code == 400 and "larger than 2 MB" in too_big.get_data(as_text=True)
    for content, name in (
        (csv_bytes(GOOD_ROWS), "tai-khoan.xlsx"),  # a CSV calling itself a workbook
        (xlsx_bytes(GOOD_ROWS), "tai-khoan.csv"),  # a workbook calling itself a CSV
        ("username,display_name\n".encode("utf-16"), "utf16.csv"),  # not UTF-8
        (csv_bytes(GOOD_ROWS), "tai-khoan.txt"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx"),
    ):
        response = upload(client, content, name)
        assert response.status_code == 400, name
    missing = upload(client, b"username,display_name\nabc,ABC\n", "cols.csv")
    assert missing.status_code == 400 and "must name the columns" in missing.get_data(as_text=True)
    empty = upload(client, csv_bytes([]), "empty.csv")
    assert empty.status_code == 400 and "no accounts" in empty.get_data(as_text=True)
    assert "nv.an" not in usernames(app)


def test_the_template_is_a_utf8_csv_with_the_columns(app, city):
    client = as_user(app, "quantri")
    response = client.get("/admin/users/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.decode("utf-8-sig").strip() == ",".join(HEADER)
    assert as_user(app, "cv_q1").get("/admin/users/import/template.csv").status_code == 403
