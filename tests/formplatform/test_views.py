"""The HTML twins: pages a person uses, in both languages."""

from __future__ import annotations

import re

from tests.conftest import ADMIN_PASSWORD, csrf_token, log_in
from tests.fixtures.definitions import sample_v1, sample_v2, t

KEY = "sample-survey"


def survey(version: int = 1) -> dict:
    definition = (sample_v2 if version == 2 else sample_v1)(KEY)
    definition["kind"] = "questionnaire"
    return definition


def publish(app, definition, confirm=True):
    from formplatform.services.forms import publish_form, save_draft

    with app.app_context():
        save_draft(definition["key"], definition, None)
        return publish_form(definition["key"], None, confirm_breaking=confirm)


def form_fields(level="district"):
    return {
        "agency": "UBND Quận 3",
        "staff": "7",
        "level": level,
        "has_plan": "yes",
        "annex.docs.plan": "10",
        "annex.docs.actual": "5",
        "quality": "fair",
        "events.0.title": "Họp",
    }


def test_index_lists_forms_in_the_chosen_language_and_remembers_it(client, app):
    publish(app, survey())
    vi = client.get("/").get_data(as_text=True)
    assert "Báo cáo mẫu" in vi and 'lang="vi"' in vi
    en = client.get("/?lang=en")
    assert "Sample report" in en.get_data(as_text=True)
    assert "lang=en" in en.headers.get("Set-Cookie", "")
    assert "Sample report" in client.get("/").get_data(as_text=True)  # cookie remembered


def test_search_filters_and_empty_state(client, app):
    publish(app, survey())
    assert "Báo cáo mẫu" in client.get("/?q=mẫu").get_data(as_text=True)
    page = client.get("/?q=khongco&lang=en").get_data(as_text=True)
    assert "No forms match your search." in page


def test_fill_submit_and_read_back_with_receipt(client, app):
    publish(app, survey())
    page = client.get(f"/forms/{KEY}").get_data(as_text=True)
    assert 'for="agency"' in page or 'for="f-agency"' in page or "agency" in page
    response = client.post(
        f"/forms/{KEY}/versions/1", data={**form_fields(), "csrf_token": csrf_token(client, f"/forms/{KEY}")}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "UBND Quận 3" in shown and "Quận" in shown
    bare = re.sub(r"receipt=[^&]+&?", "", response.headers["Location"])
    assert client.get(bare).status_code == 401


def test_invalid_answers_rerender_with_errors_next_to_fields_and_keep_input(client, app):
    publish(app, survey())
    fields = {**form_fields(), "staff": "-4", "csrf_token": csrf_token(client, f"/forms/{KEY}?lang=en")}
    response = client.post(f"/forms/{KEY}/versions/1?lang=en", data=fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The value must be at least 0." in html
    assert "UBND Quận 3" in html  # nothing typed is lost


def test_old_submission_renders_with_its_own_version_labels(client, app):
    publish(app, survey(1))
    response = client.post(
        f"/forms/{KEY}/versions/1?lang=en", data={**form_fields(), "csrf_token": csrf_token(client, f"/forms/{KEY}")}
    )
    location = response.headers["Location"]
    publish(app, survey(2))
    html = client.get(location + "&lang=en").get_data(as_text=True)
    assert "Level" in html and "Administrative level" not in html
    assert "version 1" in html.lower()
    assert "Administrative level" in client.get(f"/forms/{KEY}?lang=en").get_data(as_text=True)


def test_admin_text_is_escaped_everywhere(client, app):
    definition = survey()
    definition["title"] = t("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
    definition["fields"][0]["fields"][0]["label"] = t("<b>Cơ quan</b>", "<b>Agency</b>")
    publish(app, definition)
    for path in ("/", f"/forms/{KEY}", "/?lang=en", f"/forms/{KEY}?lang=en"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html and "<img src=x" not in html and "<b>Cơ quan" not in html


def test_security_headers_and_csrf(client, admin):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    refused = client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD})
    assert refused.status_code == 400 and "csrf" in refused.get_data(as_text=True).lower()


def test_admin_creates_and_publishes_through_the_json_page(client, app, admin):
    import json

    log_in(client, "admin", ADMIN_PASSWORD)
    token = csrf_token(client, "/admin/forms/new")
    saved = client.post("/admin/forms/new", data={"definition": json.dumps(survey()), "csrf_token": token})
    assert saved.status_code == 302
    page = client.get(f"/admin/forms/{KEY}/draft?lang=en").get_data(as_text=True)
    assert "First version" in page and "Added" in page
    published = client.post(f"/admin/forms/{KEY}/publish", data={"csrf_token": token})
    assert published.status_code == 302
    bad = client.post(f"/admin/forms/{KEY}/draft?lang=en", data={"definition": "{oops", "csrf_token": token})
    assert bad.status_code == 422 and "not valid JSON" in bad.get_data(as_text=True)


def test_unknown_pages_get_a_uniform_error_page(client):
    response = client.get("/forms/does-not-exist?lang=en")
    assert response.status_code == 404 and "Not found." in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_submission_downloads_as_word_and_pdf_with_its_answers_and_only_with_its_receipt(client, app):
    import io

    import docx
    from pypdf import PdfReader

    publish(app, survey())
    response = client.post(
        f"/forms/{KEY}/versions/1", data={**form_fields(), "csrf_token": csrf_token(client, f"/forms/{KEY}")}
    )
    path, _, query = response.headers["Location"].partition("?")
    receipt = re.search(r"receipt=([^&]+)", query).group(1)
    page = client.get(f"{path}?receipt={receipt}").get_data(as_text=True)
    assert f"{path}.docx?receipt=" in page.replace("&amp;", "&")
    word = client.get(f"{path}.docx?receipt={receipt}")
    assert word.status_code == 200 and word.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in word.headers["Content-Disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs)
    assert "Báo cáo mẫu" in text and "UBND Quận 3" in text
    pdf = client.get(f"{path}.pdf?receipt={receipt}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "UBND Quận 3" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert client.get(f"{path}.docx").status_code == 401  # no receipt, no login: nothing
    assert client.get(f"{path}.xls?receipt={receipt}").status_code == 404
