"""Issue 11, item 1, second property: on the same LaTeX, symcheck's reader agrees with raw
latex2sympy2 wherever latex2sympy2 reads it right (gives back the expression that printed
it). Where they disagree on purpose, the disagreement is a named decision in DECISIONS,
each tested: what raw latex2sympy2 gives, what symcheck gives, and why.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pytest
import sympy
from hypothesis import HealthCheck, given, seed, settings

from symcheck.read.backend import LatexError, parse_raw
from tests.test_read_roundtrip import NOTATION, expressions, same

warnings.filterwarnings("ignore", category=DeprecationWarning)
x, y, a, b, k, n = sympy.symbols("x y a b k n")


def raw_reads_right(latex: str, expr: object) -> object:
    """latex2sympy2's reading of ``latex`` when it gives back ``expr``, else None."""
    try:
        raw = parse_raw(latex)
        return raw if same(raw, expr) else None
    except (LatexError, TypeError, ValueError, AttributeError):
        return None


@seed(20261201)
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(expressions())
def test_the_reader_agrees_with_latex2sympy2_wherever_latex2sympy2_is_right(expr):
    latex = sympy.latex(expr)
    raw = raw_reads_right(latex, expr)
    if raw is None:
        return
    assert same(NOTATION.expression(latex), raw), latex


# ---------------------------------------------------------------- named disagreements


@dataclass(frozen=True)
class Decision:
    name: str
    latex: str
    raw: object  # what latex2sympy2 gives (None: it cannot read it)
    ours: object  # what symcheck gives
    why: str


DECISIONS = [
    Decision("log-is-natural", r"\log x", sympy.log(x) / sympy.log(10), sympy.log(x),
             "\\log without a base is the natural log in the analysis this project checks"),
    Decision("i-is-the-imaginary-unit", r"e^{i \pi}", sympy.exp(sympy.pi * sympy.Symbol("i")), sympy.Integer(-1),
             "i and e are constants unless declared (or written as an index); raw latex2sympy2 keeps i a name"),
    Decision("parenthesised-superscript-is-a-label", r"x^{(n)}", x**n, sympy.Symbol("x^(n)"),
             "x^{(n)} is the n-th sample in ML notation, never a power"),
    Decision("expectation-is-an-operator", r"E[x]", None, sympy.Function("E", operator=True)(x),
             "E[x] is the expectation of x (raw latex2sympy2 cannot read it)"),
]


def raw_or_none(latex: str) -> object:
    try:
        return parse_raw(latex)
    except LatexError:
        return None


@pytest.mark.parametrize("decision", DECISIONS, ids=[d.name for d in DECISIONS])
def test_each_known_disagreement_is_a_named_decision(decision):
    ours = NOTATION.expression(decision.latex)
    assert ours == decision.ours
    raw = raw_or_none(decision.latex)
    assert (raw is None) if decision.raw is None else same(raw, decision.raw)
    assert raw is None or not same(raw, ours)  # still a disagreement: if latex2sympy2 changes, the table is revisited
