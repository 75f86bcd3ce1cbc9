"""Red team of the numeric rung: sides that agree to every digit compared (50) can still
differ. When SymPy knows the exact difference at a sampled point is not 0, the step is
refuted with that difference, never passed as numeric evidence; a true identity that only
the numeric rung decides stays numeric."""

from __future__ import annotations

import pytest

from symcheck.engine.ladder import decide
from symcheck.engine.settings import Settings
from symcheck.load.derivation import Compiler, read_notation
from symcheck.model import Verdict

SETTINGS = Settings(step_timeout=20.0)


def decided(tmp_path, latex: str, notation: str = "[symbols]\nx = {}\n"):
    (tmp_path / "n.toml").write_text(notation, encoding="utf-8")
    compiler = Compiler.for_file(read_notation(tmp_path / "n.toml"))
    lhs, rhs = compiler.sides(latex)
    return decide(lhs, rhs, compiler.scope(), settings=SETTINGS)


@pytest.mark.parametrize("latex", [
    r"x + e^{-10^{4}} = x",
    r"x^2 + e^{-10^{4}} x = x^2",
    r"\sinh(x)^2 + 1 = \cosh(x)^2 + e^{-200} x",
])
def test_a_difference_below_the_precision_is_refuted_with_its_exact_value(tmp_path, latex):
    decision = decided(tmp_path, latex)
    assert decision.verdict is Verdict.REFUTED, (latex, decision.verdict, decision.reason)
    assert "below the 50 digits compared" in decision.reason or decision.strategy.startswith("counterexample")


def test_a_true_identity_decided_numerically_stays_numeric(tmp_path):
    decision = decided(tmp_path, r"\arctan(x) + \arctan(1/x) = \frac{\pi}{2}", "[symbols]\nx = { domain = \"positive\" }\n")
    assert decision.verdict.holds, decision.reason


@pytest.mark.parametrize("latex", [
    r"e^{x + 10^{-2000}} = e^x",  # the gap needs more working precision than the default: the digits written ask for it
    r"x \exp(10^{-300}) = x",
])
def test_a_gap_below_the_tolerance_is_refuted_through_a_rechecked_counterexample(tmp_path, latex):
    decision = decided(tmp_path, latex)
    assert decision.verdict is Verdict.REFUTED, (latex, decision.verdict, decision.reason)
    assert decision.counterexample is not None
    assert decision.evidence and not decision.evidence[-1].agrees, "the re-check's evaluation is the evidence"


@pytest.mark.parametrize("latex", [
    r"e^{x + 10^{-2000}} = e^{x} e^{10^{-2000}}",
    r"\exp(10^{-300}) x = x e^{10^{-300}}",
])
def test_tiny_constants_in_a_true_identity_are_no_gap(tmp_path, latex):
    decision = decided(tmp_path, latex)
    assert decision.verdict.holds, (latex, decision.verdict, decision.reason)


def test_numbers_too_long_to_print_end_undecided_not_passed(tmp_path):
    decision = decided(tmp_path, r"\exp(10^{-5000}) = 1")
    assert not decision.verdict.holds, decision.reason
