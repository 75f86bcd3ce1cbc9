"""The finite-difference gradient check: right closed forms pass, wrong ones fail."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from sympy import Function, Sum

from symcheck.model.compiled import CompiledGradientCheck
from symcheck.engine.gradcheck import (
    REL_TOLERANCE,
    SWEEP_STEPS,
    NumericError,
    instantiate,
    sized_unfolder,
    run_gradient_check,
    step_sweep,
)
from symcheck.model import Domain, GradientCheckSpec, SymbolDecl, SymbolKind
from symcheck.model.symbols import CompiledDefinition, Scope

try:
    from test_report import gradient_check, softmax_scope
except ImportError:  # tests collected as a package
    from tests.test_report import gradient_check, softmax_scope


def test_softmax_cross_entropy_closed_form_passes():
    results = run_gradient_check(gradient_check())
    assert [r.size for r in results] == [2, 3, 4]
    for r in results:
        assert r.passed and r.points == 5 and r.name == "dL/ds = p - y"
        assert r.max_rel_error < 1e-8 and r.max_abs_error < 1e-8


@pytest.mark.parametrize(
    "wrong",
    [
        lambda v: v["y"][v["j"]] - v["p"][v["j"]],  # sign flipped
        lambda v: v["p"][v["j"]] * (1 - v["p"][v["j"]]) - v["y"][v["j"]],  # Jacobian diagonal slip
        lambda v: v["p"][v["j"]],  # forgot y
    ],
    ids=["y-p", "p(1-p)-y", "p"],
)
def test_wrong_closed_forms_fail_with_large_error(wrong):
    results = run_gradient_check(gradient_check(wrong))
    assert results and not any(r.passed for r in results)
    assert max(r.max_rel_error for r in results) > 0.05
    assert all(r.max_rel_error > 1e3 * REL_TOLERANCE for r in results)


def test_deterministic_and_seeded():
    check = gradient_check(lambda v: v["y"][v["j"]] - v["p"][v["j"]])
    assert run_gradient_check(check, seed=3) == run_gradient_check(check, seed=3)
    assert run_gradient_check(check, seed=3) != run_gradient_check(check, seed=4)
    assert step_sweep(check, 3, seed=1) == step_sweep(check, 3, seed=1)


def test_sweep_is_v_shaped():
    sweep = step_sweep(gradient_check(), 4)
    hs = [h for h, _ in sweep]
    errors = [e for _, e in sweep]
    assert hs == list(SWEEP_STEPS) and hs[0] == 1e-1 and hs[-1] == 1e-12
    smallest = min(errors)
    best = errors.index(smallest)
    assert 0 < best < len(errors) - 1
    assert errors[0] > 100 * smallest  # truncation error at h = 1e-1
    assert errors[-1] > 100 * smallest  # rounding error at h = 1e-12
    assert 1e-8 <= hs[best] <= 1e-3


def test_other_vectors_are_drawn_inside_their_domain():
    """With y a probability vector (not one-hot) p - y is right only if y sums to 1,
    and p * sum(y) - y is right for any y: both pass only with normalised draws."""
    context = softmax_scope()
    derivation, scope, v = context
    scope.table.declarations["y"] = SymbolDecl("y", SymbolKind.VECTOR, Domain.PROBABILITY, ("K",))
    check = gradient_check(context=context)
    assert all(r.passed for r in run_gradient_check(check))
    y, k, K, j, p = v["y"], v["k"], v["K"], v["j"], v["p"]
    other = gradient_check(lambda v: p[j] * Sum(y[k], (k, 1, K)) - y[j], context=context)
    assert all(r.passed for r in run_gradient_check(other))
    # and y really is a probability vector, not a one-hot one: p - y_j and p - y differ
    assert not all(r.passed for r in run_gradient_check(
        gradient_check(lambda v: p[j] - Sum(y[k], (k, 1, K)) * y[j] ** 2, context=context)))
    # a real (unconstrained) y breaks p - y
    scope.table.declarations["y"] = SymbolDecl("y", SymbolKind.VECTOR, Domain.REAL, ("K",))
    assert not any(r.passed for r in run_gradient_check(gradient_check(context=context)))


def test_scalar_parameters_and_no_definitions():
    derivation, scope, v = softmax_scope()
    s, j, k, K = v["s"], v["j"], v["k"], v["K"]
    c = sympy.Symbol("c", positive=True)
    scope.table.scalars["c"] = c
    scope.table.declarations["c"] = SymbolDecl("c", domain=Domain.POSITIVE)
    spec = GradientCheckSpec("quadratic", "", "s", "j", "", "K", sizes=(1, 5))
    good = CompiledGradientCheck(spec, c * Sum(s[k] ** 2, (k, 1, K)), 2 * c * s[j], s, j, K, scope)
    bad = CompiledGradientCheck(spec, c * Sum(s[k] ** 2, (k, 1, K)), c * s[j], s, j, K, scope)
    assert all(r.passed for r in run_gradient_check(good))
    assert not any(r.passed for r in run_gradient_check(bad))


def test_undefined_function_is_reported():
    derivation, scope, v = softmax_scope()
    s, j, k, K = v["s"], v["j"], v["k"], v["K"]
    g = Function("g")
    spec = GradientCheckSpec("g", "", "s", "j", "", "K", sizes=(2,))
    check = CompiledGradientCheck(spec, Sum(g(s[k]), (k, 1, K)), s[j], s, j, K, scope)
    with pytest.raises(NumericError, match="undefined function"):
        run_gradient_check(check)


def test_symbolic_unfolding_cannot_capture_indices():
    """q_k := sum_l s_k s_l used as q_l inside a sum over l: the definition's own l must
    not capture the argument."""
    derivation, scope, v = softmax_scope()
    s, k, l, K = v["s"], v["k"], v["l"], v["K"]
    q = sympy.IndexedBase("q")
    definitions = [CompiledDefinition(q, (k,), Sum(s[k] * s[l], (l, 1, K)))]
    expr = Sum(q[l], (l, 1, K))
    scope2 = Scope(scope.table, definitions)
    unfolded = sized_unfolder(scope2, {})(expr)
    values = {s[n]: sympy.Rational(n, 3) for n in range(1, 4)}
    got = unfolded.xreplace({K: 3}).doit().xreplace(values)
    assert got == sum(values.values()) ** 2
    assert instantiate(expr, scope2, 3).xreplace(values) == sum(values.values()) ** 2


def test_probability_normalisation_in_instantiated_softmax():
    derivation, scope, v = softmax_scope()
    p, k, K = v["p"], v["k"], v["K"]
    total = instantiate(Sum(p[k], (k, 1, K)), scope, 4)
    values = {v["s"][n]: sympy.Float(np.random.default_rng(n).standard_normal()) for n in range(1, 5)}
    assert abs(float(total.xreplace(values)) - 1.0) < 1e-12


@pytest.mark.parametrize("size", [2, 4])
def test_walked_sums_give_what_the_written_out_sums_give(size):
    from symcheck.engine.gradcheck import _prepare_walked, _prepare_written_out

    check = gradient_check()
    walked, written = _prepare_walked(check, size), _prepare_written_out(check, size)
    assert walked is not None  # the walk, not the fallback
    assert (walked.variables, walked.others) == (written.variables, written.others)
    rng = np.random.default_rng(size)
    columns = [rng.uniform(0.1, 0.9, 3) for _ in [*walked.variables, *walked.others]]
    assert np.allclose(walked.loss(*columns), written.loss(*columns), rtol=1e-12, atol=0)
    for mine, plain in zip(walked.gradient, written.gradient, strict=True):
        assert np.allclose(mine(*columns), plain(*columns), rtol=1e-12, atol=0)


def test_the_sweep_evaluated_with_the_points_is_step_sweeps():
    check = gradient_check()
    for result in run_gradient_check(check, seed=2):
        assert list(result.sweep) == step_sweep(check, result.size, seed=2)


def test_what_the_walk_cannot_evaluate_is_written_out(monkeypatch):
    """A function the walk meets but cannot evaluate (found only when it is evaluated):
    the check runs written out, with the same figures as when the walk is not tried."""
    from symcheck.engine import floats, gradcheck

    check = gradient_check()
    plain = run_gradient_check(check, seed=1)

    def refusing(expr, columns, walk):
        raise floats.NotEvaluable("refused for the test")

    monkeypatch.setattr(floats, "walked", refusing)
    written = run_gradient_check(check, seed=1)
    monkeypatch.setattr(gradcheck, "_prepare_walked", lambda check, size: None)
    assert written == run_gradient_check(check, seed=1)
    assert [r.passed for r in written] == [r.passed for r in plain]


@pytest.mark.parametrize("size", [2, 3])
def test_unfolding_once_for_every_size_is_the_unfolding_at_each_size(size):
    """The loss, the closed form and a derivative of the loss, unfolded with no size fixed
    and the sizes put in afterwards: the same expressions as unfolded with the sizes fixed."""
    from symcheck.engine.gradcheck import size_map, unfolded

    check = gradient_check()
    sizes = size_map(check.scope, size, check.size)
    derivative = sympy.Derivative(check.loss, check.wrt[check.index])
    for expr in (check.loss, check.gradient, derivative):
        fixed = sized_unfolder(check.scope, sizes)(sympy.sympify(expr).xreplace(sizes))
        assert unfolded(expr, check.scope, size, None, check.size) == fixed
