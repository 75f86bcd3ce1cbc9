"""Limits whose value depends on another free symbol's sign (`\\lim_{t \\to 0} (x + t)/t` is
oo*sign(x)): confirmed at sample points of that symbol, and a side that is such a limit, or a
sum of it and finite limits, beside a finite side is refuted at a sample point where every
limit is confirmed again (found on Hands-On ML's sin' = cos, a planted sign error). Each rule
on a small note written for it."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy

from symcheck.engine.settings import Settings
from symcheck.model import Verdict
from symcheck.verify.notes import check_note

SETTINGS = Settings(step_timeout=30.0)


def steps(tmp_path: Path, text: str) -> list:
    note = tmp_path / "note.md"
    note.write_text(text, encoding="utf-8")
    return [step for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps]


@pytest.mark.parametrize("display", [
    "\\cos(x) = \\lim_{t \\to 0} \\frac{x + t}{t}",
    "\\cos(x) = \\lim_{t \\to 0} \\frac{\\sin(t)}{t} + \\lim_{t \\to 0} \\frac{x \\cos(t) + x}{t}",
])
def test_a_limit_infinite_with_the_sign_of_another_symbol_beside_a_finite_side_is_refuted_at_a_point(tmp_path, display):
    (step,) = steps(tmp_path, f"$${display}$$\n")
    assert step.decision.verdict is Verdict.REFUTED
    x = sympy.Rational(step.decision.counterexample.point["x"])
    assert x != 0 and "does not exist as a finite number" in step.decision.counterexample.rhs


def test_a_finite_limit_of_two_symbols_still_holds(tmp_path):
    (step,) = steps(tmp_path, "$$\\lim_{t \\to 0} \\frac{x \\sin(t)}{t} + \\lim_{t \\to 0} \\frac{x t}{t} = 2x$$\n")
    assert step.decision.verdict is Verdict.PROVED


def test_two_diverging_limits_are_undecided(tmp_path):
    (step,) = steps(tmp_path, "$$\\lim_{t \\to 0} \\frac{x}{t} = \\lim_{t \\to 0} \\frac{2x}{t}$$\n")
    assert step.decision.verdict is Verdict.UNKNOWN
