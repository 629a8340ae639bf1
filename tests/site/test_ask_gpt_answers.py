"""The box's answers are the Python model's: the GPT the chapter trained, served as a file, run by the page's own
JavaScript in a real browser, offline (see browsing.py), against the same file read by tinytorch.

- every held-out question gets the Python model's greedy answer, exact strings, and the file's answers are the
  ones the chapter reported (the file is that very run's model);
- the logits agree with numpy's within 1e-4 on fixed prompts, and the attention drawn is the Python model's to
  1e-5 for every layer and head;
- a question the corpus never asked, and the conversation of step 4, typed into the box.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from askgpt import (
    CHAPTER,
    MODEL_FILE,
    ask,
    ask_held_out,
    box_page,
    drawn_attention,
    js_run,
    python_answers,
    python_attention,
    python_logits,
    served_model,
    shown_choices,
)
from sitebuild import Site, published_files_disagreeing_with_the_manifest

from milestones import load
from tinytorch.datasets import load_journeytalks

pytestmark = pytest.mark.slow
browser_test = pytest.mark.browser

LOGIT_TOLERANCE, ATTENTION_TOLERANCE = 1e-4, 1e-5
NEW_QUESTION = "Who came after Rosenblatt and the perceptron?"
dialogue = load("05_2017_transformer/02_vaswani_dialogue")


def corpus_questions() -> set[str]:
    train, test = load_journeytalks()
    return {question for talk in train + test for question, _ in talk.turns}


def test_the_site_serves_the_model_the_chapter_measured(site: Site) -> None:
    """The file's held-out answers are the ones the chapter counted, and its weights give them again."""
    assert published_files_disagreeing_with_the_manifest(site) == []
    assert MODEL_FILE in site.manifest["pages"][CHAPTER]["files"]
    gpt = served_model(site)
    assert gpt.metadata["fingerprint"] == site.manifest["fingerprint"]
    figures = site.manifest["pages"][CHAPTER]["figures"]
    talks = gpt.metadata["held_out"]
    _, test = load_journeytalks()
    assert [t["prompt"] for t in talks] == [t.prompt() for t in test]
    assert [t["reference"] for t in talks] == [t.answer for t in test]
    assert len(talks) == figures["talks_test"]
    assert sum(t["answer"] == t["reference"] for t in talks) == figures["gpt_correct"]
    assert python_answers(gpt, [t["prompt"] for t in talks]) == [t["answer"] for t in talks]
    layer, head = gpt.metadata["attention"].values()
    assert (layer + 1, head + 1) == (figures["attention_layer"], figures["attention_head"])


@browser_test
def test_the_browser_answers_every_held_out_question_as_python_does(site: Site, browser: Any, server: str) -> None:
    gpt = served_model(site)
    talks = gpt.metadata["held_out"]
    with box_page(browser, server) as (page, problems):
        got = [result["answer"] for result in js_run(page, [t["prompt"] for t in talks])]
        clicked = {i: ask_held_out(page, i) for i in (0, 60, 179)}  # through the list, as a reader asks
        assert not problems, "\n".join(problems)
    same = sum(g == t["answer"] for g, t in zip(got, talks, strict=True))
    print(f"held-out answers equal to the Python model's: {same} of {len(talks)}; right: "
          f"{sum(g == t['reference'] for g, t in zip(got, talks, strict=True))}")
    assert got == [t["answer"] for t in talks]
    assert clicked == {i: talks[i]["answer"] for i in clicked}


@browser_test
def test_the_browsers_logits_agree_with_numpy(site: Site, browser: Any, server: str) -> None:
    """Every position of prompts of each level, a question never asked, and one that fills the window."""
    gpt = served_model(site)
    talks = gpt.metadata["held_out"]
    by_level = {t["level"]: t["prompt"] for t in talks}
    turns = "".join(f"Q: {q}\nA: {a}\n" for q, a in dialogue.SESSION)
    window = gpt.metadata["config"]["block_size"]
    prompts = [*by_level.values(), f"Q: {NEW_QUESTION}\nA: ", turns[: window - 1]]
    with box_page(browser, server) as (page, problems):
        results = js_run(page, prompts, with_logits=True)
        assert not problems, "\n".join(problems)
    largest = max(float(np.abs(np.array(r["logits"]) - python_logits(gpt, p)).max())
                  for p, r in zip(prompts, results, strict=True))
    print(f"largest logit difference, browser against numpy, over {sum(map(len, prompts))} positions: {largest:.2e}")
    assert largest <= LOGIT_TOLERANCE


@browser_test
def test_the_attention_drawn_is_the_python_models(site: Site, browser: Any, server: str) -> None:
    """Asked a held-out question, every layer and head the reader can choose draws the Python model's weights."""
    gpt = served_model(site)
    config = gpt.metadata["config"]
    talk = next(t for t in gpt.metadata["held_out"] if t["level"] == 5)
    largest = 0.0
    with box_page(browser, server) as (page, problems):
        answer = ask_held_out(page, gpt.metadata["held_out"].index(talk))
        text = talk["prompt"] + answer
        maps = python_attention(gpt, text)
        start = len(talk["prompt"])
        default = drawn_attention(page)
        assert (default["layer"], default["head"]) == tuple(gpt.metadata["attention"].values())
        for layer in range(config["n_layer"]):
            for head in range(config["n_head"]):
                page.get_by_label("Layer", exact=True).select_option(index=layer)
                page.get_by_label("Head", exact=True).select_option(index=head)
                drawn = drawn_attention(page)
                assert (drawn["layer"], drawn["head"]) == (layer, head)
                assert len(drawn["rows"]) == len(answer) + 1  # each character, then the end of the line
                assert drawn["context"] == text[: start + len(answer)]
                for i, row in enumerate(drawn["rows"]):
                    expected = maps[layer][head, start - 1 + i, : start + i]
                    largest = max(largest, float(np.abs(np.array(row) - expected).max()))
        assert not problems, "\n".join(problems)
    print(f"largest attention difference, drawn against numpy: {largest:.2e}")
    assert largest <= ATTENTION_TOLERANCE


@browser_test
def test_a_question_the_corpus_never_asked(site: Site, browser: Any, server: str) -> None:
    assert NEW_QUESTION not in corpus_questions()
    gpt = served_model(site)
    prompt = f"Q: {NEW_QUESTION}\nA: "
    (expected,) = python_answers(gpt, [prompt])
    with box_page(browser, server) as (page, problems):
        answer = ask(page, NEW_QUESTION)
        choices = shown_choices(page)  # of the last step: the end of the line
        assert not problems, "\n".join(problems)
    print(f"never asked: {NEW_QUESTION!r} -> {answer!r}")
    assert answer == expected
    logits = python_logits(gpt, prompt + answer)[-1].astype(np.float64)
    p = np.exp(logits - logits.max())
    p /= p.sum()
    alphabet = gpt.metadata["tokenizer"]["alphabet"]
    top = np.argsort(-p)[:5]
    marks = {"\n": "↵", " ": "␣"}
    assert choices == [(marks.get(alphabet[i], alphabet[i]), f"{100 * p[i]:.1f}\u00a0%") for i in top]


def left_out(turns: list[dict], i: int) -> int:
    """How many earlier turns the prompt of Python's turn ``i`` left out (its log keeps the prompt's length)."""
    texts = [f"Q: {t['question']}\nA: {t['answer']}\n" for t in turns]
    question = len(f"Q: {turns[i]['question']}\nA: ")
    return next(k for k in range(i + 1) if sum(map(len, texts[k:i])) + question == turns[i]["context"])


@browser_test
def test_the_conversation_of_step_4_typed_into_the_box(site: Site, browser: Any, server: str) -> None:
    """The session the chapter holds, question by question: the same answers as Python's, each asked within the same
    window, and the box says when the window is full and which turns it left out."""
    gpt = served_model(site)
    expected = dialogue.converse(gpt.model())["turns"]
    full = []
    with box_page(browser, server) as (page, problems):
        for question, _ in dialogue.SESSION:
            answer = ask(page, question)
            full.append(page.locator(".tt-ag-window").inner_text().startswith("The window is full:"))
            assert answer == expected[len(full) - 1]["answer"], question
        outside = page.locator(".tt-ag-outside").count()
        assert not problems, "\n".join(problems)
    left = [left_out(expected, i) for i in range(len(expected))]
    print(f"conversation of step 4: {len(expected)} turns as in Python; earlier turns left out: {left}")
    assert full == [k > 0 for k in left] and any(full)
    assert outside == left[-1]
