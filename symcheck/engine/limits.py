"""Steps with limits: lim_{x -> a} f, evaluated by SymPy and confirmed near a.

Each Limit (innermost first) is evaluated with ``Limit.doit()`` under the step's time limit.
Its value is only used once an independent evaluation confirms it: the argument, at
x = a ± 10^-k (x = ±10^k at infinity) for k = 4, 8, 12, 16 at 50 digits, on each side the
limit approaches from (the sides inside the variable's declared domain), converges to the
value (the error shrinks, and is below 1e-6 at the last point); a limit with other free
symbols is confirmed at seeded sample points of them, inside their domains. Then:

- every limit has a confirmed finite value: the ladder decides the step with the limits
  replaced by their values (its proof is audited as always); a refutation is re-confirmed:
  the limits with other free symbols are confirmed again at the counterexample's point;
- a side that is one limit which does not exist (sides with different confirmed values, or
  a confirmed infinite value, also one whose sign depends on other free symbols, confirmed
  at their sample points), beside a side whose limits are all confirmed finite values and
  which evaluates to finite numbers: refuted (the limit exists on one side, not the other),
  at the first sample point when there are free symbols;
- anything else (SymPy cannot evaluate a limit, a value not confirmed, a limit that does not
  exist on both sides): unknown, with the reason. Never proved without a confirmed value.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Callable, Optional, Sequence

import sympy
from sympy import Expr, Limit, Rational, Symbol

from symcheck.engine.sampling import Universe, _Random, _scalar_domain
from symcheck.model import Counterexample, Decision, Domain, Verdict

DIGITS = 50
STEPS = (4, 8, 12, 16)  # x = a ± 10^-k
CONVERGED = sympy.Float("1e-6")  # relative error at the last point
DIVERGED = sympy.Float("1e3")  # |f| at the last point, for an infinite limit
SAMPLES = 3  # points of the other free symbols
DISCRETE = frozenset({Domain.BINARY, Domain.SIGN, Domain.INTEGER, Domain.ONE_HOT})
SIDE_NAMES = {"+": "from the right", "-": "from the left"}


def _side_name(point: Expr, side: str) -> str:
    return "at infinity" if point.is_infinite else SIDE_NAMES[side]


class LimitUnknown(Exception):
    """A limit that cannot be used: its reason says why."""


@dataclass(frozen=True)
class Evaluated:
    """A limit and what it was confirmed to be: a finite value, or one value per side
    (finite or infinite) when the limit is infinite or does not exist."""

    limit: Limit
    value: Optional[Expr]
    sides: dict

    def describe(self) -> str:
        if self.value is not None:
            return f"{_show(self.limit)} = {sympy.sstr(self.value)}"
        point = self.limit.args[2]
        per_side = ", ".join(f"{sympy.sstr(v)} {_side_name(point, s)}" for s, v in self.sides.items())
        return f"{_show(self.limit)} does not exist as a finite number ({per_side})"


def has_limits(exprs: Sequence[Expr]) -> bool:
    return any(isinstance(e, sympy.Basic) and e.has(Limit) for e in exprs)


def decide_limits(sides: Sequence[Expr], universe: Universe, decide: Callable[[Expr, Expr], Decision],
                  guard: Callable[[Callable[[], object]], object]) -> Decision:
    """The decision on lhs = rhs written with limits (`decide`: the ladder, for limit-free
    sides; `guard`: runs the evaluation within its share of the step's time, None if not)."""
    evaluator = _Evaluator(universe)
    replaced = guard(lambda: evaluator.replace_all(sides))
    if replaced is None:
        return _unknown("the limits could not be evaluated (time limit or SymPy error)", evaluator)
    if isinstance(replaced, LimitUnknown):
        return _unknown(str(replaced), evaluator)
    if all(side is not None for side in replaced):
        return _decided(decide(*replaced), evaluator)
    diverging = guard(lambda: _one_side_diverges(sides, replaced, evaluator))
    return diverging or _unknown("a limit is infinite or does not exist, on both sides", evaluator)


def _decided(decision: Decision, evaluator: "_Evaluator") -> Decision:
    if decision.verdict is Verdict.REFUTED and not evaluator.confirmed_at(decision.counterexample):
        return _unknown("the counterexample could not be re-confirmed for the limits at its point", evaluator)
    reason = f"limits evaluated and confirmed near their points: {evaluator.summary()}; then {decision.reason}"
    return replace(decision, strategy=f"limit+{decision.strategy}", reason=reason)


def _one_side_diverges(sides: Sequence[Expr], replaced: list, evaluator: "_Evaluator") -> Optional[Decision]:
    """One side a single closed limit that does not exist, the other finite: refuted."""
    for diverging, other in ((0, 1), (1, 0)):
        limit = _one_diverging_term(sides[diverging], evaluator)
        if replaced[other] is None or limit is None:
            continue
        if evaluator.finite_everywhere(replaced[other]):
            others = "; ".join(found.describe() for found in evaluator.found.values() if found.limit != limit)
            point = evaluator.points(frozenset(limit.free_symbols | replaced[other].free_symbols))[0]
            texts = [_side_text(side, value, point, limit) for side, value in zip(sides, replaced)]
            counterexample = Counterexample({str(s): str(v) for s, v in point.items()}, *texts)
            value = _number(replaced[other], point)
            if not (value.is_number and value.is_real and value.is_finite and evaluator.confirmed_at(counterexample)):
                continue  # every limit confirmed again at the point the refutation names
            return Decision(Verdict.REFUTED, "limit", 0.0, (
                f"{evaluator.found[limit].describe()} (confirmed near its point), while the other side is finite"
                + (f" ({others})" if others else "")), counterexample=counterexample)
    return None


def _one_diverging_term(side: Expr, evaluator: "_Evaluator") -> Optional[Limit]:
    """The limit a side does not exist by: the side is that limit, or a sum of it and terms
    whose limits all have finite values (a finite number plus one that does not exist)."""
    terms = sympy.Add.make_args(side)
    diverging = [t for t in terms if isinstance(t, Limit) and t in evaluator.found and evaluator.found[t].value is None]
    if len(diverging) != 1:
        return None
    rest = [t for t in terms if t is not diverging[0]]
    try:
        finite = all(evaluator.replace(t) is not None for t in rest)
    except LimitUnknown:
        return None
    return diverging[0] if finite else None


def _side_text(side: Expr, value: Optional[Expr], point: dict, limit: Limit) -> str:
    """A side's value at `point` (the sample its limits were confirmed at), or the limit that has none."""
    if value is not None:
        return sympy.sstr(value.subs(point))
    term = "" if side == limit else ", a term of this side"
    return f"{_show(limit.subs(point))} (does not exist as a finite number{term})"


def _unknown(reason: str, evaluator: "_Evaluator") -> Decision:
    done = evaluator.summary()
    return Decision(Verdict.UNKNOWN, "limit", 0.0, reason + (f" ({done})" if done else ""))


def _show(limit: Limit) -> str:
    function, variable, point, direction = limit.args
    side = "" if str(direction) == "+-" or point.is_infinite else str(direction)
    return f"lim_{{{variable} -> {sympy.sstr(point)}{side}}} {sympy.sstr(function)}"


class _Evaluator:
    """Evaluates and confirms the limits of one step, innermost first."""

    def __init__(self, universe: Universe) -> None:
        self.universe = universe
        self.found: dict[Limit, Evaluated] = {}

    def summary(self) -> str:
        return "; ".join(found.describe() for found in self.found.values())

    def replace_all(self, sides: Sequence[Expr]) -> "list | LimitUnknown":
        try:
            return [self.replace(side) for side in sides]
        except LimitUnknown as why:
            return why

    def replace(self, expr: Expr) -> Optional[Expr]:
        """`expr` with every limit replaced by its confirmed finite value (None: one is not finite)."""
        if isinstance(expr, Limit):
            found = self.evaluate(expr)
            return found.value
        if not expr.args or not expr.has(Limit):
            return expr
        args = [self.replace(arg) for arg in expr.args]
        return None if any(a is None for a in args) else expr.func(*args)

    def evaluate(self, limit: Limit) -> Evaluated:
        if limit in self.found:
            return self.found[limit]
        function, variable, point, direction = limit.args
        inner = self.replace(function)
        if inner is None:
            raise LimitUnknown(f"a limit inside {_show(limit)} does not exist as a finite number")
        self._check_sampled(inner, variable, point)
        directions = self._directions(variable, point, str(direction))
        values = {side: self._sympy_value(Limit(inner, variable, point, side), limit) for side in directions}
        for side, value in values.items():
            self._confirm(inner, variable, point, side, value, limit)
        agreed = set(values.values())
        finite = len(agreed) == 1 and not any(v.is_infinite or v.has(sympy.oo, -sympy.oo) for v in agreed)
        found = Evaluated(limit, agreed.pop() if finite else None, values)
        self.found[limit] = found
        return found

    def _directions(self, variable: Symbol, point: Expr, direction: str) -> tuple[str, ...]:
        if point.is_infinite:
            return ("-",) if point is sympy.oo else ("+",)
        sides = ("+", "-") if direction == "+-" else (direction,)
        domain = _scalar_domain(variable, self.universe)
        if domain in DISCRETE:
            raise LimitUnknown(f"{variable} is declared {domain.value}: a limit in it is not evaluated")
        if domain is not Domain.REAL and point == 0 and "+" in sides:
            return ("+",)  # a variable declared nonnegative approaches 0 from the right only
        return sides

    @staticmethod
    def _check_sampled(function: Expr, variable: Symbol, point: Expr) -> None:
        """Only limits of expressions in plain scalars are evaluated (they are sampled to confirm)."""
        others = (function.free_symbols | point.free_symbols) - {variable}
        written = (function, point)
        if not all(isinstance(s, Symbol) for s in others) or any(
                e.has(sympy.Indexed, sympy.MatrixSymbol) or e.atoms(sympy.core.function.AppliedUndef) for e in written):
            raise LimitUnknown("a limit of an expression with entries or undefined functions is not evaluated")

    @staticmethod
    def _sympy_value(one_sided: Limit, limit: Limit) -> Expr:
        value = one_sided.doit()
        if value.has(Limit, sympy.AccumBounds, sympy.nan, sympy.zoo) or isinstance(value, Limit):
            raise LimitUnknown(f"SymPy cannot evaluate {_show(limit)}")
        return value

    def points(self, others: frozenset) -> list[dict]:
        if not others:
            return [{}]
        rng = random.Random(0)
        chooser = _Random(rng, (2, 3))
        ordered = sorted(others, key=str)
        return [{s: chooser.scalar(_scalar_domain(s, self.universe), n) for n, s in enumerate(ordered)}
                for _ in range(SAMPLES)]

    def _confirm(self, function: Expr, variable: Symbol, point: Expr, side: str, value: Expr, limit: Limit,
                 samples: Optional[list] = None) -> None:
        others = frozenset((function.free_symbols | value.free_symbols | point.free_symbols) - {variable})
        for sample in samples if samples is not None else self.points(others):
            if not _converges(function, variable, point, side, value, sample):
                raise LimitUnknown(
                    f"SymPy's {_show(limit)} = {sympy.sstr(value)} is not confirmed by evaluating near the point"
                    f" {_side_name(point, side)}")

    def confirmed_at(self, counterexample: Optional[Counterexample]) -> bool:
        """Every limit with other free symbols confirmed again at a counterexample's point."""
        for found in self.found.values():
            function, variable, point, _ = found.limit.args
            others = found.limit.free_symbols
            if not others:
                continue
            sample = _point_of(counterexample, others)
            if sample is None:
                return False
            try:
                inner = self.replace(function)
                for side, value in found.sides.items():
                    self._confirm(inner, variable, point, side, value, found.limit, [sample])
            except LimitUnknown:
                return False
        return True

    def finite_everywhere(self, expr: Expr) -> bool:
        others = frozenset(expr.free_symbols)
        for sample in self.points(others):
            number = _number(expr, sample)
            if not (number.is_number and number.is_finite and number.is_real):
                return False
        return True


def _point_of(counterexample: Optional[Counterexample], symbols: set) -> Optional[dict]:
    if counterexample is None:
        return None
    named = {str(s): s for s in symbols}
    if not set(named) <= set(counterexample.point):
        return None
    try:
        return {named[name]: Rational(counterexample.point[name]) for name in named}
    except (TypeError, ValueError):
        return None


def _approach(point: Expr, side: str, k: int) -> Expr:
    if point is sympy.oo:
        return sympy.Integer(10) ** k
    if point is sympy.S.NegativeInfinity:
        return -sympy.Integer(10) ** k
    step = Rational(1, 10**k)
    return point + step if side == "+" else point - step


def _number(expr: Expr, values: dict) -> Expr:
    """expr at `values`, at 50 digits (evalf's substitution: no exact arithmetic on huge powers)."""
    return expr.evalf(DIGITS, subs=values)


def _converges(function: Expr, variable: Symbol, point: Expr, side: str, value: Expr, sample: dict) -> bool:
    """The function's values near the point (50 digits) approach `value` (or grow with its
    sign, for an infinite value)."""
    numbers = [_number(function, {**sample, variable: _approach(point, side, k)}) for k in STEPS]
    if not all(n.is_number and n.is_real and n.is_finite for n in numbers):
        return False
    value = value.subs(sample) if sample else value  # oo*sign(sin(x)) at a sample of x: oo or -oo
    if value.is_infinite:
        sign = 1 if value is sympy.oo else -1
        growing = all(sign * b >= sign * a for a, b in zip(numbers, numbers[1:]))
        return growing and sign * numbers[-1] > DIVERGED
    target = _number(value, sample)
    if not (target.is_number and target.is_real):
        return False
    errors = [abs(n - target) for n in numbers]
    return errors[-1] <= CONVERGED * (1 + abs(target)) and errors[-1] <= errors[0]
