"""Every page in a real browser, offline, on a phone (390 px) and a laptop (1280 px), in light and dark mode:
diagrams drawn and readable (whole at 1280 px, their "enlarge" button beside them, not over them), math
typeset, images loaded, nothing scrolls sideways but the boxes that say so, nothing fails.

The browser and the local server come from conftest.py (see browsing.py: every request to another host is blocked
and counted as a failure, so a hidden CDN dependency fails the test). Full-page screenshots go to
``artifacts/screenshots/``.
"""

from __future__ import annotations

import pytest
from browsing import SCREENSHOTS, watch
from sitebuild import PAGES

pytestmark = [pytest.mark.slow, pytest.mark.browser]


WIDTHS = (390, 1280)  # a phone, a laptop
MODES = ("light", "dark")
SMALLEST_DIAGRAM_TEXT = 11  # px, at 1280
CONTRAST = 4.5  # WCAG AA for a diagram's labels against their box

# What a page shows, measured in the browser (see the checks below).
MEASURE = """() => {
  const listings = [...document.querySelectorAll('div.highlight pre')]
    .filter(p => p.scrollWidth > p.clientWidth + 1)
    .map(p => p.textContent.split('\\n').find(l => l.length > 80) || p.textContent.slice(0, 80));
  const rgb = c => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = c => { const v = rgb(c).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const contrast = (a, b) => { const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x); return (hi + 0.05) / (lo + 0.05); };
  const diagrams = [...document.querySelectorAll('pre.mermaid > svg')].map(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const texts = [...svg.querySelectorAll('text, foreignObject span, foreignObject div')]
      .filter(t => (t.textContent || '').trim() && !t.querySelector('span, div'));
    const smallest = Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale));
    const labels = [...svg.querySelectorAll('g.node')].map(node => {
      const shape = node.querySelector('rect, polygon, path, circle');
      const label = node.querySelector('.nodeLabel, text');
      return shape && label ? [label.textContent.trim(), contrast(getComputedStyle(shape).fill, getComputedStyle(label).color || getComputedStyle(label).fill)] : null;
    }).filter(Boolean);
    return {smallest, labels};
  });
  const wide = [...document.querySelectorAll('article table.table, article pre.mermaid')]
    .filter(box => box.scrollWidth > box.clientWidth + 1);
  const unmarked = wide.filter(box => {
    const hint = box.previousElementSibling;
    return !(hint && hint.classList.contains('tt-scroll-hint') && !hint.hidden);
  }).map(box => box.tagName + ': ' + box.textContent.trim().slice(0, 40));
  const clipped = wide.filter(box => box.matches('pre.mermaid'))
    .map(box => box.textContent.trim().slice(0, 40) + ` (${box.scrollWidth} px in ${box.clientWidth})`);
  const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const buttons = [...document.querySelectorAll('.mermaid-fullscreen-btn')].filter(button => {
    const svg = button.parentElement.querySelector('pre.mermaid > svg');
    const over = svg && meets(button.getBoundingClientRect(), svg.getBoundingClientRect());
    return over || button.scrollWidth > button.clientWidth + 1;
  }).map(button => button.textContent.trim());
  return {overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth, listings,
          diagrams, unmarked, clipped, buttons};
}"""


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("docname", PAGES)
def test_page_reads_well_offline(
    browser: object, server: str, docname: str, width: int, mode: str
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.add_init_script(
        f"localStorage.setItem('mode', '{mode}')"
    )  # the theme's own switch
    problems = watch(page)
    where = f"{docname} at {width} px, {mode}"
    try:
        page.goto(f"{server}/{docname}.html", wait_until="networkidle")
        assert page.evaluate("document.documentElement.dataset.theme") == mode
        diagrams = page.locator("pre.mermaid")
        if diagrams.count():
            page.wait_for_function(
                "() => [...document.querySelectorAll('pre.mermaid')].every(d => d.querySelector('svg[data-fitted]'))",
                timeout=20_000,
            )
            errors = page.locator(".mermaid svg[aria-roledescription='error']").count()
            assert errors == 0, (
                f"{errors} mermaid diagram(s) failed to parse on {where}"
            )
            assert "Syntax error" not in diagrams.all_inner_texts()
        if page.locator(".math").count():
            page.wait_for_function(
                "() => document.querySelectorAll('mjx-container').length > 0",
                timeout=20_000,
            )
        broken = page.evaluate(
            "() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        assert not broken, f"images that did not load on {where}: {broken}"
        page.wait_for_load_state("networkidle")
        measured = page.evaluate(MEASURE)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = f"{docname.replace('/', '__')}__{width}__{mode}.png"
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
        assert not problems, f"{where}:\n" + "\n".join(problems)
        assert measured["overflow"] <= 0, (
            f"{where} scrolls sideways by {measured['overflow']} px"
        )
        for diagram in measured["diagrams"]:
            faint = [
                (label, round(ratio, 1))
                for label, ratio in diagram["labels"]
                if ratio < CONTRAST
            ]
            assert not faint, (
                f"diagram labels with too little contrast on {where}: {faint}"
            )
        assert not measured["unmarked"], (
            f"boxes that scroll sideways without saying so on {where}: "
            f"{measured['unmarked']}"
        )
        assert not measured["buttons"], (
            f"diagram buttons over their diagram or too small for their word on "
            f"{where}: {measured['buttons']}"
        )
        if width == 1280:
            assert not measured["clipped"], (
                f"diagrams wider than the page on {where}: {measured['clipped']}"
            )
            assert not measured["listings"], (
                f"code that scrolls sideways on {where}: {measured['listings']}"
            )
            small = [
                round(d["smallest"], 1)
                for d in measured["diagrams"]
                if d["smallest"] < SMALLEST_DIAGRAM_TEXT
            ]
            assert not small, (
                f"diagram text smaller than {SMALLEST_DIAGRAM_TEXT} px on {where}: {small}"
            )
    finally:
        page.close()
