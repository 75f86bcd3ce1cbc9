"""Certified enclosures of an expression's value at a point, for a cheap confirmation that
two sides agree.

Each node of the (unfolded, not written-out) expression is evaluated as an exact
`Fraction` while every operand is rational, else as an interval of mpmath's `iv` context
(outward rounding: the true value is always inside), with the sums walked by a `walk.Walk`
as for exact values. Two enclosures whose widest possible gap is within the tolerance
certify that the exact values agree as `rungs.compare_values` would judge them at any
precision; nothing else is concluded here. Where agreement is not certified (an enclosure
too wide, an operation outside the table, a value SymPy would have made exact that an
interval cannot, a side undefined at the point) the answer is None, and the caller
evaluates exactly, as it always did.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Callable, Optional, Sequence, Union

import sympy
from mpmath import iv, libmp
from sympy import Expr, Indexed, KroneckerDelta, Product, Sum, Symbol
from sympy.core.function import AppliedUndef

from symcheck.engine.sampling import Point
from symcheck.engine.walk import NotDirect, Walk, entry

Value = Union[Fraction, "iv.mpf"]
GUARD_DIGITS = 20  # working precision beyond the digits asked for


def _interval(value: Value):
    if isinstance(value, Fraction):
        return _rational_interval(value, iv.prec)
    return value


@functools.lru_cache(maxsize=4096)
def _rational_interval(value: Fraction, precision: int):
    """An exact rational as an interval, once per value and precision (leaves repeat:
    the same entry, the same constant, in every term of a sum)."""
    return iv.mpf(value.numerator) / value.denominator


def _exact(values: tuple) -> bool:
    return all(isinstance(v, Fraction) for v in values)


def _add(*values: Value) -> Value:
    if _exact(values):
        return sum(values, Fraction(0))
    total = iv.mpf(0)
    for value in values:
        total += _interval(value)
    return total


def _multiply(*values: Value) -> Value:
    if _exact(values):
        product = Fraction(1)
        for value in values:
            product *= value
        return product
    product = iv.mpf(1)
    for value in values:
        product *= _interval(value)
    return product


def _exp(value: Value) -> Value:
    if isinstance(value, Fraction):
        return Fraction(1) if value == 0 else _exp_of_rational(value, iv.prec)
    return iv.exp(value)


@functools.lru_cache(maxsize=4096)
def _exp_of_rational(value: Fraction, precision: int):
    """exp of an exact rational, once per value and precision (e^{a_k} is in every sum over k)."""
    return iv.exp(_rational_interval(value, precision))


def _log(value: Value) -> Value:
    if isinstance(value, Fraction) and value == 1:
        return Fraction(0)
    enclosed = _interval(value)
    if not enclosed.a > 0:
        raise NotDirect("log of a value not certainly positive")
    return iv.log(enclosed)


def _abs(value: Value) -> Value:
    return abs(value) if isinstance(value, Fraction) else iv.fabs(value)


def _power(base: Value, exponent: Value) -> Value:
    """base ** exponent: an integer power of any base (0 to a negative power is undefined),
    an exact root kept exact as SymPy keeps it (sqrt(4) = 2), any other power of a
    certainly positive base."""
    if isinstance(exponent, Fraction) and exponent.denominator == 1:
        if isinstance(base, Fraction):
            if base == 0 and exponent < 0:
                raise NotDirect("division by zero")
            return base ** int(exponent)
        return _interval(base) ** int(exponent)
    if isinstance(base, Fraction) and isinstance(exponent, Fraction):
        power = sympy.Pow(sympy.Rational(base.numerator, base.denominator),
                          sympy.Rational(exponent.numerator, exponent.denominator))
        if power.is_Rational:
            return Fraction(int(power.p), int(power.q))
    enclosed = _interval(base)
    if not enclosed.a > 0:
        raise NotDirect("a power of a value not certainly positive")
    return iv.exp(iv.log(enclosed) * _interval(exponent))


OPERATIONS: dict[type, Callable[..., Value]] = {
    sympy.Add: _add, sympy.Mul: _multiply, sympy.exp: _exp, sympy.log: _log, sympy.Abs: _abs,
}
_REDUCE = {Sum: _add, Product: _multiply}


def _less(left: tuple, right: tuple) -> Optional[bool]:
    """left < right for values inside the enclosures with these ends; None if it depends."""
    if left[1] < right[0]:
        return True
    return False if left[0] >= right[1] else None


def _equal(left: tuple, right: tuple) -> Optional[bool]:
    if left[0] == left[1] == right[0] == right[1]:
        return True
    return False if left[1] < right[0] or right[1] < left[0] else None


def _negation(decided: Optional[bool]) -> Optional[bool]:
    return None if decided is None else not decided


_RELATIONS: dict[type, Callable[[tuple, tuple], Optional[bool]]] = {
    sympy.StrictLessThan: _less,
    sympy.StrictGreaterThan: lambda left, right: _less(right, left),
    sympy.LessThan: lambda left, right: _negation(_less(right, left)),
    sympy.GreaterThan: lambda left, right: _negation(_less(left, right)),
    sympy.Equality: _equal,
    sympy.Unequality: lambda left, right: _negation(_equal(left, right)),
}
_CONNECTIVES = {sympy.And: all, sympy.Or: any, sympy.Not: lambda values: not next(iter(values))}
INTERVAL_CONSTANTS = {sympy.pi: lambda: iv.pi, sympy.E: lambda: iv.e}  # also used by `atpoint`


@functools.lru_cache(maxsize=65536)
def _collapses(expr: Expr) -> bool:
    """exp(log x), exp(a log x + b), log(exp x): SymPy simplifies these at a point, possibly
    to an exact rational that an interval can only enclose."""
    if isinstance(expr, sympy.exp):
        argument = expr.args[0]
        terms = sympy.Add.make_args(argument)
        return any(isinstance(factor, sympy.log) for term in terms for factor in sympy.Mul.make_args(term))
    return isinstance(expr, sympy.log) and isinstance(expr.args[0], sympy.exp)


class Enclosure:
    """An expression's enclosure at fixed sizes, indices, stand-in functions and values."""

    def __init__(self, walk: Walk, values: dict[Expr, Expr]):
        self.walk, self.values = walk, values
        self.locals: dict[Expr, Value] = {}  # a stand-in function's variables, while its body is evaluated
        self.done: dict[tuple, Value] = {}
        self.given: dict[Expr, Fraction] = {}  # the point's values read so far, as fractions

    def value(self, expr: Expr) -> Value:
        if expr in self.locals:
            return self.locals[expr]
        if type(expr) not in _REDUCE:
            return self._value(expr)
        if self.locals:  # inside a stand-in's body: the sum depends on its arguments too
            return self._reduced(expr)
        key = (expr, self.walk.key(expr))  # a sum once per value of what it depends on (both sides share it)
        if key not in self.done:
            self.done[key] = self._reduced(expr)
        return self.done[key]

    def _reduced(self, expr: Expr) -> Value:
        return _REDUCE[type(expr)](*self.walk.terms(expr.function, list(expr.limits), self.value))

    def _value(self, expr: Expr) -> Value:
        walk = self.walk
        if expr in walk.env:
            return Fraction(int(walk.env[expr]))
        if isinstance(expr, Indexed):
            return self._given(self._entry(expr))
        if isinstance(expr, Symbol):
            return self._given(expr)
        if expr.is_Rational:
            return Fraction(int(expr.p), int(expr.q))
        if expr in INTERVAL_CONSTANTS:
            return INTERVAL_CONSTANTS[expr]()
        node = _NODES.get(type(expr)) or (Enclosure._applied if isinstance(expr, AppliedUndef) else None)
        if node is not None:
            return node(self, expr)
        if type(expr) in OPERATIONS and not _collapses(expr):
            return OPERATIONS[type(expr)](*map(self.value, expr.args))
        raise NotDirect(f"no enclosure for {type(expr).__name__}")

    def _entry(self, expr: Indexed) -> Indexed:
        """The entry `expr` reads here; indices that are bound symbols or integers are read
        off directly (the common case: a_k inside a sum over k), anything else by the walk."""
        env = self.walk.env
        indices = []
        for index in expr.indices:
            value = env.get(index, index)
            if not value.is_Integer:
                return self.walk.entry(expr)
            indices.append(int(value))
        return entry(expr.base, tuple(indices))

    def _delta(self, expr: KroneckerDelta) -> Value:
        return Fraction(int(self.walk.index(expr.args[0]) == self.walk.index(expr.args[1])))

    def _power(self, expr: sympy.Pow) -> Value:
        return _power(self.value(expr.base), self.value(expr.exp))

    def _piecewise(self, expr: sympy.Piecewise) -> Value:
        """The first case whose condition holds (only that case is evaluated); no case holding,
        or a condition the enclosures cannot decide, is left to the exact evaluation."""
        for value, condition in expr.args:
            if self._holds(condition):
                return self.value(value)
        raise NotDirect("no case of the distinction holds")

    def _holds(self, condition: object) -> bool:
        if condition in (sympy.true, sympy.false):
            return bool(condition)
        if isinstance(condition, (sympy.And, sympy.Or, sympy.Not)):
            return _CONNECTIVES[type(condition)](self._holds(c) for c in condition.args)
        compare = _RELATIONS.get(type(condition))
        if compare is None:
            raise NotDirect(f"a condition {type(condition).__name__}")
        ends = [_ends(self.value(side)) for side in condition.args]
        if None in ends:
            raise NotDirect("a condition on a value not finite")
        decided = compare(*ends)
        if decided is None:
            raise NotDirect("a condition the enclosures cannot decide")
        return decided

    def _given(self, atom: Expr) -> Value:
        if atom not in self.given:
            self.given[atom] = _rational(atom, self.values.get(atom))
        return self.given[atom]

    def _applied(self, expr: AppliedUndef) -> Value:
        stand_in = self.walk.functions.get(expr.func)
        if stand_in is None:
            raise NotDirect(f"no stand-in for {expr.func}")
        arguments = [self.value(argument) for argument in expr.args]
        outer, self.locals = self.locals, dict(zip(stand_in.variables, arguments))
        try:
            return self._value(stand_in.expr) if stand_in.expr not in self.locals else self.locals[stand_in.expr]
        finally:
            self.locals = outer


def _rational(atom: Expr, found: object) -> Fraction:
    found = None if found is None else sympy.sympify(found)
    if found is None or not found.is_Rational:
        raise NotDirect(f"no rational value for {atom}")
    return Fraction(int(found.p), int(found.q))


def enclose(expr: Expr, walk: Walk, values: dict[Expr, Expr], digits: int) -> Optional[Value]:
    """`expr`'s value at the point of `walk` and `values`: exact, or an interval at
    `digits + GUARD_DIGITS` digits; None where it cannot be enclosed."""
    return enclose_all((expr,), walk, values, digits)[0]


def enclose_all(exprs: Sequence[Expr], walk: Walk, values: dict[Expr, Expr], digits: int) -> list[Optional[Value]]:
    """`enclose` of each expression, in one enclosure: what they share (a sum, an entry's
    value) is computed once. Stops at the first that cannot be enclosed (None from there on)."""
    saved = iv.dps
    iv.dps = digits + GUARD_DIGITS
    enclosure = Enclosure(walk, values)
    found: list[Optional[Value]] = []
    try:
        for expr in exprs:
            found.append(enclosure.value(sympy.sympify(expr)))
    except (NotDirect, ZeroDivisionError, ValueError, TypeError, OverflowError):
        pass
    finally:
        iv.dps = saved
    return found + [None] * (len(exprs) - len(found))


def enclosed_at(point: Point, expr: Expr, digits: int) -> Optional[Value]:
    """`expr` enclosed at a sampled point, its values drawn as `Point.evaluate` draws them."""
    return enclosed_all_at(point, (expr,), digits)[0]


AT_POINTS_KEPT = 8192  # enclosures kept, by expression and what it reads at a point
_AT_POINTS: dict[tuple, Value] = {}


def enclosed_all_at(point: Point, exprs: Sequence[Expr], digits: int) -> list[Optional[Value]]:
    """`enclose_all` at a sampled point; None for all when one expression cannot be walked
    (values are drawn for each in turn, as `Point.evaluate` draws them), and None from the
    first that cannot be enclosed on. An expression already enclosed at the same sizes,
    indices, stand-in functions and values of what it reads is not enclosed again: a
    chain's member is a side of two steps, whose audits draw the same points when the
    sides read the same values."""
    if not all(point.fill_direct(expr) for expr in exprs):
        return [None] * len(exprs)
    keys = [_at_point_key(point, expr, digits) for expr in exprs]
    missing = [n for n, key in enumerate(keys) if key not in _AT_POINTS]
    computed = enclose_all([exprs[n] for n in missing], point.walker(), point.values, digits) if missing else []
    for n, value in zip(missing, computed):
        if value is not None:
            _keep(keys[n], value)
    found = [_AT_POINTS.get(key) for key in keys]
    first_none = next((n for n, value in enumerate(found) if value is None), len(found))  # `is`: an interval's == is costly
    return found[:first_none] + [None] * (len(found) - first_none)


def _at_point_key(point: Point, expr: Expr, digits: int) -> tuple:
    read = frozenset((atom, point.values[atom]) for atom in point.used(expr))
    return (expr, digits, *point.keys, read)


def _keep(key: tuple, value: Value) -> None:
    if len(_AT_POINTS) >= AT_POINTS_KEPT:
        del _AT_POINTS[next(iter(_AT_POINTS))]
    _AT_POINTS[key] = value


def certainly_signed(value: Optional[Value], strict: bool) -> bool:
    """The value inside the enclosure is certainly > 0 (`strict`) or >= 0."""
    ends = None if value is None else _ends(value)
    if ends is None:
        return False
    return ends[0] > 0 if strict else ends[0] >= 0


def certainly_agree(left: Value, right: Value, tolerance: Fraction) -> bool:
    """The exact values inside `left` and `right` differ by at most `tolerance` times the
    larger of 1 and their magnitudes (`rungs.compare_values`' test for equal), whatever
    they are inside their enclosures; exact values compare exactly. The test itself is
    exact: an interval's ends are binary fractions."""
    if isinstance(left, Fraction) and isinstance(right, Fraction):
        return left == right
    ends = [_ends(left), _ends(right)]
    if None in ends:
        return False
    (left_low, left_high), (right_low, right_high) = ends
    widest = max(left_high, right_high) - min(left_low, right_low)
    scale = max(Fraction(1), *(_smallest_magnitude(*pair) for pair in ends))
    return widest <= tolerance * scale


def certainly_apart(left: Value, right: Value, margin: Fraction) -> bool:
    """The exact values inside `left` and `right` differ by more than `margin` times the
    larger of 1 and their magnitudes (`rungs.compare_values`' test for different), whatever
    they are inside their enclosures (exact, as `certainly_agree`)."""
    ends = [_ends(left), _ends(right)]
    if None in ends:
        return False
    (left_low, left_high), (right_low, right_high) = ends
    gap = max(right_low - left_high, left_low - right_high)
    scale = max(Fraction(1), *(abs(end) for end in (left_low, left_high, right_low, right_high)))
    return gap > margin * scale


def _ends(value: Value) -> Optional[tuple[Fraction, Fraction]]:
    """The ends of an enclosure as exact fractions; None when one is not finite."""
    if isinstance(value, Fraction):
        return value, value
    ends = []
    for end in value._mpi_:
        if end in (libmp.finf, libmp.fninf, libmp.fnan):
            return None
        ends.append(Fraction(*libmp.to_rational(end)))
    return ends[0], ends[1]


def _smallest_magnitude(low: Fraction, high: Fraction) -> Fraction:
    return Fraction(0) if low <= 0 <= high else min(abs(low), abs(high))


def midpoint(value: Value, digits: int) -> Expr:
    """The value as the report shows it: exact, or the enclosure's midpoint to `digits` digits."""
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    low, high = _ends(value)
    middle = (low + high) / 2
    return sympy.Float(sympy.Rational(middle.numerator, middle.denominator), digits)


_NODES: dict[type, Callable[[Enclosure, Expr], Value]] = {
    KroneckerDelta: Enclosure._delta, sympy.Pow: Enclosure._power, sympy.Piecewise: Enclosure._piecewise,
}
