"""SymPy trees evaluated in floating point with numpy, at many points at once.

No code is generated (no `lambdify`: no user name can reach generated code, and nothing is
compiled per expression): a table maps each SymPy node type to its numpy function, every
value (a scalar, a vector entry, a placeholder) is looked up as a column of numbers, and
an expression holding anything else (a free name, an unevaluated sum, an undefined
function, a matrix) raises `NotEvaluable`. Used by the float screen (`screen`) and the
finite-difference gradient check (`gradcheck`).

`walked` evaluates sums without writing them out: a `walk.Walk` binds each summed variable
to its values in turn (as for exact values), and entries a_{k+1} are looked up at the
index values bound.
"""

from __future__ import annotations

import functools
from typing import Callable, Mapping, Optional

import numpy
import sympy
from sympy import Expr, Indexed, KroneckerDelta, Product, Sum, Symbol
from sympy.core.function import AppliedUndef

from symcheck.engine.walk import NotDirect, Walk


class NotEvaluable(Exception):
    """The expression holds something the float evaluator does not know."""


def _sum(*args):
    return functools.reduce(numpy.add, args)


def _product(*args):
    return functools.reduce(numpy.multiply, args)


NUMPY: dict[type, Callable] = {
    sympy.Add: _sum, sympy.Mul: _product, sympy.Pow: numpy.power, sympy.exp: numpy.exp, sympy.log: numpy.log,
    sympy.Abs: numpy.abs, sympy.sign: numpy.sign, sympy.sin: numpy.sin, sympy.cos: numpy.cos, sympy.tan: numpy.tan,
    sympy.atan: numpy.arctan, sympy.tanh: numpy.tanh, sympy.sinh: numpy.sinh, sympy.cosh: numpy.cosh,
    sympy.asin: numpy.arcsin, sympy.acos: numpy.arccos,
    sympy.Max: lambda *args: functools.reduce(numpy.maximum, args),
    sympy.Min: lambda *args: functools.reduce(numpy.minimum, args),
}


def number(value: Expr) -> float:
    """`float(value)`; a rational as p / q, which Python rounds correctly as SymPy does
    (SymPy's float() of a rational goes through mpmath: 200 times slower)."""
    if isinstance(value, sympy.Rational):
        try:
            return value.p / value.q
        except OverflowError:  # beyond the floats: SymPy's inf
            pass
    return float(value)


def evaluate(expr: Expr, columns: Mapping, done: Optional[dict] = None):
    """`expr` at every point at once: values from `columns` (numbers or arrays of one
    length), operations from `NUMPY` (each shared subexpression once); anything else
    raises NotEvaluable."""
    done = {} if done is None else done
    if expr in done:
        return done[expr]
    if expr in columns:
        value = columns[expr]
    elif isinstance(expr, (sympy.Number, sympy.NumberSymbol)) and expr.is_real:
        value = number(expr)
    elif type(expr) in NUMPY:
        value = NUMPY[type(expr)](*(evaluate(arg, columns, done) for arg in expr.args))
    else:
        raise NotEvaluable(type(expr).__name__)
    done[expr] = value
    return value


_REDUCE = {Sum: (numpy.add, 0.0), Product: (numpy.multiply, 1.0)}


def walked(expr: Expr, columns: Mapping, walk: Walk):
    """`expr` at every point at once, its sums walked with the sizes, indices and stand-in
    functions of `walk` (nothing written out); NotEvaluable where the walk or the table
    cannot tell (a derivative, a case distinction, a range not concrete ...)."""
    try:
        return _Walked(columns, walk).value(expr)
    except NotDirect as error:
        raise NotEvaluable(str(error)) from None


class _Walked:
    def __init__(self, columns: Mapping, walk: Walk):
        self.columns, self.walk, self.done = columns, walk, {}
        # entries by their base and index values: a dict of SymPy entries compares each
        # entry found by its contents (its assumptions rebuilt), at every term of every sum
        self.entries = {_entry_key(atom.base, tuple(map(int, atom.indices))): column
                        for atom, column in columns.items() if isinstance(atom, Indexed) and _concrete(atom)}

    def value(self, expr: Expr):
        if isinstance(expr, Indexed):  # a leaf: looked up directly, cheaper than a cache
            return self._entry(expr)
        key = (expr, self.walk.key(expr))  # a node once per value of the summed variables it reads
        if key not in self.done:
            self.done[key] = self._value(expr)
        return self.done[key]

    def _entry(self, expr: Indexed):
        key = _entry_key(expr.base, tuple(map(self.walk.index, expr.indices)))
        found = self.entries.get(key)
        if found is None:
            found = self.entries[key] = self._column(self.walk.entry(expr))
        return found

    def _value(self, expr: Expr):
        walk = self.walk
        if expr in walk.env:
            return float(walk.env[expr])
        if isinstance(expr, Symbol):
            return self._column(expr)
        if type(expr) in _REDUCE:
            combine, empty = _REDUCE[type(expr)]
            terms = walk.terms(expr.function, list(expr.limits), self.value)
            return functools.reduce(combine, terms) if terms else empty
        if isinstance(expr, KroneckerDelta):
            return float(walk.index(expr.args[0]) == walk.index(expr.args[1]))
        if isinstance(expr, AppliedUndef) and expr.func in walk.functions:
            stand_in = walk.functions[expr.func]
            return evaluate(stand_in.expr, dict(zip(stand_in.variables, map(self.value, expr.args))))
        if type(expr) in NUMPY:
            return NUMPY[type(expr)](*map(self.value, expr.args))
        return evaluate(expr, {})  # a number, or NotEvaluable

    def _column(self, atom: Expr):
        if atom not in self.columns:
            raise NotEvaluable(f"no value for {atom}")
        return self.columns[atom]


def _concrete(entry: Indexed) -> bool:
    return all(index.is_Integer for index in entry.indices)


def _entry_key(base: sympy.IndexedBase, indices: tuple[int, ...]) -> tuple[sympy.IndexedBase, tuple[int, ...]]:
    return base, indices
