"""A constant's letter that the words introduce as a name of something else ("Let $e$ be
the error", "where $\\pi$ is the policy") is that name in the whole note. Read as Euler's
number, `\\ln e = 1` was proved of an error; read as the number pi, `\\pi(a) = \\pi a` was
proved of a policy. Words that describe the constant itself change nothing."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps


def _verdicts(result):
    return [step.decision.verdict for step in steps(result)]


@pytest.mark.parametrize("words", ["Let $e$ be the error.", "Here, where $e$ is the residual,", "$e$ denotes the error."])
def test_a_letter_the_words_name_is_no_constant(tmp_path, words):
    result = checked(tmp_path, f"{words} Then $\\ln e = 1$ and $e^2 = e \\cdot e$.\n")
    assert _verdicts(result) == [Verdict.REFUTED, Verdict.PROVED]
    assert [(a.name, a.kind) for a in result.adopted] == [("e", "reading")]


def test_pi_named_a_policy_is_no_number_and_applied_is_not_read_as_a_product(tmp_path):
    result = checked(tmp_path, "Let $\\pi$ denote the policy. Then $\\pi^2 = 9.8696044$ and $\\pi(a) = \\pi a$.\n")
    found = steps(result)
    assert found[0].decision.verdict is Verdict.REFUTED and "pi" in found[0].decision.counterexample.point
    assert found[1].decision.verdict is Verdict.UNKNOWN and "\\pi at a" in found[1].decision.reason


@pytest.mark.parametrize("text", [
    "Here $e$ is the base of the natural logarithm, so $\\ln e = 1$.\n",
    "Let $e$ be Euler's number; then $\\ln e = 1$.\n",
    "Where $\\pi$ is the ratio of a circle's circumference to its diameter, $\\cos \\pi = -1$.\n",
    "We know $e$ is about 2.718, so $\\ln e = 1$.\n",
])
def test_words_about_the_constant_keep_it(tmp_path, text):
    result = checked(tmp_path, text)
    assert _verdicts(result) == [Verdict.PROVED] and not result.adopted
