"""One check for every page a browser test reaches: axe-core (vendored under tests/browser/vendor/) finds no
serious or critical WCAG 2.1 AA violation, and at phone widths (360 and 390 px) the page itself never scrolls
sideways. Key pages are also kept as screenshots (test-artifacts/) at 390 and 1366 px.

Usage: `audit = Audit(page)`; after bringing the page to a state, `audit.check("name-vi", shot=True)`; at the
end `assert not audit.problems`. The page is left at the desktop width it started with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import screenshot

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
PHONE_WIDTHS = (360, 390)
DESKTOP = {"width": 1366, "height": 900}
# WCAG 2.1 A and AA rules only (best-practice rules are advice, not the standard Thông tư 26/2020 cites)
# (no stylesheet preloading, frames or selectors: about 12 % faster; selectors are worked out only when a
# violation needs naming)
RUN_AXE = """async (named) => {
  const options = {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                   resultTypes: ['violations'], preload: false, iframes: false, selectors: named};
  const found = (await axe.run(document, options)).violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical');
  const where = v => v.nodes.slice(0, 4).map(n => (n.target || []).join(' ')).join(' | ');
  return found.map(v => `${v.id} (${v.impact}): ${where(v)}`);
}"""
SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"
# A field marked invalid must name its message: aria-describedby (its own or its fieldset's) pointing at text.
UNTIED_ERRORS = """() => [...document.querySelectorAll('[aria-invalid=true]')].filter(e => e.offsetParent !== null)
  .filter(e => !((e.getAttribute('aria-describedby') || '') + ' ' +
                 ((e.closest('fieldset') || e).getAttribute('aria-describedby') || ''))
    .split(/\\s+/).some(id => id && document.getElementById(id) && document.getElementById(id).textContent.trim()))
  .map(e => e.name || e.id)"""
# Kiosk: every visible control (buttons, keys, answer labels, inputs) is a target of at least 44 × 44 px.
SMALL_TARGETS = """() => {
  const controls = 'button, a[href], label.k-option, input:not([type=radio]):not([type=checkbox]), textarea';
  const size = e => e.getBoundingClientRect();
  return [...document.querySelectorAll(controls)].filter(e => e.offsetParent !== null)
    .filter(e => size(e).height < 44 || size(e).width < 44)
    .map(e => `${e.id || e.className || e.tagName} ${Math.round(size(e).width)}×${Math.round(size(e).height)}`);
}"""
# the outermost elements that stick out on the right, named for the failure message
WIDEST = """() => {
  const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1
    && !(e.parentElement && e.parentElement.getBoundingClientRect().right > innerWidth + 1));
  return out.slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
    ` (${Math.round(e.getBoundingClientRect().width)} px)`).join(', ');
}"""


class Audit:
    """Collects what every checked page does wrong, so one run reports all pages at once."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        self.pages = 0

    def check(self, name: str, *, shot: bool = False, phones: bool = True, targets: bool = False) -> None:
        """Axe, errors tied to fields and (`targets`) kiosk touch targets; then the phone widths."""
        page = self.page
        self.pages += 1
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        if page.evaluate(RUN_AXE, False):
            self.problems += [f"{name}: {found}" for found in page.evaluate(RUN_AXE, True)]
        self.problems += [f"{name}: {field} is invalid without a message" for field in page.evaluate(UNTIED_ERRORS)]
        if targets:
            self.problems += [f"{name}: {small} is under 44 px" for small in page.evaluate(SMALL_TARGETS)]
        if shot:
            screenshot(page, f"a11y-{name}-1366")
        if phones:
            self.check_phones(name, shot=shot, targets=targets)

    def check_phones(self, name: str, *, shot: bool, targets: bool) -> None:
        page = self.page
        size = page.viewport_size or DESKTOP
        for width in PHONE_WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            if targets and width == PHONE_WIDTHS[0]:
                small = page.evaluate(SMALL_TARGETS)
                self.problems += [f"{name} at {width} px: {target} is under 44 px" for target in small]
            overflow = page.evaluate(SIDEWAYS)
            if overflow > 0:
                widest = page.evaluate(WIDEST)
                self.problems.append(f"{name}: at {width} px the page scrolls sideways by {overflow} px ({widest})")
        if shot:
            screenshot(page, f"a11y-{name}-390")
        page.set_viewport_size(size)

    def report(self) -> str:
        return f"{len(self.problems)} problems on {self.pages} page views:\n" + "\n".join(self.problems)
