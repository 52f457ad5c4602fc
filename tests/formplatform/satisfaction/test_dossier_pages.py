"""Dossier pages: the scoped list with search and filters, a dossier's detail, importing a CSV or Excel sheet."""

from __future__ import annotations

import csv
import io
import re
import unicodedata

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


def checked(client, content: bytes, filename: str):
    """Upload a sheet; the answer is the preview of what importing it would do (nothing imported yet)."""
    sent = upload(client, content, filename)
    assert sent.status_code == 303, sent.get_data(as_text=True)[-2000:]
    return client.get(sent.headers["Location"] + "?lang=en"), sent.headers["Location"]


def verdicts(page) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-row="(\d+)" data-verdict="([a-z]+)">', page.get_data(as_text=True))


def confirm(client, where: str, action: str = "import"):
    return post(client, where + "?lang=en", {"action": action})


def test_a_csv_with_one_bad_row_imports_nothing_and_lists_every_problem(app, city):
    from formplatform.satisfaction.models import Dossier

    client = as_user(app, "cv_q1")
    rows = [row(1), row(2, status="lost", received_at="2026-13-01"), row(3, agency="000.33.33.H29")]
    preview, where = checked(client, csv_bytes(rows), "ho-so.csv")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 422 and "2 rows have problems" in page and 'id="confirm-import"' not in page
    assert verdicts(preview) == [("2", "new"), ("3", "invalid"), ("4", "invalid")]
    problems = re.findall(r'<small class="fp-error"><code>([a-z_]+)</code>', page)
    assert sorted(problems) == ["agency_code", "received_at", "status"]
    assert confirm(client, where).status_code == 303 and Dossier.objects.count() == 0  # refused again


def test_valid_csv_and_xlsx_sheets_are_imported_after_the_preview_and_a_second_import_updates(app, city):
    from formplatform.audit.models import AuditEvent
    from formplatform.satisfaction.models import Dossier, DossierImport

    client = as_user(app, "cv_q1")
    preview, where = checked(client, csv_bytes([row(1), row(2)]), "ho-so.csv")
    assert preview.status_code == 200 and verdicts(preview) == [("2", "new"), ("3", "new")]
    assert "CSV read as UTF-8 (BOM), columns separated by a comma" in preview.get_data(as_text=True)
    assert Dossier.objects.count() == 0  # the preview writes nothing
    first = confirm(client, where)
    assert "2 new, 0 updated, 0 unchanged" in first.get_data(as_text=True) and Dossier.objects.count() == 2
    assert DossierImport.objects.count() == 0 and confirm(client, where).status_code == 404  # imported once
    sheet = xlsx_bytes([row(2, status="returned", finished_at="14/11/2026"), row(3)])
    preview, where = checked(client, sheet, "ho-so.xlsx")
    assert verdicts(preview) == [("2", "update"), ("3", "new")]
    assert "Being processed → Result handed over" in preview.get_data(as_text=True)
    assert "1 new, 1 updated, 0 unchanged" in confirm(client, where).get_data(as_text=True)
    updated = Dossier.objects.get(id=f"{D1_WARD}-261110-0002")
    assert updated.status == "returned" and updated.source == "import" and Dossier.objects.count() == 3
    assert AuditEvent.objects(action="dossier.import").count() == 2


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below


def cp1258(text: str) -> bytes:
    """Text as Excel saves "CSV" on Vietnamese Windows: Windows-1258, tone marks as combining characters."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in parts if c in TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            out += (base + tones).encode("cp1258")
    return out


def test_what_excel_writes_in_vietnamese_settings_is_read(app, city):
    """Semicolons (comma decimal mark), Windows-1258 without a BOM, tabs, UTF-8 without a BOM."""
    client = as_user(app, "cv_q1")
    columns = list(row(1))
    for delimiter, encoding, label in ((";", "cp1258", "Windows-1258"), ("\t", "utf-8", "UTF-8")):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter)
        writer.writerow(columns)
        writer.writerow([row(5)[c] for c in columns])
        content = cp1258(buffer.getvalue()) if encoding == "cp1258" else buffer.getvalue().encode(encoding)
        preview, where = checked(client, content, "ho-so.csv")
        page = preview.get_data(as_text=True)
        assert preview.status_code == 200 and verdicts(preview) == [("2", "new")], page[-2000:]
        assert f"CSV read as {label}" in page and row(5)["procedure_name_vi"] in page  # Vietnamese intact
        confirm(client, where, "cancel")


def test_a_status_never_goes_backwards_by_import_but_can_be_corrected_with_a_reason(app, city):
    from formplatform.audit.models import AuditEvent
    from formplatform.satisfaction.models import Dossier

    client = as_user(app, "cv_q1")
    confirm(client, checked(client, csv_bytes([row(1, status="returned", finished_at="14/11/2026")]), "a.csv")[1])
    preview, where = checked(client, csv_bytes([row(1, status="processing")]), "b.csv")
    assert verdicts(preview) == [("2", "invalid")] and "status only moves forward" in preview.get_data(as_text=True)
    code = f"{D1_WARD}-261110-0001"
    refused = post(client, f"/admin/dossiers/{code}/correct?lang=en", {"status": "processing", "reason": "oops"})
    assert refused.status_code == 422 and "at least 10 characters" in refused.get_data(as_text=True)
    reason = "Trả nhầm kết quả, hồ sơ còn đang xử lý"
    done = post(client, f"/admin/dossiers/{code}/correct?lang=en", {"status": "processing", "reason": reason})
    assert done.status_code == 303 and Dossier.objects.get(id=code).status == "processing"
    page = client.get(f"/admin/dossiers/{code}?lang=en").get_data(as_text=True)
    assert f"corrected: {reason}" in page
    event = AuditEvent.objects.get(action="dossier.correct", target_id=code)
    assert (event.before, event.after, event.details["reason"]) == (
        {"status": "returned"},
        {"status": "processing"},
        reason,
    )
    viewer = as_user(app, "xem_q1")
    assert post(viewer, f"/admin/dossiers/{code}/correct", {"status": "returned", "reason": reason}).status_code == 403


def test_a_preview_is_its_uploaders_alone_and_cancel_forgets_it(app, city):
    from formplatform.satisfaction.models import DossierImport

    client = as_user(app, "cv_q1")
    _, where = checked(client, csv_bytes([row(1)]), "ho-so.csv")
    other = as_user(app, "quantri")
    assert other.get(where).status_code == 404 and confirm(other, where).status_code == 404
    assert confirm(client, where, "cancel").status_code == 303 and DossierImport.objects.count() == 0
    assert client.get(where).status_code == 404


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


def test_the_template_has_the_header_and_an_example_row_that_is_never_imported(app, city):
    client = as_user(app, "quantri")
    response = client.get("/admin/dossiers/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    from formplatform.satisfaction.dossier_input import COLUMNS

    assert lines[0] == list(COLUMNS) and len(lines) == 2
    preview, where = checked(client, response.get_data(), "mau.csv")  # the template as downloaded
    page = preview.get_data(as_text=True)
    assert verdicts(preview) == [("2", "example")] and 'id="confirm-import"' not in page  # never by accident
    from formplatform.satisfaction.models import Dossier

    assert confirm(client, where).status_code == 200 and Dossier.objects.count() == 0
