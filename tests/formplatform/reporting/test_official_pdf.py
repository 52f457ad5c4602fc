"""The signed report is an administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I): header, number and
symbol allocated at signing, place and date, title and period from the campaign, signer block, recipients,
a visible signature box; and a changed byte is still caught."""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pypdf import PdfReader

from formplatform.reporting.demo_ca import DEMO_P12_PASSWORD
from tests.formplatform.reporting import test_signatures as base
from tests.formplatform.reporting.test_signatures import bind, flip_inside_content, make_report

pki, signing = base.pki, base.signing  # the demo CA fixtures of the signature tests


@pytest.fixture
def env(app: Any, city: Any, seeded: Any, signing: Any) -> Any:
    from formplatform.reporting.models import Campaign

    with app.test_request_context():
        head = city.users["ct_q1"]
        head.update(set__display_name="Lê Văn Chủ Tịch", set__position="Chủ tịch")
        head.reload()
        bind(head, signing.p12, city.users["quantri"])
        Campaign(
            id="campaign-q4",
            name={"vi": "Báo cáo CCHC quý", "en": "Quarterly reform report"},
            form_key="cchc-report",
            version=1,
            period_type="quarter",
            deadline={"type": "day_of_month", "day": 25},
            owner_agency_id=city.id("home_affairs"),
            starts_on=datetime(2026, 1, 1),
        ).save(force_insert=True)
        yield SimpleNamespace(city=city, head=head, p12=signing.p12)


def q4_report(env: Any, agency: str = "d1", **answers: Any) -> Any:
    """A Q4 2026 report whose form data claims another agency and period (typed, not authoritative)."""
    report = make_report(env.city, agency=agency, period="2026-Q4", **answers)
    report.update(
        set__campaign_id="campaign-q4",
        set__period_start=datetime(2026, 9, 15),
        set__period_end=datetime(2026, 12, 14),
    )
    report.reload()
    return report


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def signed_pdf(report: Any, head: Any, p12: bytes) -> bytes:
    from formplatform.models import StoredFile
    from formplatform.reporting.signatures import sign_report

    record = sign_report(report, p12, DEMO_P12_PASSWORD, head)
    return bytes(StoredFile.objects(id=record["file_id"]).first().content)


def test_agency_names_and_signer_lines_follow_nd30():
    from formplatform.reporting.pdf_header import official_name, signer_lines, subject_of

    assert official_name("UBND Quận 1") == "ỦY BAN NHÂN DÂN QUẬN 1"
    assert official_name("Sở Tư pháp") == "SỞ TƯ PHÁP"
    assert signer_lines("district", "Chủ tịch") == ["TM. ỦY BAN NHÂN DÂN"]
    assert signer_lines("district", "Phó Chủ tịch") == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]
    assert signer_lines("department", "Phó Giám đốc") == ["KT. GIÁM ĐỐC"]
    assert signer_lines("department", "Giám đốc") == []
    assert subject_of("Báo cáo kết quả công tác CCHC", "Quý IV/2026") == "Kết quả công tác CCHC Quý IV/2026"


def test_the_signed_pdf_carries_the_administrative_header_lines(env):
    from formplatform.reporting.doc_numbers import _today_in_vietnam

    report = q4_report(env)
    report.update(set__data={**report.data, "agency": "UBND Quận 3", "year": 2025, "period_kind": "q3"})
    report.reload()
    text = text_of(signed_pdf(report, env.head, env.p12))
    today = _today_in_vietnam()
    month = f"{today.month:02d}" if today.month <= 2 else str(today.month)
    for line in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN QUẬN 1",
        "Số: 1/BC-000.00.31.H29",
        f"Thành phố Hồ Chí Minh, ngày {today.day:02d} tháng {month} năm {today.year}",
        "BÁO CÁO Kết quả thực hiện công tác cải cách hành chính Quý IV/2026",
        "(Từ ngày 15/09/2026 đến ngày 14/12/2026)",
        "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH",
        "Ký bởi: Lê Văn Chủ Tịch",
        "Cơ quan cấp chứng thư: CA Thử nghiệm",
        "Lê Văn Chủ Tịch Nơi nhận: - Sở Nội vụ; - Lưu: VT.",
    ):
        assert line in text, line
    header = text[: text.index("BÁO CÁO")]
    assert "QUẬN 3" not in header and "ỦY BAN NHÂN DÂN THÀNH PHỐ" not in header  # a committee prints no parent
    assert "2.026" not in text and "2,026" not in text


def test_a_department_prints_its_parent_and_a_deputy_signs_for_the_head(env, city):
    from formplatform.accounts.models import RoleGrant
    from formplatform.reporting.signatures import render_report_pdf, report_pdf_for

    head = city.users["ct_q1"]
    head.update(
        set__position="Phó Giám đốc",
        set__agency_id=city.id("justice"),
        set__roles=[RoleGrant(role="agency_head", agency_id=city.id("justice"))],
    )
    head.reload()
    report = q4_report(env, agency="justice")
    before = text_of(render_report_pdf(report))
    assert "Số: /BC-000.00.12.H29" in before and "ngày …… tháng …… năm ……" in before  # not numbered yet
    text = text_of(report_pdf_for(head, report))  # the signer downloads it to sign elsewhere: numbered
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH SỞ TƯ PHÁP Số: 1/BC-000.00.12.H29" in text
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text
    assert text_of(render_report_pdf(report)) == text  # every reader now gets the same numbered document


def test_numbers_run_per_agency_and_year_and_are_kept_by_the_report(env, city):
    from formplatform.reporting.doc_numbers import next_number, prepare_document

    first = q4_report(env)
    numbered = prepare_document(first, env.head)
    assert numbered.label() == "1/BC-000.00.31.H29"
    assert prepare_document(first, env.head).number == 1  # prepared again: the same number
    other = make_report(env.city, period="2026-M12")
    assert prepare_document(other, env.head).number == 2
    assert next_number(city.id("d3"), numbered.year) == 1  # another agency counts on its own
    assert next_number(city.id("d1"), numbered.year + 1) == 1  # and a new year starts again


@pytest.mark.embedded_only
def test_reports_signed_at_once_never_share_a_number(env, app):
    from formplatform.reporting.doc_numbers import prepare_document

    reports = [make_report(env.city, period=f"2025-M{month:02d}") for month in range(1, 11)]
    numbers: list[int] = []
    lock = threading.Lock()

    def prepare(report: Any) -> None:
        with app.app_context():
            number = prepare_document(report, env.head).number
        with lock:
            numbers.append(number)

    threads = [threading.Thread(target=prepare, args=(report,)) for report in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == list(range(1, 11))


def test_the_visible_signature_sits_in_the_signer_block_and_a_changed_byte_is_caught(env):
    from formplatform.reporting.signatures import trust_roots, verify_pdf

    signed = signed_pdf(q4_report(env), env.head, env.p12)
    reader = PdfReader(io.BytesIO(signed))
    widgets = [
        annotation.get_object()
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if annotation.get_object().get("/FT") == "/Sig"
    ]
    [widget] = widgets
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 - x1 > 150 and y2 - y1 > 50  # a real box, not an invisible 0×0 field
    [check] = verify_pdf(flip_inside_content(signed), trust_roots())
    assert not check.intact and check.problems == ("signature_altered",)


def _png_of_first_page(pdf: bytes, folder: Any) -> bytes:
    """The first page as PNG, with pypdfium2 when installed, else poppler's pdftoppm; skip without either."""
    try:
        import pypdfium2  # type: ignore[import-not-found]
    except ImportError:
        if shutil.which("pdftoppm") is None:
            pytest.skip("neither pypdfium2 nor pdftoppm (poppler-utils) is installed")
        (folder / "signed.pdf").write_bytes(pdf)
        command = ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(folder / "signed.pdf"), str(folder / "p")]
        subprocess.run(command, check=True)
        return (folder / "p-1.png").read_bytes()
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=1).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_the_signed_pdf_renders_to_an_image(env, tmp_path):
    png = _png_of_first_page(signed_pdf(q4_report(env), env.head, env.p12), tmp_path)
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    artifacts = Path(__file__).resolve().parents[3] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "signed-report.png").write_bytes(png)  # kept for a person to look at
