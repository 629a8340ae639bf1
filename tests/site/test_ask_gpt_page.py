"""The box as a reader meets it, in a real browser, offline (see browsing.py): with the keyboard alone, at phone and
laptop widths, in light and dark mode, on the chapter and on the landing page; how long an answer takes on a CPU
slowed four times (Chromium's CPU throttling); and what it says when its model file is missing or damaged.

Screenshots go to ``artifacts/screenshots/ask-gpt-*.png``: a held-out question answered right and one answered
wrong, with the attention map, at each width and in each mode.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import statistics
from typing import Any

import numpy as np
import pytest
import safetensors.numpy
from askgpt import (
    BOX,
    CHAPTER,
    LANDING,
    MODEL_FILE,
    ask,
    ask_held_out,
    box_page,
    python_answers,
    screenshot_box,
    served_model,
)
from browsing import SCREENSHOTS, watch
from sitebuild import Site

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# The goal is for the model's work on a phone-class CPU; the time until the answer is shown adds the browser's
# frames (software rendering here, slowed four times too), and is bounded loosely: a shared test machine's load
# varies it by half.
THROTTLING, GOAL_MS, SHOWN_BOUND_MS = 4, 300, 1000


def focused(page: Any) -> str:
    """The focused element, as a reader would name it: its label, or its text."""
    return page.evaluate("""() => { const e = document.activeElement;
        const label = e.id && document.querySelector(`label[for="${e.id}"]`);
        return label ? label.textContent : (e.getAttribute('aria-label') || e.textContent).trim(); }""")


def test_the_box_works_with_the_keyboard_alone(site: Site, browser: Any, server: str) -> None:
    talks = served_model(site).metadata["held_out"]
    with box_page(browser, server) as (page, problems):
        for _ in range(300):  # from the top of the page, Tab reaches the question
            page.keyboard.press("Tab")
            if focused(page) == "Your question":
                break
        assert focused(page) == "Your question"
        page.keyboard.type("When was LeNet?")
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => document.querySelector('{BOX}').dataset.answers === '1'")
        order = []
        for _ in range(8):
            page.keyboard.press("Tab")
            order.append(focused(page))
        assert order == ["Ask", "Sampling: greedy (the most likely character every time)", "New conversation",
                         "Layer", "Head", "Step", "Show", order[7]]
        assert order[7].startswith("L1")  # the first held-out question: the list is one tab stop
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => document.querySelector('{BOX}').dataset.answers === '2'")
        assert page.locator(BOX).get_attribute("data-answer") == talks[2]["answer"]
        assert page.evaluate("document.activeElement.classList.contains('tt-ag-talk')")
        for _ in range(2):
            page.keyboard.press("Shift+Tab")
        assert focused(page) == "Step"
        steps = len(talks[2]["answer"]) + 1
        page.keyboard.press("Home")
        assert page.locator(".tt-ag-looks").inner_text().startswith("Layer ")
        assert " at step 1 " in page.locator(".tt-ag-looks").inner_text()
        assert page.locator(".tt-ag-choices-caption").inner_text().startswith("Step 1:")
        page.keyboard.press("End")
        assert f" at step {steps} " in page.locator(".tt-ag-looks").inner_text()
        page.get_by_role("button", name="New conversation").focus()
        page.keyboard.press("Shift+Tab")
        assert focused(page) == "Sampling: greedy (the most likely character every time)"
        page.keyboard.press("Enter")  # open the sampling settings
        page.keyboard.press("Tab")
        assert focused(page) == "Temperature"
        page.keyboard.press("Home")
        for _ in range(9):
            page.keyboard.press("ArrowRight")
        sampled = []
        for _ in range(2):  # a sample, drawn again with the same seed in a new conversation
            for _ in range(3):
                page.keyboard.press("Tab")  # top-k, seed, New conversation
            assert focused(page) == "New conversation"
            page.keyboard.press("Enter")
            sampled.append(ask(page, "Who gave us the Transformer?"))
            assert "sampled: temperature 0.9, top-k all, seed 1" in page.locator(".tt-ag-mark").last.inner_text()
            for _ in range(3):
                page.keyboard.press("Tab")  # from the question: Ask, the settings, the temperature
            assert focused(page) == "Temperature"
        assert sampled[0] == sampled[1]
        assert not problems, "\n".join(problems)


def right_and_wrong(talks: list[dict]) -> dict[str, int]:
    """A held-out question of level 2 the chapter's run answered right, and the first it answered wrong."""
    return {"right": next(i for i, t in enumerate(talks) if t["level"] == 2 and t["answer"] == t["reference"]),
            "wrong": next(i for i, t in enumerate(talks) if t["answer"] != t["reference"])}


MEASURE = """() => { const r = document.querySelector('.tt-ask-gpt').getBoundingClientRect();
    const canvas = document.querySelector('.tt-ag-map');
    const alpha = (() => { const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                           let s = 0; for (let i = 3; i < d.length; i += 4) s += d[i]; return s; })();
    return { theme: document.documentElement.dataset.theme, left: r.left, right: r.right,
             scroll: document.documentElement.scrollWidth, canvas: [canvas.clientWidth, canvas.clientHeight], alpha }; }"""


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_box_fits_the_screen_and_follows_the_theme(site: Site, browser: Any, server: str, width: int, mode: str) -> None:
    talks = served_model(site).metadata["held_out"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with box_page(browser, server, width=width, mode=mode) as (page, problems):
        for kind, index in right_and_wrong(talks).items():
            answer = ask_held_out(page, index)
            assert answer == talks[index]["answer"]
            mark = page.locator(".tt-ag-mark").last.inner_text()
            assert mark.startswith("✓ right · " if kind == "right" else "✗ wrong · "), mark
            seen = page.evaluate(MEASURE)
            assert seen["theme"] == mode
            assert 0 <= seen["left"] and seen["right"] <= width and seen["scroll"] <= width, f"the box overflows at {width} px: {seen}"
            assert seen["canvas"][0] > 200 and seen["canvas"][1] > 0 and seen["alpha"] > 0, seen
            if kind == "wrong":  # show the step that went wrong: where it looked, and what it could have said
                step = len(os.path.commonprefix([answer + "\n", talks[index]["reference"] + "\n"]))
                page.get_by_label("Step").focus()
                page.keyboard.press("Home")
                for _ in range(step):
                    page.keyboard.press("ArrowRight")
                assert page.locator(".tt-ag-choices-caption").inner_text().startswith(f"Step {step + 1}:")
            screenshot_box(page, SCREENSHOTS / f"ask-gpt-{width}-{mode}-{kind}.png")
        heat = page.evaluate("getComputedStyle(document.querySelector('.tt-ag-context span')).backgroundColor")
        other = "light" if mode == "dark" else "dark"  # the theme's switch, flipped while the page is open
        page.evaluate(f"document.documentElement.dataset.theme = '{other}'")
        page.wait_for_timeout(100)
        assert page.evaluate("getComputedStyle(document.querySelector('.tt-ag-context span')).backgroundColor") != heat
        assert not problems, "\n".join(problems)


def test_the_landing_page_shows_the_box(site: Site, browser: Any, server: str) -> None:
    gpt = served_model(site)
    question = "What came after LeNet?"
    (expected,) = python_answers(gpt, [f"Q: {question}\nA: "])
    with box_page(browser, server, LANDING, width=390) as (page, problems):
        assert ask(page, question) == expected
        seen = page.evaluate(MEASURE)
        assert seen["scroll"] <= 390, seen
        screenshot_box(page, SCREENSHOTS / "ask-gpt-landing-390-light.png")
        assert not problems, "\n".join(problems)


def test_time_per_answer_on_a_cpu_slowed_four_times(site: Site, browser: Any, server: str) -> None:
    """Every ninth held-out question, clicked at 390 px with Chromium's CPU throttling x4: the time from the click
    to the answer shown, and the model's arithmetic in it, reported."""
    talks = served_model(site).metadata["held_out"]
    with box_page(browser, server, width=390) as (page, problems):
        cdp = page.context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLING})
        times, arithmetic, lengths = [], [], []
        for index in range(0, len(talks), 9):
            ask_held_out(page, index)
            times.append(float(page.locator(BOX).get_attribute("data-ms")))
            arithmetic.append(float(page.locator(BOX).get_attribute("data-compute-ms")))
            lengths.append(len(talks[index]["prompt"]) + len(talks[index]["answer"]))
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        assert not problems, "\n".join(problems)
    print(f"per answer, CPU throttled x{THROTTLING}, 390 px, {len(times)} held-out questions of "
          f"{min(lengths)}-{max(lengths)} characters: from the click to the answer shown, median "
          f"{statistics.median(times):.0f} ms, slowest {max(times):.0f} ms; the model's arithmetic, median "
          f"{statistics.median(arithmetic):.0f} ms, slowest {max(arithmetic):.0f} ms; goal {GOAL_MS} ms")
    assert statistics.median(arithmetic) < GOAL_MS
    assert statistics.median(times) < SHOWN_BOUND_MS


# --- a missing or damaged model file ---------------------------------------------------------------------------

AGAIN = re.escape("Reload the page; if this persists, rebuild the site (make site).")
REBUILD = re.escape("Rebuild the site (make site).")
NAME = re.escape(MODEL_FILE)


def rewritten(data: bytes, change: Any) -> bytes:
    metadata = json.loads(data[8 : 8 + int.from_bytes(data[:8], "little")])["__metadata__"]
    tensors = safetensors.numpy.load(data)
    change(metadata, tensors)
    return safetensors.numpy.save(tensors, metadata=metadata)


def vouching(site: Site, data: bytes) -> dict:
    """This build's manifest, recording ``data`` as the published file: the page's own checks then pass."""
    manifest = copy.deepcopy(site.manifest)
    manifest["pages"][CHAPTER]["files"][MODEL_FILE].update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    return manifest


def overwritten(data: bytes) -> bytes:
    damaged = bytearray(data)
    damaged[-4000:-3000] = bytes(1000)  # the same size, other weights
    return bytes(damaged)


def nan_weights(metadata: dict, tensors: dict) -> None:
    tensors["blocks.1.attn.k_proj.weight"][2, 3] = np.nan


CASES = {
    "missing": (lambda d: 404, lambda s, d: None, rf"The file {NAME} is missing from this site \(HTTP 404\)\. {AGAIN}"),
    "overwritten, same size": (overwritten, lambda s, d: None,
                               rf"{NAME} is damaged or not this build's: its SHA-256 is not the one manifest\.json records\. {AGAIN}"),
    "cut short": (lambda d: d[:-1000], lambda s, d: None,
                  rf"{NAME} is damaged or not this build's: it has [\d,]+ bytes where manifest\.json records [\d,]+\. {AGAIN}"),
    "trained by another build": (lambda d: rewritten(d, lambda m, t: m.update(fingerprint="0" * 64)), vouching,
                                 rf"{NAME} is not this build's: it was trained from sources 000000000000, the site was built from [0-9a-f]{{12}}\. {REBUILD}"),
    "NaN weights": (lambda d: rewritten(d, nan_weights), vouching,
                    rf"{NAME} cannot be used: its tensor blocks\.1\.attn\.k_proj\.weight holds NaN or infinite values\. {REBUILD}"),
    "a tensor missing": (lambda d: rewritten(d, lambda m, t: t.pop("ln_f.bias")), vouching,
                         rf"{NAME} cannot be used: it does not hold the tensor ln_f\.bias\. {REBUILD}"),
    "a damaged header": (lambda d: d[:8] + b"#" + d[9:], vouching, rf"{NAME} cannot be used: its header is damaged \(not JSON\)\. {REBUILD}"),
}


def served(page: Any, pattern: str, body: Any, content_type: str) -> None:
    """Answer the page's requests for ``pattern`` with ``body``: bytes, a dict (as JSON) or an HTTP status."""
    if body is None:
        return
    if isinstance(body, int):
        page.route(pattern, lambda route: route.fulfill(status=body, body="not found"))
    else:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        page.route(pattern, lambda route: route.fulfill(status=200, body=data, content_type=content_type))


@pytest.mark.parametrize("case", CASES)
def test_the_box_says_what_is_wrong_with_its_model_file(site: Site, browser: Any, server: str, case: str) -> None:
    model, manifest, message = CASES[case]
    data = model(site.published[MODEL_FILE])
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        problems = watch(page)
        served(page, f"**/published/{MODEL_FILE}", data, "application/octet-stream")
        served(page, "**/manifest.json", manifest(site, data), "application/json")
        page.goto(f"{server}/{CHAPTER}.html", wait_until="networkidle")
        page.wait_for_selector(f"{BOX}:is([data-state=ready], [data-state=error])", timeout=30_000)
        state = page.locator(BOX).get_attribute("data-state")
        shown = page.locator(".tt-ag-status").inner_text()
        offered = page.get_by_label("Your question").is_visible()
        if case == "missing":
            page.locator(BOX).screenshot(path=str(SCREENSHOTS / "ask-gpt-missing-file.png"))
    finally:
        context.close()
    assert state == "error", f"the box is {state}: {shown}"
    assert re.fullmatch(rf"The model was not loaded\. {message}", shown), shown
    assert not offered, "the question field is offered with a file that failed its checks"
    assert [p for p in problems if not p.startswith(("console:", "HTTP 404"))] == []
