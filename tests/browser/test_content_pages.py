"""The landing and the legal pages in Chromium: headings in order (axe's heading-order rule,
which axe rates "moderate", so the general axe test lets it through), no serious or critical axe
problem, and nothing wider than the viewport, at 360 and 1440 px."""

from __future__ import annotations

import pytest

from .test_a11y import AXE

pytestmark = pytest.mark.browser

PAGES = ("/", "/terms/", "/privacy/", "/refunds/", "/contact/")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.id === "heading-order" || v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""


@pytest.mark.parametrize("width", [360, 1440])
def test_content_pages_keep_heading_order_and_fit(browser, server_url, width):
    context = browser.new_context(
        base_url=server_url,
        viewport={"width": width, "height": 800 if width < 768 else 900},
        bypass_csp=True,
        reduced_motion="reduce",
    )
    page = context.new_page()
    problems = []
    try:
        for url in PAGES:
            response = page.goto(url, wait_until="networkidle")
            assert response.status == 200, (url, response.status)
            page.evaluate("document.fonts.ready")
            page.add_script_tag(path=str(AXE))
            problems += [f"{url} at {width}px: {problem}" for problem in page.evaluate(RUN_AXE)]
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                problems.append(f"{url} at {width}px: wider than the viewport")
    finally:
        context.close()
    assert not problems, "\n".join(problems)
