"""The float screen: many points at once, but only a re-checked point refutes."""

import pytest
import sympy
from sympy import Sum

from symcheck.engine import floats, ladder, rungs, screen
from symcheck.engine.canonical import rules_from_scope
from symcheck.engine.indexcalc import Condition
from symcheck.engine.sampling import Universe
from symcheck.engine.settings import Settings
from symcheck.model import Verdict

from .engine_fixtures import softmax_world


@pytest.fixture(scope="module")
def w():
    return softmax_world()


def work(w, lhs, rhs, scope=None):
    scope = scope or w.bare
    return ladder._work(lhs, rhs, Universe.from_scope(scope), rules_from_scope(scope), Settings())


def test_a_wrong_step_is_refuted_at_a_rechecked_point(w):
    lhs, rhs = sympy.exp(w.x) * (w.x + 1), sympy.exp(w.x) * w.x + 1
    finding = screen.screen(work(w, lhs, rhs), (lhs, rhs), Condition())
    assert finding.verdict is Verdict.REFUTED and "float screen" in finding.strategy
    x = sympy.Rational(finding.counterexample.point["x"])
    assert lhs.subs(w.x, x) != rhs.subs(w.x, x)


def test_nothing_is_refuted_without_the_recheck(w, monkeypatch):
    lhs, rhs = (w.x + 1) ** 2, w.x**2 + 1
    monkeypatch.setattr(rungs, "recheck", lambda *args, **kwargs: None)
    assert screen.screen(work(w, lhs, rhs), (lhs, rhs), Condition()) is None


def test_identities_pass_the_screen(w):
    for lhs, rhs in [((w.x + 1) ** 2, w.x**2 + 2 * w.x + 1), (sympy.log(w.u**2), 2 * sympy.log(w.u))]:
        assert screen.screen(work(w, lhs, rhs), (lhs, rhs), Condition()) is None


def test_points_lie_in_the_declared_domain(w):
    """p is a probability vector: its entries sum to 1 at every screened point."""
    lhs, rhs = Sum(w.p[w.l], (w.l, 1, w.K)), sympy.Integer(1)
    assert screen.screen(work(w, lhs, rhs), (lhs, rhs), Condition()) is None
    assert screen.screen(work(w, lhs * 2, rhs), (lhs * 2, rhs), Condition()).verdict is Verdict.REFUTED


def test_what_the_evaluator_does_not_know_is_not_screened(w):
    columns = {w.x: [1.0, 2.0]}
    for unknown in (w.x + sympy.Symbol("secret"), sympy.Function("q")(w.x), sympy.gamma(w.x)):
        with pytest.raises(floats.NotEvaluable):
            floats.evaluate(unknown, columns)


def test_a_guessed_condition_is_ruled_out_by_a_clear_float_difference(w):
    lhs, rhs = w.a[w.i], w.a[w.j]
    equal = ladder.parse_condition(sympy.Eq(w.i, w.j))
    assert screen.screen(work(w, lhs, rhs), (lhs, rhs), equal, confirm=False) is None
    distinct = ladder.parse_condition(sympy.Ne(w.i, w.j))
    assert screen.screen(work(w, lhs, rhs), (lhs, rhs), distinct, confirm=False).verdict is Verdict.REFUTED


def test_a_value_sure_to_print_long_is_not_printed_and_a_short_one_is_shown_exactly():
    """The lower bound on the printed length never exceeds it (a long value is shown by its
    digits without being printed; a short one still exactly)."""
    x, y = sympy.symbols("x y", real=True)
    values = [x - y, -x / 2, sympy.sqrt(x) / 3, sympy.Rational(-477, 200) * sympy.exp(x) + 1, x**-2 * y,
              sympy.exp(sympy.Rational(1, 1000)) / (sympy.exp(sympy.Rational(-3, 7)) + sympy.exp(sympy.Rational(22, 9)))**2]
    for value in values:
        assert rungs._printed_at_least(value, 10**6) <= len(str(value))
    assert rungs._short_text(sympy.Rational(3, 2) + sympy.exp(sympy.Rational(1, 2))) == "3/2 + exp(1/2)"
    long = values[-1] - sympy.exp(sympy.Rational(-477, 100)) / (1 + sympy.exp(sympy.Rational(2299, 1000)))
    assert len(str(long)) > rungs.SHOWN_EXACTLY and rungs._printed_at_least(long, 41) > rungs.SHOWN_EXACTLY
    assert rungs._short_text(long) is None


def test_a_free_index_left_outside_its_sum_is_refuted_before_any_index_calculus(w):
    """d/da_i of sum_j S_j^2 written with a free j: the sides' free indices differ, so the
    unfolded sides are screened as they are; the index calculus never runs, and the
    counterexample is still re-checked (with the re-check replaced, nothing is refuted)."""
    lhs = sympy.Derivative(Sum(w.S[w.k] ** 2, (w.k, 1, w.N)), w.a[w.i])
    rhs = 2 * w.S[w.j] * (w.S[w.i] * sympy.KroneckerDelta(w.i, w.j) - w.S[w.i] * w.S[w.j])
    decided = work(w, lhs, rhs, w.scope)
    sides = ladder.Unfolder(decided.rules)(lhs), ladder.Unfolder(decided.rules)(rhs)
    assert screen.different_free_indices(decided, sides)
    finding = screen.screen_as_unfolded(decided, sides, Condition())
    assert finding.verdict is Verdict.REFUTED and decided.known_canonical(sides, Condition()) is None
    assert ladder.decide(lhs, rhs, w.scope).verdict is Verdict.REFUTED


def test_the_early_screen_waits_for_sides_with_the_same_free_indices(w, monkeypatch):
    lhs, rhs = w.a[w.i] * 2, w.a[w.i] + 1
    monkeypatch.setattr(screen, "_screened", lambda *args: pytest.fail("screened before the index calculus"))
    assert screen.screen_as_unfolded(work(w, lhs, rhs), (lhs, rhs), Condition()) is None


def test_the_early_screen_refutes_nothing_without_the_recheck(w, monkeypatch):
    lhs, rhs = w.a[w.i], w.a[w.j]
    monkeypatch.setattr(rungs, "recheck", lambda *args, **kwargs: None)
    assert screen.screen_as_unfolded(work(w, lhs, rhs), (lhs, rhs), Condition()) is None


def test_the_definitions_a_step_uses_are_found_once_for_it_and_its_guessed_cases(w, monkeypatch):
    """d/da_i of sum_k S_k^2 against a side with a free j (written, not unfolded): the
    screen as written and every i = j / i != j case it rules out use the same definitions,
    found once for the equation."""
    found = []
    monkeypatch.setattr(screen, "reachable_rules", lambda sides, rules: found.append(sides) or [])
    lhs = sympy.Derivative(Sum(w.S[w.k] ** 2, (w.k, 1, w.N)), w.a[w.i])
    rhs = 2 * w.S[w.j] * w.S[w.i]
    decided = work(w, lhs, rhs, w.scope)
    cases = screen.conditions_as_written(decided, (lhs, rhs))
    for case in cases:
        screen.screen_as_written(decided, (lhs, rhs), case, confirm=False)
    assert cases and len(found) == 1
