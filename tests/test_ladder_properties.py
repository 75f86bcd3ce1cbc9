"""Property tests of the ladder: random true identities built from the documents' grammar
(sums, Kronecker deltas, softmax quotients, the softmax Jacobian) are never refuted, and
a single-edit perturbation of one of them (one coefficient changed) never passes."""

from __future__ import annotations

import sympy
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from sympy import Derivative, KroneckerDelta, Sum, exp

from symcheck.engine.ladder import decide
from symcheck.engine.settings import Settings
from symcheck.model import Verdict

from .engine_fixtures import softmax_world

W = softmax_world()
FAST = Settings(step_timeout=8.0)
i, j, k, N, a, S = W.i, W.j, W.k, W.N, W.a, W.S


def _pieces():
    """(lhs, rhs) pairs that are equal in the declared world (S is the softmax of a)."""
    return [
        (Sum(S[k], (k, 1, N)), sympy.Integer(1)),
        (Sum(KroneckerDelta(i, k) * a[k], (k, 1, N)), a[i]),
        (exp(a[i]) / Sum(exp(a[k]), (k, 1, N)), S[i]),
        (Derivative(S[i], a[j]), S[i] * (KroneckerDelta(i, j) - S[j])),
        (Sum(a[k] * S[k], (k, 1, N)) - a[j], Sum(S[k] * (a[k] - a[j]), (k, 1, N))),
        (a[i] * a[j] + a[i], a[i] * (a[j] + 1)),
    ]


PIECES = _pieces()
coefficients = st.lists(st.integers(min_value=-3, max_value=3).filter(bool), min_size=1, max_size=3)
choices = st.lists(st.integers(min_value=0, max_value=len(PIECES) - 1), min_size=1, max_size=3, unique=True)
PROPERTY = hypothesis_settings(max_examples=8, deadline=None, derandomize=True,
                               suppress_health_check=[HealthCheck.too_slow])


def _identity(chosen, factors):
    pairs = [(PIECES[n], c) for n, c in zip(chosen, factors)]
    lhs = sympy.Add(*[c * left for (left, _), c in pairs])
    rhs = sympy.Add(*[c * right for (_, right), c in pairs])
    return lhs, rhs, pairs


@PROPERTY
@given(chosen=choices, factors=coefficients)
def test_a_true_identity_is_never_refuted(chosen, factors):
    lhs, rhs, _ = _identity(chosen, factors)
    decision = decide(lhs, rhs, W.scope, settings=FAST)
    assert decision.verdict not in (Verdict.REFUTED, Verdict.CONDITIONAL), decision.reason


@PROPERTY
@given(chosen=choices, factors=coefficients, which=st.integers(min_value=0, max_value=2))
def test_a_perturbed_identity_never_passes(chosen, factors, which):
    lhs, rhs, pairs = _identity(chosen, factors)
    (_, right), _ = pairs[which % len(pairs)]
    decision = decide(lhs, rhs + right, W.scope, settings=FAST)  # one coefficient changed by 1
    assert not decision.verdict.holds, decision.reason
