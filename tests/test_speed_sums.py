"""The free symbols of a sum or product read without rebuilding its body are SymPy's own."""

from __future__ import annotations

import pytest
import sympy
from sympy import Function, IndexedBase, Integral, Product, Sum, Symbol

import symcheck.engine.walk  # noqa: F401 - installs the faster property
from symcheck.engine import sums
from symcheck.engine.sums import _SYMPYS

k, j, n, N = sympy.symbols("k j n N", integer=True)
a = IndexedBase("a", real=True)
x, y = Symbol("x"), Symbol("y")
f = Function("f")

CASES = [
    Sum(a[k] * a[j], (k, 1, N)),
    Sum(sympy.exp(a[k]) * x, (k, 1, N)),
    Product(a[k] ** j, (k, j, N), (j, 1, n)),
    Sum(Sum(a[k, j], (k, 1, j)), (j, 1, N)),
    Sum(k, (k, 1, k + 1)),  # the variable also in its own bound
    Sum(f(k), (k, 1, 3)),  # no free symbol at all
    Integral(x * y, (x, 0, y)),
    Integral(x * y, x),  # an indefinite limit keeps the variable free
    Integral(a[k] ** 2 * k, (a[k], 0, 1)),  # a variable that is not a plain symbol: SymPy's own path
]


@pytest.mark.parametrize("expr", CASES, ids=str)
def test_the_same_free_symbols_as_sympy(expr):
    assert sympy.concrete.expr_with_limits.ExprWithLimits.free_symbols is not _SYMPYS  # installed
    assert sums.free_symbols(expr) == _SYMPYS.fget(expr) == expr.free_symbols


def test_the_set_returned_is_a_new_one():
    total = Sum(a[k], (k, 1, N))
    total.free_symbols.add(x)
    assert x not in total.free_symbols and total.free_symbols == _SYMPYS.fget(total)


def test_installing_twice_keeps_one_property():
    installed = sympy.concrete.expr_with_limits.ExprWithLimits.free_symbols
    sums.install()
    assert sympy.concrete.expr_with_limits.ExprWithLimits.free_symbols is installed
