"""Points inside the declared domains, at which both sides of an equation are evaluated.

A `Point` fixes everything an expression may still leave open: sizes, free indices,
arbitrary functions (g, h, ... as concrete functions), and the values of the scalars and
vector entries that remain after sums over concrete ranges are expanded. Values respect
the declared domains:

- real: small rationals; positive / nonnegative / unit-interval accordingly;
- probability vectors: positive rationals summing to 1 (along the last axis);
- one-hot vectors: a unit vector (along the last axis);
- sizes are at least their minimum and large enough for every concrete entry the
  expression mentions (y_3 needs K >= 3); indices lie in their declared ranges and
  satisfy the case condition.

`exact_points` gives a deterministic sequence of small exact points (counterexample
candidates); `random_points` draws seeded random rational points (numeric evidence).
`Universe.from_scope` collects what the sampler needs from a `Scope`.
"""

from __future__ import annotations

import functools

import itertools
import random
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Mapping, Optional, Protocol, Sequence

import sympy
from sympy import Expr, Indexed, Integer, Lambda, Rational, Sum, Symbol
from sympy.core.function import AppliedUndef, FunctionClass

from symcheck.engine.indexcalc import Condition, Range, rebuild, rename_bound
from symcheck.engine.walk import COMBINE, NotDirect, Walk, nominal_free
from symcheck.engine.walk import entry as indexed_entry  # `entry` names an entry in the loops here
from symcheck.model import Domain
from symcheck.model.symbols import Scope, SymbolTable

_X = sympy.symbols("x1:10", real=True)
_X1 = Symbol("x", real=True)

# domains with finitely many (or integer) values: sampled from these, small and random alike
DISCRETE: dict[Domain, tuple[int, ...]] = {
    Domain.BINARY: (0, 1),
    Domain.SIGN: (1, -1),
    Domain.INTEGER: (0, 1, -1, 2, -2, 3, -3, 5),
}
SMALL_VALUES: dict[Domain, tuple[Rational, ...]] = {
    Domain.REAL: tuple(map(Rational, (0, 1, -1, "1/2", 2, "-1/2", 3, "1/3", -2))),
    Domain.POSITIVE: tuple(map(Rational, (1, 2, "1/2", 3, "1/3", "3/2", 4))),
    Domain.NONNEGATIVE: tuple(map(Rational, (0, 1, 2, "1/2", 3))),
    Domain.UNIT_INTERVAL: tuple(map(Rational, ("1/2", "1/3", "2/3", "1/4", "3/4"))),
    **{domain: tuple(map(Rational, values)) for domain, values in DISCRETE.items()},
}
# the entry domain of a vector domain, for entries outside the declared range
_ENTRY_DOMAIN = {Domain.PROBABILITY: Domain.UNIT_INTERVAL, Domain.ONE_HOT: Domain.NONNEGATIVE}
SMALL_SIZES = (2, 3, 1, 4)
MAX_TERMS = 10_000
SMALL_FUNCTIONS: tuple[Callable[[Expr], Expr], ...] = (
    lambda x: x,
    lambda x: x + 1,
    lambda x: x**2 + 1,
    lambda x: 2 * x + 3,
    lambda x: x**3,
)


class ScalarInterval(Protocol):
    """Where a scalar lies in a stated case (`scalarcase.Interval`)."""

    def contains(self, value: Expr) -> bool: ...

    def draw(self, raw: Callable[[Domain], Rational]) -> Rational: ...


@dataclass(frozen=True)
class Universe:
    """The declared world an expression lives in: domains, index ranges, size minimums,
    given facts (equations) every point must satisfy, and the intervals a stated case
    puts scalars in (their values are drawn there, and checked exactly)."""

    table: SymbolTable
    ranges: Mapping[Symbol, Range]
    minimums: Mapping[Symbol, int] = field(default_factory=dict)
    facts: tuple[sympy.Eq, ...] = ()
    intervals: Mapping[str, "ScalarInterval"] = field(default_factory=dict)  # a stated case on scalars (`scalarcase`)
    memo: dict = field(default_factory=dict, init=False, compare=False, repr=False)  # what every point asks again (`needed_sizes`)

    @classmethod
    def from_scope(cls, scope: Scope, extra_ranges: Optional[Mapping[Symbol, Range]] = None) -> "Universe":
        ranges = {symbol: tuple(map(sympy.sympify, bounds)) for symbol, bounds in scope.table.index_ranges.items()}
        ranges.update(extra_ranges or {})
        return cls(scope.table, ranges, size_minimums(scope), tuple(
            fact for fact in scope.assumptions if isinstance(fact, sympy.Eq)
        ))

    def domain(self, name: str) -> Domain:
        declaration = self.table.declarations.get(name)
        return declaration.domain if declaration is not None else Domain.REAL

    def sizes(self) -> set[Symbol]:
        return {s for s in self.table.sizes.values() if isinstance(s, Symbol)}

    def shape(self, name: str) -> Optional[tuple[Expr, ...]]:
        if name not in self.table.declarations or not self.table.declarations[name].shape:
            return None
        return tuple(sympy.sympify(axis) for axis in self.table.shape(name))

    def axis_lower(self, size: Expr) -> Expr:
        """The first index of an axis of length `size`: the common lower bound of the
        declared indices that run up to `size`, else 1."""
        lowers = {lower for lower, upper in self.ranges.values() if upper == size}
        return lowers.pop() if len(lowers) == 1 else Integer(1)

    def normalized(self) -> dict[str, Range]:
        """Vectors whose entries sum to 1 along their last axis, with that axis' range (found
        once per universe: every canonical form asks for them)."""
        if "normalized" not in self.memo:
            self.memo["normalized"] = self._normalized()
        return dict(self.memo["normalized"])

    def _normalized(self) -> dict[str, Range]:
        found = {}
        for name, declaration in self.table.declarations.items():
            shape = self.shape(name)
            if declaration.domain in (Domain.PROBABILITY, Domain.ONE_HOT) and shape:
                found[name] = (self.axis_lower(shape[-1]), self.axis_lower(shape[-1]) + shape[-1] - 1)
        return found


def size_minimums(scope: Scope) -> dict[Symbol, int]:
    """Minimums of sizes: 1, raised by facts `N >= m` / `N > m` in the scope's assumptions."""
    minimums = {s: 1 for s in scope.table.sizes.values() if isinstance(s, Symbol)}
    strict = {sympy.Gt: 1, sympy.Ge: 0}
    for fact in scope.assumptions:
        offset = strict.get(type(fact))
        if offset is not None and fact.lhs in minimums and fact.rhs.is_Integer:
            minimums[fact.lhs] = max(minimums[fact.lhs], int(fact.rhs) + offset)
    return minimums


# ---------------------------------------------------------------- points


@dataclass(frozen=True)
class Point:
    """Concrete sizes, indices, functions and values.

    Vectors in a constrained domain (probability, one-hot) are filled completely when the
    point is built; other values are drawn when an evaluation first needs them (`fill`),
    so one point serves both the cheap canonical forms and the full re-check.
    """

    sizes: Mapping[Symbol, int]
    indices: Mapping[Symbol, int]
    functions: Mapping[FunctionClass, Lambda]
    values: dict[Expr, Expr]
    fill: Optional[Callable[[Expr], Expr]] = field(default=None, compare=False, repr=False)
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def keys(self) -> tuple[tuple, tuple, tuple]:
        """Sizes, indices and functions as keys of the caches points share (sorted by their
        printed form once per point, not at every evaluation)."""
        return _key(self.sizes), _key(self.indices), _key(self.functions)

    def structure(self, expr: Expr) -> Expr:
        """Functions, sizes and indices substituted; sums expanded, derivatives done (cached,
        also across points: points that share sizes, indices and functions share it)."""
        if expr not in self._cache:
            self._cache[expr] = _shared_structure(expr, *self.keys)
        return self._cache[expr]

    def evaluate(self, expr: Expr, fresh: bool = False) -> Expr:
        """The exact value of `expr` at this point (may still need evalf): walked directly
        where it can be (`walk`: nothing is cached but which atoms take values), else from
        the written-out tree; `fresh` (re-checks) writes that tree out anew."""
        direct = self._direct(expr)
        if direct is not None:
            return direct
        concrete = structure(expr, self.sizes, self.indices, self.functions) if fresh else self.structure(expr)
        self._complete(_value_atoms(concrete))
        return sympy.sympify(concrete.xreplace(self.values))

    def _direct(self, expr: Expr) -> Optional[Expr]:
        """The value by a walk with an environment of index values; None where the walk
        cannot tell, or the value is undefined (the written-out tree decides those, as it
        always did: SymPy may cancel a singular factor there before any value is put in)."""
        if not self.fill_direct(expr):
            return None
        try:
            value = self.walker().value(sympy.sympify(expr), self.values)
        except NotDirect:
            return None
        return None if value.has(*_NOT_FINITE) else value

    def fill_direct(self, expr: Expr) -> bool:
        """Values drawn for what `expr` reads, as `evaluate` draws them, when a walk can
        evaluate it; False (nothing drawn) where only the written-out tree can tell."""
        atoms = _direct_atoms(expr, *self.keys)
        if atoms is None:
            return False
        self._complete(atoms)
        return True

    def value_of(self, atom: Expr) -> Expr:
        """The value of a scalar or a concrete entry, drawn as `evaluate` draws it if it has none yet."""
        self._complete(frozenset((atom,)))
        return self.values[atom]

    def walker(self) -> Walk:
        """A walk at this point's sizes, indices and functions (`walk`)."""
        integers = {symbol: Integer(value) for symbol, value in {**self.sizes, **self.indices}.items()}
        return Walk(integers, self.functions, MAX_TERMS)

    def used(self, expr: Expr) -> frozenset[Expr]:
        """The atoms `expr` takes values for at this point."""
        atoms = _direct_atoms(expr, *self.keys)
        return _value_atoms(self.structure(expr)) if atoms is None else atoms

    def _complete(self, atoms: frozenset[Expr]) -> None:
        if self.fill is None:
            return
        for atom in sorted((atom for atom in atoms if atom not in self.values), key=name_of):
            self.values[atom] = self.fill(atom)

    def describe(self, exprs: Iterable[Expr] = ()) -> dict[str, str]:
        """Names to values, for a report; with `exprs`, only the values they use."""
        used = set(self.values)
        if exprs:
            used = set().union(*(self.used(e) for e in exprs))
        described = {str(k): str(v) for k, v in sorted({**self.sizes, **self.indices}.items(), key=_by_name)}
        for function, body in sorted(self.functions.items(), key=lambda item: str(item[0])):
            variables = _variables(len(body.variables))
            described[f"{function}({', '.join(map(str, variables))})"] = name_of(body(*variables))
        for key, value in sorted(self.values.items(), key=_by_name):
            if key in used:
                described[name_of(key)] = name_of(value)  # printed once per value: points repeat them
        return described


_NOT_FINITE = (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo, sympy.Piecewise)


@functools.lru_cache(maxsize=4096)
def _direct_atoms(expr: Expr, sizes: tuple, indices: tuple, functions: tuple) -> Optional[frozenset[Expr]]:
    """What takes a value in `expr` at these sizes, indices and functions, found by a walk
    (`walk`); None when only the written-out tree can tell (shared by all such points)."""
    integers = {symbol: Integer(value) for symbol, value in (*sizes, *indices)}
    try:
        return Walk(integers, dict(functions), MAX_TERMS).atoms(sympy.sympify(expr))
    except NotDirect:
        return None


@functools.lru_cache(maxsize=4096)
def _value_atoms(concrete: Expr) -> frozenset[Expr]:
    """What takes a value in a structured expression: entries with concrete indices and
    the remaining free symbols (not the labels of indexed names)."""
    indexed = atoms_of(concrete, Indexed)
    entries = {e for e in indexed if all(i.is_Integer for i in e.indices)}
    labels = {e.base.label for e in indexed}
    return frozenset(entries | {s for s in concrete.free_symbols if not isinstance(s, Indexed)} - labels)


@functools.lru_cache(maxsize=4096)
def atoms_of(expr: Expr, kind: type) -> frozenset[Expr]:
    """`expr.atoms(kind)`, once per expression: the sampler asks the same expressions
    the same questions at every point (expressions are immutable, so this is exact)."""
    return frozenset(expr.atoms(kind))


@functools.lru_cache(maxsize=65536)
def name_of(expr: Expr) -> str:
    """str(expr), printed once per expression (points sort and look up the same names at every draw)."""
    return str(expr)


def _by_name(item: tuple) -> str:
    return name_of(item[0])


def _key(mapping: Mapping) -> tuple:
    return tuple(sorted(mapping.items(), key=_by_name))


@functools.lru_cache(maxsize=2048)
def _shared_structure(expr: Expr, sizes: tuple, indices: tuple, functions: tuple) -> Expr:
    return structure(expr, dict(sizes), dict(indices), dict(functions))


def structure(expr: Expr, sizes: Mapping, indices: Mapping, functions: Mapping) -> Expr:
    """Functions, sizes and indices substituted; finite sums written out; derivatives done."""
    expr = rename_bound(sympy.sympify(expr))  # no bound variable shares a name with a free one
    if functions:
        expr = expr.replace(
            lambda e: isinstance(e, AppliedUndef) and e.func in functions,
            lambda e: functions[e.func](*e.args),
        )
    concrete = {symbol: Integer(value) for symbol, value in {**sizes, **indices}.items()}
    expr = write_out_sums(substitute(expr, concrete))
    if expr.has(sympy.Derivative, sympy.Subs):
        expr = expr.doit()
    return expr


def write_out_sums(expr: Expr) -> Expr:
    """Sums and products over concrete ranges (up to MAX_TERMS terms) written out term by
    term, bottom-up; other ranges are left to SymPy's doit."""
    if not expr.args:
        return expr
    args = [write_out_sums(arg) for arg in expr.args]
    written = _write_out_directly(type(expr), args)
    if written is not None:
        return written
    expr = rebuild(expr, args)
    combine = COMBINE.get(type(expr))
    if combine is None:
        return expr
    written = _write_out(expr.function, list(expr.limits), combine)
    return expr.doit() if written is None else write_out_sums(written)


def _write_out_directly(kind: type, args: list) -> Optional[Expr]:
    """A sum or product with these (written-out) arguments, written out without building
    it first, or None to build it. Building would only fold a Piecewise or merge a nested
    sum of the same kind into it, so those are built as before; a body left without sums
    needs no second pass over its written-out terms."""
    combine = COMBINE.get(kind)
    if combine is None:
        return None
    function = args[0]
    if type(function) is kind or function.has(sympy.Piecewise):
        return None
    written = _write_out(function, list(args[1:]), combine)
    if written is None or not function.has(Sum, sympy.Product):
        return written
    return write_out_sums(written)


def _write_out(function: Expr, limits: list, combine: Callable) -> Optional[Expr]:
    """The outermost limit (last) first, so inner bounds may depend on its variable."""
    if not limits:
        return function
    *inner, (variable, lower, upper) = limits
    if not (lower.is_Integer and upper.is_Integer and 0 <= upper - lower + 1 <= MAX_TERMS):
        return None
    terms = []
    for n in range(int(lower), int(upper) + 1):
        value = {variable: Integer(n)}
        term = _write_out(substitute(function, value), [tuple(part.xreplace(value) for part in limit) for limit in inner], combine)
        if term is None:
            return None
        terms.append(term)
    return combine(*terms)


def substitute(expr: Expr, values: Mapping[Symbol, Integer]) -> Expr:
    """`expr.xreplace(values)` (symbols to integers), with each entry that changes built
    once and shared by every term and point (SymPy deduces the assumptions of every new
    entry afresh, and compares equal entries by their contents)."""
    items = tuple(sorted(values.items(), key=str))
    keys = set(values)
    entries = {entry: _entry_at(entry, items) for entry in atoms_of(expr, Indexed) if keys & entry.free_symbols}
    return expr.xreplace({**values, **entries})


@functools.lru_cache(maxsize=65536)
def _entry_at(entry: Indexed, items: tuple) -> Indexed:
    return entry.xreplace(dict(items))


# ---------------------------------------------------------------- choosers


class _Chooser(Protocol):
    """How one point picks its values: `_Exact` and `_Random` below."""

    def size(self, ordinal: int, minimum: int) -> int: ...

    def index(self, ordinal: int, lower: int, upper: int) -> int: ...

    def scalar(self, domain: Domain, ordinal: int) -> Rational: ...

    def weights(self, length: int) -> list[int]: ...

    def hot(self, length: int) -> int: ...

    def function(self, ordinal: int, arity: int) -> Lambda: ...


@dataclass
class _Exact:
    """Attempt t of a deterministic sequence of small exact points."""

    attempt: int
    sizes: Sequence[int] = SMALL_SIZES

    def size(self, ordinal: int, minimum: int) -> int:
        return max(minimum, self.sizes[(self.attempt + ordinal) % len(self.sizes)])

    def index(self, ordinal: int, lower: int, upper: int) -> int:
        count = upper - lower + 1
        shift = self.attempt // 3
        if self.attempt % 3 == 2:  # every third attempt: all indices equal
            return lower + shift % count
        return lower + (ordinal + shift) % count

    def scalar(self, domain: Domain, ordinal: int) -> Rational:
        choices = SMALL_VALUES[domain]
        return choices[(ordinal + self.attempt) % len(choices)]

    def weights(self, length: int) -> list[int]:
        base = list(range(1, length + 1))
        turn = self.attempt % length
        return base[turn:] + base[:turn]

    def hot(self, length: int) -> int:
        return self.attempt % length

    def function(self, ordinal: int, arity: int) -> Lambda:
        chosen = SMALL_FUNCTIONS[(ordinal + self.attempt) % len(SMALL_FUNCTIONS)]
        variables = _variables(arity)
        return Lambda(variables, chosen(sum(n * v for n, v in enumerate(variables, 1))))


@dataclass
class _Random:
    """Seeded random rational points (values with denominator 1000)."""

    rng: random.Random
    sizes: Sequence[int]
    pooled: bool = field(default=False, init=False)

    _RANGES = {
        Domain.REAL: (-3000, 3000),
        Domain.POSITIVE: (1, 3000),
        Domain.NONNEGATIVE: (0, 3000),
        Domain.UNIT_INTERVAL: (1, 999),
    }

    def size(self, ordinal: int, minimum: int) -> int:
        allowed = [s for s in self.sizes if s >= minimum] or [minimum]
        return self.rng.choice(allowed)

    def index(self, ordinal: int, lower: int, upper: int) -> int:
        """Uniform, except that one point in three draws every index from the axis' first
        two values: with three or more indices some coincide and others differ, so the
        cases of a Kronecker delta or an Iverson bracket between them are all sampled."""
        if ordinal == 0:
            self.pooled = self.rng.randrange(3) == 0
        if self.pooled:
            return lower + self.rng.randrange(min(2, upper - lower + 1))
        return self.rng.randint(lower, upper)

    def scalar(self, domain: Domain, ordinal: int) -> Rational:
        if domain in DISCRETE:
            return Rational(self.rng.choice(DISCRETE[domain]))
        low, high = self._RANGES[domain]
        return Rational(self.rng.randint(low, high), 1000)

    def weights(self, length: int) -> list[int]:
        return [self.rng.randint(1, 1000) for _ in range(length)]

    def hot(self, length: int) -> int:
        return self.rng.randrange(length)

    def function(self, ordinal: int, arity: int) -> Lambda:
        variables = _variables(arity)
        coefficient = lambda: Rational(self.rng.randint(-2000, 2000), 1000)
        body = coefficient() + sum(
            coefficient() * v + coefficient() * v**2 + coefficient() * sympy.exp(v / 3) for v in variables
        )
        return Lambda(variables, body)


@dataclass
class _AtSizes(_Random):
    """Seeded random points with every size at its least allowed value plus `offset`
    (offset 0: the declared minimum, or what the expression's literal indices need)."""

    offset: int = 0

    def size(self, ordinal: int, minimum: int) -> int:
        return minimum + self.offset


def _variables(arity: int) -> tuple[Symbol, ...]:
    return (_X1,) if arity == 1 else _X[:arity]


# ---------------------------------------------------------------- building points


def exact_points(
    exprs: Sequence[Expr], universe: Universe, condition: Condition = Condition(), attempts: int = 12,
    context: Sequence[Expr] = (),
) -> Iterator[Point]:
    """Small exact points (distinct indices first), skipping those outside the domain; the
    sizes and constrained vectors of `context` (definitions' bodies) are chosen too."""
    for attempt in range(attempts):
        point = build_point(exprs, universe, condition, _Exact(attempt), context)
        if point is not None:
            yield point


def random_points(
    exprs: Sequence[Expr],
    universe: Universe,
    rng: random.Random,
    sizes: Sequence[int],
    condition: Condition = Condition(),
    attempts: int = 60,
) -> Iterator[Point]:
    """Seeded random rational points inside the domain."""
    chooser = _Random(rng, sizes)
    for _ in range(attempts):
        point = build_point(exprs, universe, condition, chooser)
        if point is not None:
            yield point


def points_at_sizes(
    exprs: Sequence[Expr],
    universe: Universe,
    rng: random.Random,
    plan: Sequence[tuple[int, int]],
    condition: Condition = Condition(),
) -> Iterator[Point]:
    """Seeded random points: for each (offset, count) in `plan`, `count` points with every
    size at its minimum plus offset (points outside the domain or condition are skipped,
    with a few retries)."""
    for offset, count in plan:
        chooser = _AtSizes(rng, (), offset)
        built = (build_point(exprs, universe, condition, chooser) for _ in range(4 * count))
        yield from itertools.islice((p for p in built if p is not None), count)


def build_point(
    exprs: Sequence[Expr], universe: Universe, condition: Condition, chooser: _Chooser, context: Sequence[Expr] = ()
) -> Optional[Point]:
    """A point for `exprs`, or None when the choices violate the domain or condition.
    What the expressions need is read from them symbolically (nothing is expanded). None
    too for an operator the reader could not model (E[X]: no function stands in for it).
    `context` (the bodies of definitions used) adds sizes, functions and constrained vectors, no free index."""
    if any(getattr(applied.func, "operator", False) for e in (*exprs, *context) for applied in atoms_of(e, AppliedUndef)):
        return None
    indices = free_indices(exprs, universe, condition)
    sizes = _choose_sizes([*exprs, *context], indices, universe, chooser)
    index_values = _choose_indices(indices, sizes, universe, condition, chooser)
    if index_values is None:
        return None
    functions = _choose_functions([*exprs, *context], chooser)
    ordinal = itertools.count()
    values: dict[Expr, Expr] = {}
    for base in sorted({entry.base for e in (*exprs, *context) for entry in atoms_of(e, Indexed)}, key=name_of):
        values.update(_vector(base, sizes, universe, chooser))
    _pin_given_entries(values, universe, {**sizes, **index_values})
    return Point(sizes, index_values, functions, values, lambda atom: _fill(atom, universe, chooser, ordinal))


def _pin_given_entries(values: dict[Expr, Expr], universe: Universe, concrete: Mapping[Symbol, int]) -> None:
    """Entries a given fixes to a number at this point's indices (y_j = 1) take it; a
    one-hot line is moved so that its 1 is there (`satisfies_facts` checks the rest)."""
    for entry, value, moves_line in given_entries(universe, concrete):
        if moves_line:
            line = [k for k in values if isinstance(k, Indexed) and k.base == entry.base and k.indices[:-1] == entry.indices[:-1]]
            values.update({k: Integer(0) for k in line})
        values[entry] = value


def given_entries(universe: Universe, concrete: Mapping[Symbol, int]) -> list[tuple[Indexed, Expr, bool]]:
    """(entry, number, whether its one-hot line moves its 1 there) for each given that fixes
    an entry to a number at these sizes and indices."""
    numbers = {symbol: Integer(value) for symbol, value in concrete.items()}
    found = []
    for fact in universe.facts:
        entry, value = fact.lhs.xreplace(numbers), fact.rhs.xreplace(numbers)
        if isinstance(entry, Indexed) and all(i.is_Integer for i in entry.indices) and value.is_Number:
            found.append((entry, value, universe.domain(name_of(entry.base.label)) is Domain.ONE_HOT and value == 1))
    return found


def _fill(atom: Expr, universe: Universe, chooser: _Chooser, ordinal: Iterator[int]) -> Expr:
    """A value for an entry or scalar first needed by an evaluation."""
    if isinstance(atom, Indexed):
        domain = universe.domain(name_of(atom.base.label))
        return chooser.scalar(_ENTRY_DOMAIN.get(domain, domain), next(ordinal))
    interval = universe.intervals.get(name_of(atom))
    if interval is not None:
        at = next(ordinal)
        return interval.draw(lambda domain: chooser.scalar(domain, at))
    return chooser.scalar(_scalar_domain(atom, universe), next(ordinal))


@functools.lru_cache(maxsize=4096)
def free_symbols(expr: Expr) -> frozenset:
    """Free symbols, including those of derivative variables (SymPy leaves the j of
    d/dz_j out of a Derivative's free symbols, which would leave j unassigned), except
    those a sum, product or substitution around the derivative binds. Once per expression
    (SymPy recomputes a Sum's free symbols by rewriting its body every time)."""
    return frozenset(nominal_free(expr) | _derivative_variables(expr))


def _derivative_variables(expr: Expr) -> frozenset:
    """The symbols of the variables of the derivatives in `expr` (an entry's indices too),
    less those bound around the derivative: in sum_k d/dx_k (...), k is the sum's."""
    if not isinstance(expr, sympy.Basic) or not atoms_of(expr, sympy.Derivative):
        return frozenset()
    found = set().union(*(_derivative_variables(arg) for arg in expr.args))
    if isinstance(expr, sympy.Derivative):
        for variable in expr.variables:
            found |= variable.free_symbols
            if isinstance(variable, Indexed):
                for index in variable.indices:
                    found |= index.free_symbols
        return frozenset(found)
    return frozenset(found - set(getattr(expr, "bound_symbols", ())))


def free_indices(exprs: Sequence[Expr], universe: Universe, condition: Condition) -> list[Symbol]:
    found = set().union(*(free_symbols(e) for e in exprs))
    for pair in condition.equal + condition.distinct:
        for side in pair:
            found |= sympy.sympify(side).free_symbols
    return sorted((s for s in found if s in universe.ranges), key=name_of)


def needed_sizes(exprs: Sequence[Expr], indices: Sequence[Symbol], universe: Universe) -> dict[Symbol, int]:
    """Sizes the expressions depend on, with the least value each may take (once per
    expressions and indices in a universe: every point drawn for them asks again)."""
    try:
        key = ("needed_sizes", tuple(exprs), tuple(indices))
        if key not in universe.memo:
            universe.memo[key] = _needed_sizes(exprs, indices, universe)
    except TypeError:  # an unhashable expression (a mutable matrix)
        return _needed_sizes(exprs, indices, universe)
    return dict(universe.memo[key])


def _needed_sizes(exprs: Sequence[Expr], indices: Sequence[Symbol], universe: Universe) -> dict[Symbol, int]:
    all_sizes = universe.sizes()
    needed = {s: universe.minimums.get(s, 1) for s in set().union(*(free_symbols(e) for e in exprs)) & all_sizes}
    for index in indices:
        for bound in universe.ranges[index]:
            for size in bound.free_symbols & all_sizes:
                needed.setdefault(size, universe.minimums.get(size, 1))
    for entry in set().union(*(atoms_of(e, Indexed) for e in exprs)):
        shape = universe.shape(name_of(entry.base.label)) or ()
        for axis, index in zip(shape, entry.indices):
            for size in axis.free_symbols & all_sizes:
                least = needed.get(size, universe.minimums.get(size, 1))
                if index.is_Integer and axis == size:
                    least = max(least, int(index - universe.axis_lower(size)) + 1)
                needed[size] = least
    return needed


def _choose_sizes(exprs, indices, universe: Universe, chooser: _Chooser) -> dict[Symbol, int]:
    needed = needed_sizes(exprs, indices, universe)
    return {size: chooser.size(n, needed[size]) for n, size in enumerate(sorted(needed, key=name_of))}


def _concrete(bound: Expr, sizes: Mapping[Symbol, int]) -> Optional[int]:
    value = sympy.sympify(bound).xreplace({s: Integer(v) for s, v in sizes.items()})
    return int(value) if value.is_Integer else None


def _choose_indices(indices, sizes, universe: Universe, condition: Condition, chooser: _Chooser):
    values: dict[Symbol, int] = {}
    substituted = {symbol for symbol, _ in condition.equal}
    for ordinal, index in enumerate(i for i in indices if i not in substituted):
        lower, upper = (_concrete(b, sizes) for b in universe.ranges[index])
        if lower is None or upper is None or upper < lower:
            return None
        values[index] = chooser.index(ordinal, lower, upper)
    for symbol, other in condition.equal:
        value = sympy.sympify(other).xreplace({s: Integer(v) for s, v in values.items()})
        if not value.is_Integer:
            return None
        values[symbol] = int(value)
    in_range = all(_in_range(value, universe.ranges[symbol], sizes) for symbol, value in values.items())
    return values if in_range and condition.admits(values) else None


def _in_range(value: int, bounds: Range, sizes: Mapping[Symbol, int]) -> bool:
    lower, upper = (_concrete(b, sizes) for b in bounds)
    return lower is not None and upper is not None and lower <= value <= upper


def _choose_functions(exprs: Sequence[Expr], chooser: _Chooser) -> dict[FunctionClass, Lambda]:
    applied = set().union(*(atoms_of(e, AppliedUndef) for e in exprs))
    arities = {a.func: len(a.args) for a in applied}
    chosen = {f: chooser.function(n, arities[f]) for n, f in enumerate(sorted(arities, key=name_of))}
    return {f: _positive(g) if getattr(f, "is_positive", False) is True else g for f, g in chosen.items()}


def _positive(function: Lambda) -> Lambda:
    """A function declared positive (a likelihood): its values squared, plus 1/10."""
    return Lambda(function.variables, function.expr**2 + Rational(1, 10))


def _scalar_domain(symbol: Symbol, universe: Universe) -> Domain:
    name = name_of(symbol)
    if name in universe.table.declarations:
        return _ENTRY_DOMAIN.get(universe.domain(name), universe.domain(name))
    if symbol.is_positive:
        return Domain.POSITIVE
    return Domain.NONNEGATIVE if symbol.is_nonnegative else Domain.REAL


def _vector(base: sympy.IndexedBase, sizes, universe: Universe, chooser: _Chooser) -> dict[Expr, Expr]:
    """All entries of a declared vector/matrix in a constrained domain (each line sums to 1)."""
    name = name_of(base.label)
    domain, shape = universe.domain(name), universe.shape(name)
    if domain not in _ENTRY_DOMAIN or not shape:
        return {}
    dims = [_concrete(axis, sizes) for axis in shape]
    lowers = [_concrete(universe.axis_lower(axis), sizes) for axis in shape]
    if any(d is None for d in dims + lowers):
        return {}
    filled = {}
    outer_axes = [range(lo, lo + d) for lo, d in zip(lowers[:-1], dims[:-1])]
    for outer in itertools.product(*outer_axes):
        for offset, value in enumerate(_line(domain, dims[-1], chooser)):
            filled[indexed_entry(base, outer + (lowers[-1] + offset,))] = value  # built once, not per point
    return filled


def _line(domain: Domain, length: int, chooser: _Chooser) -> list[Rational]:
    if domain is Domain.ONE_HOT:
        hot = chooser.hot(length)
        return [Integer(int(n == hot)) for n in range(length)]
    weights = chooser.weights(length)
    total = sum(weights)
    return [Rational(w, total) for w in weights]


# ---------------------------------------------------------------- domain membership


_ENTRY_CHECKS: dict[Domain, Callable[[Expr], Optional[bool]]] = {
    Domain.REAL: lambda v: v.is_real,
    Domain.POSITIVE: lambda v: v.is_positive,
    Domain.NONNEGATIVE: lambda v: v.is_nonnegative,
    Domain.UNIT_INTERVAL: lambda v: v.is_positive and (1 - v).is_positive,
    Domain.PROBABILITY: lambda v: v.is_positive and (1 - v).is_nonnegative,  # (0, 1]: a line may have one entry
    Domain.ONE_HOT: lambda v: v in (0, 1),
    **{domain: (lambda values: lambda v: v in values)(values) for domain, values in DISCRETE.items() if domain is not Domain.INTEGER},
    Domain.INTEGER: lambda v: v.is_integer,
}


def _entry_ok(domain: Domain, value: Expr) -> bool:
    return bool(_ENTRY_CHECKS[domain](sympy.sympify(value)))


def in_domain(point: Point, universe: Universe) -> bool:
    """Every value lies in its declared domain and every constrained vector line sums to 1."""
    lines: dict[tuple, list] = {}  # a line: [its constrained entries' total, its entries present, constrained?]
    for key, value in point.values.items():
        name = name_of(key.base.label) if isinstance(key, Indexed) else name_of(key)
        domain = universe.domain(name) if name in universe.table.declarations else _scalar_domain(key, universe)
        if not _entry_ok(domain, value):
            return False
        if not isinstance(key, Indexed) and name in universe.intervals and not universe.intervals[name].contains(value):
            return False
        if isinstance(key, Indexed):
            line = lines.setdefault((name,) + tuple(key.indices[:-1]), [0, 0, False])
            line[1] += 1
            if domain in _ENTRY_DOMAIN:
                line[0] += value
                line[2] = True
    return all(_line_complete_ok(line, total, present, point, universe)
               for line, (total, present, constrained) in lines.items() if constrained)


def _line_complete_ok(line: tuple, total: Expr, present: int, point: Point, universe: Universe) -> bool:
    """A constrained line sums to 1 when all its entries are present; never above 1."""
    shape = universe.shape(line[0]) or ()
    length = _concrete(shape[-1], point.sizes) if shape else None
    if length is not None and present >= length:
        return total == 1
    return total <= 1


def satisfies_facts(point: Point, universe: Universe, digits: int = 50) -> bool:
    """Every given equation holds at the point (those it cannot evaluate are skipped)."""
    for fact in universe.facts:
        if any(s in universe.ranges and s not in point.indices for s in fact.lhs.free_symbols):
            continue  # a given for every index value: applied as a definition, not a condition
        if isinstance(fact.lhs, (Symbol, AppliedUndef)):
            continue  # a given J = ... or f(x) = ...: unfolded as a definition, not a condition
        difference = point.evaluate(fact.lhs - fact.rhs)
        if difference.has(sympy.nan, sympy.zoo):
            return False
        if difference.free_symbols or difference.has(AppliedUndef):
            continue  # a fact about what the sides do not mention
        if abs(sympy.N(difference, digits)) > sympy.Float(10) ** (-(digits - 10)):
            return False
    return True
