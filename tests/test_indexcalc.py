"""Index calculus: sums, Kronecker deltas and conditions decided from declared ranges."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings as hypothesis_settings, strategies as st
from sympy import Eq, KroneckerDelta, Ne, Piecewise, Sum, exp

from symcheck.engine.canonical import index_facts
from symcheck.engine.indexcalc import (
    Condition,
    IndexFacts,
    decide_relation,
    delta_cases,
    free_deltas,
    normalize,
    parse_condition,
    rename_bound,
    within,
)
from symcheck.engine.sampling import Universe, exact_points

from .engine_fixtures import softmax_world


@pytest.fixture(scope="module")
def w():
    return softmax_world()


@pytest.fixture(scope="module")
def facts(w) -> IndexFacts:
    return index_facts(Universe.from_scope(w.bare), Condition())


def test_delta_collapses_when_the_index_range_lies_inside_the_sum(w, facts):
    expr = Sum(KroneckerDelta(w.j, w.k) * exp(w.a[w.k]), (w.k, 1, w.N))
    assert normalize(expr, facts) == exp(w.a[w.j])


def test_delta_outside_the_summation_range_gives_zero(w, facts):
    expr = Sum(KroneckerDelta(w.j, w.k) * w.a[w.k], (w.k, w.N + 1, 2 * w.N))
    assert normalize(expr, facts) == 0


def test_delta_with_a_partly_overlapping_range_stays(w, facts):
    expr = Sum(KroneckerDelta(w.j, w.k) * w.a[w.k], (w.k, 2, w.N))
    assert normalize(expr, facts).has(KroneckerDelta)


def test_delta_shifted_index_is_solved_for_the_summation_variable(w, facts):
    expr = Sum(KroneckerDelta(w.j, w.k + 1) * w.a[w.k], (w.k, 0, w.N))
    assert normalize(expr, facts) == w.a[w.j - 1]


def test_one_hot_vector_sums_to_one_over_its_declared_range(w, facts):
    assert normalize(Sum(w.y[w.l], (w.l, 1, w.K)), facts) == 1
    assert normalize(Sum(w.p[w.l] * w.a[w.j], (w.l, 1, w.K)), facts) == w.a[w.j]


def test_partial_sums_of_a_probability_vector_are_not_one(w, facts):
    assert normalize(Sum(w.p[w.l], (w.l, 2, w.K)), facts) != 1
    assert normalize(Sum(w.w[w.l], (w.l, 1, w.K)), facts) != 1  # w is real


def test_sum_is_linear_and_constant_summands_count_terms(w, facts):
    expr = Sum(w.a[w.k] + w.x, (w.k, 1, w.N))
    expected = Sum(w.a[w.k], (w.k, 1, w.N)) + w.N * w.x
    assert sympy.expand(normalize(expr, facts) - normalize(expected, facts)) == 0


def test_bound_variables_are_renamed_canonically(w):
    first = Sum(exp(w.a[w.k]), (w.k, 1, w.N))
    second = Sum(exp(w.a[w.i]), (w.i, 1, w.N))
    assert first != second
    assert rename_bound(first) == rename_bound(second)


def test_renaming_never_captures_a_free_index(w):
    expr = Sum(w.a[w.k] * w.a[w.j], (w.k, 1, w.N))
    renamed = rename_bound(expr).subs(w.j, w.k)  # j := k must stay outside the sum
    assert renamed.free_symbols >= {w.k}


@pytest.mark.parametrize(
    "relation, truth",
    [
        ("j <= N", True),
        ("1 <= j", True),
        ("j >= N + 1", False),
        ("j <= N - 1", None),
        ("j < 0", False),
    ],
)
def test_relations_are_decided_from_declared_ranges(w, facts, relation, truth):
    condition = sympy.sympify(relation, locals={"j": w.j, "N": w.N})
    assert decide_relation(condition, facts) is truth


def test_size_minimum_decides_more(w):
    universe = Universe.from_scope(w.bare)
    facts = IndexFacts(ranges=universe.ranges, minimums={w.N: 2})
    assert decide_relation(sympy.Ge(w.N, 2), facts) is True
    assert decide_relation(sympy.Ge(w.N, 2), IndexFacts(ranges=universe.ranges)) is None


def test_within(w, facts):
    assert within(w.j, 1, w.N, facts) is True
    assert within(w.j, w.N + 1, 2 * w.N, facts) is False
    assert within(w.j, 2, w.N, facts) is None


def test_piecewise_from_sympy_sum_of_delta_is_resolved(w, facts):
    done = Sum(KroneckerDelta(w.j, w.k) * exp(w.a[w.k]), (w.k, 1, w.N)).doit()
    assert done.has(Piecewise)
    assert normalize(done, facts) == exp(w.a[w.j])


def test_piecewise_on_index_equality_becomes_a_delta(w, facts):
    cases = Piecewise((exp(w.a[w.j]), Eq(w.i, w.j)), (0, Ne(w.i, w.j)))
    assert normalize(cases, facts) == KroneckerDelta(w.i, w.j) * exp(w.a[w.j])


def test_distinct_indices_make_their_delta_zero(w, facts):
    distinct = facts.with_distinct(w.i, w.j)
    assert normalize(KroneckerDelta(w.i, w.j) * w.x, distinct) == 0
    assert normalize(KroneckerDelta(w.i, w.j) * w.x, facts) != 0


def test_delta_cases_cover_equal_and_different(w, facts):
    expr = KroneckerDelta(w.i, w.j) * (exp(w.a[w.i]) - exp(w.a[w.j]))
    assert free_deltas(expr) == [KroneckerDelta(w.i, w.j)]
    equal, different = delta_cases(expr, KroneckerDelta(w.i, w.j), facts)
    assert equal == 0 and different == 0
    assert delta_cases(KroneckerDelta(w.i, w.j) * w.x, KroneckerDelta(w.i, w.j), facts)[0] == w.x


def test_conditions_parse_with_their_text_and_apply(w):
    equal = parse_condition(Eq(w.i, w.j))
    assert equal.text == "i = j"
    assert equal.apply(w.a[w.i] - w.a[w.j]) == 0
    assert equal.admits({w.i: 2, w.j: 2}) and not equal.admits({w.i: 1, w.j: 2})
    different = parse_condition(Ne(w.i, w.j))
    assert different.text == "i != j"
    assert different.admits({w.i: 1, w.j: 2}) and not different.admits({w.i: 2, w.j: 2})
    assert not parse_condition(None)
    with pytest.raises(ValueError):
        parse_condition(sympy.Lt(w.i, w.j))


# ---------------------------------------------------------------- property: rewrites keep values


def _summand(w, choice: int, coefficient: int):
    k = w.k
    terms = {
        0: w.a[k],
        1: KroneckerDelta(w.j, k) * exp(w.a[k]),
        2: KroneckerDelta(k, w.i) * w.a[w.j],
        3: w.x * w.a[k] ** 2,
        4: KroneckerDelta(w.i + 1, k) * w.a[k],
        5: w.x * w.a[w.j],  # free of the summation index
    }
    return coefficient * terms[choice]


@hypothesis_settings(max_examples=25, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(-3, 3)), min_size=1, max_size=4), st.integers(0, 2))
def test_normalization_keeps_the_value_at_points_of_the_domain(choices, wrap):
    w = softmax_world()
    summand = sympy.Add(*[_summand(w, c, n) for c, n in choices])
    wrapped = {0: Sum(summand, (w.k, 1, w.N)),
               1: w.a[w.i] * Sum(summand, (w.k, 1, w.N)) + Sum(w.y[w.l], (w.l, 1, w.K)),
               2: Sum(Sum(summand * w.a[w.l], (w.k, 1, w.N)), (w.l, 1, w.N))}[wrap]
    universe = Universe.from_scope(w.bare)
    facts = index_facts(universe, Condition())
    rewritten = normalize(wrapped, facts)
    for point in exact_points([wrapped, rewritten], universe, attempts=6):
        before, after = point.evaluate(wrapped), point.evaluate(rewritten)
        assert sympy.simplify(before - after) == 0
