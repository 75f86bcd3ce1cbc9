"""Solving by arrows: `2x + 3 = 7 \\Rightarrow 2x = 4 \\Rightarrow x = 2`. The premise of an
arrow that is no identity, in one name with one side free of it and finitely many real
solutions, is an equation being solved: said as a note (so `--strict` asks for the word),
and what follows the arrow is checked under it. Before, each of the three equations was
refuted as an identity in x."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps, written_verdicts


def test_each_step_of_a_solution_is_checked_under_the_equation(tmp_path):
    found = written_verdicts(tmp_path, "$$2x + 3 = 7 \\Rightarrow 2x = 4 \\Rightarrow x = 2$$\n")
    assert found == [("7", Verdict.UNKNOWN), ("4", Verdict.PROVED), ("2", Verdict.PROVED)]


@pytest.mark.parametrize("wrong", ["x = 3", "2x = 5"])
def test_a_wrong_step_of_a_solution_is_refuted(tmp_path, wrong):
    found = written_verdicts(tmp_path, f"$$2x + 3 = 7 \\implies {wrong}$$\n")
    assert found[-1][1] is Verdict.REFUTED


def test_the_equation_solved_is_said(tmp_path):
    [first, _] = steps(checked(tmp_path, "$$x^2 = 4 \\Rightarrow x = 2$$\n"))
    assert first.decision.verdict is Verdict.UNKNOWN
    assert any("taken as an equation being solved for x" in remark.message for remark in first.remarks)


@pytest.mark.parametrize("premise", [
    "(a + b)^2 = a^2 + b^2",   # a false identity in two names
    "x^2 = x^2 + 1",           # no solution: a false identity
    "\\sin^2 x - \\cos^2 x = 1",  # infinitely many solutions
    "(x + 1)^2 = x^2 + 1",     # the unknown on both sides
    "\\frac{d}{dx} x^2 = 2",    # a derivative is claimed, never solved for
    "\\sum_{k=1}^{3} k x = 6",  # so is a sum
])
def test_a_false_identity_before_an_arrow_stays_a_claim(tmp_path, premise):
    found = written_verdicts(tmp_path, f"$${premise} \\Rightarrow y = 1$$\n")
    assert found[0][1] is Verdict.REFUTED


def test_a_value_that_is_one_of_several_solutions_is_not_proved(tmp_path):
    """x^2 = 4 => x = 2: x = -2 solves it too, and the arrow says 2 is the only solution."""
    [_, step] = steps(checked(tmp_path, "$$x^2 = 4 \\Rightarrow x = 2$$\n"))
    assert step.decision.verdict is Verdict.UNKNOWN
    assert "but so does -2" in step.decision.reason


def test_the_only_solution_is_proved(tmp_path):
    found = written_verdicts(tmp_path, "$$x^3 = 8 \\Rightarrow x = 2$$\n")
    assert found[-1] == ("2", Verdict.PROVED)
