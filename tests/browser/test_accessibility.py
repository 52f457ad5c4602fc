"""Issue 22: every kind of page, in Vietnamese and English, has no serious or critical axe-core violation
(WCAG 2.1 AA) and does not scroll sideways on a 360 or 390 px phone. One seeded city, one browser page,
one walk: public pages, the QR rating with its PIN step, the kiosk screens, fill pages with errors shown,
the report at each step of the chain, the designer, dashboards and administration, login and 404."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.a11y import DESKTOP, Audit
from tests.browser.test_report_workflow import log_in
from tests.fixtures.satisfaction import make_dossier, pin_of
from tests.formplatform.reporting.workflow_support import FAKE_SIGNATURE, cchc_data, kpi_data, make_report, users

LANGS = ("vi", "en")


def reports_at_each_step(app: Any, city: Any) -> dict[str, str]:
    """A KPI sheet in draft, and report-chain reports waiting for each role."""
    from formplatform.reporting import workflow

    with app.app_context():
        u = users(city)
        kpi = make_report(city, "kpi-monthly", data=kpi_data(), state="draft")
        chain = {"kpi": kpi.id}
        for stage in ("cv_q1", "tp_q1", "ct_q1", "thamdinh"):
            report = make_report(city, "cchc-report", data=cchc_data())
            steps = {"tp_q1": 1, "ct_q1": 2, "thamdinh": 3}.get(stage, 0)
            if steps:
                workflow.submit_report(report.id, u["cv_q1"])
            if steps > 1:
                workflow.approve_report(report.id, u["tp_q1"])
            if steps > 2:
                workflow.approve_report(report.id, u["ct_q1"], signature=FAKE_SIGNATURE)
            chain[stage] = report.id
        return chain


def visit(audit: Audit, base: str, path: str, name: str, langs: tuple[str, ...] = LANGS, **options: Any) -> None:
    """A page in both languages (or in the one given: a variant of a page kind checked in both elsewhere)."""
    for lang in langs:
        joiner = "&" if "?" in path else "?"
        audit.page.goto(f"{base}{path}{joiner}lang={lang}")
        audit.check(f"{name}-{lang}", **options)


def assert_menu_collapses_on_a_phone(page: Any) -> None:
    """At 390 px the menu hides behind a button that says whether it is open; at 1366 px it is always open."""
    toggle, nav = page.locator(".fp-menu-toggle"), page.locator("#fp-nav")
    assert toggle.is_hidden() and nav.is_visible()
    page.set_viewport_size({"width": 390, "height": 800})
    assert toggle.is_visible() and nav.is_hidden() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.closest('#fp-nav') !== null")  # focus moves into the menu
    page.keyboard.press("Escape")
    assert nav.is_hidden() and page.evaluate("document.activeElement.classList.contains('fp-menu-toggle')")
    page.set_viewport_size(DESKTOP)


def walk_public(audit: Audit, base: str, app: Any, city: Any) -> None:
    from kiosk.tokens import mint_rating_token

    ward = city.id("d1_ward")
    with app.test_request_context():
        dossier = make_dossier(city, "d1_ward", seq=41)
        token = mint_rating_token(dossier.id)
    visit(audit, base, "/", "home", shot=True)
    assert_menu_collapses_on_a_phone(audit.page)
    visit(audit, base, "/satisfaction", "public-rankings", shot=True)
    visit(audit, base, f"/satisfaction/agencies/{ward}", "agency-results")
    visit(audit, base, f"/r/{token}", "rating-qr", shot=True)
    visit(audit, base, "/forms/dossier-satisfaction", "public-form", ("en",))
    visit(audit, base, "/login", "login")
    visit(audit, base, "/no-such-page", "not-found")
    page = audit.page
    for lang in LANGS:
        page.goto(f"{base}/rate?agency={ward}&lang={lang}")
        page.locator("#dossier-code").fill(dossier.id)
        page.locator("form.fp-rating-code button[type=submit]").click()
        page.locator("#rating-pin-error").wait_for()
        audit.check(f"rating-pin-step-{lang}")
        page.locator("#rating-pin").fill(pin_of(app, dossier.id))
        page.locator("form.fp-rating-code button[type=submit]").click()
        page.wait_for_url("**/r/**")
        page.locator("form.fp-form button[type=submit]").click()  # nothing answered: errors by the fields
        page.wait_for_load_state()
        audit.check(f"rating-errors-{lang}", shot=True)
        page.goto(f"{base}/login?lang={lang}")
        page.fill("#username", "nobody")
        page.fill("#password", "wrong-password")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        audit.check(f"login-error-{lang}")


def pair_kiosk_page(page: Any, base: str, code: str, before: Any = None) -> None:
    """Open the kiosk address, type the pairing code and wait for the welcome screen."""
    page.goto(f"{base}/kiosk")
    page.locator("#k-pair-form").wait_for(state="visible")
    if before:
        before()
    page.keyboard.type(code)  # the focus is in the code box
    page.keyboard.press("Enter")
    page.locator("#k-welcome").wait_for(state="visible")


def walk_kiosk(audit: Audit, base: str, app: Any, city: Any) -> None:
    page = audit.page
    log_in(page, base, "quantri")
    page.goto(f"{base}/kiosk/devices/new?lang=vi")
    page.select_option("#agency_id", city.id("d1_ward"))
    page.fill("#name", "Ki-ốt quầy 1")
    page.locator("main form button[type=submit]").click()
    code = re.sub(r"\D", "", page.locator("#pairing-code").inner_text())
    audit.check("kiosk-admin-code-vi")
    page.context.clear_cookies()
    pair_kiosk_page(page, base, code, before=lambda: audit.check("kiosk-pairing-vi", shot=True, targets=True))
    for seq, lang in enumerate(LANGS, start=42):
        with app.app_context():
            dossier = make_dossier(city, "d1_ward", seq=seq, status="finished")  # one rating per dossier
        page.locator(f'.k-lang__btn[data-lang="{lang}"]').click()
        audit.check(f"kiosk-welcome-{lang}", targets=True, shot=True)
        page.keyboard.type(dossier.id)
        page.keyboard.press("Enter")
        page.locator("#k-pin-step").wait_for(state="visible")
        audit.check(f"kiosk-pin-{lang}", targets=True)
        page.keyboard.type(pin_of(app, dossier.id))
        page.keyboard.press("Enter")
        page.locator("#k-card").wait_for(state="visible")
        audit.check(f"kiosk-status-{lang}", targets=True)
        page.locator("#k-rate").click()
        page.locator('section[data-name="channel"] label.k-option').first.click()
        page.locator('section[data-name="c1"]').wait_for(state="visible")
        audit.check(f"kiosk-question-{lang}", targets=True, shot=True)
        for number in range(1, 10):
            page.locator(f'section[data-name="c{number}"] label.k-option:has(input[value="2"])').click()
        page.locator('section[data-name="overall"] label.k-option').first.click()
        page.locator('section[data-name="comment"] [data-action="send"]').click()
        page.locator("#k-thanks").wait_for(state="visible")
        audit.check(f"kiosk-thanks-{lang}", targets=True)
        page.goto(f"{base}/kiosk")  # a fresh screen rather than waiting for the thank-you to time out
        page.locator("#k-welcome").wait_for(state="visible")


def walk_signed_in(audit: Audit, base: str, app: Any, city: Any) -> None:
    chain = reports_at_each_step(app, city)
    log_in(audit.page, base, "cv_q1")
    visit(audit, base, "/reports", "reports-todo", ("vi",))
    visit(audit, base, f"/reports/{chain['kpi']}", "kpi-sheet", shot=True)
    visit(audit, base, "/exports", "my-exports", ("en",))
    for lang in LANGS:  # the KPI sheet's own fill page, sent empty: every error shown by its field
        audit.page.goto(f"{base}/forms/kpi-monthly?lang={lang}")
        audit.check(f"kpi-fill-{lang}")
        audit.page.evaluate("document.querySelector('form.fp-form').noValidate = true")
        audit.page.locator("form.fp-form button[type=submit]").click()
        audit.page.locator(".fp-error").first.wait_for()
        audit.check(f"kpi-fill-errors-{lang}", shot=lang == "vi")
    for role in ("cv_q1", "tp_q1", "ct_q1", "thamdinh"):
        log_in(audit.page, base, role)
        visit(audit, base, f"/reports/{chain[role]}", f"report-{role}", shot=role == "tp_q1")
    visit(audit, base, f"/reports/{chain['thamdinh']}/changes", "report-changes", ("vi",))
    log_in(audit.page, base, "ct_q1")
    visit(audit, base, f"/reports/{chain['ct_q1']}/sign", "report-sign", ("en",))
    visit(audit, base, "/account/certificates", "my-certificates")
    log_in(audit.page, base, "thietke")
    visit(audit, base, "/admin/forms", "designer-forms", ("en",))
    visit(audit, base, "/admin/forms/kpi-monthly/design", "designer", shot=True)
    visit(audit, base, "/admin/forms/kpi-monthly/versions", "designer-versions", ("vi",))


def walk_admin(audit: Audit, base: str) -> None:
    log_in(audit.page, base, "quantri")
    for path, name in (
        ("/dashboards", "dashboards"),
        ("/admin/users", "admin-accounts"),
        ("/admin/audit", "admin-audit"),
        ("/admin/scheduler", "admin-scheduler"),
        ("/exports/new", "admin-exports"),
    ):
        visit(audit, base, path, name, shot=name in ("dashboards", "admin-accounts"))
    for number, (path, name) in enumerate(
        (
            ("/dashboards/compliance", "dashboard-compliance"),
            ("/dashboards/kpi", "dashboard-kpi"),
            ("/dashboards/satisfaction", "dashboard-satisfaction"),
            ("/admin/users/new", "admin-new-account"),
            ("/admin/agencies", "admin-agencies"),
            ("/admin/campaigns", "admin-campaigns"),
            ("/admin/dossiers", "admin-dossiers"),
            ("/admin/satisfaction", "admin-ratings"),
            ("/kiosk/devices", "admin-kiosks"),
            ("/admin/certificates", "admin-certificates"),
            ("/admin/signature/crls", "admin-crls"),
            ("/admin/forms/import", "designer-import"),
            ("/api/v1/docs", "api-reference"),
        )
    ):
        visit(audit, base, path, name, (LANGS[number % 2],))  # the variants alternate languages


def test_every_page_kind_is_accessible_and_fits_a_phone_in_both_languages(browser, live_server, app, city, seeded):
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)  # axe is injected as a script
    audit = Audit(context.new_page())
    walk_public(audit, live_server, app, city)
    walk_kiosk(audit, live_server, app, city)
    walk_signed_in(audit, live_server, app, city)
    walk_admin(audit, live_server)
    context.close()
    assert not audit.problems, audit.report()
    assert audit.pages >= 78  # the walk reached every page it names


BROKEN = """<!doctype html><html lang="vi"><head><title>Hỏng</title></head><body><main>
<h1>Trang hỏng</h1>
<p style="color:#bbb;background:#fff">Chữ mờ khó đọc</p>
<input id="q" aria-invalid="true">
<div style="width:600px">Bảng rộng</div>
<button style="width:20px;height:20px">x</button>
</main></body></html>"""


def test_the_audit_catches_what_it_looks_for(browser):
    """Without this, a helper that silently checked nothing would pass every page."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    audit = Audit(context.new_page())
    audit.page.set_content(BROKEN)
    audit.check("broken", targets=True)
    context.close()
    found = "\n".join(audit.problems)
    assert "color-contrast (serious)" in found and "label (critical)" in found and "#q" in found
    assert "q is invalid without a message" in found
    assert "broken: at 360 px the page scrolls sideways" in found and "broken: at 390 px" in found
    assert "is under 44 px" in found
