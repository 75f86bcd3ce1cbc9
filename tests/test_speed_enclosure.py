"""Enclosures (interval arithmetic, exact where rational) contain the exact value SymPy
computes, and certify agreement only where the exact comparison agrees too."""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath
import pytest
import sympy
from sympy import Function, IndexedBase, Integer, KroneckerDelta, Lambda, Rational, Sum, Symbol, exp, log

from symcheck.engine import rungs
from symcheck.engine.enclosure import _ends, certainly_agree, enclose
from symcheck.engine.rungs import EQUAL_TOLERANCE, compare_at
from symcheck.engine.walk import Walk

k, i, j, N = sympy.symbols("k i j N", integer=True)
a = IndexedBase("a", real=True)
x, y = Symbol("x", real=True), Symbol("y", real=True)
f = Function("f")
TOLERANCE = Fraction(1, 10**30)
DIGITS = 70


def _walk(**integers) -> Walk:
    stand_in = Lambda(Symbol("_t"), Rational(3, 2) * Symbol("_t") + exp(Symbol("_t") / 3))
    return Walk({Symbol(name, integer=True): Integer(value) for name, value in integers.items()}, {f: stand_in}, 1000)


def _values(rng: random.Random) -> dict:
    values = {x: Rational(rng.randint(-3000, 3000), 1000), y: Rational(rng.randint(1, 3000), 1000)}
    values.update({a[n]: Rational(rng.randint(-3000, 3000), 1000) for n in range(1, 6)})
    return values


SOFTMAX = exp(a[i]) / Sum(exp(a[k]), (k, 1, N))
EXPRESSIONS = [
    SOFTMAX * (KroneckerDelta(i, j) - exp(a[j]) / Sum(exp(a[k]), (k, 1, N))),
    log(Sum(exp(a[k]), (k, 1, N))) - a[i],
    (x + y) ** 3 - x * y ** Rational(1, 2) + Sum(a[k] ** 2, (k, 1, N)) / y + y ** x,
    f(x) * f(a[j]) - sympy.pi * sympy.E ** x + sympy.Abs(x - 1),
]


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_an_enclosure_contains_sympys_exact_value(expr):
    rng = random.Random(3)
    walk = _walk(N=5, i=2, j=4)
    for _ in range(5):
        values = _values(rng)
        enclosed = enclose(expr, walk, values, DIGITS)
        exact = expr.subs({N: 5, i: 2, j: 4}).doit().replace(f, walk.functions[f]).xreplace(values)
        number = sympy.N(exact, 120)
        assert enclosed is not None
        low, high = _ends(enclosed)
        slack = Fraction(1, 10**110)  # the 120-digit reference's own rounding
        assert low - slack <= Fraction(str(number)) <= high + slack
        assert high - low < Fraction(1, 10**60) * max(1, abs(low))


def test_rational_values_stay_exact():
    values = {x: Rational(1, 3), y: Rational(2, 7)}
    assert enclose(x ** 2 - y / 3 + KroneckerDelta(i, j), _walk(i=1, j=1), values, DIGITS) == \
        Fraction(1, 9) - Fraction(2, 21) + 1
    assert enclose(y ** Rational(1, 2), _walk(), {y: Rational(4, 9)}, DIGITS) == Fraction(2, 3)
    assert enclose((x - 1) ** a[i] * 0 ** a[j], _walk(i=1, j=2), {x: 0, a[1]: Integer(3), a[2]: Integer(0)}, DIGITS) == -1


@pytest.mark.parametrize("expr", [
    exp(sympy.Add(log(y, evaluate=False), x, evaluate=False), evaluate=False),  # SymPy makes these exact
    log(exp(x, evaluate=False), evaluate=False),                              # at a point: left to it
    log(x - 1),  # not positive here: undefined, for the exact evaluation to say so
    1 / (x - Rational(1, 2)),  # a division by zero here
    (x - 1) ** y,  # a power of a negative base, but for an integer exponent
    sympy.floor(x),  # no enclosure for it
    Symbol("z"),  # no rational value
])
def test_what_an_enclosure_cannot_decide_is_none(expr):
    values = {x: Rational(1, 2), y: Rational(3, 2), Symbol("z"): sympy.sqrt(2)}
    assert enclose(expr, _walk(), values, DIGITS) is None


def test_agreement_is_certified_only_within_the_tolerance():
    e = enclose(exp(x), _walk(), {x: Integer(1)}, DIGITS)
    e_value = Fraction(str(sympy.N(sympy.E, 120)))
    assert certainly_agree(e, e_value, TOLERANCE)
    assert certainly_agree(e, e_value + Fraction(1, 10**31), TOLERANCE)
    assert not certainly_agree(e, e_value + Fraction(1, 10**29), TOLERANCE)
    assert not certainly_agree(Fraction(1, 3), Fraction(1, 3) + Fraction(1, 10**40), TOLERANCE)  # exact: exactly
    wide = enclose(exp(x) + 10**80 - 10**80 * y, _walk(), {x: Integer(1), y: Integer(1)}, 30)
    assert wide is not None and not certainly_agree(wide, e, TOLERANCE)  # digits lost: not certified
    unbounded = enclose(1 / (exp(x) - exp(x) * y), _walk(), {x: Integer(1), y: Integer(1)}, 30)
    assert unbounded is None or not certainly_agree(unbounded, e, TOLERANCE)


def test_the_audit_agrees_where_the_exact_comparison_agrees():
    """At the audit's points, a certified agreement is one the exact comparison makes too,
    and a disagreement is never certified."""
    from .engine_fixtures import softmax_world
    from symcheck.engine.sampling import Universe, points_at_sizes

    w = softmax_world()
    universe = Universe.from_scope(w.scope)
    unfolded = (exp(w.a[w.i]) / Sum(exp(w.a[k]), (k, 1, w.N)), exp(w.a[w.i]) * exp(-log(Sum(exp(w.a[k]), (k, 1, w.N)))))
    false = (unfolded[0], unfolded[0] * (1 + Rational(1, 10**25)))
    for sides, expected in ((unfolded, True), (false, False)):
        for point in points_at_sizes(sides, universe, random.Random(5), ((0, 3), (2, 3))):
            certified = rungs.certified_agreement(point, sides, DIGITS)
            exact = compare_at(point, *sides, DIGITS)
            assert exact.equal is expected
            assert (certified is not None) is expected or certified is None
            if certified is not None:
                assert certified.equal and not certified.different
                assert abs(certified.numbers[0] - sympy.N(exact.lhs, DIGITS)) < EQUAL_TOLERANCE


def test_a_certified_value_that_is_one_number_is_shown_exactly():
    """An enclosure that is one number ((e^{a_i} + 1)^k at k = 0: the interval [1, 1]) is shown as
    that number, 1, not 1.000...: in an agreement the audit certifies as in a certified
    difference (one place builds both)."""
    from .engine_fixtures import softmax_world
    from symcheck.engine.sampling import Universe, points_at_sizes

    w = softmax_world()
    universe = Universe.from_scope(w.scope)
    one = Sum((exp(w.a[w.i]) + 1) ** k, (k, 0, 0))
    for sides in ((one, Integer(1)), (one, one + 1)):
        point = next(points_at_sizes(sides, universe, random.Random(5), ((0, 1),)))
        agreement, difference = rungs.certified_agreement(point, sides, DIGITS), rungs.certified_difference(point, sides, DIGITS)
        certified = agreement or difference
        assert (agreement is None) != (difference is None)
        assert certified.numbers[0] == 1 and certified.numbers[0].is_Rational
        shown = rungs.sample_point("audit", point, certified, sides, DIGITS)
        assert shown.lhs == "1"


def test_a_sign_is_certified_only_when_the_whole_enclosure_has_it():
    from symcheck.engine.enclosure import certainly_signed

    positive = enclose(exp(x) - 1, _walk(), {x: Rational(1, 10**20)}, DIGITS)
    assert certainly_signed(positive, strict=True)
    assert certainly_signed(Fraction(0), strict=False) and not certainly_signed(Fraction(0), strict=True)
    assert not certainly_signed(enclose(exp(x) - 1, _walk(), {x: Rational(-1, 10**20)}, DIGITS), strict=False)
    assert not certainly_signed(enclose(exp(x) - 1, _walk(), {x: Rational(1, 10**100)}, 30), strict=True)  # too wide
    assert not certainly_signed(None, strict=False)


@pytest.mark.parametrize("indices, expected", [((1, 1), None), ((1, 2), Fraction(2)), ((2, 1), None)])
def test_a_case_distinction_takes_the_first_case_that_holds(indices, expected):
    """Only the case taken is evaluated (1/(x - 1) is undefined here: only when taken is
    the answer None); no case holding: left to the exact evaluation, as is a condition
    that depends on digits beyond the enclosure."""
    cases = sympy.Piecewise((1 / (x - 1), sympy.Eq(i, j)), (x + 1, sympy.And(i < j, x < 3)), (x, sympy.Ne(i, j) & (x > 5)))
    walk = _walk(i=indices[0], j=indices[1])
    assert enclose(cases, walk, {x: Integer(1)}, DIGITS) == expected
    tight = sympy.Piecewise((x, exp(y) > x), (-x, True))
    assert enclose(tight, walk, {x: Integer(1), y: Rational(1, 10**100)}, 30) is None
    assert enclose(tight, walk, {x: Integer(1), y: Rational(1, 10**10)}, 30) == 1


def test_an_expression_enclosed_again_reads_what_it_read_or_is_enclosed_anew():
    """A side enclosed at a point is kept by the values it reads there: the same values
    give the same enclosure (a chain's member audited for its two steps); a different
    value of one entry it reads, or other indices, give the enclosure at those."""
    from symcheck.engine.enclosure import enclosed_all_at
    from symcheck.engine.sampling import Point

    values = {a[n]: Rational(n, 7) for n in range(1, 4)}
    expr, other = EXPRESSIONS[0], EXPRESSIONS[1]

    def at(point_values, i_value=1):
        point = Point({N: 3}, {i: i_value, j: 2}, {}, dict(point_values))
        return enclosed_all_at(point, (expr, other), DIGITS)

    def fresh(point_values, i_value=1):
        walk = Walk({N: Integer(3), i: Integer(i_value), j: Integer(2)}, {}, 1000)
        return [enclose(e, walk, point_values, DIGITS) for e in (expr, other)]

    first = at(values)
    assert first == fresh(values)
    assert at(values)[0] is first[0]  # kept
    moved = {**values, a[3]: Rational(5, 7)}
    assert at(moved) == fresh(moved) and at(moved)[0] != first[0]
    assert at(values, i_value=3) == fresh(values, i_value=3) and at(values, i_value=3)[0] != first[0]


def test_after_a_side_that_cannot_be_enclosed_none_is_enclosed():
    from symcheck.engine.enclosure import enclosed_all_at
    from symcheck.engine.sampling import Point

    point = Point({N: 3}, {i: 1, j: 2}, {}, {x: Rational(1, 2), **{a[n]: Rational(n, 7) for n in range(1, 4)}})
    assert enclosed_all_at(point, (EXPRESSIONS[1],), DIGITS)[0] is not None  # kept alone
    assert enclosed_all_at(point, (log(x - 1), EXPRESSIONS[1]), DIGITS) == [None, None]


@pytest.mark.parametrize("number", [Rational(-3, 4), Integer(0), Integer(1), Integer(-1), Rational(1, 2),
                                    Integer(-12345678901234567890), Rational(10**30 + 1, 7)])
def test_a_rational_in_the_evidence_is_shown_as_sympy_prints_it(number):
    assert rungs._show_number(number, number) == str(number)


def test_a_negative_power_of_a_value_that_may_be_0_is_not_enclosed():
    """log 6 - log 2 - log 3 is 0: its -2nd power is undefined, so exp(-that) must not get
    a finite enclosure that certifies agreement with 0."""
    zero_in_disguise = log(6) - log(2) - log(3)
    undefined = exp(-x * zero_in_disguise ** -2)
    assert enclose(undefined, _walk(), {x: Integer(1)}, DIGITS) is None
    assert enclose(exp(-x * (log(6) - log(2)) ** -2), _walk(), {x: Integer(1)}, DIGITS) is not None


def test_an_end_too_large_for_a_fraction_is_not_finite():
    huge = mpmath.iv.mpf([mpmath.mpf("1e1000000000000000000"), mpmath.mpf("2e1000000000000000000")])
    assert _ends(huge) is None
