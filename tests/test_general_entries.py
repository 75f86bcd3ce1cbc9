"""Entries of a matrix of known size share their work: one derivative per pattern of entry
numbers (`canonical._general_entries`), the numbers put back; the verdict still per entry."""

from __future__ import annotations

import pytest
import sympy
from sympy import Derivative, Matrix, MatrixSymbol, Symbol, exp

from symcheck.engine.canonical import _derivative_done, _general_entries
from symcheck.engine.ladder import _bind_scope, decide
from symcheck.model import Verdict
from symcheck.model.symbols import Scope

from .engine_fixtures import UNHURRIED, softmax_world


@pytest.fixture(scope="module")
def w():
    return softmax_world()


def _softmax_entry(w, r: int, size: int = 3) -> sympy.Expr:
    k = Symbol("_k0", integer=True)
    return exp(w.a[r]) / sympy.Sum(exp(w.a[k]), (k, 1, size))


def test_every_entry_of_the_jacobian_is_the_direct_derivative(w):
    for r in (1, 2, 3):
        for c in (1, 2, 3):
            inner, variables = _softmax_entry(w, r), ((w.a[c], 1),)
            assert _derivative_done(inner, variables) == Derivative(inner, *variables).doit(deep=False)


def test_entries_share_one_form_per_pattern_of_numbers(w):
    forms = {_general_entries(_softmax_entry(w, r), ((w.a[c], 1),))[0] for r in (1, 2, 3) for c in (1, 2, 3)}
    assert len(forms) == 2  # the diagonal (one number) and the rest (two numbers)


def test_numbers_that_are_no_index_stay_and_the_derivative_is_still_right(w):
    inner = 2 * exp(3 * w.a[2]) * w.a[1] ** 2
    for c in (1, 2, 3):
        variables = ((w.a[c], 1),)
        assert _derivative_done(inner, variables) == Derivative(inner, *variables).doit(deep=False)
    (general, _), numbers = _general_entries(inner, ((w.a[2], 1),))
    assert general.has(2, 3) and set(numbers.values()) == {1, 2}


def test_a_name_that_could_clash_is_left_alone(w):
    clash = Symbol("_entry0")
    inner = clash * exp(w.a[1])
    assert _general_entries(inner, ((w.a[1], 1),)) == ((inner, ((w.a[1], 1),)), {})
    assert _derivative_done(inner, ((w.a[1], 1),)) == clash * exp(w.a[1])


def test_explicit_jacobian_with_one_wrong_entry_is_refuted_at_that_entry(w):
    S, a = MatrixSymbol("S", w.N, 1), MatrixSymbol("a", w.N, 1)
    right = Matrix(3, 3, lambda r, c: (w.S[r + 1] if r == c else 0) - w.S[r + 1] * w.S[c + 1])
    assert decide(Derivative(S, a), right, w.scope, settings=UNHURRIED).verdict is Verdict.PROVED_FOR_SIZES
    wrong = right.copy()
    wrong[2, 1] = w.S[3] * w.S[2]
    decision = decide(Derivative(S, a), wrong, w.scope, settings=UNHURRIED)
    assert decision.verdict is Verdict.REFUTED and decision.counterexample.point["entry"] == "(3, 2)"


def _at_three(w) -> Scope:
    """The softmax world with N = 3, as a chain's `sizes` fixes it."""
    return _bind_scope(w.scope, {w.N: sympy.Integer(3)})


def test_at_an_explicit_size_one_general_entry_proves_every_entry(w, monkeypatch):
    from symcheck.engine import ladder

    decided = []
    scalar = ladder._decide_scalar
    monkeypatch.setattr(ladder, "_decide_scalar", lambda *args: decided.append(args) or scalar(*args))
    S = MatrixSymbol("S", 3, 1)
    jacobian = sympy.DiagMatrix(S) - S * S.T
    decision = decide(jacobian.T, jacobian, _at_three(w), settings=UNHURRIED)
    assert decision.verdict is Verdict.PROVED and len(decided) == 1


def test_a_general_entry_refuted_names_the_position_at_its_point(w):
    S, a = MatrixSymbol("S", 3, 1), MatrixSymbol("a", 3, 1)
    decision = decide(Derivative(S, a), sympy.DiagMatrix(S) + S * S.T, _at_three(w), settings=UNHURRIED)
    assert decision.verdict is Verdict.REFUTED
    row, col = decision.counterexample.point["entry"].strip("()").split(", ")
    assert {row, col} <= set(decision.counterexample.point)  # the position's values are in the point


def test_a_general_entry_not_proved_nor_refuted_is_decided_entry_by_entry(w, monkeypatch):
    from symcheck.engine import ladder

    monkeypatch.setattr(ladder, "_GENERAL_ENOUGH", ())  # as if the general entry were undecided
    a = MatrixSymbol("a", 3, 1)
    decision = decide(a * a.T, sympy.DiagMatrix(a) * sympy.DiagMatrix(a), _at_three(w), settings=UNHURRIED)
    assert decision.verdict is Verdict.REFUTED and decision.counterexample.point["entry"] == "(1, 2)"


def test_a_written_out_side_is_decided_entry_by_entry(w, monkeypatch):
    from symcheck.engine import ladder

    decided = []
    scalar = ladder._decide_scalar
    monkeypatch.setattr(ladder, "_decide_scalar", lambda *args: decided.append(args) or scalar(*args))
    a = MatrixSymbol("a", 3, 1)
    written = Matrix([w.a[1], w.a[2], w.a[3]])
    assert decide(2 * a, written + written, _at_three(w), settings=UNHURRIED).verdict is Verdict.PROVED
    assert len(decided) == 3


def test_entries_after_the_first_refuted_one_are_not_decided(w, monkeypatch):
    from symcheck.engine import ladder

    decided = []
    scalar = ladder._decide_scalar
    monkeypatch.setattr(ladder, "_decide_scalar", lambda *args: decided.append(args) or scalar(*args))
    a = MatrixSymbol("a", 3, 1)
    decision = decide(a, Matrix([w.a[1], w.a[2] + 1, w.a[3] + 1]), _at_three(w), settings=UNHURRIED)
    assert decision.verdict is Verdict.REFUTED and decision.counterexample.point["entry"] == "(2, 1)"
    assert len(decided) == 2
