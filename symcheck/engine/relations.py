"""Deciding relations other than `=`: order (<, <=, >, >=), `\\ne`, and `\\approx` against a
number written to some digits.

Soundness first, as for equations:
- closed sides (no free symbols) are compared by a certified evaluation (`certified_sign`:
  exact for rationals, else SymPy's strict evalf, whose digits are all correct; a true 0 is
  shown by simplification) and are proved or refuted;
- with free symbols, points are drawn inside the declared domains (small exact ones first,
  then seeded random ones). A violation is re-checked afresh with more digits, inside the
  domain and the givens, before it refutes. An order is proved only symbolically (the
  difference of the sides is nonnegative, or positive, by SymPy's sign rules on its terms
  under the declared assumptions) and only when no point contradicts it and some point
  confirms it; otherwise agreement at every point is `numeric` (evidence, not proof);
- `\\ne` with free symbols is refuted by an identity (the difference is 0 symbolically and
  at every point drawn); otherwise it is numeric at best;
- `\\approx` decides only a closed side against a written number (`WrittenNumber`).
Every decision runs under the step's time limit.
"""

from __future__ import annotations

import operator
import random
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, Sequence

import sympy
from sympy import Expr

from symcheck.engine.ladder import in_stated_case, timed_decision
from symcheck.engine.canonical import Unfolder, index_facts, rules_from_scope
from symcheck.engine.expectation import has_operators
from symcheck.engine.indexcalc import Condition
from symcheck.engine.matrixcalc import EntryWriter, index_elements, is_matrix
from symcheck.engine.scalarcase import ScalarCase, in_scalar_case
from symcheck.engine.rungs import EXTRA_DIGITS, Work, atomize, prove_zero_cheaply, show_value
from symcheck.engine.sampling import (
    Point, Universe, exact_points, free_symbols, in_domain, name_of, random_points, satisfies_facts,
)
from symcheck.engine.settings import Settings
from symcheck.model import Counterexample, Decision, Verdict
from symcheck.model.symbols import ASSUMPTIONS_BY_DOMAIN, Scope
from symcheck.runtime.limits import run_limited

CERTIFY_DIGITS = 30
CERTIFY_SECONDS = 2.0
MAX_PRECISION = 4000  # digits SymPy's strict evalf may work with to certify a sign

# name -> (holds at two values, the difference whose sign proves it, strict, as printed)
_ORDERS: dict[str, tuple[Callable, Callable[[Expr, Expr], Expr], bool, str]] = {
    "le": (operator.le, lambda lhs, rhs: rhs - lhs, False, "≤"),
    "lt": (operator.lt, lambda lhs, rhs: rhs - lhs, True, "<"),
    "ge": (operator.ge, lambda lhs, rhs: lhs - rhs, False, "≥"),
    "gt": (operator.gt, lambda lhs, rhs: lhs - rhs, True, ">"),
}
DECIDED = frozenset(_ORDERS) | {"ne", "approx"}


@dataclass(frozen=True)
class WrittenNumber:
    """A number as written (`0.693`, `-301029995.6\\ldots`): its exact value and how far a
    value may be from it and still agree with the digits written (half a unit of the last
    digit; a whole unit when an ellipsis says the digits were cut, not rounded)."""

    text: str
    value: sympy.Rational
    tolerance: sympy.Rational
    allowance: str = "half a unit of the last digit written"


def decide_relation(relation: str, lhs: Expr, rhs: Expr, scope: Scope, *, condition=None,
                    settings: Settings = Settings()) -> Decision:
    """Decide `lhs <relation> rhs` ("le", "lt", "ge", "gt", "ne") in `scope`."""
    return timed_decision(lambda: _decide(relation, sympy.sympify(lhs), sympy.sympify(rhs), scope, condition, settings),
                  settings)


def decide_approximation(value: Expr, written: WrittenNumber, settings: Settings = Settings(),
                         log_bases: Sequence[int] = ()) -> Decision:
    """A closed `value` against a number written to some digits. A value that disagrees but
    would agree with its logarithms read in one of `log_bases` (the author wrote `\\log`, whose
    base conventions differ) is undecided, with a note saying so, rather than refuted."""
    def decide() -> Decision:
        decision = _approximation(sympy.sympify(value), written)
        if decision.verdict is not Verdict.REFUTED:
            return decision
        base = next((base for base in log_bases if _within(_in_base(value, base), written)), None)
        if base is None:
            return decision
        return _unknown(f"{written.text} is the value only with \\log read in base {base}, and \\log is the natural "
                        f"logarithm here (write \\log_{{{base}}} or \\ln to say which)")
    return timed_decision(decide, settings)


def _in_base(value: Expr, base: int) -> Expr:
    return value.replace(sympy.log, lambda *args: sympy.log(*args) / sympy.log(base))


def _within(value: Expr, written: WrittenNumber) -> Optional[bool]:
    """|value - written| <= the tolerance, certified (a gap that is exactly 0 first: the
    strict evaluation of a distance that cancels exhausts its precision)."""
    gap = value - written.value
    if certified_sign(gap) == 0:
        return True
    inside = certified_sign(written.tolerance - sympy.Abs(gap))
    return None if inside is None else inside >= 0


def certified_sign(expr: Expr) -> Optional[int]:
    """-1, 0 or 1: the sign of a closed real `expr`, certified; None when not found in time
    or when `expr` is not a (finite) real number."""
    if expr.is_Rational:
        return int(sympy.sign(expr))
    if expr.free_symbols:
        return None
    try:
        finished, value = run_limited(lambda: expr.evalf(CERTIFY_DIGITS, strict=True, maxn=MAX_PRECISION),
                                      CERTIFY_SECONDS)
    except (ArithmeticError, ValueError, TypeError):  # PrecisionExhausted: 0, or too close to it
        finished, value = False, None
    if finished and value.is_number and not (value.is_Number and value.is_finite):
        return None  # not a real number: complex, infinite or undefined
    if finished:
        return int(sympy.sign(value)) if value != 0 else _zero_or_none(expr)
    return _zero_or_none(expr)


def _zero_or_none(expr: Expr) -> Optional[int]:
    try:
        finished, zero = run_limited(lambda: sympy.simplify(expr) == 0, CERTIFY_SECONDS)
    except Exception:  # noqa: BLE001 - any SymPy error: not shown to be 0
        return None
    return 0 if finished and zero else None


# ---------------------------------------------------------------- closed sides


def _decide(relation: str, lhs: Expr, rhs: Expr, scope: Scope, condition, settings: Settings) -> Decision:
    if is_matrix(lhs) or is_matrix(rhs):
        return _unknown("a relation between matrices or vectors is not checked")
    if has_operators((lhs, rhs)):
        return _unknown("a relation between expectations, variances or covariances is not checked")
    try:
        case, scalar, scope, lhs, rhs = in_stated_case(lhs, rhs, scope, condition)
    except ValueError as error:  # a case the engine cannot apply
        return _unknown(str(error))
    if scalar.empty:
        return _unknown(f"the stated case is empty: {scalar.empty}; nothing holds or fails in it")
    if not (free_symbols(lhs) or free_symbols(rhs)):
        decision = _closed(relation, lhs, rhs)
    else:
        decision = _Sampler(relation, lhs, rhs, scope, case, scalar, settings).decide()
    return in_scalar_case(decision, scalar) if scalar else decision


def _closed(relation: str, lhs: Expr, rhs: Expr) -> Decision:
    sign = certified_sign(lhs - rhs)
    if sign is None:
        return _unknown("the sign of lhs - rhs could not be certified (or a side is not a real number)")
    holds = sign != 0 if relation == "ne" else _ORDERS[relation][0](sign, 0)
    exact = lhs.is_Rational and rhs.is_Rational
    strategy = "exact" if exact else f"certified evaluation ({CERTIFY_DIGITS} digits)"
    reason = "numbers compared exactly" if exact else f"numbers compared to {CERTIFY_DIGITS} certified digits"
    if holds:
        return Decision(Verdict.PROVED, strategy, 0.0, f"{reason}: lhs = {show_value(lhs)}, rhs = {show_value(rhs)}")
    return Decision(Verdict.REFUTED, strategy, 0.0, reason,
                    counterexample=Counterexample({}, show_value(lhs), show_value(rhs)))


def _approximation(value: Expr, written: WrittenNumber) -> Decision:
    if free_symbols(value):
        return _unknown("an approximation of an expression with free symbols is not checked")
    inside = _within(value, written)
    if inside is None:
        return _unknown(f"the value could not be certified near {written.text}")
    distance = f"|{show_value(value)} - ({written.text})| = {sympy.N(sympy.Abs(value - written.value), 6)}"
    allowed = f"{float(written.tolerance):g}, {written.allowance}"
    if inside:
        return Decision(Verdict.PROVED, "certified evaluation", 0.0, f"{distance} <= {allowed}")
    return Decision(Verdict.REFUTED, "certified evaluation", 0.0,
                    f"the value does not agree with the digits written: {distance} > {allowed}",
                    counterexample=Counterexample({}, show_value(value), written.text))


# ---------------------------------------------------------------- free symbols


class _Sampler:
    """A relation with free symbols, decided at points inside the declared domains."""

    def __init__(self, relation: str, lhs: Expr, rhs: Expr, scope: Scope, case: Condition, scalar: ScalarCase,
                 settings: Settings):
        self.relation, self.settings, self.case, self.scalar = relation, settings, case, scalar
        universe = scalar.narrowed(Universe.from_scope(scope))
        free = frozenset(s for s in free_symbols(lhs) | free_symbols(rhs) if s in scope.table.index_ranges)
        rules = rules_from_scope(scope, free)
        writer = EntryWriter(universe)
        lhs, rhs = index_elements(lhs, writer), index_elements(rhs, writer)
        self.work = Work(lhs, rhs, universe, rules, settings, index_facts(universe, Condition()))
        self.sides: Optional[tuple[Expr, Expr]] = None

    def decide(self) -> Decision:
        unfold = Unfolder(self.work.rules)
        self.sides = self.work.guarded("unfold", lambda: (unfold(self.work.lhs), unfold(self.work.rhs)), 0.3)
        if self.sides is None:
            return _unknown("could not unfold the definitions")
        self.sides = tuple(map(self.scalar.apply, self.sides))  # values put in after derivatives are taken
        if not any(map(free_symbols, self.sides)):
            return _closed(self.relation, *self.sides)
        found = self.work.guarded("sampling", self.sample, 0.5)
        if found is None:
            return _unknown("no point inside the domain could be evaluated")
        if found.violation is not None and _undefined_functions(self.sides):
            return _unknown(f"false for some functions {_undefined_functions(self.sides)}, which have no definition here "
                            "and are sampled as arbitrary functions; an order depends on what they are: define them")
        if found.violation is not None:
            where = f" with {self.case.text}" if self.case else ""
            return Decision(Verdict.REFUTED, "counterexample", 0.0,
                            f"false at a point inside the domain{where}", counterexample=found.violation)
        if self.relation == "ne":
            return self.identity(found)
        if found.unconfirmed:
            return _unknown(f"false at {found.unconfirmed} points by the first evaluation, not confirmed by the re-check")
        agreeing = found.agreeing
        proof = self.work.guarded("symbolic", self.prove_order, 0.2) if agreeing else None
        if proof is not None:
            return Decision(Verdict.PROVED, proof[0], 0.0, f"{proof[1]}; confirmed at {agreeing} points inside the domain")
        if agreeing >= self.settings.samples:
            return Decision(Verdict.NUMERIC, f"numeric {agreeing} pts @{self.settings.precision} digits", 0.0,
                            f"holds at {agreeing} points inside the domain (evidence, not proof)")
        return _unknown(f"holds at only {agreeing} points that could be evaluated")

    def identity(self, found: "_Sampled") -> Decision:
        """`\\ne` with free symbols: refuted when the sides are identical (0 symbolically and at
        every point drawn), numeric when they differ at enough points."""
        if not found.agreeing and found.equal is not None:
            lhs, rhs = self.sides
            zero = self.work.guarded("symbolic", lambda: prove_zero_cheaply(self.work, lhs - rhs), 0.2)
            if zero is not None:
                return Decision(Verdict.REFUTED, f"symbolic ({zero})", 0.0,
                                f"the sides are identical (lhs - rhs is 0: {zero}; equal at every point drawn)",
                                counterexample=found.equal)
        if found.agreeing >= self.settings.samples:
            return Decision(Verdict.NUMERIC, f"numeric {found.agreeing} pts @{self.settings.precision} digits", 0.0,
                            f"the sides differ at {found.agreeing} points inside the domain (evidence, not proof)")
        return _unknown(f"the sides differ at only {found.agreeing} points that could be evaluated")

    def points(self) -> Iterator[Point]:
        rng = random.Random(self.settings.seed)
        yield from exact_points(self.sides, self.work.universe, self.case)
        yield from random_points(self.sides, self.work.universe, rng, self.settings.sizes, self.case,
                                 attempts=3 * self.settings.samples)

    def sample(self) -> "_Sampled":
        """Points where the relation holds, and a re-checked point where an order does not
        (for `\\ne`, a point where the sides are equal: evidence of an identity, no refutation)."""
        found = _Sampled()
        for point in self.points():
            holds = self.holds_at(point, self.settings.precision, fresh=False)
            if holds is False and self.relation == "ne":
                found.equal = found.equal or self.recheck(point)
            elif holds is False:
                found.violation = self.recheck(point)
                if found.violation is not None:
                    return found
                found.unconfirmed += 1
            elif holds:
                found.agreeing += 1
                if found.agreeing >= self.settings.samples:
                    break
        return found

    def holds_at(self, point: Point, digits: int, fresh: bool) -> Optional[bool]:
        """Whether the relation holds at `point`; None where it cannot be told at `digits`
        (a side undefined or not real there; an order between values equal to those digits)."""
        left, right = (point.evaluate(side, fresh) for side in self.sides)
        if left.is_Rational and right.is_Rational:
            return left != right if self.relation == "ne" else bool(_ORDERS[self.relation][0](left, right))
        values = [_real(value, digits) for value in (left, right)]
        if None in values:
            return None
        gap = values[0] - values[1]
        margin = sympy.Float(10) ** (-(digits // 2)) * max(sympy.Float(1), abs(values[0]), abs(values[1]))
        if abs(gap) <= margin:
            return None
        return True if self.relation == "ne" else bool(_ORDERS[self.relation][0](gap, 0))

    def recheck(self, point: Point) -> Optional[Counterexample]:
        """The violation confirmed afresh with more digits, inside the domain and the givens."""
        universe = self.work.universe
        if not (self.case.admits(point.indices) and in_domain(point, universe)):
            return None
        if self.holds_at(point, self.settings.precision + EXTRA_DIGITS, fresh=True) is not False:
            return None
        if not (in_domain(point, universe) and satisfies_facts(point, universe, self.settings.precision)):
            return None
        left, right = (point.evaluate(side, fresh=True) for side in self.sides)
        return Counterexample(point.describe(self.sides), show_value(left), show_value(right))

    def prove_order(self) -> Optional[tuple[str, str]]:
        """(strategy, why) when the difference of the sides has the sign the order needs, by
        SymPy's sign rules on its terms (as written, then factored) under the declared assumptions."""
        _, difference, strict, symbol = _ORDERS[self.relation]
        gap = difference(*self.sides)
        for form in (gap, sympy.factor(gap)):
            atoms = _as_declared(atomize(form, self.work.facts), self.work.universe)
            if atoms.is_positive if strict else atoms.is_nonnegative:
                return "symbolic: signs of the terms", f"the difference of the sides is {symbol} 0 term by term"
        return None


@dataclass
class _Sampled:
    agreeing: int = 0
    unconfirmed: int = 0  # points where an order seemed false but the re-check did not confirm it
    violation: Optional[Counterexample] = None
    equal: Optional[Counterexample] = None


def _undefined_functions(sides: Sequence[Expr]) -> str:
    """The functions applied in `sides` that no definition unfolded (`\\sigma` undeclared), by name."""
    applied = set().union(*(side.atoms(sympy.core.function.AppliedUndef) for side in sides))
    return ", ".join(sorted({str(f.func) for f in applied}))


def _as_declared(expr: Expr, universe: Universe) -> Expr:
    """`expr` with each scalar and entry (not an index or a size) replaced by a symbol that
    carries what its declared domain guarantees (a symbol is real unless declared otherwise)."""
    fixed = set(universe.ranges) | universe.sizes()
    values = [atom for atom in expr.atoms(sympy.Symbol, sympy.Indexed)
              if isinstance(atom, sympy.Indexed) or (atom not in fixed and not atom.name.startswith("_sum"))]
    names = {atom: name_of(atom.base.label if isinstance(atom, sympy.Indexed) else atom) for atom in values}
    return expr.xreplace({atom: sympy.Dummy(names[atom], **ASSUMPTIONS_BY_DOMAIN.get(universe.domain(names[atom]), {}))
                          for atom in values})


def _real(value: Expr, digits: int) -> Optional[sympy.Float]:
    if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or free_symbols(value):
        return None
    number = sympy.N(value, digits)
    real, imaginary = number.as_real_imag()
    if not (real.is_Number and imaginary.is_Number) or abs(imaginary) > sympy.Float(10) ** (-(digits - 10)):
        return None
    return real


def _unknown(why: str) -> Decision:
    return Decision(Verdict.UNKNOWN, "none", 0.0, why)
