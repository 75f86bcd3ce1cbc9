"""Points inside the declared domains."""

from __future__ import annotations

import random

import pytest
import sympy
from sympy import Eq, Ne, Sum

from symcheck.engine.indexcalc import parse_condition
from symcheck.engine.sampling import Point, Universe, exact_points, in_domain, random_points, satisfies_facts, write_out_sums
from symcheck.model.symbols import Scope

from .engine_fixtures import softmax_world


@pytest.fixture(scope="module")
def w():
    return softmax_world()


@pytest.fixture(scope="module")
def universe(w) -> Universe:
    return Universe.from_scope(w.bare)


def _entries(point: Point, name: str) -> list:
    return [v for k, v in sorted(point.values.items(), key=str) if isinstance(k, sympy.Indexed) and str(k.base) == name]


def test_probability_and_one_hot_vectors_are_valid(w, universe):
    expr = Sum(w.p[w.l] * w.y[w.l], (w.l, 1, w.K))
    points = list(exact_points([expr], universe)) + list(random_points([expr], universe, random.Random(1), (1, 2, 5)))
    assert len(points) > 20
    for point in points:
        probabilities, hot = _entries(point, "p"), _entries(point, "y")
        assert len(probabilities) == point.sizes[w.K] == len(hot)
        assert sum(probabilities) == 1 and all(0 < v < 1 or len(probabilities) == 1 for v in probabilities)
        assert sorted(hot) == [0] * (len(hot) - 1) + [1]
        assert in_domain(point, universe)


def test_first_exact_probability_vector_is_small(w, universe):
    point = next(exact_points([Sum(w.p[w.l], (w.l, 1, w.K))], universe))
    assert point.sizes[w.K] == 2 and _entries(point, "p") == [sympy.Rational(1, 3), sympy.Rational(2, 3)]


def test_positive_scalars_are_positive_and_reals_start_small(w, universe):
    for point in exact_points([w.u + w.x], universe):
        point.evaluate(w.u + w.x)  # scalars are drawn when first needed
        assert point.values[w.u] > 0
    first = next(exact_points([w.x], universe))
    assert first.evaluate(w.x) == 0


def test_indices_are_in_range_distinct_first_and_follow_conditions(w, universe):
    expr = w.a[w.i] + w.a[w.j]
    first = next(exact_points([expr], universe))
    assert first.indices[w.i] != first.indices[w.j]
    for point in exact_points([expr], universe):
        assert all(1 <= v <= point.sizes[w.N] for v in point.indices.values())
    for point in exact_points([expr], universe, parse_condition(Eq(w.i, w.j))):
        assert point.indices[w.i] == point.indices[w.j]
    for point in random_points([expr], universe, random.Random(0), (1, 2, 3), parse_condition(Ne(w.i, w.j))):
        assert point.indices[w.i] != point.indices[w.j]


def test_sizes_cover_concrete_entries(w, universe):
    for point in exact_points([w.y[1] + w.y[2] + w.y[3]], universe):
        assert point.sizes[w.K] >= 3


def test_size_minimum_from_assumptions(w):
    universe = Universe.from_scope(Scope(w.table, [], [sympy.Ge(w.N, 3)]))
    for point in random_points([Sum(w.a[w.k], (w.k, 1, w.N))], universe, random.Random(0), (1, 2, 3, 4)):
        assert point.sizes[w.N] >= 3


def test_functions_are_instantiated_and_named(w, universe):
    expr = sympy.Derivative(w.g(w.x), w.x) * w.h(w.x)
    point = next(exact_points([expr], universe))
    described = point.describe([expr])
    assert described["g(x)"] == "x" and described["h(x)"] == "x + 1"
    assert not point.evaluate(expr).free_symbols


def test_random_points_are_deterministic(w, universe):
    expr = Sum(w.a[w.k], (w.k, 1, w.N)) + w.x
    draw = lambda: [p.describe([expr]) for p in random_points([expr], universe, random.Random(7), (1, 2, 3))]
    assert draw() == draw()


def test_points_outside_the_domain_or_facts_are_rejected(w, universe):
    bad = Point({w.K: 2}, {}, {}, {w.p[1]: sympy.Rational(1, 2), w.p[2]: sympy.Rational(1, 3)})
    assert not in_domain(bad, universe)
    good = Point({w.K: 2}, {}, {}, {w.p[1]: sympy.Rational(1, 2), w.p[2]: sympy.Rational(1, 2)})
    assert in_domain(good, universe)
    negative = Point({}, {}, {}, {w.u: -1})
    assert not in_domain(negative, universe)


def test_a_probability_line_sums_to_1_when_complete_and_never_above_1(w, universe):
    """p has K entries: with all of them present the line sums to exactly 1; with some
    missing (drawn later) the present ones sum to at most 1."""
    half, third = sympy.Rational(1, 2), sympy.Rational(1, 3)
    cases = {
        (half,): True, (half, half): True, (half, third): False,  # K = 2: the second entry completes the line
        (half, half, half): False, (third, third, third): True,  # K = 3, also complete
    }
    for values, expected in cases.items():
        point = Point({w.K: len(values) if len(values) > 1 else 2}, {}, {}, {w.p[n + 1]: v for n, v in enumerate(values)})
        assert in_domain(point, universe) is expected, values
    over = Point({w.K: 3}, {}, {}, {w.p[1]: half, w.p[2]: half + third})
    assert not in_domain(over, universe)  # incomplete, but above 1 already
    facts = Universe.from_scope(Scope(w.table, [], [sympy.Eq(Sum(w.w[w.l], (w.l, 1, w.K)), 1)]))
    assert not satisfies_facts(Point({w.K: 2}, {}, {}, {w.w[1]: 1, w.w[2]: 1}), facts)
    assert satisfies_facts(Point({w.K: 2}, {}, {}, {w.w[1]: 0, w.w[2]: 1}), facts)


def test_finite_sums_are_written_out_even_with_dependent_bounds(w):
    triangle = Sum(w.a[w.j], (w.j, 1, w.k), (w.k, 1, 3))  # inner bound depends on the outer index
    assert write_out_sums(triangle) == 3 * w.a[1] + 2 * w.a[2] + w.a[3]
    assert write_out_sums(Sum(w.a[w.k], (w.k, 1, 0))) == 0
    assert write_out_sums(Sum(w.a[w.k], (w.k, 1, w.N))) == Sum(w.a[w.k], (w.k, 1, w.N))


def test_index_only_in_a_derivative_variable_is_free():
    """SymPy drops j from the free symbols of d/dz_j; the sampler must still assign it."""
    import sympy as sp
    from symcheck.engine.sampling import free_symbols

    z = sp.IndexedBase("z")
    j, l, n = sp.symbols("j l n", integer=True)
    derivative = sp.Derivative(sp.Sum(sp.exp(z[l]), (l, 1, n)), z[j])
    assert j not in derivative.free_symbols
    assert j in free_symbols(derivative)


def test_random_points_sample_every_equality_pattern_of_three_indices(w, universe):
    """Some indices equal and others not (i = j != k ...) is sampled, not only all distinct
    or all equal: a Kronecker delta or an Iverson bracket between indices takes every case."""
    i, j, k = (sympy.Symbol(name, integer=True) for name in "ijk")
    indices = {i: (sympy.Integer(1), w.K)}
    indices.update({j: indices[i], k: indices[i]})
    wide = Universe(universe.table, {**universe.ranges, **indices}, universe.minimums, universe.facts)
    expr = sympy.KroneckerDelta(i, j) + sympy.KroneckerDelta(j, k)
    patterns = set()
    for point in random_points([expr], wide, random.Random(0), (8,), attempts=30):
        a, b, c = (point.indices[s] for s in (i, j, k))
        patterns.add((a == b, b == c, a == c))
    assert {(True, False, False), (False, True, False), (False, False, True), (True, True, True),
            (False, False, False)} <= patterns


def test_a_batch_draws_points_inside_the_domain_whose_floats_are_their_exact_values(w):
    """The float screen's points: probability and one-hot lines, positive and integer-free
    scalars, an entry a given pins (y_l = 1 moves the one-hot line's 1 there)."""
    import numpy

    from symcheck.engine import batch

    scope = Scope(w.table, [], [Eq(w.y[w.l], 1)])
    universe = Universe.from_scope(scope)
    expr = Sum(w.p[w.k] * w.y[w.k], (w.k, 1, w.K)) + w.u * w.x + w.w[w.l]
    template = next(exact_points([expr], universe))
    generator = numpy.random.default_rng(5)
    drawn = batch.draw(template, universe, generator, 16)
    reading = drawn.drawing(universe, generator)
    for atom in sorted(template.used(expr), key=str):
        reading[atom]
    columns = drawn.columns()
    for n in range(16):
        point = drawn.point(n, universe, random.Random(n), (1, 2))
        assert in_domain(point, universe) and satisfies_facts(point, universe)
        assert point.values[w.y[template.indices[w.l]]] == 1
        assert all(float(value) == columns[atom][n] for atom, value in point.values.items())
    assert len({columns[w.x][n] for n in range(16)}) > 8  # drawn afresh at every point


def test_free_symbols_found_node_by_node_are_sympys(w):
    from symcheck.engine.walk import nominal_free

    n = sympy.Symbol("n", integer=True)
    exprs = [
        Sum(w.a[w.k] * w.S[w.j], (w.k, 1, w.N)),
        Sum(Sum(w.a[w.k], (w.k, 1, n)), (n, 1, w.N)),  # an inner bound bound by the outer sum
        sympy.Product(w.p[w.l] ** w.y[w.l], (w.l, 1, w.K)) + w.x,
        sympy.exp(Sum(w.a[w.k], (w.k, w.i, w.N))) * sympy.KroneckerDelta(w.i, w.j),
        sympy.Derivative(Sum(w.a[w.k] ** 2, (w.k, 1, w.N)), w.a[w.j]),
        sympy.Piecewise((w.x, Eq(w.i, w.j)), (w.u, True)),
        sympy.Lambda(w.x, w.x + w.u)(w.k),
        sympy.Integral(w.x * w.u, (w.x, 0, w.N)),
    ]
    for expr in exprs:
        assert nominal_free(expr) == expr.free_symbols


def test_a_batch_draws_what_an_evaluation_reads_when_it_reads_it(w):
    """Columns drawn on first reading (batch.Columns) are values in their domains, the same
    at every later reading, and the points built from them carry them exactly; what is no
    value (a sum, an entry at a symbolic index) is not drawn."""
    import numpy

    from symcheck.engine import batch, floats

    universe = Universe.from_scope(w.bare)
    expr = Sum(w.S[w.k] * w.a[w.k], (w.k, 1, w.N)) + w.u * w.x
    template = next(exact_points([expr], universe))
    drawn = batch.draw(template, universe, numpy.random.default_rng(5), 16)
    columns = drawn.drawing(universe, numpy.random.default_rng(6))
    values = floats.walked(expr, columns, template.walker())
    assert set(columns) == set(template.used(expr))
    assert all(columns[w.u] > 0) and columns[w.x] is columns[w.x]
    for missing in (expr, w.a[w.k]):
        with pytest.raises(KeyError):
            columns[missing]
    for n in range(16):
        point = drawn.point(n, universe, random.Random(n), (1, 2))
        assert in_domain(point, universe)
        assert all(float(value) == columns[atom][n] for atom, value in point.values.items())
        assert abs(float(point.evaluate(expr)) - values[n]) < 1e-9 * max(1, abs(values[n]))
