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
from mpmath.libmp import libmpi
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


def rational_interval(value: Expr):
    """A SymPy rational as an interval at the working precision (also `atpoint`'s)."""
    return _rational_interval(Fraction(int(value.p), int(value.q)), iv.prec)


def _exact(values: tuple) -> bool:
    return all(isinstance(v, Fraction) for v in values)


# Interval operations call mpmath's own interval functions (`libmpi`) on the ends, at iv's
# working precision: the results are bit for bit those of iv's operators, without the
# conversions and checks each operator makes of its operands (most of what they cost here).
_ZERO = (libmp.fzero, libmp.fzero)
_ONE = (libmp.fone, libmp.fone)


def _add(*values: Value) -> Value:
    if _exact(values):
        return sum(values, Fraction(0))
    precision, total = iv.prec, _ZERO
    for value in values:
        total = libmpi.mpi_add(total, _interval(value)._mpi_, precision)
    return iv.make_mpf(total)


def _multiply(*values: Value) -> Value:
    if _exact(values):
        product = Fraction(1)
        for value in values:
            product *= value
        return product
    precision, product = iv.prec, _ONE
    for value in values:
        product = libmpi.mpi_mul(product, _interval(value)._mpi_, precision)
    return iv.make_mpf(product)


def _exp(value: Value) -> Value:
    if isinstance(value, Fraction):
        return Fraction(1) if value == 0 else _exp_of_rational(value, iv.prec)
    return interval_exp(value)


@functools.lru_cache(maxsize=4096)
def _exp_of_rational(value: Fraction, precision: int):
    """exp of an exact rational, once per value and precision (e^{a_k} is in every sum over k)."""
    return interval_exp(_rational_interval(value, precision))


def interval_exp(value):
    """exp of an interval (also `atpoint`'s)."""
    return iv.make_mpf(libmpi.mpi_exp(value._mpi_, iv.prec))


def interval_log(value):
    """log of an interval (also `atpoint`'s): NotDirect unless it is certainly positive."""
    if not value.a > 0:
        raise NotDirect("log of a value not certainly positive")
    return iv.make_mpf(libmpi.mpi_log(value._mpi_, iv.prec))


def interval_power(base, exponent):
    """base ** exponent of an interval (also `atpoint`'s): an int exponent as iv's `**`
    takes it (a negative one only of a base certainly not 0: iv would give an unbounded
    interval whose exp or reciprocal can look finite, though the value is undefined), any
    other only of a certainly positive base, as exp(exponent log base)."""
    precision = iv.prec
    if isinstance(exponent, int):
        if exponent < 0 and not (base.a > 0 or base.b < 0):
            raise NotDirect("a negative power of a value that may be 0")
        return iv.make_mpf(libmpi.mpi_pow_int(base._mpi_, exponent, precision))
    if not base.a > 0:
        raise NotDirect("a power of a value not certainly positive")
    logarithm = libmpi.mpi_log(base._mpi_, precision)
    return iv.make_mpf(libmpi.mpi_exp(libmpi.mpi_mul(logarithm, _interval(exponent)._mpi_, precision), precision))


def _log(value: Value) -> Value:
    if isinstance(value, Fraction) and value == 1:
        return Fraction(0)
    return interval_log(_interval(value))


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
        return interval_power(base, int(exponent))
    if isinstance(base, Fraction) and isinstance(exponent, Fraction):
        power = sympy.Pow(sympy.Rational(base.numerator, base.denominator),
                          sympy.Rational(exponent.numerator, exponent.denominator))
        if power.is_Rational:
            return Fraction(int(power.p), int(power.q))
    return interval_power(_interval(base), exponent)


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
        self.read: dict[tuple, Value] = {}  # an entry's value by its node and its indices' values

    def value(self, expr: Expr) -> Value:
        if self.locals and expr in self.locals:
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
        """By the node's type (`_BY_TYPE`: the common nodes, one lookup), else `_other`."""
        node = _BY_TYPE.get(type(expr))
        return self._other(expr) if node is None else node(self, expr)

    def _other(self, expr: Expr) -> Value:
        if expr in self.walk.env:
            return Fraction(int(self.walk.env[expr]))
        if isinstance(expr, Indexed):
            return self._indexed(expr)
        if isinstance(expr, Symbol):
            return self._given(expr)
        if expr.is_Rational:
            return _fraction(expr)
        if expr in INTERVAL_CONSTANTS:
            return INTERVAL_CONSTANTS[expr]()
        if isinstance(expr, AppliedUndef):
            return self._applied(expr)
        raise NotDirect(f"no enclosure for {type(expr).__name__}")

    def _symbol(self, expr: Symbol) -> Value:
        bound = self.walk.env.get(expr)
        return self._given(expr) if bound is None else Fraction(int(bound))

    def _indexed(self, expr: Indexed) -> Value:
        """The value of the entry `expr` reads here, kept by the node and its indices' values
        (the same node in every term of a sum: no entry looked up by its equal IndexedBase)."""
        indices = self._indices(expr)
        if indices is None:
            return self._given(self.walk.entry(expr))
        key = (expr, indices)
        found = self.read.get(key)
        if found is None:
            found = self.read[key] = self._given(entry(expr.base, indices))
        return found

    def _operation(self, expr: Expr) -> Value:
        return OPERATIONS[type(expr)](*[self.value(argument) for argument in expr.args])

    def _inverting(self, expr: Expr) -> Value:
        """exp or log, unless it meets its inverse (`_collapses`)."""
        if _collapses(expr):
            raise NotDirect(f"no enclosure for {type(expr).__name__} of its inverse")
        return self._operation(expr)

    def _indices(self, expr: Indexed) -> Optional[tuple[int, ...]]:
        """The entry's indices, when they are bound symbols or integers (the common case: a_k
        inside a sum over k); None when only the walk can tell."""
        env = self.walk.env
        indices = []
        for index in expr.indices:
            value = env.get(index, index)
            if not value.is_Integer:
                return None
            indices.append(int(value))
        return tuple(indices)

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
        try:
            ends.append(Fraction(*libmp.to_rational(end)))
        except (OverflowError, MemoryError):  # an end too large to write as a fraction
            return None
    return ends[0], ends[1]


def _smallest_magnitude(low: Fraction, high: Fraction) -> Fraction:
    return Fraction(0) if low <= 0 <= high else min(abs(low), abs(high))


def midpoint(value: Value, digits: int) -> Expr:
    """The value as the report shows it: exact (also an interval that is one number: 1, not
    1.000..., and 1 + 2^-250, not 1), or the enclosure's midpoint to `digits` digits."""
    low, high = _ends(value)
    if low == high:
        return sympy.Rational(low.numerator, low.denominator)
    middle = (low + high) / 2
    return sympy.Float(sympy.Rational(middle.numerator, middle.denominator), digits)


def _fraction(number: Expr) -> Fraction:
    return Fraction(int(number.p), int(number.q))


_BY_TYPE: dict[type, Callable[[Enclosure, Expr], Value]] = {
    Symbol: Enclosure._symbol, Indexed: Enclosure._indexed, KroneckerDelta: Enclosure._delta,
    sympy.Pow: Enclosure._power, sympy.Piecewise: Enclosure._piecewise,
    sympy.Add: Enclosure._operation, sympy.Mul: Enclosure._operation, sympy.Abs: Enclosure._operation,
    sympy.exp: Enclosure._inverting, sympy.log: Enclosure._inverting,
    **dict.fromkeys((sympy.Integer, sympy.Rational, sympy.core.numbers.One, sympy.core.numbers.Zero,
                     sympy.core.numbers.NegativeOne, sympy.core.numbers.Half),
                    lambda enclosure, number: _fraction(number)),
}
