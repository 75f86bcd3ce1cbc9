"""Index ranges: every entry of an expression must stay on its axis. A literal index off the
axis (z_0 where z is indexed from 1), an index variable whose range (declared, or the
limits of the sums around it) is not inside the axis' range (i over classes on an axis of
examples), or a size that may exceed the axis (a_K on an axis of N) is a misfit."""

from __future__ import annotations

import re
from typing import Any, Optional

import sympy

from symcheck.model.symbols import MatrixSum, Row, SymbolTable


def axis_lower(table: SymbolTable, size: Any) -> Any:
    """The first index of an axis of length `size`: the common lower bound of the declared
    indices that run up to its size, else 1."""
    size = sympy.sympify(size)
    lowers = {sympy.sympify(lower) for lower, upper in table.index_ranges.values() if sympy.sympify(upper) == size}
    return lowers.pop() if len(lowers) == 1 else sympy.Integer(1)


def _axis_range(table: SymbolTable, size: Any) -> tuple[Any, Any]:
    """First and last index of an axis."""
    lower = axis_lower(table, size)
    return lower, lower + size - 1


def index_range_problem(expr: Any, table: SymbolTable) -> Optional[tuple[str, str, str]]:
    """(message, name, index) for the first entry whose index can run outside its axis:
    a literal off the axis (z_0 where z is indexed from 1), or an index variable whose
    declared range (or summation limits) is not inside the axis' range (i over classes on
    an axis of examples)."""
    if not isinstance(expr, sympy.Basic):
        return None
    misfits = [(entry, found) for entry, ranges in _entries_with_ranges(expr, dict(table.index_ranges))
               if (found := _entry_misfit(table, entry, ranges)) is not None]
    # the first by name (only entries that misfit are printed to find it)
    return min(misfits, key=lambda item: str(item[0]))[1] if misfits else None


def _entry_misfit(table: SymbolTable, entry: sympy.Basic, ranges: dict) -> Optional[tuple[str, str, str]]:
    name, indices = _indices_of(entry)
    if name not in table.declarations or len(table.declarations[name].shape) < len(indices) \
            or (isinstance(entry, sympy.Indexed) and len(table.declarations[name].shape) != len(indices)):
        return None
    for size, index in zip(table.shape(name), indices):  # a row x_i: its one index is on the first axis
        found = _index_misfit(table, name, sympy.sympify(size), index, ranges)
        if found is not None:
            return found
    return None


def _indices_of(entry: sympy.Basic) -> tuple[str, tuple]:
    """The declared name and the indices of an entry x[i, j] or of a row x_i."""
    if isinstance(entry, Row):
        return entry.matrix.name, (entry.index,)
    return str(entry.base.label), entry.indices


def _entries_with_ranges(expr: sympy.Basic, ranges: dict) -> list[tuple[sympy.Basic, dict]]:
    """Every entry (and row) of `expr` with the ranges of the index variables where it is
    written (declared ranges, overridden by the limits of the sums and products around it)."""
    if isinstance(expr, (sympy.Indexed, Row)):
        return [(expr, ranges)]
    if isinstance(expr, (sympy.Sum, sympy.Product, MatrixSum)):
        inner = dict(ranges)
        found = []
        for variable, *bounds in expr.limits:
            found += [item for bound in bounds for item in _entries_with_ranges(sympy.sympify(bound), inner)]
            if len(bounds) == 2:
                inner[variable] = tuple(bounds)
            else:
                inner.pop(variable, None)
        return found + _entries_with_ranges(expr.function, inner)
    if isinstance(expr, sympy.FunctionMatrix):  # a matrix written with ellipses: entries at every position
        (row, col), body = expr.lamda.variables, expr.lamda.expr
        rows, cols = expr.shape
        return _entries_with_ranges(body, {**ranges, row: (0, rows - 1), col: (0, cols - 1)})
    return [item for arg in expr.args if isinstance(arg, sympy.Basic) for item in _entries_with_ranges(arg, ranges)]


def _index_misfit(table: SymbolTable, name: str, size: Any, index: Any,
                  ranges: dict) -> Optional[tuple[str, str, str]]:
    lower, upper = _axis_range(table, size)
    if index.is_Integer and (index < lower or (upper.is_Integer and index > upper)):
        return (f"index {index} of {name} is outside its range {lower}..{upper}", name, str(index))
    bounds = _index_bounds(table, index, ranges)
    if bounds is not None:
        first, last = bounds
        if not (_at_least(first, lower) and _at_least(upper, last)):
            return (f"{_index_words(index)} runs over {first}..{last}, but axis {_axis_number(table, name, size)} of {name} "
                    f"runs over {lower}..{upper}", name, str(index))
    return None


def _index_words(index: Any) -> str:
    """How a message names an index: its own name, or the entries of a matrix written with
    ellipses (whose positions are not the author's names)."""
    if any(symbol.name.startswith("_") for symbol in index.free_symbols):
        return "the index of the entries of this matrix"
    return f"index {index}"


def _index_bounds(table: SymbolTable, index: Any, ranges: dict) -> Optional[tuple[Any, Any]]:
    """First and last value of an index: an index variable's range, or a size (a_K)."""
    if isinstance(index, sympy.Symbol) and index in ranges:
        first, last = (sympy.sympify(bound) for bound in ranges[index])
        return _at_extreme(first, ranges, 0), _at_extreme(last, ranges, 1)
    if not index.is_Integer and index.free_symbols & set(ranges):  # a position shifted: the row _r + 1
        return _at_extreme(index, ranges, 0), _at_extreme(index, ranges, 1)
    sizes = {s for s in table.sizes.values() if isinstance(s, sympy.Symbol)}
    if not index.is_Integer and index.free_symbols and index.free_symbols <= sizes:
        return index, index
    return None


def _at_extreme(bound: Any, ranges: dict, end: int) -> Any:
    """A limit written with an index (the n of \\sum_{l=1}^n, n in 1..c) at its least (`end`
    0) or greatest (1) value over that index's range: an index used as a limit is a bound
    inside its own range. Only where the limit grows with the index; otherwise it stays."""
    for _ in ranges:  # a limit may itself be an index with a range: the row _r < n, n in 1..N
        variables = sorted(bound.free_symbols & set(ranges), key=str)
        moved = bound
        for variable in variables:
            slope = sympy.diff(moved, variable)
            if slope.is_number and slope > 0:
                moved = moved.subs(variable, sympy.sympify(ranges[variable][end]))
        if moved == bound:
            return bound
        bound = moved
    return bound


def _at_least(big: Any, small: Any) -> bool:
    """big >= small for every admissible size (sizes are positive integers)."""
    difference = sympy.expand(big - small)
    if difference.is_number:
        return bool(difference >= 0)
    sizes = {s: sympy.Symbol(s.name, integer=True, positive=True) for s in difference.free_symbols}
    return bool(difference.xreplace(sizes).is_nonnegative)


def _axis_number(table: SymbolTable, name: str, size: Any) -> int:
    return [sympy.sympify(axis) for axis in table.shape(name)].index(size) + 1


_SUBSCRIPT = re.compile(r"_(?:\{([^{}]*)\}|([A-Za-z0-9]))$")


def bound_subscript_problem(expr: Any) -> Optional[tuple[str, str]]:
    """(message, name) for a name read whole (a symbol such as \\hat{y}_j, not an entry of
    a vector) whose subscript is the summation index of a sum around it: the author means
    entry j of the running sum, but a name of its own cannot follow j, so a definition of it
    would be unfolded once for all j."""
    if not isinstance(expr, sympy.Basic):
        return None
    for symbol, bound in _symbols_under_sums(expr, frozenset()):
        match = _SUBSCRIPT.search(symbol.name)
        if match is None:
            continue
        letters = set(re.findall(r"[A-Za-z]\w*", match.group(1) or match.group(2)))
        caught = sorted(letters & bound)
        if caught:
            return (f"{symbol.name} is read as a name of its own, but its subscript {caught[0]} is the index of "
                    f"the sum around it; declare the vector it is an entry of (with the LaTeX it is written in)",
                    symbol.name)
    return None


def _symbols_under_sums(expr: sympy.Basic, bound: frozenset) -> list[tuple[sympy.Symbol, frozenset]]:
    if isinstance(expr, sympy.Symbol):
        return [(expr, bound)] if bound else []
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        inner = bound | {str(limit[0]) for limit in expr.limits}
        return _symbols_under_sums(expr.function, inner)
    return [item for arg in expr.args if isinstance(arg, sympy.Basic) for item in _symbols_under_sums(arg, bound)]


def stray_bound_index(expr: Any, other: Any) -> Optional[str]:
    """The index k of `\\sum_k a_k + b_k`: bound by a sum that is one term of a sum, and used
    free in another term, while k is no free index of `other` (the other side). As written
    the sum ends before the `+` ((\\sum_k a_k) + b_k), but the author likely meant it to go
    on (a sum that lost its brackets): neither reading may be decided silently."""
    if not isinstance(expr, sympy.Basic):
        return None
    free_elsewhere = other.free_symbols if isinstance(other, sympy.Basic) else set()
    for node in sympy.preorder_traversal(expr):
        if not isinstance(node, (sympy.Add, sympy.MatAdd)):
            continue
        bound = [_term_bound(term) for term in node.args]
        for n, term in enumerate(node.args):
            outside = _free_outside_derivatives(term)
            for index in sorted(set().union(*(b for m, b in enumerate(bound) if m != n)) & outside, key=str):
                if index not in free_elsewhere:
                    return index.name
    return None


def _term_bound(term: sympy.Basic) -> set:
    """The indices bound by the sums a term is made of (a sum, or a product with a sum factor),
    also under a function or a power (\\log \\sum_k e^{a_k} + a_k) or in such a sum's body."""
    factors = term.args if isinstance(term, (sympy.Mul, sympy.MatMul)) else (term,)
    sums = [factor for factor in map(_inside_wrappers, factors) if isinstance(factor, (sympy.Sum, MatrixSum))]
    return set().union(*({limit[0] for limit in s.limits} | _term_bound(s.function) for s in sums))


def _inside_wrappers(factor: sympy.Basic) -> sympy.Basic:
    """The base of a power, the argument of a function of one argument, repeatedly."""
    while isinstance(factor, sympy.Pow) or isinstance(factor, sympy.Function) and len(factor.args) == 1:
        factor = factor.args[0]
    return factor


def _free_outside_derivatives(expr: sympy.Basic) -> set:
    """Free symbols of `expr`, not counting those only in a derivative's variable (the k of
    d/da_k, where a reused name is the usual shorthand)."""
    if isinstance(expr, sympy.Derivative):
        return _free_outside_derivatives(expr.expr)
    if isinstance(expr, (sympy.Sum, sympy.Product, MatrixSum)):
        return _free_outside_derivatives(expr.function) - {limit[0] for limit in expr.limits}
    if isinstance(expr, sympy.Symbol):
        return {expr}
    return set().union(*(_free_outside_derivatives(arg) for arg in expr.args if isinstance(arg, sympy.Basic)))
