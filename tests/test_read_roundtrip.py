"""Issue 11 item 1 (first part): reading ``sympy.latex(e)`` gives back ``e``.

A grammar of SymPy expressions (numbers of any length, decimals, rationals, symbols with
subscripts, powers, nested fractions, sums and products with limits, derivatives of any
order, binomials, factorials, abs, every trigonometric and hyperbolic function and its
inverse, exp, log, roots) is printed by SymPy and read back; the two must be equal up to
SymPy's automatic canonicalisation (compared with ``simplify(a - b) == 0`` when not
structurally equal). The suite runs a bounded, seeded sample; ``benchmarks/bench_roundtrip.py``
runs many more.
"""

from __future__ import annotations

import sympy
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from symcheck.model import Derivation
from symcheck.model.symbols import build_symbol_table
from symcheck.read.backend import LatexError
from symcheck.read.notation import Notation

SYMBOLS = [sympy.Symbol(name) for name in ("x", "y", "z", "a_1", "b_{12}", "theta")]
FUNCTIONS = [
    sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot,
    sympy.asin, sympy.acos, sympy.atan, sympy.acot,
    sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch,
    sympy.asinh, sympy.acosh, sympy.atanh,
    sympy.exp, sympy.log, sympy.sqrt, sympy.Abs,
]
K = sympy.Symbol("k")


def numbers() -> st.SearchStrategy:
    integers = st.integers(min_value=0, max_value=10**30).map(sympy.Integer)
    rationals = st.tuples(st.integers(1, 10**6), st.integers(2, 10**6)).map(lambda p: sympy.Rational(*p))
    return st.one_of(integers, rationals)


def expressions() -> st.SearchStrategy:
    leaves = st.one_of(st.sampled_from(SYMBOLS), numbers())

    def extend(inner: st.SearchStrategy) -> st.SearchStrategy:
        return st.one_of(
            st.tuples(inner, inner).map(lambda p: p[0] + p[1]),
            st.tuples(inner, inner).map(lambda p: p[0] * p[1]),
            st.tuples(inner, inner).map(lambda p: p[0] / p[1] if p[1] != 0 else p[0]),
            st.tuples(inner, st.integers(2, 5)).map(lambda p: p[0] ** p[1]),
            st.tuples(st.sampled_from(FUNCTIONS), inner).map(lambda p: p[0](p[1])),
            st.tuples(inner, st.integers(3, 5)).map(lambda p: sympy.root(p[0], p[1])),
            st.integers(1, 4).map(lambda n: sympy.Derivative(sympy.Function("f")(SYMBOLS[0]), (SYMBOLS[0], n))),
            st.tuples(st.integers(1, 9)).map(lambda p: sympy.Sum(K ** p[0], (K, 1, SYMBOLS[1]))),
            st.integers(0, 9).map(lambda p: sympy.Product(K + p, (K, 1, SYMBOLS[2]))),
            st.tuples(st.sampled_from(SYMBOLS[:3]), st.integers(0, 5)).map(lambda p: sympy.binomial(p[0], p[1])),
            st.sampled_from(SYMBOLS[:3]).map(sympy.factorial),
        )

    finite = st.recursive(leaves, extend, max_leaves=6)
    return finite.filter(lambda e: not e.has(sympy.zoo, sympy.nan, sympy.oo))


NOTATION = Notation(build_symbol_table(Derivation(path="", source="", title="")))


def same(read: object, expected: object) -> bool:
    if read == expected:
        return True
    difference = read.doit() - expected.doit() if hasattr(read, "doit") else read - expected
    return sympy.simplify(difference) == 0


def round_trips(expr: object) -> tuple[bool, str]:
    """(agrees, LaTeX); an unread formula is a disagreement too (counted apart by the benchmark)."""
    latex = sympy.latex(expr)
    try:
        read = NOTATION.expression(latex)
    except LatexError:
        return False, latex
    return same(read, expr), latex


@seed(20240611)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(expressions())
def test_reading_sympys_latex_gives_back_the_expression(expr):
    agrees, latex = round_trips(expr)
    assert agrees, latex
