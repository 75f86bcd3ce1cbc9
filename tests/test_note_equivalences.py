"""`A \\iff B` between two equations reads as `A \\Rightarrow B`: A is a premise (an equation
being solved, or a value given), B is checked under it, and the converse, from B to A, is a
relation recorded as not checked (a note; `--strict` fails on it). Before, both sides of
`\\iff`, `\\Leftrightarrow` and `\\Longleftrightarrow` were claims: the correct step
`2y + 1 = 5 \\iff y = 2` was refuted twice, as two false identities. A display that solves
another unknown, after an arrow's premise, is an equation of its own, not a step of the first."""

from __future__ import annotations

import pytest

from symcheck.model import RELATION_NOT_CHECKED, Verdict

from .note_fixtures import checked, steps

ARROWS = [r"\iff", r"\Leftrightarrow", r"\Longleftrightarrow"]


def _by_kind(tmp_path, text):
    found = steps(checked(tmp_path, text))
    claims = [step for step in found if step.decision.strategy != RELATION_NOT_CHECKED]
    converses = [step for step in found if step.decision.strategy == RELATION_NOT_CHECKED]
    return claims, converses


@pytest.mark.parametrize("arrow", ARROWS)
def test_a_correct_step_of_solving_holds_and_its_converse_is_not_checked(tmp_path, arrow):
    claims, converses = _by_kind(tmp_path, f"$$2y + 1 = 5 {arrow} y = 2$$\n")
    assert not any(step.decision.verdict is Verdict.REFUTED for step in claims)
    assert any(step.decision.verdict is Verdict.PROVED for step in claims)
    assert len(converses) == 1 and "converse" in converses[0].decision.reason


@pytest.mark.parametrize("arrow", ARROWS)
def test_a_wrong_solution_after_an_equivalence_is_refuted(tmp_path, arrow):
    claims, _ = _by_kind(tmp_path, f"$$w + 1 = 3 {arrow} w = 5$$\n")
    refuted = [step for step in claims if step.decision.verdict is Verdict.REFUTED]
    assert [step.column for step in refuted] == [max(step.column for step in claims)]


def test_rows_led_by_an_equivalence_are_solved_in_turn(tmp_path):
    text = "$$\n\\begin{aligned}\n4t + 2 &= 10 \\\\\n\\iff 4t &= 8 \\\\\n\\iff t &= 3\n\\end{aligned}\n$$\n"
    claims, converses = _by_kind(tmp_path, text)
    assert [(step.line, step.decision.verdict) for step in claims if step.decision.verdict.holds is not None
            and step.line > 3] == [(4, Verdict.PROVED), (5, Verdict.REFUTED)]
    assert [step.line for step in converses] == [4, 5]


def test_one_of_several_solutions_is_undecided(tmp_path):
    claims, _ = _by_kind(tmp_path, "$$z^2 = 4 \\iff z = 2$$\n")
    assert [step.decision.verdict for step in claims][-1] is Verdict.UNKNOWN
    assert "-2" in claims[-1].decision.reason


def test_a_later_display_in_another_unknown_is_an_equation_of_its_own(tmp_path):
    text = "$$2y + 1 = 5 \\Rightarrow y = 2$$\n\n$$z + 1 = 4 \\Rightarrow z = 3$$\n"
    assert not any(step.decision.verdict is Verdict.REFUTED for step in steps(checked(tmp_path, text)))


def test_an_inline_equivalence_is_read_as_a_display_is(tmp_path):
    claims, converses = _by_kind(tmp_path, "We solve $5r = 10 \\iff r = 3$.\n")
    assert [step.decision.verdict for step in claims][-1] is Verdict.REFUTED
    assert len(converses) == 1
