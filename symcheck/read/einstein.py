"""Einstein's convention, for the indices a notation declares `summed = true`: an index
written twice in one product is summed over its range (`x_i a_{ij} x_j` is
sum_i sum_j x_i a_ij x_j); written once, it stays free. An index a `\\sum` already binds is
left to it; written three times or more in one product, it is left as written (the
convention does not say), and the reader's other checks see it. `x_i x_i` is read as x_i^2
(below)."""

from __future__ import annotations

from collections import Counter
from typing import Mapping

import sympy
from sympy import Indexed, Mul, Sum, Symbol


def einstein_sums(expr: sympy.Basic, summed: frozenset[Symbol], ranges: Mapping[Symbol, tuple]) -> sympy.Basic:
    """expr with every product that repeats a summed index written as that sum."""
    return _summed(expr, summed, ranges, frozenset()) if summed else expr


def _summed(expr: sympy.Basic, summed: frozenset, ranges: Mapping, bound: frozenset) -> sympy.Basic:
    if not expr.args or not (expr.free_symbols & summed):
        return expr
    if isinstance(expr, Sum):
        inner = bound | {limit[0] for limit in expr.limits}
        return expr.func(_summed(expr.function, summed, ranges, inner), *expr.limits)
    args = [_summed(arg, summed, ranges, bound) if isinstance(arg, sympy.Basic) else arg for arg in expr.args]
    rebuilt = expr.func(*args) if args != list(expr.args) else expr
    if isinstance(expr, Mul):
        counts = Counter()
        for factor in args:
            counts.update(_occurrences(factor, summed - bound))
    elif isinstance(expr, Indexed):  # a_{ii}: the trace
        counts = Counter(index for index in expr.indices if index in summed - bound)
    else:
        return rebuilt
    for index in sorted((i for i, n in counts.items() if n == 2), key=str):
        rebuilt = Sum(rebuilt, (index, *ranges[index]))
    return rebuilt


def _occurrences(factor: sympy.Basic, free: frozenset) -> Counter:
    """How many times each index is written in one factor of a product. A power counts as
    written once: `x_i x_i` reaches here as x_i^2, which cannot be told from `x_i^2`, so
    neither is summed (what is left free the reader's other checks report)."""
    if isinstance(factor, Indexed):
        return Counter(index for index in factor.indices if index in free)
    return Counter(factor.free_symbols & free)
