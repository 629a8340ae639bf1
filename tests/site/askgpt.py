"""The "Ask this build's GPT" box in a real browser, for test_ask_gpt_answers.py and test_ask_gpt_page.py: the
page with its box loaded, a question asked the way a reader asks it, the page's own modules run directly, and the
Python model of the file the site serves (book/_ext/tinytorch_book/gpt_file.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from browsing import watch
from sitebuild import ROOT, Site

import tinytorch as tt
from milestones.language import answers

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from tinytorch_book.gpt_file import GPTFile, read_gpt  # noqa: E402

MODEL_FILE = "journeytalks-gpt.safetensors"
CHAPTER = "book/milestones/05_transformer"
LANDING = "book/intro"
BOX = ".tt-ask-gpt"

# The page's own modules, imported from where the page loads them, on the file the page serves: each prompt's
# greedy answer and, if asked, the logits at each of its positions (fed one at a time through the KV caches).
JS_RUN = """async ({prompts, withLogits}) => {
    const script = document.querySelector('script[src*="ask-gpt/ask.mjs"]');
    const module = (name) => import(new URL(name, script.src));
    const { readModelFile } = await module("model-file.mjs");
    const { generate } = await module("generate.mjs");
    const { greedy } = await module("sampling.mjs");
    const box = document.querySelector(".tt-ask-gpt");
    const buffer = await (await fetch(new URL(box.dataset.model, document.baseURI))).arrayBuffer();
    const { model, tokenizer, stopId, meta } = readModelFile(buffer);
    const maxNewTokens = meta.generation.max_new_tokens;
    return prompts.map((prompt) => {
        const ids = tokenizer.encode(prompt);
        const written = [];
        for (const step of generate(model, ids, { maxNewTokens, stopId, choose: greedy })) {
            if (step.id !== stopId) written.push(step.id);
        }
        const result = { answer: tokenizer.decode(written) };
        if (withLogits) {
            const caches = model.caches();
            result.logits = ids.map((id) => Array.from(model.step(id, caches).logits));
        }
        return result;
    });
}"""


def served_model(site: Site) -> GPTFile:
    """The GPT file the site serves, read back."""
    return read_gpt(site.html / "published" / MODEL_FILE)


def python_answers(gpt: GPTFile, prompts: list[str]) -> list[str]:
    """The Python model's greedy answers, as the chapter computes them (milestones.language.answers)."""
    return answers(gpt.model(), prompts, gpt.metadata["generation"]["max_new_tokens"])


def python_logits(gpt: GPTFile, prompt: str) -> np.ndarray:
    with tt.no_grad():
        return gpt.model()(gpt.encode(prompt)[None]).detach().numpy()[0]


def python_attention(gpt: GPTFile, text: str) -> list[np.ndarray]:
    """Each layer's attention weights (heads, time, time) over ``text``."""
    return [np.asarray(m)[0] for m in gpt.model().attention_maps(gpt.encode(text)[None])]


def js_run(page: Any, prompts: list[str], with_logits: bool = False) -> list[dict]:
    return page.evaluate(JS_RUN, {"prompts": prompts, "withLogits": with_logits})


@contextmanager
def box_page(browser: Any, server: str, docname: str = CHAPTER, width: int = 1280, mode: str = "light",
             **options: Any) -> Iterator[tuple[Any, list[str]]]:
    """The page ``docname`` with its box loaded, in the theme's ``mode``; and the list of problems seen on it."""
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    context.add_init_script(f"localStorage.setItem('mode', '{mode}')")  # the theme's own setting
    try:
        page = context.new_page()
        problems = watch(page)
        page.goto(f"{server}/{docname}.html", wait_until="networkidle")
        page.wait_for_selector(f"{BOX}[data-state=ready]", timeout=30_000)
        yield page, problems
    finally:
        context.close()


def answered(page: Any) -> int:
    return int(page.locator(BOX).get_attribute("data-answers") or 0)


def wait_for_answer(page: Any, before: int) -> str:
    """The answer the box gives after ``before`` answers, once written."""
    page.wait_for_function(f"() => Number(document.querySelector('{BOX}').dataset.answers || 0) > {before}",
                           timeout=30_000)
    return page.locator(BOX).get_attribute("data-answer")


def ask(page: Any, question: str) -> str:
    """Type ``question`` into the box and press Enter, as a reader does; the answer, once written."""
    before = answered(page)
    field = page.get_by_label("Your question")
    field.fill(question)
    field.press("Enter")
    return wait_for_answer(page, before)


def ask_held_out(page: Any, index: int) -> str:
    """Click held-out question ``index`` of the box's list; the answer, once written."""
    before = answered(page)
    button = page.locator(".tt-ag-talk").nth(index)
    button.scroll_into_view_if_needed()
    button.click()
    return wait_for_answer(page, before)


def drawn_attention(page: Any) -> dict:
    """What the attention map was drawn from: {layer, head, context, rows}."""
    return page.evaluate("() => document.querySelector('.tt-ag-map').drawn")


def screenshot_box(page: Any, path: Path) -> None:
    """The box alone, as a reader sees it: the viewport made taller than the box, and the box scrolled below the
    theme's sticky header."""
    size = page.viewport_size
    height = page.locator(BOX).bounding_box()["height"]
    page.set_viewport_size({"width": size["width"], "height": int(height) + 200})
    page.evaluate("""(box) => { const top = document.querySelector(box).getBoundingClientRect().top;
                              window.scrollBy({top: top - 100, behavior: "instant"}); }""", BOX)
    box = page.locator(BOX).bounding_box()
    page.screenshot(path=str(path), clip={"x": 0, "y": box["y"] - 8, "width": size["width"], "height": box["height"] + 16})
    page.set_viewport_size(size)


def shown_choices(page: Any) -> list[tuple[str, str]]:
    """The five characters the box shows as the most likely, with their percentages as shown."""
    rows = page.locator(".tt-ag-choices li")
    return [(rows.nth(i).locator(".tt-ag-char").inner_text(), rows.nth(i).locator(".tt-ag-p").inner_text())
            for i in range(rows.count())]
