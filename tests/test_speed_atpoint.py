"""Sides evaluated at a point as written (`atpoint`): definitions where they are used and
derivatives by forward differentiation give the value of the unfolded side (the interval
encloses SymPy's exact value, the float is close to it); what it cannot evaluate raises
NotDirect; and a step refuted this way is refuted as the full ladder refutes it."""

from __future__ import annotations

import random

import pytest
import sympy
from mpmath import iv
from sympy import Derivative, Function, KroneckerDelta, Product, Rational, Sum, exp, log

from symcheck.engine import canonical, ladder
from symcheck.engine.atpoint import FLOATS, INTERVALS, AtPoint, reachable_rules, written_free
from symcheck.engine.canonical import Unfolder, rules_from_scope
from symcheck.engine.enclosure import _ends
from symcheck.engine.indexcalc import Condition
from symcheck.engine.sampling import Universe, exact_points, points_at_sizes
from symcheck.engine.walk import NotDirect
from symcheck.model import Verdict
from symcheck.model.symbols import CompiledDefinition, Scope

from .engine_fixtures import softmax_world


@pytest.fixture(scope="module")
def w():
    world = softmax_world()
    world.loss = sympy.Symbol("J")
    body = -Sum(world.p[world.l] * log(world.w[world.l] ** 2 + 1), (world.l, 1, world.K)) + \
        Sum(world.S[world.k] ** 2 * world.a[world.k], (world.k, 1, world.N))
    world.defined = Scope(world.table, [world.softmax, CompiledDefinition(world.loss, (), body)])
    return world


def _cases(w):
    S, a, i, j, k = w.S, w.a, w.i, w.j, w.k
    return [
        Derivative(Sum(S[k] ** 2, (k, 1, w.N)), a[i]),
        Derivative(log(S[j]), a[i]) * S[i] - KroneckerDelta(i, j),
        Sum(Derivative(w.loss, a[k]) * a[k], (k, 1, w.N)),  # the variable's index bound by the sum
        Derivative(w.loss, w.w[w.l]) + Derivative(w.f(w.x * a[i]) ** 3, w.x),  # a stand-in function
        Derivative(exp(a[i]) ** Rational(1, 2) * S[j] ** a[j], a[j]),  # a power with a variable exponent
        Derivative(w.loss, S[i]),  # S differentiated by itself: its entries independent there
    ]


def test_values_at_a_point_are_the_unfolded_sides_values(w):
    universe, rules = Universe.from_scope(w.defined), rules_from_scope(w.defined)
    for expr in _cases(w):
        unfolded = Unfolder(rules)(expr)
        bodies = [rule.body for rule in reachable_rules([expr], rules)]  # sizes the definitions need too
        for point in points_at_sizes([expr, unfolded, *bodies], universe, random.Random(4), ((0, 2), (1, 2), (2, 2))):
            exact = sympy.N(point.evaluate(unfolded, fresh=True), 60)
            iv.dps = 60
            enclosed = AtPoint(INTERVALS, rules, point.walker(), lambda atom: INTERVALS.number(point.value_of(atom))).value(expr)
            low, high = _ends(enclosed)
            slack = sympy.Rational(1, 10**50)
            assert low - slack <= sympy.Rational(str(exact)) <= high + slack, (expr, point.describe())
            near = AtPoint(FLOATS, rules, point.walker(), lambda atom: FLOATS.number(point.value_of(atom))).value(expr)
            assert abs(near - float(exact)) <= 1e-9 * max(1.0, abs(float(exact)))


@pytest.mark.parametrize("expr", [
    lambda w: Derivative(w.S[w.i], w.a[w.i], w.a[w.j]),  # second derivatives
    lambda w: Derivative(Derivative(w.S[w.i], w.a[w.i]), w.a[w.j]),
    lambda w: sympy.Piecewise((w.x, sympy.Eq(w.i, w.j)), (w.u, True)),
    lambda w: Product(w.a[w.k], (w.k, 1, w.N)),
    lambda w: Function("q")(w.x),  # no stand-in at this point
    lambda w: w.g(w.a[w.i]),  # g(t) = d/dt t^2: SymPy differentiates by the argument put in
])
def test_what_it_cannot_evaluate_raises(w, expr):
    expr = expr(w)
    t = sympy.Symbol("t", real=True)
    scope = Scope(w.table, [*w.scope.definitions, CompiledDefinition(w.g, (t,), Derivative(t**2, t))])
    universe, rules = Universe.from_scope(scope), rules_from_scope(scope)
    point = next(exact_points([expr], universe))
    walk = point.walker()
    if isinstance(expr, sympy.core.function.AppliedUndef):
        walk.functions = {}
    with pytest.raises(NotDirect):
        AtPoint(FLOATS, rules, walk, lambda atom: FLOATS.number(point.value_of(atom))).value(expr)


def test_free_indices_as_written_count_a_derivatives_variable(w):
    indices = {w.i, w.j, w.k, w.l}
    assert written_free(Sum(Derivative(w.loss, w.S[w.k]), (w.k, 1, w.N))) & indices == set()
    assert written_free(Derivative(w.loss, w.a[w.i])) & indices == {w.i}  # SymPy's free symbols: {J}


def test_a_free_index_left_outside_its_sum_is_refuted_before_unfolding(w, monkeypatch):
    """dJ/da_i = S_j (2 S_i ...) with a free j: refuted, the counterexample certified by
    intervals, and nothing unfolded; the full ladder (unfolding) gives the same verdict."""
    lhs, rhs = Derivative(w.loss, w.a[w.i]), 2 * w.S[w.j] * w.S[w.i] * (KroneckerDelta(w.i, w.j) - w.S[w.j])
    with monkeypatch.context() as unfolding:
        unfolding.setattr(ladder, "_refuted_as_written", lambda *args: None)
        full = ladder.decide(lhs, rhs, w.defined)
    monkeypatch.setattr(canonical.Unfolder, "__call__", lambda *args: pytest.fail("unfolded"))
    early = ladder.decide(lhs, rhs, w.defined)
    assert early.verdict is full.verdict is Verdict.REFUTED
    assert early.counterexample is not None and "float screen" in early.strategy


def test_a_step_that_holds_in_a_case_is_left_to_the_ladder(w):
    """a_i = a_j: refuted in general, but it holds when i = j, which the ladder reports."""
    assert ladder.decide(w.a[w.i], w.a[w.j] * 1, w.defined).verdict is Verdict.CONDITIONAL


def test_nothing_is_refuted_before_unfolding_without_the_certified_recheck(w, monkeypatch):
    from symcheck.engine import rungs, screen

    lhs, rhs = Derivative(w.loss, w.a[w.i]), 2 * w.S[w.j]
    work = ladder._work(lhs, rhs, Universe.from_scope(w.defined), rules_from_scope(w.defined), ladder.Settings())
    monkeypatch.setattr(rungs, "recheck_as_written", lambda *args: None)
    assert screen.screen_as_written(work, (lhs, rhs), Condition()) is None


def test_a_sum_is_reused_only_at_the_same_values_of_what_it_reads(w):
    """R_i = sum_k dJ/da_k a_k b_i ... read at i = 1 and i = 2 in one evaluation: the sum
    inside depends on i only through the derivative's variable a_i, which SymPy's free
    symbols leave out; each value of i has its own value."""
    R = sympy.IndexedBase("R")
    body = Sum(Derivative(w.loss, w.a[w.i]) * w.a[w.k], (w.k, 1, w.N))
    scope = Scope(w.table, [*w.defined.definitions, CompiledDefinition(R, (w.i,), body)])
    universe, rules = Universe.from_scope(scope), rules_from_scope(scope)
    expr = R[1] - R[2]
    unfolded = Unfolder(rules)(expr)
    bodies = [rule.body for rule in reachable_rules([expr], rules)]
    for point in points_at_sizes([expr, unfolded, *bodies], universe, random.Random(2), ((1, 3),)):
        near = AtPoint(FLOATS, rules, point.walker(), lambda atom: FLOATS.number(point.value_of(atom))).value(expr)
        exact = float(sympy.N(point.evaluate(unfolded, fresh=True), 30))
        assert abs(near - exact) <= 1e-9 * max(1.0, abs(exact)) and abs(exact) > 1e-6
