"""The shortcuts that make evaluation at points cheap give what the plain SymPy operations give."""

import numpy
import pytest
import sympy
from sympy import Function, IndexedBase, Integer, Piecewise, Product, Sum, Symbol

from symcheck.engine.gradcheck import NumericError, numeric_function
from symcheck.engine.indexcalc import rename_bound
from symcheck.engine.sampling import substitute, write_out_sums
from symcheck.engine.walk import Walk

k, l, m, n, N, i = sympy.symbols("k l m n N i", integer=True)
a, b = IndexedBase("a", real=True), IndexedBase("b", positive=True)
x = Symbol("x", real=True)
_k0, _k1 = Symbol("_k0", integer=True), Symbol("_k1", integer=True)


@pytest.mark.parametrize("expr", [
    Sum(a[k], (k, 1, 4)),
    Product(Sum(b[k] ** l, (k, 1, 3)), (l, 1, 2)),
    Sum(Piecewise((a[k], k < 2), (b[k], True)) * x, (k, 1, 3)),  # a body SymPy folds when building
    sympy.exp(Sum(sympy.log(b[k]), (k, 1, 3))) * (1 + Sum(b[k], (k, 2, 1))),  # an empty sum
])
def test_written_out_sums_equal_sympys_own(expr):
    written = write_out_sums(expr)
    assert not written.has(Sum, Product)
    assert sympy.simplify(written - expr.doit()) == 0


def test_inner_bounds_may_depend_on_outer_variables():
    by_hand = sum(a[p] * b[q] for p in range(1, 4) for q in range(1, p + 1))
    assert write_out_sums(Sum(Sum(a[k] * b[l], (l, 1, k)), (k, 1, 3))) == by_hand
    assert write_out_sums(Sum(a[k, l], (k, 1, l), (l, 1, 3))) == sum(a[p, q] for q in range(1, 4) for p in range(1, q + 1))


def test_a_substitution_equals_xreplace_and_shares_each_entry():
    expr = Sum(a[k] * b[i], (k, 1, N)) + a[i] ** 2 + b[N]
    values = {N: Integer(3), i: Integer(2)}
    once, again = substitute(expr, values), substitute(expr + x, values)
    assert once == expr.xreplace(values)
    (shared,) = {entry for entry in once.atoms(sympy.Indexed) if entry == a[2]}
    assert any(entry is shared for entry in again.atoms(sympy.Indexed))


def test_shadowed_bound_variables_are_renamed_apart_once_per_expression():
    f = Function("f")
    shadowed = Sum(f(k) * Sum(f(k), (k, 1, n)), (k, 1, m))
    renamed = rename_bound(shadowed)
    (inner_sum,) = renamed.function.atoms(Sum)
    outer, inner = renamed.limits[0][0], inner_sum.limits[0][0]
    assert outer != inner and renamed.function == f(outer) * Sum(f(inner), (inner, 1, n))
    assert rename_bound(renamed) is rename_bound(renamed)


def test_gradient_functions_evaluate_arrays_without_generated_code():
    v, w = Symbol("_v0"), Symbol("_v1")
    function = numeric_function([v, w], sympy.exp(v) * w + sympy.log(w) ** 2)
    points = numpy.array([0.5, -1.0, 2.0])
    assert numpy.allclose(function(points, 3.0), numpy.exp(points) * 3.0 + numpy.log(3.0) ** 2)
    with pytest.raises(NumericError):
        numeric_function([v], sympy.gamma(v))  # nothing outside the evaluator's table


def _point(sizes, indices, values, functions=None):
    from symcheck.engine.sampling import Point

    return Point(sizes, indices, functions or {}, dict(values))


f = Function("f")
_WALKED = [
    Sum(a[k] * b[k], (k, 1, N)) + a[i] ** 2,
    Product(Sum(b[k] ** l, (k, 1, N)), (l, 1, 2)),
    Sum(a[i] * Sum(a[i], (i, 1, N)), (k, 1, 2)),  # a summed i shadows the free i inside only
    Sum(Piecewise((a[k], k < 2), (b[k], True)) * sympy.KroneckerDelta(k, i) * x, (k, 1, N)),
    sympy.exp(Sum(sympy.log(b[k]), (k, 1, N))) * (1 + Sum(b[k], (k, 2, 1))),  # an empty sum
    sympy.log(Sum(sympy.exp(a[k] + f(x)), (k, 1, N))) + b[N] / a[i + 1],
    # an inner sum the same for every outer term (added up once), and one that is not
    Sum(sympy.exp(a[k]) / Sum(sympy.exp(a[l]), (l, 1, N)), (k, 1, N)) + Sum(a[k] * Sum(a[l] * b[k], (l, 1, N)), (k, 1, N)),
]


@pytest.mark.parametrize("expr", _WALKED)
def test_a_walked_value_equals_sympys_substitution_and_doit(expr):
    from symcheck.engine.sampling import _direct_atoms, _key

    sizes, indices = {N: 3}, {i: 2}
    values = {x: sympy.Rational(1, 3), **{a[p]: sympy.Rational(p, 7) - 1 for p in range(1, 4)},
              **{b[p]: sympy.Rational(p, 5) for p in range(1, 4)},
              **{a[p, q]: sympy.Rational(p + 2 * q, 3) for p in range(1, 4) for q in range(1, 4)}}
    functions = {f: sympy.Lambda(x, x**2 + 1)}
    point = _point(sizes, indices, values, functions)
    assert _direct_atoms(expr, _key(sizes), _key(indices), _key(functions)) is not None  # the walk, not the fallback
    plain = expr.subs({N: 3, i: 2}).doit().replace(f, functions[f]).xreplace(values)
    assert abs(sympy.N(point.evaluate(expr) - plain, 40)) < 1e-35


def test_walked_inner_bounds_may_depend_on_outer_variables():  # SymPy's doit leaves these unevaluated
    values = {**{a[p]: Integer(p) for p in range(1, 4)}, **{b[p]: Integer(10 * p) for p in range(1, 4)},
              **{a[p, q]: Integer(p * 10 ** q) for p in range(1, 4) for q in range(1, 4)}}
    point = _point({N: 3}, {}, values)
    assert point.evaluate(Sum(Sum(a[k] * b[l], (l, 1, k)), (k, 1, N))) == sum(
        p * 10 * q for p in range(1, 4) for q in range(1, p + 1))
    assert point.evaluate(Sum(a[k, l], (k, 1, l), (l, 1, N))) == sum(
        p * 10 ** q for q in range(1, 4) for p in range(1, q + 1))


def test_the_walk_finds_the_atoms_the_written_out_tree_has():
    from symcheck.engine.sampling import _direct_atoms, _key, _value_atoms, structure

    expr = Sum(a[k] * b[i] * x, (k, 1, N)) + a[i] ** 2
    sizes, indices = {N: 3}, {i: 2}
    walked = _direct_atoms(expr, _key(sizes), _key(indices), ())
    assert walked == _value_atoms(structure(expr, sizes, indices, {})) == {a[1], a[2], a[3], b[2], x}


def test_one_walk_finds_the_atoms_of_two_expressions_sharing_a_sum():
    walk = Walk({N: Integer(2)}, {}, 100)
    total = Sum(a[k], (k, 1, N))
    assert walk.atoms(total + x) == {x, a[1], a[2]}
    assert walk.atoms(2 * total) == {a[1], a[2]}  # the sum was visited before, for the other expression
    assert walk.value(total, {a[1]: Integer(1), a[2]: Integer(2)}) == 3


def test_what_the_walk_cannot_evaluate_takes_the_written_out_path():
    derivative = sympy.Derivative(Sum(a[k] ** 2, (k, 1, N)), a[1])
    point = _point({N: 2}, {}, {a[1]: Integer(3), a[2]: Integer(5)})
    assert point._direct(derivative) is None and point.evaluate(derivative) == 6
    assert point._direct(Sum(a[k], (k, 1, x))) is None  # a range that is not concrete
    singular = b[2] * a[i] / a[1]  # written out at i = 1, SymPy cancels a_1 / a_1 before 0 is put in
    at_zero = _point({}, {i: 1}, {a[1]: Integer(0), b[2]: Integer(3)})
    assert at_zero._direct(singular) is None and at_zero.evaluate(singular) == 3


def test_a_document_decides_each_distinct_equation_once():
    from types import SimpleNamespace

    from symcheck.engine.settings import Settings
    from symcheck.verify.documents import once_per_equation

    asked = []
    decide = once_per_equation(lambda eq, settings: asked.append(eq) or len(asked))
    scope, other_scope = object(), object()
    step = lambda lhs, scope=scope, kind="step": SimpleNamespace(kind=kind, lhs=lhs, rhs=x, chain_condition=None, scope=scope)
    verdicts = [decide(eq, Settings()) for eq in (step(x + 1), step(x + 1), step(x + 2), step(x + 1, other_scope),
                                                  step(x + 1, kind="claim"), step(sympy.Matrix([x])), step(sympy.Matrix([x])))]
    assert verdicts == [1, 1, 2, 3, 4, 5, 6]  # the same sides, scope and kind once; a mutable matrix every time
    assert decide(step(x + 1), Settings(seed=1)) == 7  # other settings: decided again


def test_variables_bound_by_other_constructs_are_left_to_the_written_out_path():
    from symcheck.engine.sampling import Point

    point = Point({N: 2}, {}, {}, {a[1]: Integer(3), a[2]: Integer(5)}, lambda atom: Integer(7))  # draws values
    assert point._direct(sympy.Limit(sympy.sin(x) / x, x, 0) + a[1]) is None  # x is bound: never given a value
    assert point._direct(sympy.Integral(x, (x, 0, a[1]))) is None
    reversed_range = Sum(a[k], (k, 3, 1))  # SymPy's (Karr's) convention: minus the sum over 2..2, by doit
    assert point._direct(reversed_range) is None and point.evaluate(reversed_range) == -5
    limit = sympy.Limit(sympy.sin(x) / x, x, 0)
    assert point.evaluate(limit + a[1]) == limit + 3 and x not in point.values


@pytest.mark.parametrize("expr", _WALKED[:2] + _WALKED[4:] + [  # a case distinction (_WALKED[3]) is not walked in floats
    Sum(sympy.KroneckerDelta(k, i) * a[k] * Product(b[l], (l, 1, k)), (k, 1, N)) + Sum(a[k], (k, 3, 2)),
])
def test_a_float_walk_equals_sympys_substitution_and_doit(expr):
    from symcheck.engine import floats

    values = {x: sympy.Rational(1, 3), **{a[p]: sympy.Rational(p, 7) - 1 for p in range(1, 4)},
              **{b[p]: sympy.Rational(p, 5) for p in range(1, 4)}}
    functions = {f: sympy.Lambda(x, x**2 + 1)}
    point = _point({N: 3}, {i: 2}, values, functions)
    columns = {atom: numpy.array([float(value), float(value)]) for atom, value in values.items()}
    plain = expr.subs({N: 3, i: 2}).doit().replace(f, functions[f]).xreplace(values)
    walked = floats.walked(expr, columns, point.walker())
    assert numpy.allclose(walked, float(plain), rtol=1e-12, atol=0)


def test_what_the_float_walk_cannot_evaluate_is_refused():
    from symcheck.engine import floats

    point = _point({N: 2}, {}, {})
    columns = {a[1]: 1.0, a[2]: 2.0}
    for refused in (sympy.Derivative(Sum(a[k] ** 2, (k, 1, N)), a[1]), Sum(a[k], (k, 1, x)), a[3], sympy.gamma(a[1])):
        with pytest.raises(floats.NotEvaluable):
            floats.walked(refused, columns, point.walker())


def test_an_unfolding_is_shared_by_equal_rules_only():
    from symcheck.engine.canonical import Unfolder, rules_from_scope
    from symcheck.model.symbols import CompiledDefinition, Scope, SymbolTable

    p, y = Symbol("p"), Symbol("y")
    def rules(body):
        return rules_from_scope(Scope(SymbolTable(), [CompiledDefinition(p, (), body)], []))
    once = Unfolder(rules(x**2))(p + 1)
    assert once == x**2 + 1 and Unfolder(rules(x**2))(p + 1) is once
    assert Unfolder(rules(y))(p + 1) == y + 1


def test_two_sides_sharing_a_term_unfold_and_normalize_it_once(monkeypatch):
    """Neighbouring members of a chain share most of their terms: a term is unfolded (under
    the same rules, at the same depth) and normalized (under the same facts) once."""
    from symcheck.engine import canonical, indexcalc
    from symcheck.model.symbols import CompiledDefinition, Scope, SymbolTable

    q, y = Symbol("q"), Symbol("y")
    shared = Sum(a[k] * q, (k, 1, N))
    rules = canonical.rules_from_scope(Scope(SymbolTable(), [CompiledDefinition(q, (), x**2)], []))
    unfolded, normalized = [], []
    real_unfold, real_normalize = canonical.Unfolder._unfolded, indexcalc._normalized
    monkeypatch.setattr(canonical.Unfolder, "_unfolded",
                        lambda self, e, *rest: unfolded.append(e) or real_unfold(self, e, *rest))
    monkeypatch.setattr(indexcalc, "_normalized", lambda e, facts: normalized.append(e) or real_normalize(e, facts))
    for other in (y, y**3):
        indexcalc.normalize(canonical.Unfolder(rules)(shared + other), indexcalc.IndexFacts())
    assert sum(isinstance(e, Sum) for e in unfolded) == 1 and sum(isinstance(e, Sum) for e in normalized) == 1
    # other facts, other rules: not shared
    indexcalc.normalize(canonical.Unfolder(rules)(shared + y), indexcalc.IndexFacts(minimums={N: 2}))
    assert sum(isinstance(e, Sum) for e in normalized) == 2
    other_rules = canonical.rules_from_scope(Scope(SymbolTable(), [CompiledDefinition(q, (), y)], []))
    assert canonical.Unfolder(other_rules)(shared + y) != canonical.Unfolder(rules)(shared + y)
    assert sum(isinstance(e, Sum) for e in unfolded) == 2


@pytest.mark.parametrize("expr", [
    Sum(a[k] * Sum(a[k] * b[l], (k, 1, N)), (k, 1, m)),  # a summed k shadows the outer k inside only
    Sum(Sum(a[k, l], (k, 1, l)), (l, 1, N)) + Sum(a[l], (l, 1, k)),  # an inner bound on the outer variable; k free
    Sum(a[i] * b[k], (k, 1, N), (i, 1, k)) * x,  # two limits of one sum, the second bounded by the first
    Product(Sum(b[k] ** l, (k, 1, l)), (l, 1, N)) + Sum(b[i], (i, 1, N)) * a[i],  # i bound and free apart
    Sum(a[_k0] * Sum(b[k] * a[_k0], (k, 1, N)), (_k0, 1, N)),  # a canonical name bound where it belongs
    Sum(a[_k1] * Sum(b[_k0] * a[_k1], (_k0, 1, _k1)), (_k1, 1, N)),  # canonical names bound, swapped
    Sum(a[_k0] * Sum(b[_k0], (_k0, 1, N)), (_k0, 1, N)) * b[k],  # a canonical name shadowed
    Sum(a[k] * b[_k0], (k, 1, N)) + Sum(b[_k0], (_k0, 1, N)),  # a canonical name free and bound
])
def test_one_renaming_pass_gives_what_two_give(expr):
    from symcheck.engine.indexcalc import _canonical_names_but, _renamed_apart_first

    free = frozenset(s for s in expr.free_symbols if s.name.startswith("_k"))
    assert rename_bound(expr) == _renamed_apart_first(expr, _canonical_names_but(free))


def test_a_free_canonical_name_is_never_captured():
    for variable in (k, l):
        renamed = rename_bound(Sum(a[variable] * b[_k0], (variable, 1, N)) + a[_k1])
        (total,) = renamed.atoms(Sum)
        assert total.limits[0][0] not in (_k0, _k1) and renamed.free_symbols >= {_k0, _k1, N}
    assert rename_bound(Sum(a[k] * b[_k0], (k, 1, N))) == rename_bound(Sum(a[l] * b[_k0], (l, 1, N)))


def test_names_already_canonical_are_renamed_apart_first():
    outer, inner = Symbol("_k1", integer=True), Symbol("_k0", integer=True)
    swapped = Sum(b[outer] * Sum(a[inner] * b[outer], (inner, 1, N)), (outer, 1, N))  # _k1 outermost
    expected = Sum(b[inner] * Sum(a[outer] * b[inner], (outer, 1, N)), (inner, 1, N))
    assert rename_bound(swapped) == expected


def test_a_rational_as_a_float_is_what_sympy_gives():
    from symcheck.engine.floats import number

    for value in [sympy.Rational(1, 3), sympy.Rational(-2999, 1000), sympy.Rational(10**30 + 1, 7), Integer(5), sympy.pi,
                  Integer(10**400), sympy.Rational(-(10**400), 3)]:
        assert number(value) == float(value)


def test_a_definitions_checks_stop_at_the_first_refutation(monkeypatch):
    from symcheck.engine import ladder
    from symcheck.model import Decision, Domain, SymbolDecl, SymbolKind, Verdict
    from symcheck.model.symbols import CompiledDefinition, Scope, SymbolTable

    refuted = Decision(Verdict.REFUTED, "counterexample", 0.0, "negative")

    def never(*_):
        raise AssertionError("a check after a refutation cannot change the verdict")

    monkeypatch.setitem(ladder._DOMAIN_CHECKS, Domain.UNIT_INTERVAL, (lambda *_: refuted, never))
    table = SymbolTable(declarations={"q": SymbolDecl("q", SymbolKind.SCALAR, domain=Domain.UNIT_INTERVAL)})
    definition = CompiledDefinition(Symbol("q"), (), x - 2)
    assert ladder._definition(definition, Scope(table, [definition], []), ladder.Settings()) == refuted


@pytest.mark.parametrize("expr", [k, 2 * k + 3, 2 * k * N, k**2, sympy.sqrt(2) * k - 3 * k + l, sympy.Abs(k), N - k + 1,
                                  sympy.KroneckerDelta(k, l) + k, sympy.floor(k / 2), k * x, k / 2 + N], ids=str)
def test_a_slope_read_off_the_terms_is_the_derivative(expr):
    from symcheck.engine.indexcalc import _slope

    derivative = sympy.diff(expr, k)
    slope = _slope(sympy.expand(expr), k)
    assert (slope is None) == (not derivative.is_number)
    assert slope is None or sympy.expand(slope - derivative) == 0
