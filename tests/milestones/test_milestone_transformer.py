"""Milestone 05 (2017): attention reverses sequences, a GPT answers held-out
JourneyTalks questions, and holds a conversation within its context window."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from milestone_checks import assert_goals

import tinytorch as tt
from milestones import load
from milestones.language import (
    IGNORE,
    TOKENIZER,
    TalkRows,
    answer_mask,
    answers,
    warmup_cosine,
)
from tinytorch.datasets import load_journeytalks

proof = load("05_2017_transformer/00_vaswani_attention_proof")
generation = load("05_2017_transformer/01_vaswani_generation")
dialogue = load("05_2017_transformer/02_vaswani_dialogue")


def test_the_proof_reverses_every_held_out_sequence():
    result = proof.run()
    assert_goals(proof, result)
    (weights,) = result["model"].attention_maps(
        tt.tensor(proof.reversal(0).x_test[:50])
    )
    rows = np.arange(proof.LENGTH, 2 * proof.LENGTH)
    assert weights[:, 0, rows, 2 * proof.LENGTH - 1 - rows].mean() > 0.5  # the mirror


def test_the_proof_tests_on_sequences_it_never_trained_on(quick_run):
    data = proof.reversal(0)
    train = {row.tobytes() for row in data.x_train}
    assert not any(row.tobytes() in train for row in data.x_test)
    assert (data.y_train[:, : proof.LENGTH] == IGNORE).all()  # input digits are given
    assert_goals(proof, quick_run("05_2017_transformer/00_vaswani_attention_proof"))


def test_a_quick_gpt_run_learns_and_answers_every_held_out_question(quick_run):
    result = quick_run("05_2017_transformer/01_vaswani_generation")
    assert_goals(generation, result)
    loss = result["history"]["loss"]
    assert loss[-1] < 0.6 * loss[0]
    _, test = load_journeytalks()
    assert len(result["answers"]) == len(test)
    assert set(result["answer_accuracy_by_level"]) == {1, 2, 3, 4, 5}
    right = [got == want for _, got, want in result["answers"]]
    assert result["answer_accuracy"] == pytest.approx(np.mean(right))


def test_answers_in_a_batch_are_the_answers_one_at_a_time(quick_run):
    model = quick_run("05_2017_transformer/01_vaswani_generation")["model"]
    prompts = [t.prompt() for t in load_journeytalks()[1][:6]]
    together = answers(model, prompts, 20)
    assert together == [answers(model, [p], 20)[0] for p in prompts]
    assert all("\n" not in a and len(a) <= 20 for a in together)


def test_rows_start_at_a_talk_score_only_answers_and_repack_every_time():
    train, _ = load_journeytalks()
    rows = TalkRows(train, 64, seed=0)
    x, y = rows.batch(np.arange(5))
    for i in range(5):
        text = train[i].text()
        assert TOKENIZER.decode(x[i][: len(text)]) == text[:64]
        mask = answer_mask(TOKENIZER.decode(x[i]) + "?")[1:]
        assert ((y[i] != IGNORE) == mask).all()
        assert (y[i][y[i] != IGNORE] == np.r_[x[i][1:], -1][y[i] != IGNORE]).all()
    again, _ = rows.batch(np.arange(5))
    assert not np.array_equal(again, x)  # other partners the second time
    np.testing.assert_array_equal(TalkRows(train, 64, seed=0).batch(np.arange(5))[0], x)


def test_the_schedule_warms_up_to_max_lr_then_decays_to_zero():
    optimizer = tt.optim.AdamW([tt.nn.Parameter(tt.ones(1))], lr=0.5)
    scheduler = warmup_cosine(4)(optimizer, max_lr=1.0, epochs=2, steps_per_epoch=10)
    rates = []
    for _ in range(20):
        rates.append(scheduler.get_last_lr()[0])
        scheduler.step()
    assert rates[:4] == pytest.approx([0.25, 0.5, 0.75, 1.0])  # to max_lr, not to 0.5
    assert all(a >= b for a, b in zip(rates[3:], rates[4:], strict=False))
    assert scheduler.get_last_lr()[0] == pytest.approx(0.0, abs=1e-12)


def test_the_window_keeps_whole_latest_turns_that_fit():
    turns = [("a" * 20, "b" * 10), ("c" * 20, "d" * 10), ("e" * 20, "f" * 10)]
    prompt = dialogue.window(turns, "Who?", 90)
    assert prompt.startswith("Q: ccc") and prompt.endswith("Q: Who?\nA: ")
    assert len(prompt) <= 90 and "aaa" not in prompt
    assert dialogue.window(turns, "Who?", 10) == "Q: Who?\nA: "


def test_a_conversation_logs_every_turn_and_its_context(quick_run):
    model = quick_run("05_2017_transformer/01_vaswani_generation")["model"]
    result = dialogue.session_results(model)
    assert [t["question"] for t in result["turns"]] == [q for q, _ in dialogue.SESSION]
    assert all(t["context"] <= model.config.block_size for t in result["turns"])
    assert result["turns"][-1]["context"] > result["turns"][0]["context"]
    assert len(result["follow_ups_alone"]) == len(dialogue.FOLLOW_UPS) >= 3


@pytest.mark.slow
def test_the_full_gpt_run_meets_its_goals_and_converses():
    result = dialogue.run()
    assert result["epochs"] == generation.SETTINGS.epochs and result["seed"] == 0
    assert_goals(generation, result)
    assert_goals(dialogue, result)
    assert result["follow_up_accuracy_alone"] < result["follow_up_accuracy"]


def test_every_exchange_of_the_session_is_in_the_corpus():
    train, test = load_journeytalks()
    exchanges = {turn for t in train + test for turn in t.turns}
    follow_ups = {t.turns for t in train + test if len(t.turns) == 2}
    for i, turn in enumerate(dialogue.SESSION):
        assert turn in exchanges, turn
        if i in dialogue.FOLLOW_UPS:
            assert (dialogue.SESSION[i - 1], turn) in follow_ups, turn


def test_validation_is_refused_with_a_clear_message():
    script = load("05_2017_transformer/01_vaswani_generation").__file__
    done = subprocess.run([sys.executable, script, "--validation", "--quick"],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "has no validation split" in done.stderr
