"""The Olympic events of milestone 06: who may enter each one, who wins, and what
the winner gains against the baseline, on entries whose results are known."""

from __future__ import annotations

import pytest

from milestones import olympics
from milestones.olympics import Entry

BASE = Entry("float32 (baseline)", bytes=100_000, accuracy=0.98, seconds=30e-6)


def standings(*entries: Entry) -> dict[str, dict]:
    return {row["event"]: row for row in olympics.standings([BASE, *entries])}


def test_an_entry_may_lose_at_most_the_allowed_points():
    assert olympics.POINTS == 1.0
    at_the_limit = Entry("a", 1, BASE.accuracy - 0.01, 1e-6)
    beyond = Entry("b", 1, BASE.accuracy - 0.0101, 1e-6)
    assert olympics.within_points(at_the_limit, BASE)
    assert not olympics.within_points(beyond, BASE)
    assert olympics.small_enough(Entry("c", 10_000, 0.5, 1), BASE)
    assert not olympics.small_enough(Entry("d", 10_001, 0.5, 1), BASE)


def test_each_event_ranks_only_the_entries_its_rule_admits():
    fast_but_wrong = Entry("fast, wrong", 90_000, 0.90, 5e-6)
    small = Entry("small", 8_000, 0.975, 40e-6)
    tiny_but_wrong = Entry("tiny, wrong", 2_000, 0.50, 40e-6)
    fast = Entry("fast", 50_000, 0.979, 15e-6)
    rows = standings(fast_but_wrong, small, tiny_but_wrong, fast)
    sprint = rows["Latency Sprint"]
    assert sprint["winner"] == "fast" and sprint["gain"] == pytest.approx(2.0)
    memory = rows["Memory Challenge"]
    assert memory["winner"] == "small" and memory["gain"] == pytest.approx(12.5)
    contest = rows["Accuracy Contest"]  # files of at most 10,000 bytes
    assert contest["winner"] == "small" and contest["value"] == 0.975
    assert contest["gain"] == pytest.approx(-0.5)  # points against the baseline
    assert contest["baseline"] == BASE.accuracy


def test_the_baseline_keeps_a_title_nobody_beats_and_ties_go_to_it():
    rows = standings(Entry("as fast", 50_000, 0.98, BASE.seconds))
    assert rows["Latency Sprint"]["winner"] == BASE.name
    assert rows["Latency Sprint"]["gain"] == 1.0
    contest = rows["Accuracy Contest"]  # nothing small enough: no winner
    assert contest["winner"] is None and contest["gain"] is None
    assert olympics.cells(contest) == {
        "baseline": "98.00%", "winner": "no entry qualifies", "result": "", "gain": ""}
    shown = olympics.cells(rows["Latency Sprint"])
    assert shown["result"] == "30.0 µs" and shown["gain"] == "1.00×"


def test_the_rules_are_stated_with_their_limits():
    rules = {event.name: event.rule for event in olympics.EVENTS}
    assert rules["Latency Sprint"].endswith("losing at most 1 point of accuracy")
    assert "at most 1/10 of the baseline's" in rules["Accuracy Contest"]
    table = olympics.events_table("mlp", olympics.standings([BASE]))
    assert table.row_count == len(olympics.EVENTS)
