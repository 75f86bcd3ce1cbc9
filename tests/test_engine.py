"""The verdict ladder: each rung on true and false identities, soundness guards, limits."""

from __future__ import annotations

import signal
import threading
import time
import weakref

import pytest
import sympy
from hypothesis import given, settings as hypothesis_settings, strategies as st
from sympy import Derivative, Eq, KroneckerDelta, Matrix, MatrixSymbol, Ne, Piecewise, Sum, exp, log

from symcheck.engine import ladder as engine

from symcheck.engine import rungs
from symcheck.engine.settings import Settings
from symcheck.engine.ladder import check_definition, check_shapes, decide, decide_equation
from symcheck.engine.canonical import rules_from_scope
from symcheck.model.compiled import Equation
from symcheck.engine.indexcalc import Condition, parse_condition
from symcheck.runtime.limits import StepTimeout, remaining, run_limited, time_limit
from symcheck.model import Verdict
from symcheck.engine.sampling import Point, Universe
from symcheck.model.symbols import CompiledDefinition, Scope

from .engine_fixtures import softmax_world, sum_without_closed_form

FAST = Settings(step_timeout=5.0)


@pytest.fixture(scope="module")
def w():
    return softmax_world()


def _value(text: str) -> sympy.Expr:
    """A reported value ("exact ≈ approx" or exact) as an exact SymPy number."""
    return sympy.sympify(text.split("≈")[0])


# ---------------------------------------------------------------- softmax Jacobian


def test_softmax_jacobian_is_proved_in_general(w):
    decision = decide(Derivative(w.S[w.i], w.a[w.j]), w.S[w.i] * (KroneckerDelta(w.i, w.j) - w.S[w.j]), w.scope)
    assert decision.verdict is Verdict.PROVED
    assert decision.strategy.startswith("symbolic")
    assert decision.sizes == ()


def test_jacobian_as_a_quotient_is_proved(w):
    lhs = Derivative(exp(w.a[w.i]) / w.Z, w.a[w.j])
    rhs = (exp(w.a[w.i]) * KroneckerDelta(w.i, w.j) * w.Z - exp(w.a[w.i]) * exp(w.a[w.j])) / w.Z**2
    assert decide(lhs, rhs, w.scope).verdict is Verdict.PROVED


def test_diagonal_case_is_conditional_on_i_equal_j(w):
    decision = decide(Derivative(w.S[w.i], w.a[w.j]), w.S[w.i] * (1 - w.S[w.j]), w.scope)
    assert decision.verdict is Verdict.CONDITIONAL
    assert decision.condition == "i = j"
    point = decision.counterexample.point
    assert point["i"] != point["j"]  # the general counterexample is off the diagonal


def test_off_diagonal_case_is_conditional_on_i_not_j(w):
    decision = decide(Derivative(w.S[w.i], w.a[w.j]), -w.S[w.j] * w.S[w.i], w.scope)
    assert decision.verdict is Verdict.CONDITIONAL
    assert decision.condition == "i != j"


def test_chain_condition_is_assumed_and_reported(w):
    diagonal = decide(Derivative(w.S[w.i], w.a[w.j]), w.S[w.i] * (1 - w.S[w.j]), w.scope, condition=Eq(w.i, w.j))
    assert (diagonal.verdict, diagonal.condition) == (Verdict.PROVED, "i = j")
    general = decide(w.S[w.i], exp(w.a[w.i]) / w.Z, w.scope, condition=Eq(w.i, w.j))
    assert general.verdict is Verdict.PROVED


def test_false_even_under_the_chain_condition_is_refuted_with_a_point_satisfying_it(w):
    decision = decide(Derivative(w.S[w.i], w.a[w.j]), w.S[w.i] * (1 - w.S[w.j]), w.scope, condition=Ne(w.i, w.j))
    assert decision.verdict is Verdict.REFUTED
    assert decision.counterexample.point["i"] != decision.counterexample.point["j"]


def test_summary_cases_equal_the_derivative(w):
    cases = Piecewise((w.S[w.i] * (1 - w.S[w.j]), Eq(w.i, w.j)), (-w.S[w.j] * w.S[w.i], True))
    assert decide(Derivative(w.S[w.i], w.a[w.j]), cases, w.scope).verdict is Verdict.PROVED


def test_derivative_of_g_by_cases_needs_a_case_split(w):
    cases = Piecewise((exp(w.a[w.j]), Eq(w.i, w.j)), (0, Ne(w.i, w.j)))
    decision = decide(Derivative(exp(w.a[w.i]), w.a[w.j]), cases, w.bare)
    assert decision.verdict is Verdict.PROVED and "case split" in decision.strategy


# ---------------------------------------------------------------- arbitrary functions


def test_quotient_rule_with_plus_is_refuted_with_concrete_functions(w):
    quotient = Scope(w.table, [CompiledDefinition(w.f, (w.x,), w.g(w.x) / w.h(w.x))])
    dg, dh = Derivative(w.g(w.x), w.x), Derivative(w.h(w.x), w.x)
    decision = decide(Derivative(w.f(w.x), w.x), (dg * w.h(w.x) + w.g(w.x) * dh) / w.h(w.x) ** 2, quotient)
    assert decision.verdict is Verdict.REFUTED
    point = decision.counterexample.point
    x = sympy.Symbol("x", real=True)
    g, h = sympy.Lambda(x, sympy.sympify(point["g(x)"], locals={"x": x})), sympy.Lambda(x, sympy.sympify(point["h(x)"], locals={"x": x}))
    at = sympy.Rational(point["x"])
    true_derivative = sympy.diff(g(x) / h(x), x).subs(x, at)
    claimed = ((sympy.diff(g(x), x) * h(x) + g(x) * sympy.diff(h(x), x)) / h(x) ** 2).subs(x, at)
    assert _value(decision.counterexample.lhs) == true_derivative
    assert _value(decision.counterexample.rhs) == claimed != true_derivative


def test_quotient_rule_with_minus_is_proved(w):
    quotient = Scope(w.table, [], [Eq(w.f(w.x), w.g(w.x) / w.h(w.x))])  # a `given` premise
    dg, dh = Derivative(w.g(w.x), w.x), Derivative(w.h(w.x), w.x)
    rhs = (dg * w.h(w.x) - w.g(w.x) * dh) / w.h(w.x) ** 2
    assert decide(Derivative(w.f(w.x), w.x), rhs, quotient).verdict is Verdict.PROVED


# ---------------------------------------------------------------- document facts


def test_one_hot_sum_fact_proves_the_cross_entropy_step(w):
    lhs = w.p[w.l] * Sum(w.y[w.k], (w.k, 1, w.K)) - w.y[w.l]
    assert decide(lhs, w.p[w.l] - w.y[w.l], w.bare).verdict is Verdict.PROVED
    real = w.w[w.l] * Sum(w.w[w.k], (w.k, 1, w.K)) - w.y[w.l]  # w is a real vector: no fact
    assert decide(real, w.w[w.l] - w.y[w.l], w.bare).verdict is Verdict.REFUTED


def test_cross_entropy_gradient_through_softmax(w):
    softmax = CompiledDefinition(w.p, (w.l,), exp(w.w[w.l]) / Sum(exp(w.w[w.k]), (w.k, 1, w.K)))
    scope = Scope(w.table, [softmax])
    loss = -Sum(w.y[w.k] * log(w.p[w.k]), (w.k, 1, w.K))
    assert decide(Derivative(loss, w.w[w.l]), w.p[w.l] - w.y[w.l], scope).verdict is Verdict.PROVED
    dropped_delta = decide(-Sum(w.y[w.k] * (KroneckerDelta(w.k, w.l) - w.p[w.l]), (w.k, 1, w.K)),
                           w.p[w.l] * Sum(w.y[w.k], (w.k, 1, w.K)) - Sum(w.y[w.k], (w.k, 1, w.K)), scope)
    assert dropped_delta.verdict is Verdict.REFUTED


# ---------------------------------------------------------------- definitions and shapes


def test_definition_inconsistent_with_probability_domain_is_refuted(w):
    slip = CompiledDefinition(w.S, (w.j,), exp(w.a[w.i]) / w.Z)
    decision = check_definition(slip, Scope(w.table, [slip]), FAST)
    assert decision.verdict is Verdict.REFUTED
    cex = decision.counterexample
    assert _value(cex.rhs) == 1 and sympy.N(_value(cex.lhs) - 1) != 0
    assert int(cex.point["N"]) >= 2


def test_softmax_definition_is_a_probability_vector(w):
    assert check_definition(w.softmax, w.scope, FAST).verdict is Verdict.PROVED


def test_negative_values_refute_a_positive_definition(w):
    decision = check_definition(CompiledDefinition(w.u, (), w.x - 1), w.bare, FAST)
    assert decision.verdict is Verdict.REFUTED
    assert sympy.sympify(decision.counterexample.lhs) <= 0


def test_shape_mismatch_is_refuted_naming_the_shapes(w):
    N, K, D = w.N, w.K, sympy.Symbol("D", integer=True, positive=True)
    A, X, W = MatrixSymbol("A", N, K), MatrixSymbol("X", N, D), MatrixSymbol("W", D, K)
    assert check_shapes(A, X * W, w.bare).verdict is Verdict.PROVED
    wrong_order = check_shapes(A, sympy.MatMul(W, X), w.bare)
    assert wrong_order.verdict is Verdict.REFUTED and "D×K" in wrong_order.reason and "N×D" in wrong_order.reason
    sides = check_shapes(A, X, w.bare)
    assert sides.verdict is Verdict.REFUTED and "N×K" in sides.reason and "N×D" in sides.reason


def test_matrix_jacobian_is_compared_entrywise(w):
    S, a = MatrixSymbol("S", w.N, 1), MatrixSymbol("a", w.N, 1)
    assert decide(Derivative(S, a), sympy.DiagMatrix(S) - S * S.T, w.scope).verdict is Verdict.PROVED
    assert decide(Derivative(S, a), sympy.DiagMatrix(S) + S * S.T, w.scope).verdict is Verdict.REFUTED
    assert decide(Derivative(S, a), sympy.DiagMatrix(S) - S.T * S, w.scope).verdict is Verdict.REFUTED


def test_sympy_matrix_elements_are_the_documents_entries(w):
    S = MatrixSymbol("S", w.N, 1)
    element = (S * S.T)[w.i - 1, w.j - 1]  # SymPy's 0-based entry of the outer product
    assert decide(element, w.S[w.i] * w.S[w.j], w.scope).verdict is Verdict.PROVED
    assert decide(S[w.i - 1, 0], exp(w.a[w.i]) / w.Z, w.scope).verdict is Verdict.PROVED


def test_explicit_matrix_fixes_the_size(w):
    p = MatrixSymbol("p", w.K, 1)
    q = [w.p[n] for n in (1, 2, 3)]
    explicit = Matrix(3, 3, lambda r, c: (q[r] if r == c else 0) - q[r] * q[c])
    decision = decide(sympy.DiagMatrix(p) - p * p.T, explicit, w.bare)
    assert decision.verdict is Verdict.PROVED_FOR_SIZES and decision.sizes == (3,)


def test_product_with_a_matrix_derivative_takes_the_order_that_fits(w):
    S, a = MatrixSymbol("S", w.N, 1), MatrixSymbol("a", w.N, 1)
    loss = Sum(w.S[w.k] ** 2, (w.k, 1, w.N))  # depends on a through S only
    chain = Derivative(loss, S) * sympy.transpose(Derivative(S, a))  # a commutative Mul: order lost
    decision = decide(Derivative(loss, a), chain, w.scope)
    assert decision.verdict is Verdict.PROVED and "order" in decision.reason
    ambiguous = decide(Derivative(S, a) * Derivative(S, a), Derivative(S, a), w.scope)
    assert ambiguous.verdict is Verdict.UNKNOWN


def test_explicit_entries_of_a_normalized_vector_sum_to_one_only_for_that_size(w):
    three = w.y[1] + w.y[2] + w.y[3]
    fixed = Scope(w.table.with_sizes({"K": 3}), [])
    assert decide(w.p[1] * three - w.y[1], w.p[1] - w.y[1], fixed).verdict is Verdict.PROVED
    symbolic = decide(w.p[1] * three - w.y[1], w.p[1] - w.y[1], w.bare)
    assert symbolic.verdict is Verdict.REFUTED and int(symbolic.counterexample.point["K"]) > 3


# ---------------------------------------------------------------- the other rungs


def test_proved_for_sizes_when_no_symbolic_proof(w):
    decision = decide(*sum_without_closed_form(w), w.bare)
    assert decision.verdict is Verdict.PROVED_FOR_SIZES
    assert decision.sizes == tuple(range(1, 9))
    assert decide(Sum(w.k, (w.k, 1, w.N)), w.N**2, w.bare).verdict is Verdict.REFUTED


def test_sizes_respect_the_settings(w):
    decision = decide(*sum_without_closed_form(w), w.bare, settings=Settings(sizes=(2, 3, 4)))
    assert decision.sizes == (2, 3, 4)


def test_numeric_evidence_when_nothing_proves(w):
    decision = decide(sympy.atan(w.u) + sympy.atan(1 / w.u), sympy.pi / 2, w.bare)
    assert decision.verdict is Verdict.NUMERIC and "20" in decision.strategy
    assert decide(sympy.atan(w.x) + sympy.atan(1 / w.x), sympy.pi / 2, w.bare).verdict is Verdict.REFUTED


def test_random_points_refute_what_small_points_miss(w):
    roots = (0, 1, -1, sympy.Rational(1, 2), 2, sympy.Rational(-1, 2), 3, sympy.Rational(1, 3), -2)
    vanishing = sympy.Mul(*[w.x - r for r in roots])  # zero at every small exact value
    decision = decide(vanishing, 0, w.bare)
    assert decision.verdict is Verdict.REFUTED and "random" in decision.strategy
    assert _value(decision.counterexample.lhs) == vanishing.subs(w.x, sympy.Rational(decision.counterexample.point["x"]))


# ---------------------------------------------------------------- soundness guards


def test_sympy_internal_error_falls_through_to_the_next_rung(w, monkeypatch):
    identity = (sympy.sin(w.x) ** 2 + sympy.cos(w.x) ** 2, 1)
    assert decide(*identity, w.bare).verdict is Verdict.PROVED

    def broken(*args, **kwargs):
        raise StopIteration

    monkeypatch.setattr(sympy, "simplify", broken)
    assert decide(*identity, w.bare).verdict is Verdict.NUMERIC


def test_error_in_index_calculus_falls_through(w, monkeypatch):
    def broken(*args, **kwargs):
        raise StopIteration

    monkeypatch.setattr(rungs, "canonical", broken)
    jacobian = (Derivative(w.S[w.i], w.a[w.j]), w.S[w.i] * (KroneckerDelta(w.i, w.j) - w.S[w.j]))
    decision = decide(*jacobian, w.scope, settings=Settings(sizes=(1, 2, 3)))
    assert (decision.verdict, decision.sizes) == (Verdict.PROVED_FOR_SIZES, (1, 2, 3))


def test_counterexamples_must_survive_the_recheck(w, monkeypatch):
    quotient = Scope(w.table, [CompiledDefinition(w.f, (w.x,), w.g(w.x) / w.h(w.x))])
    plus = (Derivative(w.f(w.x), w.x), (Derivative(w.g(w.x), w.x) * w.h(w.x) + w.g(w.x) * Derivative(w.h(w.x), w.x)) / w.h(w.x) ** 2)
    assert decide(*plus, quotient).verdict is Verdict.REFUTED
    monkeypatch.setattr(rungs, "recheck", lambda *args, **kwargs: None)
    assert decide(*plus, quotient).verdict is Verdict.UNKNOWN
    off_diagonal = decide(Derivative(w.S[w.i], w.a[w.j]), -w.S[w.j] * w.S[w.i], w.scope)
    assert off_diagonal.verdict is Verdict.UNKNOWN


def test_recheck_rejects_points_outside_the_domain_or_the_condition(w):
    universe, rules = Universe.from_scope(w.bare), rules_from_scope(w.bare)
    total = (Sum(w.p[w.l], (w.l, 1, w.K)), sympy.Integer(1))
    work = engine._work(*total, universe, rules, FAST)
    half, third = sympy.Rational(1, 2), sympy.Rational(1, 3)
    assert rungs.recheck(work, Point({w.K: 2}, {}, {}, {w.p[1]: half, w.p[2]: third}), Condition(), total) is None
    entries = (w.a[w.i], w.a[w.j])
    cases = engine._work(*entries, universe, rules, FAST)
    equal = Point({w.N: 2}, {w.i: 1, w.j: 1}, {}, {w.a[1]: 0})
    different = Point({w.N: 2}, {w.i: 1, w.j: 2}, {}, {w.a[1]: 0, w.a[2]: 1})
    assert rungs.recheck(cases, different, parse_condition(Ne(w.i, w.j)), entries) is not None
    assert rungs.recheck(cases, different, parse_condition(Eq(w.i, w.j)), entries) is None
    assert rungs.recheck(cases, equal, Condition(), entries) is None  # equal there: no counterexample


def test_only_provably_positive_sums_are_treated_as_positive(w):
    real_sum = Sum(w.a[w.k], (w.k, 1, w.N))
    assert decide(sympy.sqrt(w.Z**2), w.Z, w.bare).verdict is Verdict.PROVED
    assert decide(sympy.sqrt(real_sum**2), real_sum, w.bare).verdict is Verdict.REFUTED


def test_decisions_are_deterministic(w):
    args = (Derivative(w.S[w.i], w.a[w.j]), w.S[w.i] * (1 - w.S[w.j]), w.scope)
    first, second = decide(*args), decide(*args)
    assert first.verdict is second.verdict is Verdict.CONDITIONAL
    assert (first.counterexample, first.reason, first.strategy) == (second.counterexample, second.reason, second.strategy)


def test_decide_equation_applies_the_chain_condition(w):
    eq = Equation("step", "case", "test.txt", 1, "", Derivative(w.S[w.i], w.a[w.j]), -w.S[w.j] * w.S[w.i], w.scope,
                  chain_condition=Ne(w.i, w.j))
    decision = decide_equation(eq)
    assert (decision.verdict, decision.condition) == (Verdict.PROVED, "i != j")


# ---------------------------------------------------------------- time limits


def _slow() -> None:
    a, b, c, d = sympy.symbols("a b c d")
    sympy.expand((a + b + c + d + 1) ** 80)


def test_time_limit_interrupts_sympy():
    started = time.monotonic()
    with pytest.raises(StepTimeout):
        with time_limit(0.3):
            _slow()
    assert time.monotonic() - started < 1.3
    assert remaining() == float("inf")


def test_nested_limits_restore_the_outer_one():
    started = time.monotonic()
    with pytest.raises(StepTimeout):
        with time_limit(0.6):
            finished, _ = run_limited(_slow, 0.2)  # the inner limit absorbs its own timeout
            assert not finished
            assert 0 < remaining() < 0.5
            _slow()  # the outer limit still fires
    assert time.monotonic() - started < 1.5


def test_inner_limit_cannot_outlive_the_outer_one():
    started = time.monotonic()
    with pytest.raises(StepTimeout):
        with time_limit(0.3):
            run_limited(_slow, 10.0)
    assert time.monotonic() - started < 1.3


def test_time_limit_in_a_worker_thread():
    outcome = {}

    def work():
        started = time.monotonic()
        try:
            with time_limit(0.3):
                _slow()
        except StepTimeout:
            outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(5)
    assert outcome and outcome["seconds"] < 1.3


def _spin_past(deadline: float) -> None:
    while time.monotonic() < deadline:
        pass


def _spin_until_stopped(seconds: float) -> None:
    """The rest of a limited body: runs `seconds` unless a StepTimeout ends it."""
    _spin_past(time.monotonic() + seconds)


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_timeout_swallowed_in_a_weakref_callback_is_delivered_again():
    class Thing:
        pass

    started = time.monotonic()
    with pytest.raises(StepTimeout):
        with time_limit(0.2):
            thing = Thing()
            keep = weakref.ref(thing, lambda _ref: _spin_past(started + 0.4))  # the alarm lands in here
            del thing  # Python runs the callback and swallows what it raises
            assert keep() is None
            _spin_until_stopped(5.0)
    assert time.monotonic() - started < 1.0


def test_timeout_swallowed_by_a_bare_except_is_delivered_again():
    started = time.monotonic()
    with pytest.raises(StepTimeout):
        with time_limit(0.2):
            try:
                _spin_past(started + 0.4)
            except BaseException:  # what careless library code does
                pass
            _spin_until_stopped(5.0)
    assert time.monotonic() - started < 1.0


def test_timeout_swallowed_in_a_worker_thread_is_delivered_again():
    outcome = {}

    def work():
        started = time.monotonic()
        try:
            with time_limit(0.2):
                try:
                    _spin_past(started + 0.4)
                except BaseException:
                    pass
                _spin_until_stopped(5.0)
        except StepTimeout:
            outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(6)
    assert outcome and outcome["seconds"] < 1.0


def test_no_retry_outlives_its_limit():
    with time_limit(0.05):
        try:
            _spin_past(time.monotonic() + 0.1)
        except StepTimeout:
            pass
    _spin_until_stopped(0.3)  # a retry armed inside the limit would raise here
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_slow_decision_ends_unknown_within_the_limit(w, monkeypatch):
    def never_ending(*args, **kwargs):
        while True:
            _slow()

    monkeypatch.setattr(engine, "_assess", never_ending)  # outside every sub-budget
    started = time.monotonic()
    decision = decide(sympy.sin(w.x) ** 2 + sympy.cos(w.x) ** 2, 1, w.bare, settings=Settings(step_timeout=1.0))
    assert decision.verdict is Verdict.UNKNOWN and decision.strategy == "time limit"
    assert time.monotonic() - started < 2.0


def test_hard_expression_ends_unknown_within_the_limit(w):
    base = w.x + w.u + sympy.Symbol("z", real=True) + 1
    imaginary = sympy.sqrt(-1 - w.x**2)  # no real sample points
    lhs, rhs = base**70 * imaginary, sympy.expand(base**3) * base**67 * imaginary
    started = time.monotonic()
    decision = decide(lhs, rhs, w.bare, settings=Settings(step_timeout=1.0))
    assert decision.verdict is Verdict.UNKNOWN
    assert time.monotonic() - started < 2.0


# ---------------------------------------------------------------- property: verdicts agree with the truth


@hypothesis_settings(max_examples=15, deadline=None, derandomize=True)
@given(st.lists(st.integers(-3, 3), min_size=2, max_size=4), st.integers(1, 3), st.integers(-2, 2).filter(bool))
def test_random_identities_are_proved_and_perturbed_ones_refuted(coefficients, power, shift):
    w = softmax_world()
    expr = sympy.Add(*[c * w.x**n * exp(w.a[w.i]) ** (n % 2) for n, c in enumerate(coefficients)]) ** power
    assert decide(expr, sympy.expand(expr), w.bare).verdict is Verdict.PROVED
    wrong = decide(expr, sympy.expand(expr) + shift * w.x * w.a[w.j], w.bare)
    assert wrong.verdict in (Verdict.REFUTED, Verdict.CONDITIONAL)
    cex = wrong.counterexample
    assert _value(cex.lhs) != _value(cex.rhs)
