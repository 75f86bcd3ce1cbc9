"""Refuting cheaply: a candidate counterexample is re-checked by enclosures of both sides
before any exact tree is built, and only a certified gap beyond the margin counts."""

from __future__ import annotations

import random
from fractions import Fraction

import sympy
from sympy import Rational, Sum, exp, log

from symcheck.engine.enclosure import certainly_apart, enclose
from symcheck.engine.rungs import DIFFERENT_MARGIN, certified_difference, compare_at
from symcheck.engine.sampling import Universe, points_at_sizes
from symcheck.engine.walk import Walk

from .engine_fixtures import softmax_world

DIGITS = 70
MARGIN = Fraction(1, 10**20)
x = sympy.Symbol("x", real=True)


def _e(digits: int = DIGITS):
    return enclose(exp(x), Walk({}, {}, 1000), {x: sympy.Integer(1)}, digits)


def test_apart_is_certified_only_beyond_the_margin_of_the_larger_magnitude():
    e = Fraction(str(sympy.N(sympy.E, 120)))
    assert certainly_apart(_e(), e + Fraction(1, 10**15), MARGIN)
    assert not certainly_apart(_e(), e + Fraction(1, 10**25), MARGIN)
    assert certainly_apart(Fraction(10**30), Fraction(10**30) + 10**11, MARGIN)  # relative to the magnitude
    assert not certainly_apart(Fraction(10**30), Fraction(10**30) + 10**9, MARGIN)
    assert not certainly_apart(_e(20), e + Fraction(1, 10**30), MARGIN)  # an enclosure too wide decides nothing


def test_a_certified_difference_is_one_the_exact_comparison_makes_too():
    w = softmax_world()
    universe = Universe.from_scope(w.scope)
    softmax = exp(w.a[w.i]) / Sum(exp(w.a[w.k]), (w.k, 1, w.N))
    cases = {
        "apart": (softmax, softmax * (1 + Rational(1, 10**3))),
        "within the margin": (softmax, softmax * (1 + Rational(1, 10**25))),
        "equal": (softmax, exp(w.a[w.i] - log(Sum(exp(w.a[w.k]), (w.k, 1, w.N))))),
    }
    for name, sides in cases.items():
        for point in points_at_sizes(sides, universe, random.Random(7), ((0, 3), (2, 3))):
            certified = certified_difference(point, sides, DIGITS)
            exact = compare_at(point, *sides, DIGITS)
            assert (certified is not None) == (name == "apart"), name
            if certified is not None:
                assert exact.different and certified.different and not certified.equal
                assert abs(certified.numbers[0] - sympy.N(exact.lhs, DIGITS)) < DIFFERENT_MARGIN


def test_an_undefined_side_is_left_to_the_exact_comparison():
    w = softmax_world()
    universe = Universe.from_scope(w.scope)
    sides = (log(-w.a[w.i] ** 2 - 1), w.a[w.i])  # the log of a negative number: no real value
    for point in points_at_sizes(sides, universe, random.Random(7), ((0, 2),)):
        assert certified_difference(point, sides, DIGITS) is None
