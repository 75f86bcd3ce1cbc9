"""The independent audit: every passing verdict is re-evaluated from the unfolded sides."""

from __future__ import annotations

import pytest
from sympy import Derivative, KroneckerDelta, Piecewise, Eq, exp, log

from symcheck.engine import audit, ladder
from symcheck.engine.ladder import decide
from symcheck.engine.settings import Settings
from symcheck.model import Verdict

from .engine_fixtures import softmax_world

FAST = Settings(step_timeout=5.0)


@pytest.fixture(scope="module")
def w():
    return softmax_world()


def test_a_proof_carries_the_audit_points_as_evidence(w):
    decision = decide(Derivative(w.S[w.i], w.a[w.j]), w.S[w.i] * (KroneckerDelta(w.i, w.j) - w.S[w.j]), w.scope, settings=FAST)
    assert decision.verdict is Verdict.PROVED
    audited = [e for e in decision.evidence if e.role == "audit"]
    assert len(audited) >= 3 and all(e.agrees for e in audited)
    sizes = {int(e.point["N"]) for e in audited}
    assert min(sizes) == 1 and max(sizes) > 1  # the declared minimum and a larger size


def test_audit_points_start_at_the_declared_minimum(w):
    scope = ladder.Scope(w.table, [w.softmax], [__import__("sympy").Ge(w.N, 3)])
    decision = decide(w.S[w.i], exp(w.a[w.i]) / w.Z, scope, settings=FAST)
    sizes = {int(e.point["N"]) for e in decision.evidence if e.role == "audit"}
    assert min(sizes) == 3 and max(sizes) > 3


def test_a_wrong_proof_is_overruled_by_the_audit(w, monkeypatch):
    """A prover that says 0 to everything: the audit refutes, naming the inconsistency."""
    broken = ladder._symbolic(lambda work, difference: "broken prover")
    monkeypatch.setattr(ladder._assess, "__defaults__", ((broken,),))
    decision = decide(w.S[w.i], 2 * w.S[w.i], w.scope, settings=FAST)
    assert audit.INCONSISTENCIES
    audit.INCONSISTENCIES.clear()
    assert decision.verdict is Verdict.REFUTED
    assert "internal inconsistency" in decision.reason
    assert decision.counterexample is not None
    roles = {e.role for e in decision.evidence}
    assert {"audit", "counterexample"} <= roles


def test_numeric_points_are_recorded_as_evidence(w):
    lhs = log(exp(w.x) + 1) - w.x
    rhs = log(1 + exp(-w.x))
    decision = decide(lhs, rhs, w.bare, settings=FAST)
    assert decision.verdict.holds
    assert any(e.role == "audit" for e in decision.evidence)


def test_undefined_side_is_a_counterexample_not_a_skipped_point(w):
    """A cases side with no case for i != j is undefined there; the other side is defined."""
    pieces = Piecewise((w.S[w.i] * (1 - w.S[w.j]), Eq(w.i, w.j)), (-w.S[w.i] * w.S[w.j], Eq(w.i, w.j)))
    decision = decide(Derivative(w.S[w.i], w.a[w.j]), pieces, w.scope, settings=FAST)
    assert not decision.verdict.holds
    assert decision.verdict is not Verdict.CONDITIONAL or decision.condition == "i = j"


def test_audit_can_be_switched_off_only_by_settings(w):
    decision = decide(w.S[w.i], exp(w.a[w.i]) / w.Z, w.scope, settings=Settings(audit=False))
    assert decision.verdict is Verdict.PROVED and not decision.evidence


def test_a_pass_the_audit_could_not_evaluate_anywhere_is_not_reported(w, monkeypatch):
    """No audit point evaluated: nothing confirms the verdict, so it is not a pass."""
    monkeypatch.setattr(audit, "points_at_sizes", lambda *args, **kwargs: iter(()))
    decision = decide((w.a[w.i] + 1) ** 2, w.a[w.i] ** 2 + 2 * w.a[w.i] + 1, w.scope, settings=FAST)
    assert decision.verdict is Verdict.UNKNOWN and "evaluated no point" in decision.reason


def test_a_given_name_is_unfolded_not_required_of_the_audit_points(w):
    """A given Q = sum_k S_k is a definition of Q: random points need not satisfy it."""
    import sympy
    from symcheck.model.symbols import Scope

    Q = sympy.Symbol("Q")
    total = sympy.Sum(w.S[w.k], (w.k, 1, w.N))
    scope = Scope(w.table, list(w.scope.definitions), [*w.scope.assumptions, Eq(Q, total, evaluate=False)])
    decision = decide(Q * w.a[w.i], w.a[w.i], scope, settings=FAST)
    assert decision.verdict.holds
    assert any(e.role == "audit" for e in decision.evidence)


def test_sides_that_read_nothing_from_a_point_are_compared_once(w, monkeypatch):
    """Closed sides compare alike at every audit point: evaluated once, evidence at each;
    a function a point stands in for (f(1)) is read from the point: evaluated at each."""
    import sympy

    calls = []
    compare = audit.compare_at
    monkeypatch.setattr(audit, "compare_at", lambda *args, **kw: calls.append(args[1:3]) or compare(*args, **kw))
    closed = decide(log(exp(sympy.Integer(2))) + 1, sympy.Integer(3), w.bare, settings=FAST)
    assert closed.verdict.holds
    audited = [e for e in closed.evidence if e.role == "audit"]
    assert len(audited) >= 2 and all(e.agrees for e in audited)
    assert len([c for c in calls if c[1] == 3]) == 1
    f = sympy.Function("f")
    standing = decide(f(sympy.Integer(1)) + f(sympy.Integer(1)), 2 * f(sympy.Integer(1)), w.bare, settings=FAST)
    assert standing.verdict.holds
    assert not audit._pointless((f(sympy.Integer(1)), 2 * f(sympy.Integer(1))))
    assert audit._pointless((sympy.Integer(2), sympy.Rational(4, 2)))
