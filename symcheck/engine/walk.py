"""An expression's exact value at a point, found by walking its sums with an environment
of index values instead of first writing them out as a tree.

`sampling.structure` writes every finite sum out symbolically (a new entry a_3 and a new
product per term, each with its assumptions deduced afresh), and the values are then
substituted into that tree. Here the same value is computed directly: a sum's variable is
bound to each of its values in turn and the body is evaluated with numbers, so SymPy only
ever combines numbers. Nodes are rebuilt with their own constructor, as `xreplace` does.

What the walk does not know raises `NotDirect`, and the caller takes the written-out path:
derivatives and substitutions (`doit` needs the tree), sums whose range is not concrete or
longer than `sampling.MAX_TERMS`, an index that is not an integer, an undefined function
with no stand-in, matrices, a value the point does not have.
"""

from __future__ import annotations

import functools
from typing import Callable, Mapping

import sympy
from sympy import Expr, Indexed, Integer, Product, Sum, Symbol
from sympy.concrete.expr_with_limits import ExprWithLimits
from sympy.core.function import AppliedUndef

from symcheck.engine.facts import install as install_faster_facts
from symcheck.engine.memo import Memo
from symcheck.engine.sums import free_over_limits, install as install_sum_free_symbols

# every module that decides imports this one: from here on SymPy's sums answer faster, entries are built
# faster, and assumption queries run in a fixed order
install_sum_free_symbols()
install_faster_facts()

# sums and products, and how their terms combine
COMBINE: dict[type, Callable[..., Expr]] = {Sum: sympy.Add, Product: sympy.Mul}
# what binds a variable (other than a sum or product) or is no scalar: the written-out path
_OPAQUE = (sympy.Derivative, sympy.Subs, ExprWithLimits, sympy.Limit, sympy.Order, sympy.Lambda, sympy.IndexedBase,
           sympy.MatrixBase, sympy.MatrixExpr)


class NotDirect(Exception):
    """Only the written-out tree can evaluate this expression."""


_ENTRIES = Memo(65536)


def entry(base: sympy.IndexedBase, indices: tuple) -> Indexed:
    """The entry base[indices], built once (SymPy deduces an entry's assumptions anew each time).
    Kept by the base's identity, not its equality (comparing equal bases compares their
    assumptions each time); the kept entry holds its base, so no other object takes its id."""
    return _ENTRIES.get((id(base), indices), base.__getitem__, indices)


class Walk:
    """One walk over an expression at fixed sizes, indices and stand-in functions."""

    def __init__(self, integers: Mapping[Symbol, Integer], functions: Mapping, max_terms: int):
        self.env = dict(integers)
        self.functions = functions
        self.max_terms = max_terms
        self.done: dict[tuple, object] = {}  # a sum's value, by the values of its free symbols

    def atoms(self, expr: Expr) -> frozenset[Expr]:
        """What takes a value in `expr` at these sizes and indices: the entries it reads and
        the symbols that are neither sizes, indices nor summed variables."""
        found: set[Expr] = set()
        # a sum visited for another expression's atoms is visited again: its atoms go to this set
        self.done = {key: value for key, value in self.done.items() if key[1]}
        self._visit(expr, found.add)
        return frozenset(found)

    def value(self, expr: Expr, values: Mapping[Expr, Expr]) -> Expr:
        """The exact value of `expr`, every atom taken from `values`."""
        return self._walk(expr, lambda atom: _given(values, atom))

    # one traversal serves both: `leaf` records an atom, or gives its value
    def _visit(self, expr: Expr, leaf: Callable[[Expr], object]) -> None:
        self._walk(expr, leaf, build=False)

    def _walk(self, expr: Expr, leaf: Callable[[Expr], object], build: bool = True):
        bound = self.env.get(expr)
        if bound is not None:
            return bound
        if isinstance(expr, Symbol):
            return leaf(expr)
        if isinstance(expr, Indexed):
            return leaf(self.entry(expr))
        if not expr.args or isinstance(expr, sympy.NumberSymbol):
            return expr
        combine = COMBINE.get(type(expr))
        if combine is not None:
            return self._sum(expr, combine, leaf, build)
        if isinstance(expr, _OPAQUE):
            raise NotDirect(type(expr).__name__)
        if isinstance(expr, AppliedUndef):
            return self._applied(expr, leaf, build)
        args = [self._walk(arg, leaf, build) for arg in expr.args]
        return expr.func(*args) if build else None

    def _sum(self, expr: Expr, combine: Callable, leaf: Callable, build: bool):
        """A sum once per value of what it depends on: sum_k e^{a_k} inside a sum over j is
        the same for every j, and is added up once, not once per term."""
        key = (expr, build, self.key(expr))
        if key not in self.done:
            terms = self.terms(expr.function, list(expr.limits), lambda body: self._walk(body, leaf, build))
            self.done[key] = combine(*terms) if build else None
        return self.done[key]

    def key(self, expr: Expr) -> tuple:
        """The values, here, of what `expr` depends on among sizes, indices and summed variables."""
        return tuple(map(self.env.get, free_of(expr)))

    def entry(self, expr: Indexed) -> Indexed:
        """The entry `expr` reads here (a_{k+1} at k = 2: a_3)."""
        return entry(expr.base, tuple(map(self.index, expr.indices)))

    def _applied(self, expr: AppliedUndef, leaf: Callable, build: bool):
        stand_in = self.functions.get(expr.func)
        if stand_in is None:
            raise NotDirect(f"no stand-in for {expr.func}")
        args = [self._walk(arg, leaf, build) for arg in expr.args]
        return stand_in(*args) if build else None

    def terms(self, function: Expr, limits: list, each: Callable[[Expr], object]) -> list:
        """`each(function)` for every term of a sum (of all its limits at once), with the
        summed variables bound; the outermost limit (last) first, so inner bounds may depend
        on its variable."""
        if not limits:
            return [each(function)]
        *inner, (variable, lower, upper) = limits
        first, last = self.index(lower), self.index(upper)
        if not 0 <= last - first + 1 <= self.max_terms:
            raise NotDirect("a range written out only by doit (reversed, or too long)")
        outer = self.env.get(variable, _UNBOUND)
        terms: list = []
        try:
            for n in range(first, last + 1):
                self.env[variable] = Integer(n)
                terms.extend(self.terms(function, inner, each))
        finally:
            self._restore(variable, outer)
        return terms

    def _restore(self, variable: Symbol, outer: object) -> None:
        if outer is _UNBOUND:
            self.env.pop(variable, None)
        else:
            self.env[variable] = outer

    def index(self, expr: Expr) -> int:
        """The integer value of an index or bound here (NotDirect if it has none)."""
        value = self.env.get(expr)  # most indices are summed variables
        if value is None:
            value = self._walk(sympy.sympify(expr), _no_atom)
        if not value.is_Integer:
            raise NotDirect(f"index {expr} is not an integer here")
        return int(value)


_UNBOUND = object()


@functools.lru_cache(maxsize=65536)
def free_of(expr: Expr) -> tuple[Symbol, ...]:
    """The free symbols of an expression in one order, the same for equal expressions, once
    per expression (`nominal_free`): by hash, by name where two hashes tie (printing an
    entry for a sort key cost more than the rest of this)."""
    free = sorted(nominal_free(expr), key=hash)
    if any(hash(a) == hash(b) for a, b in zip(free, free[1:])):
        free.sort(key=str)
    return tuple(free)


def _no_atom(atom: Expr) -> Expr:
    raise NotDirect(f"{atom} in an index or a bound")


def _given(values: Mapping[Expr, Expr], atom: Expr) -> Expr:
    found = values.get(atom)
    if found is None:
        raise NotDirect(f"no value for {atom}")
    return sympy.sympify(found)  # a value may be given as a Python number


@functools.lru_cache(maxsize=65536)
def nominal_free(expr: Expr) -> frozenset:
    """`expr.free_symbols`, the same set, found node by node: SymPy finds a sum's by
    rebuilding its whole body (every entry's assumptions deduced afresh), once per call.
    A node that keeps SymPy's generic rule is the union of its arguments'; a sum or product
    over plain variables drops each variable and adds its bounds', limit by limit, as
    SymPy does; any other node (an entry, a derivative, a matrix ...) asks SymPy."""
    if isinstance(expr, Symbol) or not expr.args:
        return frozenset(expr.free_symbols)
    if type(expr).free_symbols is sympy.Basic.free_symbols:
        return frozenset().union(*map(nominal_free, expr.args))
    if isinstance(expr, (Sum, Product)) and all(len(limit) == 3 and isinstance(limit[0], Symbol)
                                                for limit in expr.limits):
        return frozenset(free_over_limits(set(nominal_free(expr.function)), expr.limits, nominal_free))
    return frozenset(expr.free_symbols)
