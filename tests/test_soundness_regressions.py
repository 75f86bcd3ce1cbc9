"""The four holes of issue 10, each on a small derivation file written for the test
(tests/soundness/*.case: TOML derivation files, not named .toml so that the pytest plugin
does not collect their deliberately wrong steps): no wrong step passes as proved, proved-for-sizes or numeric."""

from __future__ import annotations

from pathlib import Path

import pytest

from symcheck.engine.settings import Settings
from symcheck.load.derivation import InputError, load_derivation
from symcheck.model import Verdict
from symcheck.verify.documents import verify_document

FILES = Path(__file__).parent / "soundness"
SETTINGS = Settings(step_timeout=30.0)


def _results(name: str) -> dict:
    result = verify_document(load_derivation(FILES / name), SETTINGS)
    return {(r.line, r.name): r for r in result.all_results()}


def test_shapes_are_never_unified_below_the_declared_minimum():
    results = _results("shapes_at_size_one.case")
    dropped = results[(32, "dropped factor: a K x K matrix against a K-vector")].decision
    assert dropped.verdict is Verdict.REFUTED
    assert "K×1" in dropped.reason and "K×K" in dropped.reason
    scalar = results[(40, "a K-vector against a scalar")].decision
    assert scalar.verdict is Verdict.REFUTED and "scalar" in scalar.reason and "K×1" in scalar.reason
    assert results[(48, "the true step, for contrast")].decision.verdict is Verdict.PROVED


def test_an_undefined_side_is_a_counterexample():
    results = _results("undefined_case.case")
    cases = results[(30, "the Jacobian with a case condition changed")].decision
    assert not cases.verdict.holds and cases.verdict is not Verdict.UNKNOWN
    assert cases.counterexample.point["i"] != cases.counterexample.point["j"]
    assert "undefined" in cases.counterexample.rhs
    log = results[(35, "a log of a non-positive number inside the domain")].decision
    assert log.verdict is Verdict.REFUTED and "undefined" in log.reason


def test_an_indexed_given_fixes_its_own_entry_only():
    results = _results("indexed_given.case")
    assert results[(18, "the given entry is used")].decision.verdict is Verdict.PROVED
    other = results[(24, "another entry is not the given one")].decision
    assert other.verdict is Verdict.REFUTED
    assert other.counterexample.point["j"] != other.counterexample.point["k"]


def test_a_given_contradicting_the_declared_domain_is_reported_not_used():
    results = _results("indexed_given.case")
    vacuous = results[(30, "a given that contradicts the one-hot domain")].decision
    assert vacuous.verdict is Verdict.UNKNOWN
    assert "vacuous" in vacuous.reason and "one-hot" in vacuous.reason


def test_a_literal_index_outside_its_range_is_bad_input_with_a_caret():
    with pytest.raises(InputError) as caught:
        load_derivation(FILES / "index_out_of_range.case")
    error = caught.value
    assert error.line == 19 and "outside its range 1..K" in error.message
    assert error.latex[error.column:].startswith("z_0")


def test_proved_for_sizes_starts_at_the_declared_minimum():
    from sympy import Sum, Ge
    from symcheck.engine.ladder import decide
    from symcheck.model.symbols import Scope
    from .engine_fixtures import softmax_world

    w = softmax_world()
    scope = Scope(w.table, [], [Ge(w.K, 3)])
    total = Sum(w.y[w.l], (w.l, 1, w.K)) * w.w[1]  # written so that only the sizes rung decides
    decision = decide(total, w.w[1], scope, settings=SETTINGS)
    assert decision.verdict.holds
    if decision.verdict is Verdict.PROVED_FOR_SIZES:
        assert decision.sizes[0] == 3
    assert min(int(e.point["K"]) for e in decision.evidence if e.role == "audit") == 3


def test_an_index_of_another_range_is_bad_input_with_a_caret():
    with pytest.raises(InputError) as caught:
        load_derivation(FILES / "index_of_another_range.case")
    error = caught.value
    assert error.line == 21 and "index i runs over 1..K" in error.message and "of x runs over 1..N" in error.message
    assert error.latex[error.column:].startswith("x_i")


def test_an_index_of_another_range_in_an_erratum_is_refuted_by_the_engine():
    results = _results("index_of_another_range_erratum.case")
    for line, name in ((21, "the probabilities sum to 1, summed over the examples"), (27, "a size as an index")):
        found = results[(line, name)]
        assert found.decision.verdict is Verdict.REFUTED and "undefined" in found.decision.reason
        assert found.erratum.decision.verdict is Verdict.PROVED and found.expected


def test_an_index_with_a_subscripted_name_is_an_index_and_its_equal_case_is_checked():
    from symcheck.verify.notes import check_note

    checked = check_note(FILES / "subscripted_index.md", FILES / "subscripted_index.toml", SETTINGS)
    true, slip = (r.decision for r in sorted(checked.result.all_results(), key=lambda r: r.line))
    assert true.verdict.holds
    assert not slip.verdict.holds and "c_n" in str(slip.condition), slip


def test_a_name_whose_subscript_is_the_index_of_the_sum_around_it_is_bad_input():
    """\\tilde{p}_r read whole (the vector is declared bold) cannot follow the r of the sum
    around it: unfolding its definition once for all r would be a wrong verdict."""
    from symcheck.verify.notes import check_note

    with pytest.raises(InputError) as caught:
        check_note(FILES / "bound_subscript.md", FILES / "bound_subscript.toml", SETTINGS)
    error = caught.value
    assert error.line == 24 and "subscript r is the index of the sum" in error.message
    assert error.latex[error.column:].startswith(r"\tilde{p}_r")


def test_a_side_undefined_at_one_point_only_is_no_counterexample():
    """Identities hold where both sides are defined: csc x at x = 0, (x^2-1)/(x-1) at x = 1
    are isolated singular points, not counterexamples; a side undefined everywhere is one."""
    from sympy import Integer, Symbol, cot, csc

    from symcheck.engine.ladder import decide
    from symcheck.model.symbols import Scope, build_symbol_table
    from symcheck.model import Derivation

    x = Symbol("x", real=True)
    scope = Scope(build_symbol_table(Derivation("t.toml", "t.md", "t")), [])
    assert decide(csc(x) ** 2 - cot(x) ** 2, Integer(1), scope).verdict.holds
    assert decide((x**2 - 1) / (x - 1), x + 1, scope).verdict.holds
    assert decide(1 / (x - x), Integer(1), scope).verdict.fails
    assert decide(csc(x) ** 2 + cot(x) ** 2, Integer(1), scope).verdict.fails
