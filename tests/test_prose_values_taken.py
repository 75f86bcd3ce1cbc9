"""A value taken after a case ("Suppose $n = 2$ ... take $n = 3$", "... Let $n = 3$") is where
the earlier case ends: the steps after it are checked with the new value, never in the
earlier case (where a false step could hold, and a true one be refuted), and the value
itself is no claim. Each rule on a small note written for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from symcheck.engine.settings import Settings
from symcheck.model import Verdict
from symcheck.verify.notes import check_note

SETTINGS = Settings(step_timeout=30.0)
CASE = "Suppose $n = 2$. Then $n^2 = 4$. "


def steps(tmp_path: Path, text: str) -> list[tuple[str, Verdict, object]]:
    note = tmp_path / "note.md"
    note.write_text(text, encoding="utf-8")
    chains = check_note(note, None, SETTINGS).result.chains
    return [(step.latex, step.decision.verdict, step.decision.condition) for chain in chains for step in chain.steps]


@pytest.mark.parametrize("taking", ["For example, take $n = 3$.", "Now take $n = 3$.", "Take $n = 3$.",
                                    "Now choose $n = 3$.", "Next, pick $n = 3$."])
def test_a_value_taken_is_a_new_case(tmp_path, taking):
    found = steps(tmp_path, CASE + taking + " Then $n + 1 = 3$ and $n^2 = 9$.\n")
    assert found[0] == ("4", Verdict.PROVED, "n = 2")
    assert ("3", Verdict.REFUTED, "n = 3") in found  # n + 1 = 3 is false for n = 3
    assert ("9", Verdict.PROVED, "n = 3") in found
    assert len(found) == 3  # n = 3 is the value taken, not a claim refuted in the case n = 2


def test_a_definition_of_the_name_a_case_fixes_ends_the_case(tmp_path):
    found = steps(tmp_path, CASE + "Let $n = 3$. Then $n + 1 = 4$ and $n + 1 = 3$.\n")
    assert found[0] == ("4", Verdict.PROVED, "n = 2")
    assert [(latex, verdict) for latex, verdict, _ in found[1:]] == [("4", Verdict.PROVED), ("3", Verdict.REFUTED)]
    assert all(condition != "n = 2" for _, _, condition in found[1:])


def test_a_definition_of_another_name_leaves_the_case_in_force(tmp_path):
    found = steps(tmp_path, CASE + "Let $m = 3$. Then $n + m = 5$.\n")
    assert found[-1] == ("5", Verdict.PROVED, "n = 2")


def test_a_name_taken_as_any_value_is_bound_again_by_a_later_definition(tmp_path):
    """"Take any $x$" holds until x is given a value again ("Now let $x = 1$"), not to the end."""
    found = steps(tmp_path, "Take any $x$. Then $$x - x = 0$$\n\nNow let $x = 1$. Then $$x + 1 = 2$$\n\n"
                            "And $$x + 1 = 3$$\n")
    assert [(latex, verdict) for latex, verdict, _ in found] == [
        ("0", Verdict.PROVED), ("2", Verdict.PROVED), ("3", Verdict.REFUTED)]



def test_a_value_taken_for_a_sentence_does_not_end_any_value(tmp_path):
    """"Take any $x$. For the value $x = 1$ we get ...": after that sentence x is any value again."""
    found = steps(tmp_path, "Let $x = 1$. Take any $x$. For the value $x = 1$ we get $$x^2 = 1.$$\n\n"
                            "Then $$x + 1 = 2$$\n")
    assert found[-1][1:] == (Verdict.REFUTED, None)


@pytest.mark.parametrize("words", ["except that for", "other than for", "except for"])
def test_a_value_excluded_is_neither_a_case_nor_a_claim(tmp_path, words):
    """"..., except that for $n = 2$ we round": the value is excluded, never refuted as a claim."""
    found = steps(tmp_path, f"For every $n$ we have $$n^2 \\geq 0,$$ {words} $n = 2$ we round. Also $$n + n = 2n$$\n")
    assert [verdict for _, verdict, _ in found] == [Verdict.PROVED, Verdict.PROVED]


def test_a_value_stated_after_except_is_still_a_claim(tmp_path):
    """"All entries vanish except $J_{11} = 2$" states a value: checked (refuted here, J is any)."""
    assert [verdict for _, verdict, _ in steps(tmp_path, "All entries vanish except $J_{11} = 2$.\n")] == [Verdict.REFUTED]


@pytest.mark.parametrize("release", ["Next we let $n$ vary.", "Now let $n$ be arbitrary.", "Let $n$ be any."])
def test_letting_a_name_vary_ends_the_case_on_it(tmp_path, release):
    """"Suppose $n = 2$ ... Next we let $n$ vary. Then $$n^2 = 4$$": false for a general n."""
    found = steps(tmp_path, f"{CASE}\n\n{release} Then $$n^2 = 4$$\n")
    assert found[0] == ("4", Verdict.PROVED, "n = 2")
    assert found[-1] == ("4", Verdict.REFUTED, None)


def test_letting_a_name_vary_keeps_a_definition_made_after(tmp_path):
    found = steps(tmp_path, "Let $n$ vary. Then $$n - n = 0$$\n\nNow let $n = 5$. Then $$n + 1 = 6$$\n")
    assert [verdict for _, verdict, _ in found] == [Verdict.PROVED, Verdict.PROVED]


@pytest.mark.parametrize("words", ["If instead $n = 3$, then", "Setting $n = 3$ gives", "Plugging in $n = 3$ gives"])
def test_math_giving_another_value_ends_the_case(tmp_path, words):
    """"Suppose $n = 2$ ... Setting $n = 3$ gives $n^2 = 4$": never checked in the case n = 2."""
    found = steps(tmp_path, f"{CASE}{words} $n^2 = 4$.\n")
    assert found[0] == ("4", Verdict.PROVED, "n = 2")
    assert all(condition != "n = 2" for _, _, condition in found[1:])
    assert found[-1][1] is Verdict.REFUTED


def test_math_restating_the_value_keeps_the_case(tmp_path):
    found = steps(tmp_path, f"{CASE}Since $n = 2$, we have $n + 1 = 3$.\n")
    assert found[-1] == ("3", Verdict.PROVED, "n = 2")
