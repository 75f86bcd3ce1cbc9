"""`proved-for-sizes` says a step holds for every size asked for (1..8 by default); before it is
given, sizes past those are tried for a counterexample. Before, a closed form of a sum that
is wrong only from n = 9 on was `proved-for-sizes` and the run exited 0."""

from __future__ import annotations

import pytest
import sympy

from symcheck.model import Verdict

from .note_fixtures import checked, steps

ROOTS = {8: "(n-1)(n-2)(n-3)(n-4)(n-5)(n-6)(n-7)(n-8)",
         12: "(n-1)(n-2)(n-3)(n-4)(n-5)(n-6)(n-7)(n-8)(n-9)(n-10)(n-11)(n-12)"}


@pytest.mark.parametrize("last_root", sorted(ROOTS))
def test_a_closed_form_wrong_only_past_the_sizes_asked_for_is_refuted(tmp_path, last_root):
    [step] = steps(checked(tmp_path, f"$$\\sum_{{k=1}}^{{n}} k = \\frac{{n(n+1)}}{{2}} + {ROOTS[last_root]}$$\n"))
    assert step.decision.verdict is Verdict.REFUTED
    n = sympy.Integer(step.decision.counterexample.point["n"])
    assert n > last_root  # the sides agree at 1..last_root: the point is past them
    assert sympy.Rational(step.decision.counterexample.lhs) == n * (n + 1) / 2


def test_a_true_closed_form_is_not_refuted(tmp_path):
    [step] = steps(checked(tmp_path, "$$\\sum_{k=1}^{n} k^3 = \\frac{n^2(n+1)^2}{4}$$\n"))
    assert step.decision.verdict.holds


def test_proved_for_sizes_is_a_note_in_checks_output(tmp_path):
    """Not a general proof: said, as numeric evidence is, so that --strict fails on it."""
    from dataclasses import replace

    from symcheck.printers.diagnostics import classify

    [step] = steps(checked(tmp_path, "$$\\sum_{k=1}^{n} k^3 = \\frac{n^2(n+1)^2}{4}$$\n"))
    for_sizes = replace(step, decision=replace(step.decision, verdict=Verdict.PROVED_FOR_SIZES, reason="for n = 1..8"))
    severity, message = classify(for_sizes, numeric_notes=True)
    assert severity == "note" and "only for the sizes checked: for n = 1..8" in message
    assert classify(for_sizes) is None  # verify's printers: a verdict of its own
