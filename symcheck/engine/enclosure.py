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
from typing import Callable, Optional, Union

import sympy
from mpmath import iv, libmp
from sympy import Expr, Indexed, KroneckerDelta, Product, Sum, Symbol
from sympy.core.function import AppliedUndef

from symcheck.engine.sampling import Point
from symcheck.engine.walk import NotDirect, Walk

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
    return Fraction(1) if isinstance(value, Fraction) and value == 0 else iv.exp(_interval(value))


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
_CONSTANTS = {sympy.pi: lambda: iv.pi, sympy.E: lambda: iv.e}


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

    def value(self, expr: Expr) -> Value:
        if expr in self.locals:
            return self.locals[expr]
        if type(expr) not in _REDUCE:
            return self._value(expr)
        key = (expr, self.walk.key(expr))  # a sum once per value of what it depends on
        if key not in self.done:
            self.done[key] = _REDUCE[type(expr)](*self.walk.terms(expr.function, list(expr.limits), self.value))
        return self.done[key]

    def _value(self, expr: Expr) -> Value:
        walk = self.walk
        if expr in walk.env:
            return Fraction(int(walk.env[expr]))
        if isinstance(expr, (Symbol, Indexed)):
            return self._given(walk.entry(expr) if isinstance(expr, Indexed) else expr)
        if expr.is_Rational:
            return Fraction(int(expr.p), int(expr.q))
        if expr in _CONSTANTS:
            return _CONSTANTS[expr]()
        node = _NODES.get(type(expr)) or (Enclosure._applied if isinstance(expr, AppliedUndef) else None)
        if node is not None:
            return node(self, expr)
        if type(expr) in OPERATIONS and not _collapses(expr):
            return OPERATIONS[type(expr)](*map(self.value, expr.args))
        raise NotDirect(f"no enclosure for {type(expr).__name__}")

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
        found = self.values.get(atom)
        found = None if found is None else sympy.sympify(found)
        if found is None or not found.is_Rational:
            raise NotDirect(f"no rational value for {atom}")
        return Fraction(int(found.p), int(found.q))

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


def enclose(expr: Expr, walk: Walk, values: dict[Expr, Expr], digits: int) -> Optional[Value]:
    """`expr`'s value at the point of `walk` and `values`: exact, or an interval at
    `digits + GUARD_DIGITS` digits; None where it cannot be enclosed."""
    saved = iv.dps
    iv.dps = digits + GUARD_DIGITS
    try:
        return Enclosure(walk, values).value(sympy.sympify(expr))
    except (NotDirect, ZeroDivisionError, ValueError, TypeError, OverflowError):
        return None
    finally:
        iv.dps = saved


def enclosed_at(point: Point, expr: Expr, digits: int) -> Optional[Value]:
    """`expr` enclosed at a sampled point, its values drawn as `Point.evaluate` draws them."""
    if not point.fill_direct(expr):
        return None
    return enclose(expr, point.walker(), point.values, digits)


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
