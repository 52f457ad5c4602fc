"""Publish review, version history, a version read-only, comparing versions and exporting them."""

from __future__ import annotations

import io
import json
import re

import openpyxl

from tests.fixtures.definitions import sample_v1, sample_v3, t
from tests.formplatform.designer.pages_support import KEY, events, make_form, submit, token
from tests.renderers.htmltree import parse


def diff_row(html: str, name: str) -> str:
    match = re.search(rf'<tr class="fp-diff-(\w+)" data-field="{name}">(.*?)</tr>', html, re.S)
    assert match, f"no diff row for {name}"
    return match.group(1) + " " + match.group(2)


def test_history_shows_each_version_with_publisher_and_matching_submission_counts(app, client, city, designer):
    from formplatform.models import FormVersion
    from formplatform.services.forms import publish_form, save_draft
    from formplatform.services.tallies import with_counts

    make_form(app, city, 1)
    with app.app_context():
        save_draft(KEY, sample_v3(), None)
        publish_form(KEY, city.users["thietke"], confirm_breaking=True)
    submit(app, city, 1, times=3)
    submit(app, city, 2, times=2, without="quality")
    html = client.get(f"/admin/forms/{KEY}/versions?lang=en").get_data(as_text=True)
    counts = dict(re.findall(r'data-version="(\d+)">.*?data-testid="submission-count">(\d+)<', html, re.S))
    assert counts == {"1": "3", "2": "2"}
    with app.app_context():
        versions = with_counts(list(FormVersion.objects(form_key=KEY)))
        assert {v.number: v.submission_count for v in versions} == {1: 3, 2: 2}
    latest = re.search(r'data-version="2">(.*?)</tr>', html, re.S).group(1)
    assert "thietke" in latest and "Breaking" in latest
    for link in ("/versions/2/export?format=json", "/versions/2/export?format=xlsx", "/compare?a=1&amp;b=2"):
        assert link in latest
    assert f'href="/admin/forms/{KEY}/versions/2"' in latest


def test_a_version_opens_read_only_with_its_structure(app, client, city, designer):
    make_form(app, city, 1, 2)
    html = client.get(f"/admin/forms/{KEY}/versions/1?lang=en").get_data(as_text=True)
    assert "Version 1 (read-only)" in html
    assert "Level" in html and "Administrative level" not in html  # version 1's own labels
    view = parse(html.split('class="fp-version-view"', 1)[1])
    blank = view.find("fieldset", class_="fp-blank", disabled=True)
    assert blank is not None and view.find("form") is None and view.find(type="submit") is None
    controls = [n for n in view.iter() if n.tag in ("input", "select", "textarea")]
    assert controls and all(blank in ancestors(n) for n in controls)  # shown as people see it, all disabled
    assert {n.attrs.get("value") for n in view.find_all("input", name="level")} == {"city", "district"}
    reason = view.find(data_fp_key="why_no_plan")  # hidden when filling until "no"; shown here, with a note
    assert reason is not None and "hidden" not in reason.attrs
    assert "Shown only when a condition on other answers holds" in reason.text()
    assert "(Points: 2)" in view.find(data_fp_key="quality").text()
    for code in ("<code>scored_choice</code>", "<code>quality</code>", f"<code>{KEY}.quality</code>"):
        assert code in html
    assert client.get(f"/admin/forms/{KEY}/versions/7").status_code == 404
    assert client.get(f"/admin/forms/{KEY}/versions/0").status_code == 404
    assert client.get(f"/admin/forms/{KEY}/versions/0/export").status_code == 404


def test_compare_shows_the_two_versions_and_a_removed_field_as_breaking(app, client, city, designer):
    make_form(app, city, 1, 2, 3)
    html = client.get(f"/admin/forms/{KEY}/compare?a=2&b=3&lang=en").get_data(as_text=True)
    removed = diff_row(html, "quality")
    assert removed.startswith("removed") and "Quality" in removed and "Breaking" in removed
    level = diff_row(html, "level")
    assert "option removed" in level and "Breaking" in level
    assert html.count('class="fp-card" aria-labelledby="compare-') == 2
    assert "Administrative level" in html
    older, newer = (parse(side) for side in html.split('aria-labelledby="compare-')[1:])
    assert marks(older) == {"quality": "removed", "level": "changed"}  # each side flags its own fields
    assert marks(newer) == {"level": "changed"}
    assert "Removed" in older.find(data_fp_key="quality").text()
    assert {n.attrs["value"] for n in newer.find_all("input", name="level")} == {"city", "district"}
    compatible = diff_row(client.get(f"/admin/forms/{KEY}/compare?a=1&b=2&lang=en").get_data(as_text=True), "level")
    assert "Compatible" in compatible and "concept kept" in compatible and "option added" in compatible
    default = client.get(f"/admin/forms/{KEY}/compare?lang=en").get_data(as_text=True)
    assert "Changes from version 2 to version 3" in default
    assert client.get(f"/admin/forms/{KEY}/compare?a=1&b=9").status_code == 400
    assert client.get(f"/admin/forms/{KEY}/compare?a=x").status_code == 400


def ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def marks(root):
    """Field name -> the mark a comparison gives its box (fp-mark--added/changed/removed)."""
    found = {}
    for box in root.find_all(class_="fp-mark"):
        found[box.attrs["data-fp-key"]] = next(c for c in box.attrs["class"].split() if c.startswith("fp-mark--"))[9:]
    return found


def test_api_compares(app, client, city):
    make_form(app, city, 1, 3)
    body = client.get(f"/api/v1/forms/{KEY}/compare?a=1&b=2", headers=token(client)).get_json()
    assert body["diff"]["breaking"] is True
    (quality,) = [c for c in body["diff"]["changes"] if c["name"] == "quality"]
    assert quality["kind"] == "removed" and quality["label"] == t("Chất lượng", "Quality")


def test_exports_are_attachments_named_after_the_key_and_version(app, client, city, designer):
    make_form(app, city, 1, 2, draft=3)
    response = client.get(f"/admin/forms/{KEY}/versions/1/export?format=json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{KEY}-v1.json"'
    exported = json.loads(response.get_data(as_text=True))
    assert exported["key"] == KEY and exported["fields"][2]["name"] == "quality"
    assert exported["fields"][0]["fields"][2]["label"]["en"] == "Level"
    workbook = client.get(f"/admin/forms/{KEY}/versions/2/export?format=xlsx")
    assert workbook.headers["Content-Disposition"] == f'attachment; filename="{KEY}-v2.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(workbook.data))
    assert "survey" in book.sheetnames
    draft = client.get(f"/admin/forms/{KEY}/draft/export")
    assert draft.headers["Content-Disposition"] == f'attachment; filename="{KEY}-draft.json"'
    assert "quality" not in [f["name"] for f in json.loads(draft.data)["fields"]]
    assert client.get(f"/admin/forms/{KEY}/versions/1/export?format=pdf").status_code == 400
    assert client.get(f"/admin/forms/{KEY}/versions/5/export").status_code == 404
    page = client.get(f"/admin/forms/{KEY}/export?lang=en").get_data(as_text=True)
    assert f"{KEY}-v2.xlsx" in page and f"{KEY}-draft.json" in page


def test_api_exports(app, client, city):
    make_form(app, city, 1)
    headers = token(client)
    response = client.get(f"/api/v1/forms/{KEY}/versions/1/export?format=xlsx", headers=headers)
    assert response.status_code == 200 and response.data.startswith(b"PK")
    assert f"{KEY}-v1.xlsx" in response.headers["Content-Disposition"]
    assert client.get(f"/api/v1/forms/{KEY}/versions/1/export", headers=headers).get_json()["key"] == KEY
    bad = client.get(f"/api/v1/forms/{KEY}/versions/1/export?format=csv", headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_export_format"
    assert client.get(f"/api/v1/forms/{KEY}/versions/1/export", headers=token(client, "cv_q1")).status_code == 403


def test_publish_review_lists_changes_with_labels_and_needs_confirmation_for_breaking(app, client, city, designer):
    make_form(app, city, 1, 2, draft=3)
    html = client.get(f"/admin/forms/{KEY}/publish?lang=en").get_data(as_text=True)
    assert "Review and publish version 3" in html and "1 field removed" in html
    assert "Quality" in diff_row(html, "quality") and "Breaking" in diff_row(html, "quality")
    assert 'name="confirm_breaking"' in html
    refused = client.post(f"/admin/forms/{KEY}/publish?lang=en", data={"csrf_token": designer})
    assert refused.status_code == 409 and "confirm them to publish" in refused.get_data(as_text=True)
    with app.app_context():
        assert not events("form.publish")[2:]  # only the two versions of the set-up
    done = client.post(f"/admin/forms/{KEY}/publish", data={"csrf_token": designer, "confirm_breaking": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/admin/forms/{KEY}/versions?published=3")
    again = client.get(f"/admin/forms/{KEY}/publish?lang=en").get_data(as_text=True)
    assert "identical to the latest published version" in again and "Publish version 4" not in again
    assert client.post(f"/admin/forms/{KEY}/publish", data={"csrf_token": designer}).status_code == 409


def test_publish_is_blocked_by_missing_translations(app, client, city, designer):
    from formplatform.services.forms import save_draft

    definition = sample_v1()
    definition["fields"][0]["fields"][0]["label"] = {"vi": "Cơ quan"}
    with app.app_context():
        save_draft(KEY, definition, None, owner_agency_id=city.id("home_affairs"))
    html = client.get(f"/admin/forms/{KEY}/publish?lang=en").get_data(as_text=True)
    assert "fields.0.fields.0.label" in html and "The English text is missing." in html
    assert "Publish version 1" not in html
    response = client.post(f"/admin/forms/{KEY}/publish?lang=en", data={"csrf_token": designer})
    assert response.status_code == 422 and "The English text is missing." in response.get_data(as_text=True)
    with app.app_context():
        assert events("form.publish") == []
    review = client.get(f"/api/v1/forms/{KEY}/publish", headers=token(client)).get_json()
    assert review["publishable"] is False and review["missing_translations"][0]["path"] == "fields.0.fields.0.label"


def test_the_json_editor_stays_as_edit_as_json(app, client, city, designer):
    make_form(app, city, 1)
    page = client.get(f"/admin/forms/{KEY}/draft?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Edit as JSON" in html and "&#34;quality&#34;" in html
    revision = re.search(r'name="revision" value="(\d+)"', html).group(1)
    changed = sample_v1()
    changed["title"] = t("Báo cáo mới", "New report")
    saved = client.post(
        f"/admin/forms/{KEY}/draft",
        data={"definition": json.dumps(changed), "revision": revision, "csrf_token": designer},
    )
    assert saved.status_code == 302
    assert "New report" in client.get(f"/admin/forms/{KEY}/draft?lang=en").get_data(as_text=True)
    stale = client.post(
        f"/admin/forms/{KEY}/draft",
        data={"definition": json.dumps(changed), "revision": revision, "csrf_token": designer},
    )
    assert stale.status_code == 409
