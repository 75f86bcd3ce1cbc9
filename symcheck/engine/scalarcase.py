"""Cases on scalars, stated for a chain: ``u = 0``, ``x > 0``, ``0 < p < 1``, ``x \\neq 0``.

An index case (i = j, i != j) is the index calculus' (`indexcalc.Condition`). A case on
scalars is applied here, to the unfolded sides and to the universe, so that every rung and
the audit work inside it:

- an equation ``u = v`` (v closed, or in other names) is substituted into the unfolded
  sides, after derivatives are taken (d/du u at u = 0 is 1, not d/du 0);
- order conditions and exclusions of one scalar against a rational number give it an
  interval, met with its declared domain. The symbol is replaced by one carrying the
  assumptions the interval implies (positive, nonnegative, nonzero ...): a proof under them
  holds on a superset of the case. Its values are drawn inside the interval
  (`Universe.intervals`), and every re-check tests the interval exactly;
- a case that is empty (x > 0 and x < 0; u = 0 with u declared positive) decides nothing:
  `ScalarCase.empty` names why.

Anything else (a relation between two expressions, an entry u_i, a size) is refused
with a reason, never guessed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Mapping, Optional, Sequence

import sympy
from sympy import Expr, Rational, Symbol
from sympy.logic.boolalg import And

from symcheck.engine.rungs import Work, prove_zero_by_simplify, prove_zero_cheaply
from symcheck.engine.sampling import DISCRETE, Universe, _scalar_domain
from symcheck.model import Counterexample, Decision, Domain, Verdict

_LOWER = {sympy.Gt: True, sympy.Ge: False}  # x > c: a lower bound (open?)
_UPPER = {sympy.Lt: True, sympy.Le: False}
_FLIPPED = {sympy.Gt: sympy.Lt, sympy.Ge: sympy.Le, sympy.Lt: sympy.Gt, sympy.Le: sympy.Ge, sympy.Ne: sympy.Ne,
            sympy.Eq: sympy.Eq}
_DOMAIN_INTERVALS: dict[Domain, tuple[Optional[int], bool, Optional[int], bool]] = {
    Domain.POSITIVE: (0, True, None, True),
    Domain.NONNEGATIVE: (0, False, None, True),
    Domain.UNIT_INTERVAL: (0, True, 1, True),
}
_NUDGES = (Rational(1, 7), Rational(-1, 7), Rational(1, 3))


class RefusedCase(ValueError):
    """A case the engine cannot apply soundly (the verdict is then unknown, with the reason)."""


@dataclass(frozen=True)
class Interval:
    """Where a scalar lies in the case: bounds (None: unbounded), excluded points, and for a
    discrete domain the values it may take."""

    lower: Optional[Rational] = None
    lower_open: bool = True
    upper: Optional[Rational] = None
    upper_open: bool = True
    excluded: frozenset = frozenset()
    values: Optional[tuple[Rational, ...]] = None
    integer: bool = False

    def contains(self, value: Expr) -> bool:
        """Exactly, for a number; False for anything that is not a real number."""
        value = sympy.sympify(value)
        if not (value.is_number and value.is_real):
            return False
        checks = (
            self.lower is None or bool(value > self.lower if self.lower_open else value >= self.lower),
            self.upper is None or bool(value < self.upper if self.upper_open else value <= self.upper),
            value not in self.excluded,
            self.values is None or value in self.values,
            not self.integer or bool(value.is_integer),
        )
        return all(checks)

    def bounded(self, relation: type, bound: Rational) -> "Interval":
        if relation in _LOWER and (self.lower is None or bound > self.lower
                                   or (bound == self.lower and _LOWER[relation])):
            return replace(self, lower=bound, lower_open=_LOWER[relation])
        if relation in _UPPER and (self.upper is None or bound < self.upper
                                   or (bound == self.upper and _UPPER[relation])):
            return replace(self, upper=bound, upper_open=_UPPER[relation])
        if relation is sympy.Ne:
            return replace(self, excluded=self.excluded | {bound})
        if relation is sympy.Eq:
            return self.bounded(sympy.Ge, bound).bounded(sympy.Le, bound)
        return self

    def single_point(self) -> Optional[Rational]:
        """The one value a closed degenerate interval (or a one-value domain) allows."""
        if self.values is not None:
            allowed = [v for v in self.values if self.contains(v)]
            return allowed[0] if len(allowed) == 1 else None
        if self.lower is not None and self.lower == self.upper and self.contains(self.lower):
            return self.lower
        return None

    def is_empty(self) -> bool:
        if self.values is not None:
            return not any(self.contains(v) for v in self.values)
        if self.lower is None or self.upper is None:
            return False
        if self.integer:
            least = math.floor(self.lower) + 1 if self.lower_open or not self.lower.is_integer else int(self.lower)
            return not any(self.contains(Rational(n)) for n in range(least, least + len(self.excluded) + 2))
        if self.lower == self.upper:
            return not self.contains(self.lower)
        return self.lower > self.upper

    def assumptions(self) -> dict[str, bool]:
        """SymPy assumptions every value of the interval satisfies."""
        found = {"real": True}
        if self.integer:
            found["integer"] = True
        if self.lower is not None and (self.lower > 0 or (self.lower == 0 and self.lower_open)):
            found["positive"] = True
        elif self.lower is not None and self.lower >= 0:
            found["nonnegative"] = True
        if self.upper is not None and (self.upper < 0 or (self.upper == 0 and self.upper_open)):
            found["negative"] = True
        elif self.upper is not None and self.upper <= 0:
            found["nonpositive"] = True
        if not self.contains(0) and len(found) == 1 + self.integer:
            found["nonzero"] = True
        return found

    def covering(self, symbol: Symbol) -> list[Expr]:
        """Expressions that together take every value of the interval (and no other): the open
        interior as a map from a fresh positive t (x > c: c + t; a < x < b: a + (b - a) t/(1 + t)),
        and each closed end; `symbol` renamed with the interval's assumptions where there is
        no map to write (an integer, a discrete domain, only exclusions)."""
        if self.values is not None or self.integer or (self.lower is None and self.upper is None):
            return [Symbol(symbol.name, **self.assumptions())]
        t = sympy.Dummy(f"{symbol.name}_t", positive=True)
        if self.lower is not None and self.upper is not None:
            interior = self.lower + (self.upper - self.lower) * t / (1 + t)
        else:
            interior = self.lower + t if self.upper is None else self.upper - t
        ends = [end for end, is_open in ((self.lower, self.lower_open), (self.upper, self.upper_open))
                if end is not None and not is_open and self.contains(end)]
        return [interior, *ends]

    def draw(self, raw: Callable[[Domain], Rational]) -> Rational:
        """A value inside the interval from `raw`, a chooser's value for a domain (the same
        ordinal, so exact and seeded points stay deterministic)."""
        if self.values is not None:
            allowed = [v for v in self.values if self.contains(v)] or [Rational(0)]
            first = raw(Domain.INTEGER)
            return first if first in allowed else allowed[int(abs(first)) % len(allowed)]
        placed = self._whole(raw(Domain.INTEGER)) if self.integer else self._placed(raw)
        nudges = (1, -1, 2) if self.integer else _NUDGES
        return next((placed + n for n in (0, *nudges) if self.contains(placed + n)), placed)

    def _whole(self, n: Rational) -> Rational:
        """An integer of the interval from a drawn integer `n`: `n` itself, or as far from the
        bound as `n` is from 0."""
        if self.contains(n) or (self.lower is None and self.upper is None):
            return n
        least = None if self.lower is None else Rational(math.floor(self.lower) + 1 if self.lower_open
                                                         else math.ceil(self.lower))
        most = None if self.upper is None else Rational(math.ceil(self.upper) - 1 if self.upper_open
                                                        else math.floor(self.upper))
        if least is not None and most is not None:
            return least + abs(n) % (most - least + 1)
        return least + abs(n) if least is not None else most - abs(n)

    def _placed(self, raw: Callable[[Domain], Rational]) -> Rational:
        if self.lower is not None and self.upper is not None:
            return self.lower + (self.upper - self.lower) * raw(Domain.UNIT_INTERVAL)
        if self.lower is not None:
            return self.lower + raw(Domain.POSITIVE if self.lower_open else Domain.NONNEGATIVE)
        if self.upper is not None:
            return self.upper - raw(Domain.POSITIVE if self.upper_open else Domain.NONNEGATIVE)
        return raw(Domain.REAL)


def domain_interval(domain: Domain, values: Mapping[Domain, tuple]) -> Interval:
    """The interval a declared scalar domain allows (`values`: the discrete domains' values)."""
    if domain in _DOMAIN_INTERVALS:
        lower, lower_open, upper, upper_open = _DOMAIN_INTERVALS[domain]
        return Interval(None if lower is None else Rational(lower), lower_open,
                        None if upper is None else Rational(upper), upper_open)
    if domain is Domain.INTEGER:
        return Interval(integer=True)
    if domain in values:
        return Interval(values=tuple(map(Rational, values[domain])))
    return Interval()


@dataclass(frozen=True)
class ScalarCase:
    """A case on scalars, ready to apply: substitutions, intervals, and its text."""

    substitution: tuple[tuple[Symbol, Expr], ...] = ()
    intervals: tuple[tuple[Symbol, Interval], ...] = ()
    text: str = ""
    empty: Optional[str] = None  # why the case holds nowhere
    fixed_sizes: tuple[tuple[Symbol, sympy.Integer], ...] = ()  # N = 3: as a chain's `sizes`
    least_sizes: tuple[sympy.Basic, ...] = ()  # N > 3, N >= 4: facts raising a size's minimum

    def __bool__(self) -> bool:
        return bool(self.substitution or self.intervals or self.empty or self.fixed_sizes or self.least_sizes)

    def renamed(self) -> dict[Symbol, Symbol]:
        """Each bounded scalar as a symbol of the same name with the interval's assumptions."""
        return {symbol: Symbol(symbol.name, **interval.assumptions()) for symbol, interval in self.intervals}

    def pinned(self) -> dict[str, Interval]:
        """Each name the case fixes to a number, as the one-point interval of that number (so
        that the sides as written can be evaluated in the case, independently of the
        substitution); empty when the case substitutes an expression for a name."""
        if not all(value.is_Rational for _, value in self.substitution):
            return {}
        return {symbol.name: Interval(value, False, value, False) for symbol, value in self.substitution}

    def renamed_only(self, expr: Expr) -> Expr:
        """`expr` with the bounded scalars renamed, nothing substituted. By `subs`, which
        leaves a bound variable of the same name alone (a sum over x may run over negatives)."""
        return expr.subs(self.renamed()) if self.intervals else expr

    def apply(self, expr: Expr) -> Expr:
        """`expr` (unfolded: derivatives taken) inside the case."""
        if self.substitution:
            expr = expr.subs(dict(self.substitution))
        return self.renamed_only(expr)

    def covered(self, expr: Expr) -> list[Expr]:
        """`expr` inside the case for a proof, as the pieces that together cover it: each
        bounded name written by its interval's `covering`, so that SymPy sees the bounds
        (an identity in t holds on the whole interior)."""
        pieces = [expr.subs(dict(self.substitution)) if self.substitution else expr]
        for symbol, interval in self.intervals:
            pieces = [piece.subs(symbol, value) for piece in pieces for value in interval.covering(symbol)]
        return pieces

    def narrowed(self, universe: Universe) -> Universe:
        """`universe` with the case's intervals (its givens about renamed scalars renamed too)."""
        renamed = self.renamed()
        intervals = {**universe.intervals, **self.pinned(), **{s.name: interval for s, interval in self.intervals}}
        return replace(universe, facts=tuple(fact.subs(renamed) for fact in universe.facts), intervals=intervals)


def declared_intervals(universe: Universe) -> Callable[[Symbol], Interval]:
    """Each scalar's declared domain as an interval."""
    return lambda symbol: domain_interval(_scalar_domain(symbol, universe), DISCRETE)


def split_case(boolean, is_scalar: Callable[[Symbol], bool]) -> tuple[object, list]:
    """(the part of a case about indices, as given; the relations only about scalars)."""
    if boolean is None or boolean is sympy.true:
        return boolean, []
    if boolean is sympy.false:  # read as false: `u = 0` with u declared positive
        return None, [boolean]
    parts = list(boolean.args) if isinstance(boolean, And) else [boolean]
    scalar = [p for p in parts if _about_scalars(p, is_scalar)]
    rest = [p for p in parts if not any(p is s for s in scalar)]
    index_part = None if not rest else rest[0] if len(rest) == 1 else And(*rest)
    return index_part, scalar


def _about_scalars(relation, is_scalar: Callable[[Symbol], bool]) -> bool:
    """A relation on scalars alone; `i \\neq j` between two names stays the index calculus'
    (which remembers them distinct), as it was before scalars had cases."""
    symbols = getattr(relation, "free_symbols", set())
    if isinstance(relation, sympy.Ne) and all(isinstance(side, Symbol) for side in relation.args):
        return False
    return isinstance(relation, sympy.core.relational.Relational) and bool(symbols) and all(map(is_scalar, symbols))


def scalar_case(relations: Sequence, domain_of: Callable[[Symbol], Interval]) -> ScalarCase:
    """The case the relations state. Raises `RefusedCase` for what cannot be applied soundly."""
    if not relations:
        return ScalarCase()
    text = " and ".join(_shown(r) for r in relations)
    substitution, bounds = _substitutions(list(relations), domain_of)
    intervals: dict[Symbol, Interval] = {}
    for relation in bounds:
        relation = relation.subs(dict(substitution)) if substitution else relation
        if relation is sympy.true:
            continue
        if relation is sympy.false:
            return ScalarCase(text=text, empty="it is false for every value the declarations allow")
        symbol, kind, bound = _bound(relation)
        intervals[symbol] = intervals.get(symbol, domain_of(symbol)).bounded(kind, bound)
    for symbol, interval in list(intervals.items()):
        if interval.is_empty():
            return ScalarCase(text=text, empty=f"no value of {symbol} satisfies {text} within its declared domain")
        point = interval.single_point()
        if point is not None:
            substitution = _added(substitution, symbol, point)
            del intervals[symbol]
    return ScalarCase(tuple(substitution), tuple(sorted(intervals.items(), key=lambda item: item[0].name)), text)


def with_sizes(case: ScalarCase, relations: Sequence, minimums: Mapping[Symbol, int]) -> ScalarCase:
    """`case` and the relations on sizes alone: a size fixed (at least its declared minimum),
    or a lower bound raising its minimum. Raises `RefusedCase` for an upper bound."""
    if not relations or case.empty:
        return case
    text = " and ".join(filter(None, (case.text, *map(_shown, relations))))
    fixed, least = [], []
    for relation in relations:
        if relation is sympy.false:
            return replace(case, text=text, empty="it is false for every value the declarations allow")
        symbol, kind, bound = _bound(relation)
        if kind is sympy.Eq and bound.is_Integer and bound >= minimums.get(symbol, 1):
            fixed.append((symbol, bound))
        elif kind is sympy.Eq:
            return replace(case, text=text, empty=f"{symbol} is a size of at least {minimums.get(symbol, 1)}")
        elif kind in _LOWER:
            least.append(kind(symbol, bound))
        else:
            raise RefusedCase(f"cannot apply the case {_shown(relation)}: a size is bounded only from below")
    return replace(case, text=text, fixed_sizes=tuple(fixed), least_sizes=tuple(least))


def _substitutions(relations: list, domain_of: Callable[[Symbol], Interval]) -> tuple[list, list]:
    """The equations as substitutions (later ones see earlier ones applied), the rest apart."""
    substitution: list[tuple[Symbol, Expr]] = []
    others = []
    for relation in relations:
        if not isinstance(relation, sympy.Eq):
            others.append(relation)
            continue
        relation = relation.subs(dict(substitution)) if substitution else relation
        if relation in (sympy.true, sympy.false):
            others.append(relation)
            continue
        symbol, value = _solved_for(relation)
        if value.is_Rational:
            others.append(sympy.Eq(symbol, value, evaluate=False))  # its domain is checked as a bound
            continue
        if domain_of(symbol) != Interval():
            raise RefusedCase(f"cannot apply the case {_shown(relation)}: {symbol} has a restricted domain")
        if value.is_real is not True:  # u = sqrt(v) holds only where v >= 0: a case this cannot draw in
            raise RefusedCase(f"cannot apply the case {_shown(relation)}: the value is not real everywhere")
        substitution = _added(substitution, symbol, value)
    return substitution, others


def _added(substitution: list, symbol: Symbol, value: Expr) -> list:
    """The substitution with symbol -> value, every value fully resolved (applied at once)."""
    return [(s, v.subs(symbol, value)) for s, v in substitution] + [(symbol, value)]


def _solved_for(relation: sympy.Eq) -> tuple[Symbol, Expr]:
    """u = value with u a symbol that the value does not use (the later name, of two)."""
    candidates = sorted((side for side in relation.args if isinstance(side, Symbol)), key=lambda s: s.name, reverse=True)
    for symbol in candidates:
        value = relation.rhs if symbol == relation.lhs else relation.lhs
        if symbol not in value.free_symbols:
            return symbol, value
    raise RefusedCase(f"cannot apply the case {_shown(relation)}: neither side is a name that the other does not use")


def _bound(relation) -> tuple[Symbol, type, Rational]:
    """x op c (or c op x) with c a rational number, as (x, op with x on the left, c)."""
    kind = type(relation)
    left, right = relation.args
    if isinstance(right, Symbol) and not isinstance(left, Symbol):
        left, right, kind = right, left, _FLIPPED[kind]
    if not isinstance(left, Symbol) or not right.is_Rational:
        raise RefusedCase(f"cannot apply the case {_shown(relation)}: only a name against a rational number is")
    return left, kind, right


def _shown(relation) -> str:
    symbols = {sympy.Eq: "=", sympy.Ne: "!=", sympy.Lt: "<", sympy.Le: "<=", sympy.Gt: ">", sympy.Ge: ">="}
    op = symbols.get(type(relation))
    return f"{relation.lhs} {op} {relation.rhs}" if op else str(relation).lower()


EMPTY_CASE = "empty case"  # the strategy of a decision in a case that holds nowhere


def in_scalar_case(decision: Decision, case: ScalarCase) -> Decision:
    """A decision reached inside `case`, carrying it as its condition. A conditional one keeps
    its own: a condition the text does not state, found inside the stated case."""
    if decision.verdict is Verdict.CONDITIONAL:
        return replace(decision, reason=f"{decision.reason}; in the case {case.text}")
    condition = case.text if not decision.condition else f"{case.text} and {decision.condition}"
    reason = decision.reason if decision.verdict.holds else f"{decision.reason}, in the case {case.text}"
    return replace(decision, condition=condition, reason=reason, counterexample=_with_fixed(decision.counterexample, case))


def _with_fixed(counterexample: Optional[Counterexample], case: ScalarCase) -> Optional[Counterexample]:
    """A counterexample shows the values the case fixes (substituted away before the search)."""
    if counterexample is None:
        return None
    fixed = {str(symbol): str(value) for symbol, value in case.substitution if value.is_number}
    return replace(counterexample, point={**fixed, **counterexample.point})


def prove_inside(work: Work, unfolded: Sequence[Expr], case: ScalarCase) -> Optional[str]:
    """A proof of the unfolded sides inside the case, with its bounded names written as maps
    onto their intervals (x > 2: 2 + t, t > 0): what the assumptions alone cannot say."""
    if not case.intervals:
        return None
    pieces = work.guarded("inside the case", lambda: case.covered(unfolded[0] - unfolded[1]), 0.05)
    proofs = [_proved_zero(work, piece) for piece in pieces or ()]
    if not proofs or not all(proofs):
        return None
    names = ", ".join(symbol.name for symbol, _ in case.intervals)
    return f"symbolic: {names} written onto {case.text}; {', '.join(sorted(set(proofs)))}"


def _proved_zero(work: Work, difference: Expr) -> Optional[str]:
    return prove_zero_cheaply(work, difference) or prove_zero_by_simplify(work, difference)


# ---------------------------------------------------------------- a case split on a piecewise

_SPLIT_DEPTH = 3


def prove_by_scalar_cases(work: Work, difference: Expr) -> Optional[str]:
    """"case split on <conditions>" when `difference` is exactly 0 in every branch of its
    piecewise expressions whose conditions are about scalars alone (`|x|` against
    `x if x >= 0, else -x`): each branch is proved inside its case, as a stated case is
    (substituted, or under the assumptions its interval implies). A branch whose case is
    empty is never taken; anything that cannot be split is not proved here."""
    pieces = sorted(difference.atoms(sympy.Piecewise), key=sympy.default_sort_key)
    if not pieces:
        return None
    domain_of = declared_intervals(work.universe)
    proved = work.guarded("scalar case split", lambda: _branches_zero(work, difference, domain_of, _SPLIT_DEPTH), 0.15)
    conditions = ", ".join(_shown(c) for _, c in pieces[0].args if c is not sympy.true)
    return f"case split on {conditions}" if proved else None


def _bound_variables(expr: Expr) -> set:
    """The variables a sum, product, integral or lambda inside `expr` binds."""
    binders = expr.atoms(sympy.Sum, sympy.Product, sympy.Integral, sympy.Lambda)
    return {v for binder in binders for v in getattr(binder, "variables", ())}


def _branches_zero(work: Work, difference: Expr, domain_of: Callable[[Symbol], Interval], depth: int) -> bool:
    pieces = sorted(difference.atoms(sympy.Piecewise), key=sympy.default_sort_key)
    if not pieces:
        return bool(_proved_zero(work, difference))
    if depth == 0:
        return False
    piece = pieces[0]
    if {s for _, c in piece.args for s in c.free_symbols} & _bound_variables(difference):
        return False  # a condition on a summation variable holds term by term, not for the whole sum
    earlier: list = []
    for branch, condition in piece.args:
        negated = _negated(earlier)
        if negated is None:
            return False
        relations = negated + ([] if condition is sympy.true else list(condition.args if isinstance(condition, And) else [condition]))
        if not all(_about_scalars(r, lambda s: isinstance(s, Symbol)) for r in relations):
            return False
        try:
            case = scalar_case(relations, domain_of)
        except RefusedCase:
            return False
        if not case.empty and not all(_branches_zero(work, inside, domain_of, depth - 1)
                                      for inside in case.covered(difference.xreplace({piece: branch}))):
            return False
        if condition is sympy.true:
            return True
        earlier.append(condition)
    return False  # no `otherwise`: the expression is undefined outside its cases


def _negated(conditions: list) -> Optional[list]:
    """The negations of single relations (x >= 0 -> x < 0); None for anything else."""
    negated = []
    for condition in conditions:
        if not isinstance(condition, sympy.core.relational.Relational):
            return None
        negated.append(condition.negated)
    return negated
