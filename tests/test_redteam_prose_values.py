"""A value taken in the words for one sentence ("for $n = 3$ we get", "with $x = 2$ the value
is"): a case for that sentence, never a claim (checked as one, `x = 2` could only be refuted,
a false alarm), and never a case past its sentence (which could hide an error). Each rule
on a small note written for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from symcheck.engine.settings import Settings
from symcheck.model import Verdict
from symcheck.verify.notes import check_note

SETTINGS = Settings(step_timeout=30.0)


def verdicts(tmp_path: Path, text: str) -> list[tuple[int, Verdict, object]]:
    note = tmp_path / "note.md"
    note.write_text(text, encoding="utf-8")
    chains = check_note(note, None, SETTINGS).result.chains
    return [(step.line, step.decision.verdict, step.decision.condition) for chain in chains for step in chain.steps]


@pytest.mark.parametrize("text, condition", [
    ("For $n = 3$ we get\n$$n^2 = 9.$$\n", "n = 3"),
    ("for $n = 3$ we get\n\n$$n^2 = 9$$\n", "n = 3"),  # a blank line before the display does not end the sentence
    ("With $x = 2$ the value is $x^3 = 8$.\n", "x = 2"),
    ("The formula with $K = 3$ classes gives $$K^2 - 9 = 0$$\n", "K = 3"),
])
def test_a_value_taken_by_for_or_with_is_a_case_of_its_sentence(tmp_path, text, condition):
    assert verdicts(tmp_path, text) == [(verdicts(tmp_path, text)[0][0], Verdict.PROVED, condition)]


@pytest.mark.parametrize("text", [
    "For $n = 3$ we get $n^2 = 9$.\n\n$$n + 1 = 4$$\n",  # the sentence ended before the display
    "For $n = 3$ we get\n$$n^2 = 9.$$\n\nThen\n$$n + 1 = 4$$\n",  # the sentence ended after its display
    "With $x = 2$, we get $$x^2 = 4$$ and so on. Then $$x + 1 = 3$$\n",
])
def test_a_value_taken_by_for_or_with_ends_with_its_sentence(tmp_path, text):
    *_, (line, verdict, condition) = verdicts(tmp_path, text)
    assert (verdict, condition) == (Verdict.REFUTED, None)


def test_an_error_inside_the_sentence_is_refuted_in_the_case(tmp_path):
    [(_, verdict, condition)] = verdicts(tmp_path, "For $n = 3$ we get $$n^2 = 8.$$\n")
    assert (verdict, condition) == (Verdict.REFUTED, "n = 3")


def test_the_first_value_of_a_range_is_neither_a_claim_nor_a_case(tmp_path):
    text = "Summing for $i = 1$ to $n$ gives the total, and $$i^2 = i \\cdot i$$ for $i = 1, \\ldots, n$.\n"
    assert verdicts(tmp_path, text) == [(1, Verdict.PROVED, None)]


@pytest.mark.parametrize("text", [
    "The slope of the $f(x) = x^2$ curve at a point is $f'(x) = 2x$.\n",
    "Take the line $f(x) = 2x + 1$ and differentiate: $f'(x) = 2$.\n",
    "The $y = x^3$ graph is steep: $$\\frac{dy}{dx} = 3x^2$$\n",
])
def test_inline_math_naming_a_curve_or_a_line_defines_it(tmp_path, text):
    assert [verdict for _, verdict, _ in verdicts(tmp_path, text)] == [Verdict.PROVED]


def test_a_curve_named_twice_is_checked_against_its_first_naming(tmp_path):
    text = "The slope of the $y = x^2$ curve is $2x$, so the slope of $y = x^3$ is not.\n"
    assert [verdict for _, verdict, _ in verdicts(tmp_path, text)] == [Verdict.REFUTED]
