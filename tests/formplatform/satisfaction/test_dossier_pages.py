"""Dossier pages: the scoped list with search and filters, a dossier's detail, importing a CSV or Excel sheet."""

from __future__ import annotations

import csv
import io
import re

from tests.fixtures.satisfaction import make_dossier
from tests.formplatform.accounts.conftest import as_user, post
from tests.formplatform.satisfaction.test_dossier_intake import D1_WARD, row


def csv_bytes(rows: list[dict[str, str]], columns: list[str] | None = None) -> bytes:
    columns = columns or list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([[r.get(c, "") for c in columns] for r in rows])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[dict[str, str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    columns = ["stt", *rows[0]]  # a row-number column, as officials like to add, is ignored
    sheet.append(columns)
    for number, values in enumerate(rows, 1):
        sheet.append([number, *values.values()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, filename: str):
    return post(
        client,
        "/admin/dossiers/import?lang=en",
        {"sheet": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def test_the_list_is_scoped_filtered_paged_and_shows_rating_state(app, city):
    with app.app_context():
        for seq in range(1, 23):
            make_dossier(city, "d1_ward", seq=seq, status="processing" if seq % 2 else "returned")
        make_dossier(city, "d3_ward", seq=1)
    viewer = as_user(app, "xem_q1")
    page = viewer.get("/admin/dossiers?lang=en").get_data(as_text=True)
    assert "Page 1, rows 1–20" in page and 'rel="next"' in page and "000.33.33.H29" not in page
    assert "Not rated yet" in page and "Can be rated once handled" in page
    assert page.index(f"{D1_WARD}-261110-0022") < page.index(f"{D1_WARD}-261110-0021")
    second = viewer.get("/admin/dossiers?lang=en&page=2").get_data(as_text=True)
    assert f"{D1_WARD}-261110-0001" in second and f"{D1_WARD}-261110-0022" not in second
    assert "Page 2, rows 21–22" in second and 'rel="next"' not in second
    filtered = viewer.get("/admin/dossiers?lang=en&status=returned&q=0004").get_data(as_text=True)
    assert filtered.count('class="fpd-code"') == 1 and f"{D1_WARD}-261110-0004" in filtered
    empty = viewer.get("/admin/dossiers?lang=en&q=nothing-like-this").get_data(as_text=True)
    assert "No dossiers match your search." in empty
    poster = viewer.get(f"/admin/dossiers?lang=en&agency={city.id('d1_ward')}").get_data(as_text=True)
    assert f"/admin/rating-posters/{city.id('d1_ward')}.pdf" in poster
    assert as_user(app, "thietke").get("/admin/dossiers").status_code == 403
    assert app.test_client().get("/admin/dossiers").status_code in (302, 401)


def test_the_empty_list_says_how_dossiers_arrive(app, city):
    page = as_user(app, "cv_q1").get("/admin/dossiers?lang=en").get_data(as_text=True)
    assert "There are no dossiers yet." in page and "/admin/dossiers/import" in page


def test_the_detail_page_masks_the_applicant_for_viewers_and_offers_the_qr_to_handlers(app, city):
    with app.app_context():
        dossier = make_dossier(city, "d1_ward", seq=7)
    code = dossier.id
    handler = as_user(app, "cv_q1").get(f"/admin/dossiers/{code}?lang=en").get_data(as_text=True)
    assert "Phạm Minh Khoa" in handler and "Trần Thị Xử" in handler and "Result handed over" in handler
    assert f"/admin/dossiers/{code}/rating-sheet.pdf" in handler and f"/admin/dossiers/{code}/rating-qr.svg" in handler
    viewer = as_user(app, "xem_q1").get(f"/admin/dossiers/{code}?lang=en").get_data(as_text=True)
    assert "P. M. K." in viewer and "Phạm Minh Khoa" not in viewer and "rating-sheet.pdf" not in viewer
    assert as_user(app, "cv_q3").get(f"/admin/dossiers/{code}").status_code == 404


def test_a_csv_with_one_bad_row_imports_nothing_and_lists_every_problem(app, city):
    from formplatform.satisfaction.models import Dossier

    client = as_user(app, "cv_q1")
    rows = [row(1), row(2, status="lost", received_at="2026-13-01"), row(3, agency="000.33.33.H29")]
    response = upload(client, csv_bytes(rows), "ho-so.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "No dossier was imported" in page
    report = re.findall(r'<td class="fp-num">(\d+)</td><td><code>([a-z_]+)</code>', page)
    assert report == [("3", "received_at"), ("3", "status"), ("4", "agency_code")]
    assert Dossier.objects.count() == 0


def test_valid_csv_and_xlsx_sheets_are_imported_and_a_second_import_updates(app, city):
    from formplatform.satisfaction.models import Dossier

    client = as_user(app, "cv_q1")
    first = upload(client, csv_bytes([row(1), row(2)]), "ho-so.csv")
    assert first.status_code == 200, first.get_data(as_text=True)[-3000:]
    assert "2 new, 0 updated, 0 unchanged" in first.get_data(as_text=True)
    xlsx = upload(client, xlsx_bytes([row(2, status="returned", finished_at="14/11/2026"), row(3)]), "ho-so.xlsx")
    assert "1 new, 1 updated, 0 unchanged" in xlsx.get_data(as_text=True)
    assert Dossier.objects.count() == 3
    updated = Dossier.objects.get(id=f"{D1_WARD}-261110-0002")
    assert updated.status == "returned" and updated.source == "import"


def test_the_import_refuses_wrong_files_and_strangers(app, city):
    client = as_user(app, "cv_q1")
    for content, name in (
        (csv_bytes([row(1)]), "ho-so.xlsx"),
        (b"PK\x03\x04broken", "ho-so.xlsx"),
        (b"a,b\n1,2\n", "ho-so.csv"),
        (b"x" * (2 * 1024 * 1024 + 10), "ho-so.csv"),
    ):
        response = upload(client, content, name)
        assert response.status_code == 400 and "fp-flash--error" in response.get_data(as_text=True)
    assert as_user(app, "xem_q1").get("/admin/dossiers/import").status_code == 403


def test_the_template_has_the_header_and_an_example_row_that_imports(app, city):
    client = as_user(app, "quantri")
    response = client.get("/admin/dossiers/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    from formplatform.satisfaction.dossier_input import COLUMNS

    assert lines[0] == list(COLUMNS) and len(lines) == 2
    imported = upload(client, response.get_data(), "mau.csv")
    assert imported.status_code == 200 and "1 new" in imported.get_data(as_text=True)
