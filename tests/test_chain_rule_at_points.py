"""The chain rule over stand-in functions: SymPy differentiates g(h(x)) into a derivative
with respect to h(x), which must still be evaluated once g and h are sampled functions
(else a right chain rule is left unconfirmed by the audit and a wrong one undecided)."""

from __future__ import annotations

import sympy
from sympy import Function, Lambda, Symbol

from symcheck.engine.sampling import at_points, structure
from symcheck.model import Verdict

from .note_fixtures import steps, checked

NOTE = r"""Let $g$ and $h$ be differentiable functions of a real $x$.

$$\frac{{d}}{{dx}}g(h(x)) = {rhs}$$
"""


def test_a_derivative_with_respect_to_an_expression_is_one_at_a_point():
    x, t = Symbol("x"), Symbol("t")
    g, h = Function("g"), Function("h")
    chained = sympy.Derivative(g(h(x)), x).doit()  # Derivative(g(h(x)), h(x)) * Derivative(h(x), x)
    assert any(not v.is_Symbol for d in chained.atoms(sympy.Derivative) for v in d.variables)
    assert all(v.is_Symbol for d in at_points(chained).atoms(sympy.Derivative) for v in d.variables)
    sampled = structure(chained, {}, {}, {g: Lambda(t, t**3), h: Lambda(t, sympy.sin(t))})
    assert sympy.simplify(sampled - 3 * sympy.sin(x) ** 2 * sympy.cos(x)) == 0


def test_the_chain_rule_is_proved_and_confirmed(tmp_path):
    [step] = steps(checked(tmp_path, NOTE.format(rhs=r"g'(h(x)) h'(x)")))
    assert step.decision.verdict is Verdict.PROVED, step.decision.reason


def test_a_wrong_chain_rule_is_refuted_at_a_point(tmp_path):
    for wrong in (r"g'(x) h'(x)", r"g'(h(x))", r"g'(h(x)) h(x)"):
        [step] = steps(checked(tmp_path, NOTE.format(rhs=wrong)))
        assert step.decision.verdict is Verdict.REFUTED, (wrong, step.decision.reason)
        assert step.decision.counterexample is not None
