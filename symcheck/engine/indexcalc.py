"""Index calculus: rewrites of sums, Kronecker deltas and case conditions that SymPy
does not do because it ignores the declared ranges of indices.

Everything here is an equivalence under the facts it is given (`IndexFacts`): index
ranges, size minimums, index pairs known to differ, and vectors whose entries sum to 1
over a known range. The rewrites:

- bound variables renamed canonically (`_k0`, `_k1`, ... by nesting depth) so that sums
  written with different letters compare equal;
- sums split over terms (exponentials and logs in a term brought to one form first),
  factors free of the summation index pulled out, a summand free of it multiplied by the
  number of terms; the log of a product of positive factors is the sum of their logs;
- ``Sum(KroneckerDelta(k, e) * f(k), (k, lo, hi))`` -> ``f(e)`` when e's range lies in
  lo..hi (0 when it lies outside);
- ``Sum(y[k], (k, lo, hi))`` -> 1 for a probability / one-hot vector y whose declared
  range is lo..hi; sums over a short concrete range written out term by term;
- Kronecker deltas and piecewise conditions decided from the ranges and known
  inequalities; ``Piecewise((A, Eq(i, j)), (B, True))`` -> ``KroneckerDelta(i, j)*A +
  (1 - KroneckerDelta(i, j))*B`` for integers i, j.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Callable, Mapping, Optional

import sympy
from sympy import (
    Add,
    And,
    Expr,
    Indexed,
    KroneckerDelta,
    Mul,
    Not,
    Or,
    Piecewise,
    Pow,
    Product,
    Sum,
    Symbol,
)
from sympy.core.relational import Relational

from symcheck.engine.memo import Memo
from symcheck.engine.walk import nominal_free

Range = tuple[Expr, Expr]
Truth = Optional[bool]

BOUND_PREFIX = "_k"
WRITE_OUT_LIMIT = 16  # sums over a concrete range of at most this many terms are written out


@dataclass(frozen=True)
class IndexFacts:
    """What is known about integer symbols while rewriting."""

    ranges: Mapping[Symbol, Range] = field(default_factory=dict)
    minimums: Mapping[Symbol, int] = field(default_factory=dict)
    distinct: frozenset[frozenset] = frozenset()
    normalized: Mapping[str, Range] = field(default_factory=dict)

    @functools.cached_property
    def bounds(self) -> tuple[frozenset, frozenset]:
        """The ranges and size minimums as one hashable value (all that `sign_of` reads)."""
        return frozenset(self.ranges.items()), frozenset(self.minimums.items())

    @functools.cached_property
    def key(self) -> tuple:
        """All the facts as one hashable value."""
        return self.bounds, self.distinct, frozenset(self.normalized.items())

    def with_range(self, symbol: Symbol, lower: Expr, upper: Expr) -> "IndexFacts":
        return replace(self, ranges={**self.ranges, symbol: (lower, upper)})

    def with_distinct(self, first: Expr, second: Expr) -> "IndexFacts":
        return replace(self, distinct=self.distinct | {frozenset((first, second))})


# ---------------------------------------------------------------- conditions


@dataclass(frozen=True)
class Condition:
    """A case such as i = j or i != j: equalities are substituted, differences remembered."""

    equal: tuple[tuple[Symbol, Expr], ...] = ()
    distinct: tuple[tuple[Expr, Expr], ...] = ()
    text: str = ""

    def __bool__(self) -> bool:
        return bool(self.equal or self.distinct)

    def apply(self, expr: Expr) -> Expr:
        """`expr` with the equalities substituted (bound variables are never touched)."""
        return expr.subs(dict(self.equal)) if self.equal else expr

    def facts(self, facts: IndexFacts) -> IndexFacts:
        for first, second in self.distinct:
            facts = facts.with_distinct(first, second)
        return facts

    def admits(self, values: Mapping[Symbol, int]) -> bool:
        """Whether concrete index values satisfy the condition."""
        def value(e: Expr) -> Expr:
            return sympy.sympify(e).xreplace(dict(values))

        return all(value(a) == value(b) for a, b in self.equal) and all(
            value(a) != value(b) for a, b in self.distinct
        )


def _equality(relation: Relational) -> Condition:
    """Eq(i, j): j is replaced by i (the later name by the earlier)."""
    first, second = sorted(relation.args, key=_order_key)
    if not isinstance(second, Symbol):
        first, second = second, first
    if not isinstance(second, Symbol):
        raise ValueError(f"cannot use {relation} as a case condition")
    return Condition(equal=((second, first),), text=f"{relation.lhs} = {relation.rhs}")


def _difference(relation: Relational) -> Condition:
    first, second = sorted(relation.args, key=_order_key)
    return Condition(distinct=((first, second),), text=f"{relation.lhs} != {relation.rhs}")


def _conjunction(boolean: And) -> Condition:
    parts = [parse_condition(arg) for arg in boolean.args]
    return Condition(
        equal=tuple(pair for part in parts for pair in part.equal),
        distinct=tuple(pair for part in parts for pair in part.distinct),
        text=" and ".join(part.text for part in parts),
    )


_CONDITION_PARSERS: dict[type, Callable[[object], Condition]] = {
    sympy.Eq: _equality,
    sympy.Ne: _difference,
    And: _conjunction,
}


def parse_condition(boolean: Optional[object]) -> Condition:
    """A sympy Boolean (Eq, Ne, And of them) or None as a `Condition`."""
    if boolean is None or boolean is sympy.true:
        return Condition()
    parser = _CONDITION_PARSERS.get(type(boolean))
    if parser is None:
        raise ValueError(f"unsupported case condition {boolean}")
    return parser(boolean)


def _order_key(expr: Expr) -> tuple[int, str]:
    return (0 if isinstance(expr, Symbol) else 1, str(expr))


# ---------------------------------------------------------------- bounds and relations


def _size_shift(expr: Expr, facts: IndexFacts) -> Expr:
    """Sizes N >= m written as m + N_ with N_ a nonnegative integer."""
    shift = {}
    for symbol in expr.free_symbols:
        if symbol.is_integer and symbol.is_positive:
            minimum = facts.minimums.get(symbol, 1)
            shift[symbol] = minimum + Symbol(f"{symbol}_", integer=True, nonnegative=True)
    return expr.xreplace(shift)


def _extreme(expr: Expr, facts: IndexFacts, lowest: bool) -> Optional[Expr]:
    """A bound of a linear integer expression over the index ranges, in sizes only."""
    for _ in range(6):
        ranged = sorted((s for s in expr.free_symbols if s in facts.ranges), key=str)
        if not ranged:
            return expr
        for symbol in ranged:
            slope = _slope(expr, symbol)
            if slope is None:
                return None
            lower, upper = facts.ranges[symbol]
            pick_lower = (slope > 0) == lowest
            expr = sympy.expand(expr.xreplace({symbol: lower if pick_lower else upper}))
    return None


def _slope(expr: Expr, symbol: Symbol) -> Optional[Expr]:
    """The derivative of an expanded `expr` by `symbol` if it is a number (`expr` linear in
    it), else None; read off the terms instead of differentiating."""
    slope = []
    for term in Add.make_args(expr):
        if not term.has(symbol):
            continue
        factor, rest = term.as_independent(symbol, as_Add=False)
        if rest != symbol or not factor.is_number:
            return None
        slope.append(factor)
    return Add(*slope)


_SIGNS = Memo(8192)  # sign_of's answers, by expression and bounds


def sign_of(expr: Expr, facts: IndexFacts) -> Truth:
    """True if expr >= 0 always, False if expr < 0 always, None if unknown (once per
    expression and bounds: the same sizes and ranges are asked about at every sum)."""
    return _SIGNS.get((expr, facts.bounds), _sign_of, expr, facts)


def _sign_of(expr: Expr, facts: IndexFacts) -> Truth:
    expr = sympy.expand(expr)
    if expr.is_number:
        return bool(expr >= 0)
    low = _extreme(expr, facts, lowest=True)
    if low is not None and _size_shift(low, facts).is_nonnegative:
        return True
    high = _extreme(expr, facts, lowest=False)
    if high is not None and _size_shift(high, facts).is_negative:
        return False
    return None


def _at_least(big: Expr, small: Expr, facts: IndexFacts) -> Truth:
    return sign_of(big - small, facts)


def _negate(value: Truth) -> Truth:
    return None if value is None else not value


def _equal(relation: Relational, facts: IndexFacts) -> Truth:
    left, right = relation.args
    if sympy.expand(left - right) == 0:
        return True
    if frozenset((left, right)) in facts.distinct:
        return False
    if _at_least(left, right + 1, facts) is True or _at_least(right, left + 1, facts) is True:
        return False
    return None


_RELATIONS: dict[type, Callable[[Relational, IndexFacts], Truth]] = {
    sympy.Le: lambda r, f: _at_least(r.rhs, r.lhs, f),
    sympy.Ge: lambda r, f: _at_least(r.lhs, r.rhs, f),
    sympy.Lt: lambda r, f: _at_least(r.rhs, r.lhs + 1, f),
    sympy.Gt: lambda r, f: _at_least(r.lhs, r.rhs + 1, f),
    sympy.Eq: _equal,
    sympy.Ne: lambda r, f: _negate(_equal(sympy.Eq(*r.args, evaluate=False), f)),
}


def _all_integer(relation: Relational) -> bool:
    return all(arg.is_integer for arg in relation.args)


def decide_relation(condition: object, facts: IndexFacts) -> Truth:
    """Decide a condition on integer indices and sizes: True, False, or None (unknown)."""
    if condition in (sympy.true, True):
        return True
    if condition in (sympy.false, False):
        return False
    if isinstance(condition, And):
        values = [decide_relation(arg, facts) for arg in condition.args]
        return False if False in values else (True if all(values) else None)
    if isinstance(condition, Or):
        values = [decide_relation(arg, facts) for arg in condition.args]
        return True if True in values else (False if all(v is False for v in values) else None)
    if isinstance(condition, Not):
        return _negate(decide_relation(condition.args[0], facts))
    decider = _RELATIONS.get(type(condition))
    if decider is None or not _all_integer(condition):
        return None
    return decider(condition, facts)


def within(expr: Expr, lower: Expr, upper: Expr, facts: IndexFacts) -> Truth:
    """Whether an integer expression always (True) / never (False) lies in lower..upper."""
    above = _at_least(expr, lower, facts)
    below = _at_least(upper, expr, facts)
    if above is True and below is True:
        return True
    if above is False or below is False:
        return False
    return None


# ---------------------------------------------------------------- bound variables


def rebuild(expr: Expr, args: list) -> Expr:
    """`expr` with new arguments; the same object when every argument is unchanged."""
    return expr if all(new is old for new, old in zip(args, expr.args)) else expr.func(*args)


def _canonical_name(depth: int) -> Symbol:
    return Symbol(f"{BOUND_PREFIX}{depth}", integer=True)


def _is_canonical(expr: Expr, depth: int = 0) -> bool:
    """Whether every bound variable is already named `_k<depth>`."""
    if not expr.args:
        return True
    if isinstance(expr, (Sum, Product)):
        count = len(expr.limits)
        if [limit[0] for limit in expr.limits] != [_canonical_name(depth + count - 1 - n) for n in range(count)]:
            return False
        return _is_canonical(expr.function, depth + count)
    return all(_is_canonical(arg, depth) for arg in expr.args)


def rename_bound(expr: Expr) -> Expr:
    """Bound variables of sums and products renamed `_k<depth>` (unique names first,
    so no renaming can capture a free symbol). Once per expression: the result depends on
    the expression only, and the same sides are renamed at every point and every rung."""
    return _rename_bound(expr) if isinstance(expr, sympy.Basic) and expr.__hash__ else _rename_all(expr)


@functools.lru_cache(maxsize=4096)
def _rename_bound(expr: Expr) -> Expr:
    return _rename_all(expr)


def _rename_all(expr: Expr) -> Expr:
    if _is_canonical(expr):
        return expr
    nodes = expr.atoms(Symbol, Sum, Product)
    named = {s for s in nodes if isinstance(s, Symbol) and s.name.startswith(BOUND_PREFIX)}
    fresh = _canonical_names_but(frozenset(named & nominal_free(expr)) if named else frozenset())
    bound = {limit[0] for node in nodes if not isinstance(node, Symbol) for limit in node.limits}
    if named <= bound | fresh.taken:  # every other _k name is renamed with its sum: one pass
        return _rename(expr, fresh, 0)
    return _renamed_apart_first(expr, fresh)


class _canonical_names_but:
    """`_k<depth>`, or `_k<depth>'` (primes added as needed) where that name is free in the
    expression renamed: a sum renamed to it would capture it."""

    def __init__(self, taken: frozenset):
        self.taken = taken

    def __call__(self, depth: int) -> Symbol:
        symbol = _canonical_name(depth)
        while symbol in self.taken:
            symbol = Symbol(symbol.name + "'", integer=True)
        return symbol


def _renamed_apart_first(expr: Expr, fresh: Callable[[int], Symbol]) -> Expr:
    """Two passes: unique names first, then the canonical names, so that a canonical name
    bound by something else than a sum in `expr` is not captured by a sum's renaming."""
    counter = iter(range(10**9))
    unique = _rename(expr, lambda depth: Symbol(f"_u{next(counter)}", integer=True), 0)
    return _rename(unique, fresh, 0)


def _rename(expr: Expr, fresh: Callable[[int], Symbol], depth: int, scope: Mapping = {}) -> Expr:  # noqa: B006 - read only
    """One pass: `scope` maps each variable of the enclosing sums, as written, to its new
    name (an inner sum's variable shadows an outer one of the same name)."""
    if expr in scope:
        return scope[expr]
    if not expr.args:
        return expr
    if isinstance(expr, (Sum, Product)):
        limits = expr.limits  # innermost first; the outermost gets the smallest depth
        mapping = {limit[0]: fresh(depth + len(limits) - 1 - n) for n, limit in enumerate(limits)}
        inner = {**scope, **mapping}
        body = _rename(expr.function, fresh, depth + len(limits), inner)
        renamed = [(mapping[v], lo.xreplace(inner), hi.xreplace(inner)) for v, lo, hi in limits]
        return expr.func(body, *renamed)
    args = [_rename(arg, fresh, depth, scope) for arg in expr.args]
    return rebuild(expr, args)


# ---------------------------------------------------------------- normalization


def normalize(expr: Expr, facts: IndexFacts) -> Expr:
    """Apply the index-calculus rewrites bottom-up (bound variables renamed before and after)."""
    return rename_bound(_normalize(rename_bound(expr), facts))


_NORMALIZED = Memo(16384)  # neighbouring members of a chain share most of their terms: each is normalized once


def _normalize(expr: Expr, facts: IndexFacts) -> Expr:
    if not expr.args:
        return expr
    return _NORMALIZED.get((expr, facts.key), _normalized, expr, facts)


def _normalized(expr: Expr, facts: IndexFacts) -> Expr:
    handler = _HANDLERS.get(type(expr))
    if handler is not None:
        return handler(expr, facts)
    args = [_normalize(arg, facts) for arg in expr.args]
    return rebuild(expr, args)


def _normalized_limits(expr: Sum | Product, facts: IndexFacts) -> tuple[IndexFacts, list[tuple[Symbol, Expr, Expr]]]:
    """The limits of a sum or product, normalized, and the facts that hold inside it."""
    inner = facts
    bounds = []
    for variable, lower, upper in expr.limits:
        lower, upper = _normalize(lower, facts), _normalize(upper, facts)
        inner = inner.with_range(variable, lower, upper)
        bounds.append((variable, lower, upper))
    return inner, bounds


def _normalize_sum(expr: Sum, facts: IndexFacts) -> Expr:
    """Sum the summand over each limit in turn, innermost first, term by term."""
    inner, bounds = _normalized_limits(expr, facts)
    result = _normalize(expr.function, inner)
    for variable, lower, upper in bounds:
        terms = [t for term in Add.make_args(sympy.expand_mul(result)) for t in Add.make_args(_term_form(term))]
        result = Add(*[_sum_term(term, variable, lower, upper, inner) for term in terms])
    return result


def _normalize_product(expr: Product, facts: IndexFacts) -> Expr:
    """Multiply over each limit in turn, innermost first: a concrete short range is written
    out, and factors free of the index come out as powers of a range known to be nonempty."""
    inner, bounds = _normalized_limits(expr, facts)
    result = _normalize(expr.function, inner)
    for variable, lower, upper in bounds:
        result = _product_over(result, variable, lower, upper, inner)
    return result


def _product_over(factor: Expr, k: Symbol, lower: Expr, upper: Expr, facts: IndexFacts) -> Expr:
    count = upper - lower + 1
    if lower.is_Integer and count.is_Integer and 0 <= count <= WRITE_OUT_LIMIT:
        return _normalize(Mul(*[factor.xreplace({k: lower + n}) for n in range(int(count))]), facts)
    free, bound = factor.as_independent(k, as_Add=False)
    if free == 1 or sign_of(count, facts) is not True:
        return Product(factor, (k, lower, upper))
    return free**count * (Product(bound, (k, lower, upper)) if bound != 1 else 1)


@functools.lru_cache(maxsize=4096)
def _term_form(term: Expr) -> Expr:
    """One form for a summand's term, so factors free of the summation index can be pulled
    out: exp(-o) exp(o) -> 1, exp(a + b) -> exp(a) exp(b), and logs of positive products
    and powers expanded (SymPy's assumptions decide positivity)."""
    if term.has(sympy.exp):
        term = sympy.expand_power_exp(sympy.powsimp(term, combine="exp"))
    if term.has(sympy.log):
        term = sympy.expand_mul(sympy.expand_log(term))
    return term


def _normalize_log(expr: sympy.log, facts: IndexFacts) -> Expr:
    """log of a product of positive factors -> sum of their logs."""
    argument = _normalize(expr.args[0], facts)
    if isinstance(argument, Product) and argument.function.is_positive:
        return _normalize(Sum(sympy.log(argument.function), *argument.limits), facts)
    return sympy.log(argument)


def _sum_term(term: Expr, k: Symbol, lower: Expr, upper: Expr, facts: IndexFacts) -> Expr:
    free, bound = term.as_independent(k, as_Add=False)
    if bound == 1:
        count = upper - lower + 1
        return free * count if sign_of(count, facts) is True else Sum(term, (k, lower, upper))
    collapsed = _collapse_delta(bound, k, lower, upper, facts)
    if collapsed is not None:
        return free * collapsed
    if _sums_to_one(bound, k, lower, upper, facts):
        return free
    count = upper - lower + 1
    if lower.is_Integer and count.is_Integer and 0 <= count <= WRITE_OUT_LIMIT:
        return free * _normalize(Add(*[bound.xreplace({k: lower + n}) for n in range(int(count))]), facts)
    return free * Sum(bound, (k, lower, upper))


def _delta_solution(delta: KroneckerDelta, k: Symbol) -> Optional[Expr]:
    """The value of k at which the delta is 1, if the delta is linear in k with slope +-1."""
    difference = sympy.expand(delta.args[0] - delta.args[1])
    slope = _slope(difference, k)
    if slope not in (1, -1) or k in (difference - slope * k).free_symbols:
        return None
    return sympy.expand(-(difference - slope * k) / slope)


def _collapse_delta(
    bound: Expr, k: Symbol, lower: Expr, upper: Expr, facts: IndexFacts
) -> Optional[Expr]:
    for factor in Mul.make_args(bound):
        if not isinstance(factor, KroneckerDelta) or k not in factor.free_symbols:
            continue
        value = _delta_solution(factor, k)
        if value is None:
            continue
        inside = within(value, lower, upper, facts)
        if inside is False:
            return sympy.S.Zero
        if inside is True:
            rest = bound / factor
            return _normalize(rest.xreplace({k: value}), facts)
    return None


def _sums_to_one(bound: Expr, k: Symbol, lower: Expr, upper: Expr, facts: IndexFacts) -> bool:
    """y[..., k] summed over the full declared range of a probability / one-hot vector y."""
    if not isinstance(bound, Indexed) or bound.indices[-1] != k:
        return False
    if any(k in index.free_symbols for index in bound.indices[:-1]):
        return False
    declared = facts.normalized.get(str(bound.base.label))
    if declared is None:
        return False
    return sympy.expand(declared[0] - lower) == 0 and sympy.expand(declared[1] - upper) == 0


def _normalize_delta(expr: KroneckerDelta, facts: IndexFacts) -> Expr:
    args = [_normalize(arg, facts) for arg in expr.args]
    equal = decide_relation(sympy.Eq(*args, evaluate=False), facts)
    if equal is None:
        return KroneckerDelta(*args)
    return sympy.S.One if equal else sympy.S.Zero


def _normalize_power(expr: Pow, facts: IndexFacts) -> Expr:
    base, exponent = (_normalize(arg, facts) for arg in expr.args)
    if isinstance(base, KroneckerDelta) and exponent.is_integer and exponent.is_positive:
        return base
    return Pow(base, exponent)


def _normalize_piecewise(expr: Piecewise, facts: IndexFacts) -> Expr:
    pieces = []
    for value, condition in expr.args:
        truth = decide_relation(condition, facts)
        if truth is False:
            continue
        pieces.append((_normalize(value, facts), sympy.true if truth else condition))
        if truth:
            break
    if not pieces:
        return expr
    if pieces[0][1] is sympy.true:
        return pieces[0][0]
    return _piecewise_as_delta(pieces, facts)


def _piecewise_as_delta(pieces: list[tuple[Expr, object]], facts: IndexFacts) -> Expr:
    """Piecewise((A, Eq(i, j)), (B, True)) and its Ne form as Kronecker deltas."""
    if len(pieces) == 2 and pieces[1][1] is sympy.true:
        (first, condition), (other, _) = pieces
        kinds = {sympy.Eq: (first, other), sympy.Ne: (other, first)}
        chosen = kinds.get(type(condition))
        if chosen is not None and _all_integer(condition):
            delta = KroneckerDelta(*condition.args)
            return _normalize(sympy.expand_mul(delta * chosen[0] + (1 - delta) * chosen[1]), facts)
    return Piecewise(*pieces)


_HANDLERS: dict[type, Callable[[Expr, IndexFacts], Expr]] = {
    Sum: _normalize_sum,
    Product: _normalize_product,
    KroneckerDelta: _normalize_delta,
    Pow: _normalize_power,
    Piecewise: _normalize_piecewise,
    sympy.log: _normalize_log,
}


def eliminate_normalized(expr: Expr, normalized: Mapping[str, Range], limit: int = 16) -> Expr:
    """For a vector summing to 1 over a concrete range lo..hi, its last entry y[..., hi]
    replaced by 1 - y[..., lo] - ... - y[..., hi - 1] (so y_1 + y_2 + y_3 = 1 for K = 3)."""
    concrete = {name: line for name, line in normalized.items() if line[0].is_Integer and line[1].is_Integer}
    if not concrete:  # a general size: nothing to replace, and no need to look
        return expr
    mapping = {}
    for entry in expr.atoms(Indexed):
        line = concrete.get(str(entry.base.label))
        if line is None:
            continue
        lower, upper = int(line[0]), int(line[1])
        if entry.indices[-1] == upper and 0 < upper - lower + 1 <= limit:
            prefix = tuple(entry.indices[:-1])
            mapping[entry] = 1 - Add(*[entry.base[prefix + (n,)] for n in range(lower, upper)])
    return expr.xreplace(mapping) if mapping else expr


# ---------------------------------------------------------------- case splits


def free_deltas(expr: Expr) -> list[KroneckerDelta]:
    """Kronecker deltas of free symbols only (no bound variable inside), sorted."""
    bound = {s for s in expr.atoms(Symbol) if str(s).startswith(BOUND_PREFIX)}
    deltas = {d for d in expr.atoms(KroneckerDelta) if not (d.free_symbols & bound)}
    return sorted(deltas, key=str)


def delta_cases(expr: Expr, delta: KroneckerDelta, facts: IndexFacts) -> Optional[list[Expr]]:
    """`expr` in the two cases of `delta`'s arguments (equal, different), normalized.

    expr == 0 holds iff both cases are 0. None if the delta is not between two symbols.
    """
    first, second = delta.args
    if not (isinstance(first, Symbol) and isinstance(second, Symbol)):
        return None
    equal = normalize(expr.subs({second: first}), facts)
    different = normalize(expr.xreplace({delta: sympy.S.Zero}), facts.with_distinct(first, second))
    return [equal, different]
