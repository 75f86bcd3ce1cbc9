"""Numeric gradient checks that do not trust the algebra.

A `CompiledGradientCheck` holds a scalar loss in the vector ``wrt`` and a closed-form
gradient component with free index ``index``. For each size K in ``spec.sizes``:

1. the checked size is set to K and every other declared size (e.g. the number of
   examples) to min(K, OTHER_SIZE): a closed form wrong for some number of examples is
   already wrong for two, and small sizes keep the expansion small;
2. definitions from ``scope.definitions`` are unfolded by the engine's own unfolder
   (`symcheck.canonical.Unfolder`: capture-free, derivatives by a defined quantity taken
   with that quantity as the variable), once for all sizes with the sizes put in
   afterwards, or, where a derivative, substitution or case distinction is left, anew
   with the sizes fixed;
3. the loss and the K gradient components (the closed form instantiated once, then its
   index set per component) are evaluated with numpy (float64, `floats`: no generated
   code) over the entries they read, their finite sums walked with the sizes and index
   values bound (`floats.walked`; the expression unfolded once serves every size); where
   the walk cannot tell, the sums are written out term by term;
4. ``points`` seeded points are drawn: entries of ``wrt`` standard normal (numpy
   Generator), other vectors and scalars inside their declared domain by the engine's
   sampler `symcheck.sampling.random_points` (probability rows positive and summing
   to 1, one-hot rows a unit vector, positive entries in (0, 3], ...), as float64;
5. each component is compared with the central difference
   ``(L(x + h_i e_i) - L(x - h_i e_i)) / (2 h_i)`` where ``h_i = h * max(1, |x_i|)``
   and ``h = 1e-6``.

Errors: ``abs = |fd - g|`` and ``rel = abs / max(1, |fd|, |g|)`` (a safeguarded relative
error). A size passes, as in torch.autograd.gradcheck, when every component at every
point has ``abs <= ATOL + RTOL * |fd|`` (the finite difference is the reference),
with ``ATOL = RTOL = 1e-6``. Central differences in float64 with h = 1e-6 are
accurate to about 1e-9 here, while a wrong closed form is off by O(0.1).

`step_sweep` gives the largest absolute error for h = 1e-1 .. 1e-12: truncation error
dominates for large h and rounding error for small h, hence the V shape on a log-log plot.

Everything is deterministic: the numpy Generator is seeded from ``seed`` and the size.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from typing import Callable, Optional, Sequence, TypeVar

import numpy as np
import sympy
from sympy import Indexed

from symcheck.engine import floats
from symcheck.engine.canonical import Unfolder, UnfoldError, rules_from_scope
from symcheck.model.compiled import CompiledGradientCheck
from symcheck.model import GradientCheckResult
from symcheck.engine.sampling import MAX_TERMS, Point, Universe, in_domain, random_points, write_out_sums
from symcheck.engine.walk import NotDirect, Walk
from symcheck.model.symbols import CompiledDefinition, Scope, SymbolTable

STEP = 1e-6
REL_TOLERANCE = 1e-6
ATOL = 1e-6  # torch.autograd.gradcheck's criterion |fd - g| <= atol + rtol * |fd|
RTOL = 1e-6
T = TypeVar("T")
SWEEP_STEPS: tuple[float, ...] = tuple(10.0**-e for e in range(1, 13))


class NumericError(Exception):
    """An expression cannot be evaluated numerically (and why)."""


# ---------------------------------------------------------------- unfolding


OTHER_SIZE = 2  # sizes other than the checked one (e.g. the number of examples)


def size_map(scope: Scope, value: int, main: Optional[sympy.Symbol] = None) -> dict[sympy.Symbol, sympy.Integer]:
    """The size `main` (every size, when None) set to `value`; the others to at most OTHER_SIZE.

    A closed form that is wrong for some number of examples is already wrong for two, and
    keeping the other sizes small keeps the symbolic expansion of the loss small."""
    return {
        symbol: sympy.Integer(value if main is None or symbol == main else min(value, OTHER_SIZE))
        for symbol in scope.table.sizes.values() if isinstance(symbol, sympy.Symbol)
    }


def sized_unfolder(scope: Scope, sizes: dict) -> Unfolder:
    """The engine's unfolder for `scope` with the given sizes fixed (cached per sizes)."""
    return _sized_unfolder(tuple(scope.definitions), tuple(scope.assumptions), tuple(sorted(sizes.items(), key=str)))


@functools.lru_cache(maxsize=64)
def _sized_unfolder(definitions: tuple, assumptions: tuple, sizes: tuple) -> Unfolder:
    values = dict(sizes)
    sized = [CompiledDefinition(d.target, d.params, sympy.sympify(d.body).xreplace(values)) for d in definitions]
    facts = [sympy.sympify(fact).xreplace(values) for fact in assumptions]
    return Unfolder(rules_from_scope(Scope(SymbolTable(), sized, facts)))  # rules need no symbol table


def instantiate(expr, scope: Scope, size: int, extra: Optional[dict] = None,
                main: Optional[sympy.Symbol] = None) -> sympy.Expr:
    """`expr` with sizes from `size_map`, `extra` substituted, definitions unfolded, sums expanded."""
    return _evaluate(unfolded(expr, scope, size, extra, main))


def unfolded(expr, scope: Scope, size: int, extra: Optional[dict] = None,
             main: Optional[sympy.Symbol] = None) -> sympy.Expr:
    """`expr` with sizes from `size_map`, `extra` substituted, definitions unfolded: the
    unfolding at any size with the sizes put in afterwards, where it leaves nothing whose
    value the sizes could change (no derivative, substitution or case distinction left),
    else unfolded anew with the sizes fixed."""
    sizes = size_map(scope, size, main)
    general = _unfolded_at_any_size(sympy.sympify(expr), scope)
    if general is not None:
        return general.xreplace(sizes).xreplace(extra or {})
    expr = sympy.sympify(expr).xreplace(sizes)
    if extra:
        expr = expr.xreplace(extra)
    unfolder = sized_unfolder(scope, sizes)
    try:
        expr = unfolder(expr)
    except UnfoldError as error:
        raise NumericError(str(error)) from None
    return expr


_SIZE_DEPENDENT = (sympy.Derivative, sympy.Subs, sympy.Piecewise)


def _unfolded_at_any_size(expr: sympy.Expr, scope: Scope) -> Optional[sympy.Expr]:
    """`expr` unfolded with no size fixed (once for every size of a check: substituting
    the sizes afterwards gives the same expression as unfolding with them); None where
    it cannot be, or something is left whose unfolding may depend on the sizes."""
    try:
        general = sized_unfolder(scope, {})(expr)
    except UnfoldError:
        return None
    return None if general.has(*_SIZE_DEPENDENT) else general


def _evaluate(expr: sympy.Basic) -> sympy.Basic:
    """Finite sums written out term by term (xreplace, much faster than Sum.doit), then
    whatever else is left (derivatives) evaluated."""
    expr = write_out_sums(expr)
    return expr.doit() if expr.has(sympy.Derivative, sympy.Sum, sympy.Product) else expr


# ---------------------------------------------------------------- the check


@functools.lru_cache(maxsize=4096)
def _sort_key(obj) -> str:
    """srepr, once per entry (every size of every check sorts the same entries again)."""
    return sympy.srepr(obj)


@dataclass
class _Prepared:
    size: int
    variables: list[Indexed]  # wrt entries, in component order
    others: list[sympy.Basic]  # other free entries and scalars
    loss: object  # callable(*variables, *others) -> float
    gradient: list  # callables, one per component
    scope: Scope

    @functools.cached_property
    def universe(self) -> Universe:
        """The declared domains the points are drawn in (one for all points of a size)."""
        return Universe.from_scope(self.scope)


def _free_entries(exprs: Sequence[sympy.Expr]):
    indexed: set[Indexed] = set()
    symbols: set[sympy.Symbol] = set()
    for expr in exprs:
        indexed |= expr.atoms(Indexed)
        symbols |= {s for s in expr.free_symbols if isinstance(s, sympy.Symbol)}
    # symbols that only occur as indices or labels are not values
    for entry in indexed:
        symbols.discard(entry.base.label)
        for index in entry.indices:
            symbols -= index.free_symbols
    return indexed, symbols


def _component_range(check: CompiledGradientCheck, size: int) -> list[int]:
    bounds = check.scope.table.index_ranges.get(check.index)
    sizes = size_map(check.scope, size, check.size)
    if bounds is None:
        return list(range(1, size + 1))
    lower = sympy.sympify(bounds[0]).xreplace(sizes)
    upper = sympy.sympify(bounds[1]).xreplace(sizes)
    if not (lower.is_Integer and upper.is_Integer):
        return list(range(1, size + 1))
    return list(range(int(lower), int(upper) + 1))


def _check_evaluable(expr: sympy.Expr, what: str) -> None:
    undefined = sorted({type(f).__name__ for f in expr.atoms(sympy.core.function.AppliedUndef)})
    if undefined:
        raise NumericError(f"{what} uses undefined function(s) {', '.join(undefined)}")
    if expr.has(sympy.Derivative, sympy.Sum, sympy.Product, sympy.Integral):
        raise NumericError(f"{what} still holds an unevaluated derivative, sum or integral")


def _on_prepared(check: CompiledGradientCheck, size: int, use: Callable[[_Prepared], T]) -> T:
    """`use` of the check walked at `size`, or written out where the walk cannot tell
    (which the first evaluation finds: `use` evaluates each function once)."""
    prep = _prepare_walked(check, size)
    if prep is not None:
        try:
            return use(prep)
        except floats.NotEvaluable:
            pass
    return use(_prepare_written_out(check, size))


def _prepare_walked(check: CompiledGradientCheck, size: int) -> Optional[_Prepared]:
    """The loss and the closed form, unfolded but not written out, evaluated by walking
    their sums (component i: the closed form with its index bound to i); None where the
    walk cannot find what takes a value, and floats.NotEvaluable from a function where it
    cannot evaluate it (a derivative left, an undefined function ...)."""
    loss, general, sizes = _unfolded_for_walks(check, size)
    components = _component_range(check, size)
    walks = [Walk(sizes, {}, MAX_TERMS)] + [Walk({**sizes, check.index: sympy.Integer(i)}, {}, MAX_TERMS)
                                            for i in components]
    try:
        atoms = walks[0].atoms(loss).union(*(walk.atoms(general) for walk in walks[1:]))
    except NotDirect:
        return None
    variables, others = _variables_and_others(check, components, {a for a in atoms if isinstance(a, Indexed)},
                                              {a for a in atoms if not isinstance(a, Indexed)})
    order = [*variables, *others]

    def at(expr: sympy.Expr, walk: Walk) -> Callable:
        return lambda *values: floats.walked(expr, dict(zip(order, values)), walk)

    functions = [at(loss, walks[0])] + [at(general, walk) for walk in walks[1:]]
    return _Prepared(size, variables, others, functions[0], functions[1:], check.scope)


def _unfolded_for_walks(check: CompiledGradientCheck, size: int) -> tuple[sympy.Expr, sympy.Expr, dict]:
    """The loss and the closed form unfolded for a walk at `size`, and the sizes the walk
    binds: unfolded at any size with the sizes bound by the walk (no tree rebuilt per
    size), else unfolded with the sizes put in (and none left to bind)."""
    general = [_unfolded_at_any_size(sympy.sympify(e), check.scope) for e in (check.loss, check.gradient)]
    if None not in general:
        return general[0], general[1], {**size_map(check.scope, size, check.size), check.size: sympy.Integer(size)}
    extra = {check.size: sympy.Integer(size)}
    loss, closed = (unfolded(e, check.scope, size, extra, check.size) for e in (check.loss, check.gradient))
    return loss, closed, {}


def _prepare_written_out(check: CompiledGradientCheck, size: int) -> _Prepared:
    scope = check.scope
    extra = {check.size: sympy.Integer(size)}
    loss = instantiate(check.loss, scope, size, extra, check.size)
    components = _component_range(check, size)
    general = instantiate(check.gradient, scope, size, extra, check.size)
    gradients = [_component(general, check, scope, size, i) for i in components]
    _check_evaluable(loss, "the loss")
    for g in gradients:
        _check_evaluable(g, "the closed-form gradient")
    indexed, symbols = _free_entries([loss, *gradients])
    variables, others = _variables_and_others(check, components, indexed, symbols)
    placeholders = [sympy.Symbol(f"_v{n}") for n in range(len(variables) + len(others))]
    mapping = dict(zip([*variables, *others], placeholders))
    loss_fn = numeric_function(placeholders, loss.xreplace(mapping))
    grad_fns = [numeric_function(placeholders, g.xreplace(mapping)) for g in gradients]
    return _Prepared(size, variables, others, loss_fn, grad_fns, scope)


def _variables_and_others(check: CompiledGradientCheck, components: list[int], indexed: set,
                          symbols: set) -> tuple[list[Indexed], list[sympy.Basic]]:
    """The entries of `wrt` in component order, and every other value the loss and the
    closed form read (entries, then scalars), in a stable order."""
    wrt_name = str(check.wrt.label)
    variables = [check.wrt[i] for i in components]
    free_index = {check.index} & symbols
    if free_index:
        raise NumericError(f"index {check.index} is still free after instantiation")
    others_indexed = sorted(
        (e for e in indexed if str(e.base.label) != wrt_name), key=_sort_key
    )
    stray = sorted(
        (e for e in indexed if str(e.base.label) == wrt_name and e not in set(variables)),
        key=_sort_key,
    )
    if stray:
        raise NumericError(
            f"the loss uses {', '.join(map(str, stray))} outside the components of {wrt_name}"
        )
    others_scalars = sorted(symbols, key=lambda s: s.name)
    return variables, [*others_indexed, *others_scalars]


def numeric_function(placeholders: Sequence[sympy.Symbol], expr: sympy.Expr) -> Callable:
    """A numpy function of `placeholders` computing `expr` (each argument a number or an
    array of points).

    No code is generated (`floats` walks the tree with a table of numpy functions), and
    the expression must hold only the generated placeholders, numbers and SymPy's own
    functions: anything else (a symbol, an undefined function, a foreign object, a
    function the table does not know) is refused before any evaluation."""
    allowed = set(placeholders)
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, _NOT_NUMERIC) or not type(node).__module__.startswith("sympy."):
            raise NumericError(f"{type(node).__name__} cannot be evaluated numerically")
        if isinstance(node, sympy.Symbol) and node not in allowed:
            raise NumericError(f"{node} is still free after instantiation")
    try:
        floats.evaluate(expr, dict.fromkeys(placeholders, 1.0))
    except floats.NotEvaluable as unknown:
        raise NumericError(f"{unknown} cannot be evaluated numerically") from None
    return lambda *values: floats.evaluate(expr, dict(zip(placeholders, values)))


_NOT_NUMERIC = (sympy.core.function.AppliedUndef, sympy.Dummy, sympy.Indexed, sympy.IndexedBase, sympy.MatrixSymbol)


def _component(general: sympy.Expr, check: CompiledGradientCheck, scope: Scope, size: int, i: int) -> sympy.Expr:
    """Component i of the closed form: the general form with the index set (Kronecker deltas
    evaluate on rebuilding), or instantiated afresh when the index still sits in a sum."""
    value = sympy.Integer(i)
    component = general.xreplace({check.index: value})
    if component.has(sympy.Sum, sympy.Product, sympy.Piecewise, sympy.Derivative):
        component = instantiate(check.gradient, scope, size, {check.size: sympy.Integer(size), check.index: value},
                                check.size)
    return component


def _rng(seed: int, size: int, salt: int = 0) -> np.random.Generator:
    return np.random.default_rng([int(seed), int(size), int(salt)])


def _draw_point(
    prep: _Prepared, rng: np.random.Generator, domain_rng: random.Random
) -> tuple[np.ndarray, list[float]]:
    """`wrt` entries standard normal (float64); everything else inside its declared
    domain, drawn by `symcheck.engine.sampling` (the engine's domain sampler), as float64."""
    x = rng.standard_normal(len(prep.variables))
    if not prep.others:
        return x, []
    universe = prep.universe
    # the sampler needs only what takes a value, not the (large) loss around it
    for point in random_points(prep.others, universe, domain_rng, (prep.size,)):
        # constrained vectors are filled when the point is built, the rest on evaluation
        values = [_drawn(point, o) for o in prep.others]
        if in_domain(point, universe) and all(v.is_number for v in values):
            return x, [floats.number(v) for v in values]
    raise NumericError("no point inside the declared domains was found")


def _drawn(point: Point, atom: sympy.Expr) -> sympy.Expr:
    """`point.evaluate(atom)` of an entry with integer indices or of a scalar that is no
    size or index: its value, drawn now if not yet (as `evaluate` draws it), without
    walking an expression around it; anything else is evaluated."""
    entry = isinstance(atom, Indexed) and all(index.is_Integer for index in atom.indices)
    scalar = isinstance(atom, sympy.Symbol) and atom not in point.sizes and atom not in point.indices
    if not (entry or scalar):
        return point.evaluate(atom)
    if atom not in point.values and point.fill is not None:
        point.values[atom] = point.fill(atom)
    return sympy.sympify(point.values[atom]) if atom in point.values else point.evaluate(atom)


def _errors_at(prep: _Prepared, xs: Sequence[np.ndarray], others: Sequence[list[float]], steps: Sequence[float]):
    """(fd, closed form) per component, for each point xs[p] (with others[p]) and each step
    h in `steps[p]`: x_i shifted by h_i = h max(1, |x_i|). The loss at all 2n shifted
    copies of every point in one evaluation, each component at every point in one."""
    n = len(prep.variables)
    shifts = [np.diag(h * np.maximum(1.0, np.abs(x))) for x, h in zip(xs, steps)]
    rows = np.vstack([np.vstack([x + shift, x - shift]) for x, shift in zip(xs, shifts)])
    repeat = lambda values, count: [np.repeat(np.asarray(column, dtype=float), count) for column in values]  # noqa: E731
    other_columns = list(zip(*others)) if prep.others else []
    with np.errstate(all="ignore"):
        values = _at_rows(prep.loss, [*rows.T, *repeat(other_columns, 2 * n)], len(rows)).reshape(len(xs), 2 * n)
        closed = np.array([_at_rows(g, [*np.array(xs).T, *map(np.asarray, other_columns)], len(xs))
                           for g in prep.gradient]).reshape(n, len(xs)).T
        widths = np.array([np.diag(x + shift) - np.diag(x - shift) for x, shift in zip(xs, shifts)])
        fds = (values[:, :n] - values[:, n:]) / widths
    return list(zip(fds, closed))


def _at_rows(function: Callable, columns: list, count: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(function(*columns), dtype=float), (count,))


def run_gradient_check(
    check: CompiledGradientCheck, *, seed: int = 0, points: int = 5
) -> list[GradientCheckResult]:
    """One `GradientCheckResult` per size in ``check.spec.sizes`` (see module docstring),
    each with its step-size sweep.

    Raises `NumericError` when the loss or gradient cannot be evaluated numerically.
    """
    return [_on_prepared(check, size, lambda prep: _result(check, prep, seed, points)) for size in check.spec.sizes]


def _result(check: CompiledGradientCheck, prep: _Prepared, seed: int, points: int) -> GradientCheckResult:
    """The check at one size: the points and the sweep's point in one evaluation per function."""
    size = prep.size
    rng = _rng(seed, size)
    domain_rng = random.Random(1_000_003 * int(seed) + int(size))
    drawn = [_draw_point(prep, rng, domain_rng) for _ in range(points)]
    swept = _sweep_point(prep, seed, size)
    count = len(SWEEP_STEPS)
    errors = _errors_at(prep, [x for x, _ in drawn] + [swept[0]] * count, [o for _, o in drawn] + [swept[1]] * count,
                        [STEP] * points + list(SWEEP_STEPS))
    max_abs = max_rel = max_excess = 0.0
    for fd, closed in errors[:points]:
        abs_err = np.abs(fd - closed)
        rel_err = abs_err / np.maximum(1.0, np.maximum(np.abs(fd), np.abs(closed)))
        excess = abs_err / (ATOL + RTOL * np.abs(fd))
        if not all(np.all(np.isfinite(e)) for e in (abs_err, rel_err, excess)):
            max_abs = max_rel = max_excess = float("inf")
            continue
        max_abs = max(max_abs, float(abs_err.max(initial=0.0)))
        max_rel = max(max_rel, float(rel_err.max(initial=0.0)))
        max_excess = max(max_excess, float(excess.max(initial=0.0)))
    return GradientCheckResult(
        name=check.spec.name,
        size=size,
        max_abs_error=max_abs,
        max_rel_error=max_rel,
        points=points,
        passed=bool(max_excess <= 1.0),
        atol=ATOL,
        rtol=RTOL,
        max_excess=max_excess,
        step=STEP,
        sweep=tuple(_sweep_errors(errors[points:])),
    )


def step_sweep(
    check: CompiledGradientCheck, size: int, *, seed: int = 0
) -> list[tuple[float, float]]:
    """(h, largest absolute error over components) for h = 1e-1 .. 1e-12 at one seeded point."""
    return _on_prepared(check, size, lambda prep: _swept(prep, seed))


def _swept(prep: _Prepared, seed: int) -> list[tuple[float, float]]:
    x, others = _sweep_point(prep, seed, prep.size)
    count = len(SWEEP_STEPS)
    return _sweep_errors(_errors_at(prep, [x] * count, [others] * count, SWEEP_STEPS))


def _sweep_point(prep: _Prepared, seed: int, size: int) -> tuple[np.ndarray, list[float]]:
    return _draw_point(prep, _rng(seed, size, salt=1), random.Random(1_000_003 * int(seed) + int(size) + 7))


def _sweep_errors(errors: Sequence[tuple]) -> list[tuple[float, float]]:
    out = []
    for h, (fd, closed) in zip(SWEEP_STEPS, errors):
        err = np.abs(fd - closed)
        out.append((h, float(err.max(initial=0.0)) if np.all(np.isfinite(err)) else float("inf")))
    return out
