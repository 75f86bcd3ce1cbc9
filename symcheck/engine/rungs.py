"""The rungs of the verdict ladder for one scalar equation, each under a time budget.

- `prove_zero_cheaply` / `prove_zero_by_simplify`: canonical lhs - rhs is exactly 0 (sums
  as positive/real atoms; expand, cancel, expand_log, a case split on Kronecker deltas;
  simplify only after the counterexample search came back empty); the full ladder splits
  the cheap tests around the float screen (`prove_zero_by_expansion` before it,
  `prove_zero_after_screen` after it), so a false step is refuted without them;
- `find_counterexample`: small exact points inside the domain, re-checked;
- `prove_for_sizes`: every size 1..8 (and every index value) instantiated, sums
  written out, and the difference shown exactly 0 for each combination;
- `numeric_check`: >= `samples` seeded random points agree at `precision` digits.

Every SymPy call runs under `guarded`: a time budget (`limits.run_limited`) and a catch
of SymPy's internal errors, which make the rung give up instead of escaping.
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Callable, Iterable, Optional, Sequence

import sympy
from mpmath import iv
from sympy import Expr, Product, Sum, Symbol

from symcheck.engine.canonical import Rules, canonical
from symcheck.engine.atpoint import INTERVALS, AtPoint
from symcheck.engine.enclosure import GUARD_DIGITS, certainly_agree, certainly_apart, enclosed_all_at, midpoint
from symcheck.engine.indexcalc import Condition, IndexFacts, delta_cases, eliminate_normalized, free_deltas, sign_of
from symcheck.runtime.limits import remaining, run_limited
from symcheck.engine.settings import Settings
from symcheck.model import Counterexample, SamplePoint, Verdict
from symcheck.engine.sampling import (
    Point,
    Universe,
    exact_points,
    free_indices,
    in_domain,
    name_of,
    needed_sizes,
    points_at_sizes,
    random_points,
    satisfies_facts,
    structure,
)
from symcheck.engine.walk import NotDirect, free_of

EQUAL_TOLERANCE = sympy.Float("1e-30")  # relative: equal at `precision` digits
DIFFERENT_MARGIN = sympy.Float("1e-20")  # relative: certainly different
EXTRA_DIGITS = 20  # re-checks evaluate with this many more digits
MAX_COMBINATIONS_PER_LEVEL = 400
MIN_SIZE_LEVELS = 2
# before `proved-for-sizes`, sizes past the largest asked for are tried for a counterexample (as
# multiples of it and the next few): a sum's closed form wrong only from n = 9 on was proved for 1..8
BEYOND_NEXT, BEYOND_MULTIPLES = 5, (2, 3, 4)
BEYOND_SEED_SHIFT = 104729


@dataclass(frozen=True)
class Finding:
    """What a rung established about lhs = rhs."""

    verdict: Verdict
    strategy: str
    reason: str
    counterexample: Optional[Counterexample] = None
    sizes: tuple[int, ...] = ()
    evidence: tuple[SamplePoint, ...] = ()


@dataclass
class Work:
    """One scalar equation under decision: its sides, world, rules, settings, notes."""

    lhs: Expr
    rhs: Expr
    universe: Universe
    rules: Rules
    settings: Settings
    facts: IndexFacts
    notes: list[str] = field(default_factory=list)
    cache: dict = field(default_factory=dict)

    def budget(self, fraction: float) -> float:
        """A share of the step's time, never more than 90% of what the step has left (so
        the ladder ends with its own reasons rather than at the step's limit)."""
        return min(self.settings.step_timeout * fraction, max(0.9 * remaining(), 0.0))

    def canonical_sides(self, sides: Sequence[Expr], case: Condition) -> Optional[tuple[Expr, ...]]:
        """Both sides in canonical form under `case`, computed once per case; a case starts
        from the general canonical forms (equal to the sides, and already simplified)."""
        key = ("canonical", tuple(sides), case)
        if key not in self.cache:
            start = (self.canonical_sides(sides, Condition()) if case else None) or sides
            self.cache[key] = self.guarded(
                "index calculus", lambda: tuple(canonical(s, self.universe, self.rules, case) for s in start), 0.2
            )
        return self.cache[key]

    def known_canonical(self, sides: Sequence[Expr], case: Condition) -> Optional[tuple[Expr, ...]]:
        """The canonical forms under `case` if `canonical_sides` computed them already, else None."""
        return self.cache.get(("canonical", tuple(sides), case))

    def guarded(self, label: str, function: Callable[[], object], fraction: float) -> Optional[object]:
        """`function()` within its budget; None (noted) on timeout or SymPy error."""
        seconds = self.budget(fraction)
        try:
            finished, value = run_limited(function, seconds)
        except Exception as error:  # noqa: BLE001 - any SymPy internal error ends this strategy only
            self.notes.append(f"{label}: {type(error).__name__}")
            return None
        if not finished:
            self.notes.append(f"{label}: over {seconds:.1f} s")
            return None
        return value


# ---------------------------------------------------------------- symbolic zero


def _outermost_sums(expr: Expr) -> set[Expr]:
    if isinstance(expr, (Sum, Product)):
        return {expr}
    return set().union(*(_outermost_sums(arg) for arg in expr.args)) if expr.args else set()


def _sum_assumptions(total: Expr, facts: IndexFacts) -> dict[str, bool]:
    """Signs a sum or product is known to have: a sum of positive terms over a nonempty
    range is positive; a product of positive factors is positive."""
    function = total.function
    nonempty = all(sign_of(upper - lower, facts) is True for _, lower, upper in total.limits)
    if function.is_positive and (nonempty or isinstance(total, Product)):
        return {"positive": True}
    if function.is_nonnegative and isinstance(total, Sum):
        return {"nonnegative": True}
    return {"real": True} if function.is_real else {}


def atomize(expr: Expr, facts: IndexFacts) -> Expr:
    """Outermost sums and products as symbols carrying their sign (sound for a zero test)."""
    sums = _outermost_sums(expr)
    sums = sorted(sums, key=name_of) if len(sums) > 1 else list(sums)  # printing a lone sum to sort it is wasted
    mapping = {s: Symbol(f"_sum{n}", **_sum_assumptions(s, facts)) for n, s in enumerate(sums)}
    return expr.xreplace(mapping)


_CHEAP_TESTS: dict[str, Callable[[Expr], Expr]] = {
    "expand": sympy.expand,
    "cancel": lambda e: sympy.cancel(sympy.together(e)),
    "expand_log+cancel": lambda e: sympy.cancel(sympy.together(sympy.expand(sympy.expand_log(e)))),
}


def _is_zero(value: object) -> bool:
    return isinstance(value, Expr) and value == 0


_EXPANSION = ("expand",)  # the cheap test tried before the float screen; the others after it


def _cheap_zero(work: Work, difference: Expr, fraction: float = 0.1, tests: Sequence[str] = tuple(_CHEAP_TESTS)) -> Optional[str]:
    atoms = atomize(difference, work.facts)
    for name in tests:
        if _is_zero(work.guarded(name, lambda: _CHEAP_TESTS[name](atoms), fraction)):
            return name
    return None


def _split_zero(work: Work, difference: Expr, depth: int = 2) -> bool:
    """Zero in both cases of a free Kronecker delta (recursively, up to `depth` deltas)."""
    for delta in free_deltas(difference)[:depth]:
        cases = work.guarded("case split", lambda: delta_cases(difference, delta, work.facts), 0.1)
        if cases is None:
            continue
        if all(_cheap_zero(work, case, 0.05) or (depth > 1 and _split_zero(work, case, depth - 1)) for case in cases):
            return True
    return False


def prove_zero_cheaply(work: Work, difference: Expr, tests: Sequence[str] = tuple(_CHEAP_TESTS)) -> Optional[str]:
    """The name of the cheap test that showed `difference` to be exactly 0, or None."""
    if difference == 0:
        return "identical"
    cheap = _cheap_zero(work, difference, tests=tests)
    if cheap:
        return cheap
    if free_deltas(difference) and _split_zero(work, difference):
        return "case split on Kronecker deltas"
    return None


def prove_zero_by_expansion(work: Work, difference: Expr) -> Optional[str]:
    """"identical" or "expand", or None: the cheapest tests, tried before the float screen."""
    return "identical" if difference == 0 else _cheap_zero(work, difference, tests=_EXPANSION)


def prove_zero_after_screen(work: Work, difference: Expr) -> Optional[str]:
    """The other cheap tests (cancel, expand_log, a case split), once the float screen saw
    no difference: on a false step they are the costly part of failing."""
    return prove_zero_cheaply(work, difference, tuple(name for name in _CHEAP_TESTS if name not in _EXPANSION))


def prove_zero_by_simplify(work: Work, difference: Expr) -> Optional[str]:
    """"simplify" if SymPy's simplify brings `difference` to exactly 0 (the costly test,
    tried after a counterexample search)."""
    atoms = atomize(difference, work.facts)
    return "simplify" if _is_zero(work.guarded("simplify", lambda: sympy.simplify(atoms), 0.25)) else None


def prove_zero_by_summation(work: Work, difference: Expr) -> Optional[str]:
    """"closed form" if SymPy's summation gives every sum and product with a symbolic or an
    infinite bound a closed form (`\\sum_{k=1}^n k` is n(n+1)/2, the sum of 1/k^2 is pi^2/6)
    and the difference simplifies to exactly 0. A closed form by cases (a Piecewise:
    `\\sum_k x^k` at x = 1) proves nothing, nor does one of a sum up to a bound not known to
    be an integer (a real n)."""
    bounded = difference.atoms(sympy.Sum, sympy.Product)
    if not bounded or not all(bound.is_integer or bound in (sympy.oo, -sympy.oo)
                              for term in bounded for _, *bounds in term.limits for bound in bounds):
        return None
    closed = work.guarded("closed form", difference.doit, 0.15)
    if closed is None or closed.has(sympy.Sum, sympy.Product, sympy.Piecewise):
        return None
    return "closed form" if _is_zero(work.guarded("simplify", lambda: sympy.simplify(closed), 0.15)) else None


# ---------------------------------------------------------------- evaluation at points


@dataclass(frozen=True)
class Comparison:
    """Both sides at one point. A side that is undefined there (no matching case, a
    division by zero, a log of a non-positive number) never equals a defined one.
    `numbers` are the values compared (exact rationals or floats; None where undefined)."""

    equal: bool
    different: bool
    lhs: Expr
    rhs: Expr
    undefined: bool = False  # some side is undefined at the point
    numbers: tuple[Optional[Expr], Optional[Expr]] = (None, None)

    @property
    def error(self) -> Optional[Expr]:
        """|lhs - rhs|, None where a side is undefined."""
        left, right = self.numbers
        return None if left is None or right is None else abs(left - right)


class _Undefined:
    """The value of a side where it is undefined (distinct from "not evaluated")."""


UNDEFINED = _Undefined()
IMAGINARY_TOLERANCE = sympy.Float("1e-40")


def _numeric(value: Expr, digits: int) -> object:
    """A real number, UNDEFINED, or None when the value could not be computed (a symbol left).
    An infinite bound of an integral, a sum or a limit is no infinite value."""
    if _integrands(value).has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo, sympy.Piecewise):
        return UNDEFINED
    if value.free_symbols:
        return None
    number = sympy.N(value, digits)
    if number.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return UNDEFINED
    real, imaginary = number.as_real_imag()
    if not (real.is_Number and imaginary.is_Number):
        return None
    if abs(imaginary) > IMAGINARY_TOLERANCE * max(sympy.Float(1), abs(real)):
        return UNDEFINED  # e.g. the log of a negative number: not a real value
    return real


_BOUNDED = (sympy.Integral, Sum, Product, sympy.Limit)


def _integrands(value: Expr) -> Expr:
    """`value` with each integral, sum, product and limit replaced by what it applies to."""
    return value.replace(lambda part: isinstance(part, _BOUNDED), lambda part: part.args[0]) \
        if value.has(*_BOUNDED) else value


def integrated(value: Expr) -> Expr:
    """A value with integrals done exactly where SymPy can: numerically, an oscillating one
    (sin(x)/x from 0 to oo) came out as -4, a divergent one as a large number."""
    if not value.has(sympy.Integral) or value.free_symbols:
        return value
    done = value.doit()
    return value if done.has(sympy.Integral) else done


def compare_values(left: Expr, right: Expr, digits: int) -> Optional[Comparison]:
    """Two values: exactly for rationals, else at `digits` digits; None if not computable."""
    if left.is_Rational and right.is_Rational:
        return Comparison(bool(left == right), bool(left != right), left, right, numbers=(left, right))
    left_n, right_n = _numeric(left, digits), _numeric(right, digits)
    if left_n is None or right_n is None:
        return None
    if left_n is UNDEFINED or right_n is UNDEFINED:
        numbers = tuple(None if n is UNDEFINED else n for n in (left_n, right_n))
        return Comparison(False, (left_n is UNDEFINED) != (right_n is UNDEFINED), left, right, True, numbers)
    gap = abs(left_n - right_n)
    scale = max(sympy.Float(1), abs(left_n), abs(right_n))
    return Comparison(bool(gap <= EQUAL_TOLERANCE * scale), bool(gap > DIFFERENT_MARGIN * scale), left, right,
                      numbers=(left_n, right_n))


def compare_complex(left: Expr, right: Expr, digits: int) -> Optional[Comparison]:
    """Two closed numbers compared as complex numbers (see `compare_at`); `compare_values`
    decides where either is not a finite number."""
    numbers = [sympy.N(value, digits) for value in (left, right)]
    if any(n.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or not n.is_number for n in numbers):
        return compare_values(left, right, digits)
    gap = abs(numbers[0] - numbers[1])
    scale = max(sympy.Float(1), abs(numbers[0]), abs(numbers[1]))
    return Comparison(bool(gap <= EQUAL_TOLERANCE * scale), bool(gap > DIFFERENT_MARGIN * scale), left, right,
                      numbers=tuple(numbers))


STRICT_DIGITS = 1000  # working precision allowed to show a tiny difference of closed numbers nonzero
MAX_STRICT_DIGITS = 4000  # ... however large the numbers written (10^{-2000}) ask for
CERTIFY_SECONDS = 2.0


def _written_digits(difference: Expr) -> int:
    """Decimal digits of the largest integer written in `difference` (a numerator or a
    denominator): a gap hidden that deep needs at least that much working precision."""
    integers = [abs(n) for atom in difference.atoms(sympy.Rational) for n in (atom.p, atom.q)]
    return int(max(integers, default=1).bit_length() * 0.30103) + 1


def certified_gap(left: Expr, right: Expr) -> Optional[Expr]:
    """|left - right| for two exact values that agree within the tolerance, when SymPy's
    adaptive evaluation gives it to 15 correct digits and it is not 0 (exp(10^{-300}) - 1,
    x + e^{-10^4} - x: gaps no relative tolerance sees); a true 0 exhausts the working
    precision (STRICT_DIGITS beyond the digits written) and gives None, and so does a
    difference whose evaluation takes over CERTIFY_SECONDS. Integrals and series are left
    to the tolerance: their evaluation at such precision costs too much."""
    difference = left - right
    if left == right or difference.free_symbols or difference.has(sympy.Integral, Sum, Product):
        return None
    digits = min(STRICT_DIGITS + _written_digits(difference), MAX_STRICT_DIGITS)
    try:
        finished, value = run_limited(lambda: difference.evalf(15, strict=True, maxn=digits), CERTIFY_SECONDS)
    except (ArithmeticError, ValueError):  # PrecisionExhausted (its message may not even print): not certified
        return None
    return abs(value) if finished and value.is_number and value != 0 else None


def _apart(comparison: Comparison, digits: int) -> Comparison:
    """`comparison` of two values equal within the tolerance, or, when `certified_gap` shows
    them apart, a comparison that says so with enough digits to show the gap."""
    gap = certified_gap(comparison.lhs, comparison.rhs)
    if not gap:
        return comparison
    digits += int(sympy.ceiling(-sympy.log(gap, 10))) + 5
    numbers = tuple(sympy.N(value, digits) for value in (comparison.lhs, comparison.rhs))
    return Comparison(False, True, comparison.lhs, comparison.rhs, numbers=numbers)


def compare_at(point: Point, lhs: Expr, rhs: Expr, digits: int, fresh: bool = False,
               certify: bool = False) -> Optional[Comparison]:
    """Both sides at `point` (see `compare_values`). Sides with nothing to sample
    (e^{i pi} = -1) are complex numbers as written, compared as such: a non-real value
    there is what the author wrote, not a point outside a real domain. Values equal within
    the tolerance are tested for a `certified_gap` when the sides are closed or when asked
    (`certify`: the numeric rung asks once, at its last point, as that test costs)."""
    left, right = (integrated(point.evaluate(side, fresh)) for side in (lhs, rhs))
    closed = not (lhs.free_symbols or rhs.free_symbols)
    comparison = compare_complex(left, right, digits) if closed else compare_values(left, right, digits)
    if comparison is not None and comparison.equal and (closed or certify):
        return _apart(comparison, digits)
    return comparison


def sample_point(role: str, point: Point, comparison: Comparison, sides: Sequence[Expr], digits: int,
                 described: Optional[dict[str, str]] = None) -> SamplePoint:
    """The evidence of one evaluation, as the report prints it (the compared numbers)."""
    shown = [_show_number(n, value) for n, value in zip(comparison.numbers, (comparison.lhs, comparison.rhs))]
    error = comparison.error
    where = point.describe(sides) if described is None else described
    return SamplePoint(role, where, *shown, None if error is None else _show_number(error, error), digits, comparison.equal)


def _show_number(number: Optional[Expr], value: Expr) -> str:
    if number is None:
        return "undefined"
    if number.is_Rational:  # as SymPy prints it (p, or p/q), without a printer built for each value
        return str(number.p) if number.q == 1 else f"{number.p}/{number.q}"
    return str(sympy.N(number, 20))


SHOWN_EXACTLY = 40  # characters: a longer exact value is shown by its digits only


def show_value(value: Expr, number: Optional[Expr] = None) -> str:
    """`value` as a report shows it: exact if short, with 20 digits (rounded from `number`,
    the value's number found with more digits, when the caller has it); a value known only
    by its digits (an enclosure's midpoint) by its digits."""
    exact = None if value.is_Float else _short_text(value)
    if number is None and _numeric(value, 15) is UNDEFINED:
        return f"undefined ({exact})" if exact else "undefined"
    if value.is_Rational:
        return str(value)
    approximate = str(sympy.N(value if number is None else number, 20))
    return f"{exact} ≈ {approximate}" if exact else approximate


def _short_text(value: Expr) -> Optional[str]:
    """str(value) when it has at most SHOWN_EXACTLY characters, else None, without printing
    a value whose printed length is sure to be longer (`_printed_at_least`)."""
    if _printed_at_least(value, SHOWN_EXACTLY + 1) > SHOWN_EXACTLY:
        return None
    text = str(value)
    return text if len(text) <= SHOWN_EXACTLY else None


def _printed_at_least(value: Expr, enough: int) -> int:
    """A lower bound on len(str(value)), counted up to `enough`: every leaf prints at least
    one character, a rational at least its digits other than a 1 (x/2, sqrt(x) for x^(1/2)),
    the terms of a sum two spaces each after the first (a " - " carries a term's own
    sign), a function call its parentheses."""
    count = 0
    for node in sympy.preorder_traversal(value):
        if isinstance(node, sympy.Rational):
            count += max(1, sum(len(str(abs(n))) for n in (node.p, node.q) if abs(n) != 1))
        elif not node.args:
            count += 1
        elif isinstance(node, sympy.Add):
            count += 2 * (len(node.args) - 1)
        elif isinstance(node, sympy.Function):
            count += 2
        if count >= enough:
            break
    return count


def _shown_apart(comparison: Comparison) -> tuple[str, str]:
    """Both values as shown; when 20 digits show them alike, lhs also shows the gap."""
    shown = tuple(map(show_value, (comparison.lhs, comparison.rhs), comparison.numbers))
    left, right = comparison.numbers
    if left is None or right is None:
        return shown
    if shown[0] == shown[1] or sympy.N(left, 20) == sympy.N(right, 20):
        return f"{shown[0]} (lhs - rhs = {sympy.N(left - right, 3)})", shown[1]
    return shown


@dataclass(frozen=True)
class Confirmed:
    """A re-checked counterexample and the evaluation that confirmed it."""

    counterexample: Counterexample
    evidence: SamplePoint


def recheck(work: Work, point: Point, condition: Condition, sides: Sequence[Expr],
            certify: bool = False) -> Optional[Confirmed]:
    """Confirm a counterexample independently of the search: the point lies in the domain,
    satisfies the condition and the given facts, and the unfolded sides (before any index
    calculus), evaluated afresh with more digits, differ with margin, or by a
    `certified_gap` (closed sides, or `certify`), or exactly one of them is undefined there."""
    if not (condition.admits(point.indices) and in_domain(point, work.universe)):
        return None
    lhs, rhs = sides
    digits = work.settings.precision + EXTRA_DIGITS
    comparison = certified_difference(point, sides, digits) or compare_at(point, lhs, rhs, digits, fresh=True,
                                                                          certify=certify)
    if comparison is None or not comparison.different:
        return None
    if comparison.undefined and isolated_singularity(work, point, sides, digits):
        return None
    if not (in_domain(point, work.universe) and satisfies_facts(point, work.universe, work.settings.precision)):
        return None  # values drawn during the evaluation are checked too
    cex = Counterexample(point.describe([lhs, rhs]), *_shown_apart(comparison))
    return Confirmed(cex, sample_point("counterexample", point, comparison, sides, digits))


def certified_difference(point: Point, sides: Sequence[Expr], digits: int) -> Optional[Comparison]:
    """The sides at `point`, when enclosures of their values (`enclosure`: exact fractions or
    outward-rounded intervals, no exact tree built) certify them apart by more than
    DIFFERENT_MARGIN, as `compare_values` judges; None otherwise (closed sides, a side
    undefined or not enclosed, enclosures too close), and the exact evaluation decides."""
    return _certified_at(point, sides, digits, agree=False)


def certified_agreement(point: Point, sides: Sequence[Expr], digits: int) -> Optional[Comparison]:
    """The sides' agreement at `point`, when enclosures of their values certify it to every
    one of `digits` digits (cheap: no exact tree is built; stricter than the tolerance of
    the exact comparison, so a pair of values SymPy would have made exact rationals and
    compared exactly can only pass here if they agree to `digits` digits); None otherwise,
    and the exact evaluation decides. Sides with nothing to sample are left to it (it also
    looks for a certified gap there)."""
    return _certified_at(point, sides, digits, agree=True)


def _certified_at(point: Point, sides: Sequence[Expr], digits: int, agree: bool) -> Optional[Comparison]:
    if not any(free_of(side) for side in sides):
        return None
    left, right = enclosed_all_at(point, sides, digits)
    return None if right is None else _certified(left, right, digits, agree)


_MARGIN = Fraction(str(DIFFERENT_MARGIN))
_EQUAL = Fraction(str(EQUAL_TOLERANCE))


def _certified(left, right, digits: int, agree: bool) -> Optional[Comparison]:
    """Two enclosed values as a comparison that found them equal to `digits` digits
    (`agree`; never looser than EQUAL_TOLERANCE, the exact comparison's, at any `digits`) or
    apart by more than DIFFERENT_MARGIN, when the enclosures certify it; else None."""
    agreeing = min(Fraction(1, 10**digits), _EQUAL)
    if not (certainly_agree(left, right, agreeing) if agree else certainly_apart(left, right, _MARGIN)):
        return None
    numbers = (midpoint(left, digits), midpoint(right, digits))
    return Comparison(agree, not agree, *numbers, numbers=numbers)


def recheck_as_written(work: Work, point: Point, condition: Condition, sides: Sequence[Expr]) -> Optional[Confirmed]:
    """`recheck` for sides not unfolded: enclosures of both sides' values, definitions and
    derivatives evaluated at the point (`atpoint`, intervals: the true values are inside),
    certified apart beyond DIFFERENT_MARGIN, at a point inside the domain that satisfies the
    condition and the given facts. None where anything is not enclosed (then the step is
    unfolded and decided as usual)."""
    if not condition.admits(point.indices):
        return None
    digits = work.settings.precision + EXTRA_DIGITS
    saved, iv.dps = iv.dps, digits + GUARD_DIGITS
    try:
        left, right = (AtPoint(INTERVALS, work.rules, point.walker(), lambda atom: INTERVALS.number(point.value_of(atom)))
                       .value(side) for side in sides)
    except (NotDirect, KeyError, ArithmeticError, ValueError, TypeError):
        return None
    finally:
        iv.dps = saved
    comparison = _certified(left, right, digits, agree=False)
    if comparison is None:
        return None
    if not (in_domain(point, work.universe) and satisfies_facts(point, work.universe, work.settings.precision)):
        return None
    described = point.describe()
    cex = Counterexample(described, *_shown_apart(comparison))
    return Confirmed(cex, sample_point("counterexample", point, comparison, sides, digits, described))


NUDGES = (sympy.Rational(1, 97), sympy.Rational(-1, 89))


def isolated_singularity(work: Work, point: Point, sides: Sequence[Expr], digits: int) -> bool:
    """A side is undefined only at this very point (``\\csc x`` at x = 0): with every drawn
    number nudged by a small rational, inside the domain, both sides are defined. Authors
    state identities where they are defined, so such a point is no counterexample; a side
    undefined on a whole region (a case that matches nothing, a log of negatives, a one-hot
    entry in a log) stays undefined when nudged, and is one."""
    for nudge in NUDGES:
        values = {atom: value + nudge if value.is_Number else value for atom, value in point.values.items()}
        moved = replace(point, values=values, _cache={})
        if not in_domain(moved, work.universe):
            continue
        comparison = compare_at(moved, *sides, digits, fresh=True)
        if comparison is not None and not comparison.undefined:
            return True
    return False


def refuted(confirmed: Confirmed, strategy: str, condition: Condition, evidence: Sequence[SamplePoint] = ()) -> Finding:
    where = f" with {condition.text}" if condition else ""
    sample = confirmed.evidence
    what = ("one side is undefined where the other is defined" if sample.error is None
            else "the sides differ")
    return Finding(Verdict.REFUTED, strategy, f"{what} at a point inside the domain{where}",
                   confirmed.counterexample, evidence=(*evidence, sample))


def find_counterexample(
    work: Work, sides: Sequence[Expr], condition: Condition, confirm: bool = True
) -> Optional[Finding]:
    """Small exact points (distinct indices unless the condition says otherwise), searched
    on the canonical forms (cheaper: deltas collapsed) and re-checked from scratch."""
    searched = work.canonical_sides(sides, condition) or sides
    needed = [*searched, *sides] if confirm else searched  # the re-check evaluates the sides
    return work.guarded("counterexample search", lambda: _first_refutation(
        work, exact_points(needed, work.universe, condition), searched, sides, condition, "counterexample", confirm), 0.2)


def _first_refutation(work: Work, points: Iterable[Point], searched: Sequence[Expr], sides: Sequence[Expr],
                      condition: Condition, strategy: str, confirm: bool = True) -> Optional[Finding]:
    """The first of `points` where the `searched` forms differ, re-checked from scratch on the
    `sides` (without `confirm`: unconfirmed), else None."""
    for point in points:
        comparison = compare_at(point, *searched, work.settings.precision)
        if comparison is None or not comparison.different:
            continue
        if not confirm:
            return Finding(Verdict.REFUTED, strategy, "unconfirmed")
        confirmed = recheck(work, point, condition, sides)
        if confirmed is not None:
            return refuted(confirmed, strategy, condition)
    return None


# ---------------------------------------------------------------- sizes


def _size_tuples(needed: dict[Symbol, int], sizes: Sequence[int], level: int) -> list[tuple[int, ...]]:
    allowed = [[s for s in sizes if needed[symbol] <= s <= level] for symbol in sorted(needed, key=str)]
    return [t for t in itertools.product(*allowed) if max(t) == level]


def _index_combinations(indices, sizes_map, universe: Universe, condition: Condition) -> Iterable[dict]:
    bound = {s: sympy.Integer(v) for s, v in sizes_map.items()}
    ranges = []
    for index in indices:
        lower, upper = (sympy.sympify(b).xreplace(bound) for b in universe.ranges[index])
        if not (lower.is_Integer and upper.is_Integer):
            return
        ranges.append(range(int(lower), int(upper) + 1))
    for values in itertools.product(*ranges):
        chosen = dict(zip(indices, values))
        if condition.admits(chosen):
            yield chosen


def _combination_zero(work: Work, sides: Sequence[Expr], sizes_map: dict, chosen: dict, deadline: float) -> bool:
    concrete = {s: sympy.Integer(v) for s, v in sizes_map.items()}
    normalized = {name: tuple(sympy.sympify(b).xreplace(concrete) for b in line)
                  for name, line in work.facts.normalized.items()}

    def check() -> bool:
        lhs, rhs = (structure(side, sizes_map, chosen, {}) for side in sides)
        atoms = atomize(eliminate_normalized(lhs - rhs, normalized), work.facts)
        return any(_is_zero(test(atoms)) for test in _CHEAP_TESTS.values())

    try:
        finished, value = run_limited(check, max(deadline - time.monotonic(), 0.0))
    except Exception as error:  # noqa: BLE001 - an internal error ends this rung only
        work.notes.append(f"sizes: {type(error).__name__}")
        return False
    return bool(finished and value)


def _level_holds(work, sides, needed, indices, level, condition, deadline) -> Optional[bool]:
    """True: every combination at this level is 0; False: some is not shown 0; None: none exists."""
    checked = 0
    names = sorted(needed, key=str)
    for values in _size_tuples(needed, work.settings.sizes, level) if names else [()]:
        sizes_map = dict(zip(names, values))
        for chosen in _index_combinations(indices, sizes_map, work.universe, condition):
            checked += 1
            if checked > MAX_COMBINATIONS_PER_LEVEL or time.monotonic() > deadline:
                return False
            if not _combination_zero(work, sides, sizes_map, chosen, deadline):
                return False
    return True if checked else None


def prove_for_sizes(work: Work, sides: Sequence[Expr], condition: Condition) -> Optional[Finding]:
    indices = free_indices(sides, work.universe, condition)
    needed = needed_sizes(sides, indices, work.universe)
    if not needed and not indices:
        return None
    deadline = time.monotonic() + work.budget(0.25)
    if not needed:
        if _level_holds(work, sides, needed, indices, 0, condition, deadline):
            return Finding(Verdict.PROVED, "exhaustive: every index value", "exactly 0 for every value of the indices")
        return None
    levels = sorted(set(work.settings.sizes) | set(needed.values()))  # always from the declared minimum
    done = []
    for level in levels:
        holds = _level_holds(work, sides, needed, indices, level, condition, deadline)
        if holds is False:  # every size asked for or no claim: never fewer because time ran out
            return None
        if holds:
            done.append(level)
    if len(done) < min(MIN_SIZE_LEVELS, len(levels)):
        return None
    beyond = refuted_beyond(work, sides, condition, needed, max(levels))
    if beyond is not None:
        return beyond
    names = ", ".join(sorted(map(str, needed)))
    span = f"{done[0]}..{done[-1]}" if len(done) > 1 else str(done[0])
    return Finding(
        Verdict.PROVED_FOR_SIZES, f"sizes {span}",
        f"exactly 0 with every index value for {names} = {span} (no general proof)", sizes=tuple(done),
    )


def refuted_beyond(work: Work, sides: Sequence[Expr], condition: Condition, needed: dict, largest: int
                   ) -> Optional[Finding]:
    """A re-checked counterexample with the sizes past `largest` (the next few, and a few
    multiples of it), else None: what holds for every size asked for may still fail after."""
    least = min(needed.values())
    beyond = sorted({largest + step for step in range(1, BEYOND_NEXT + 1)} | {largest * k for k in BEYOND_MULTIPLES})
    plan = [(size - least, 1) for size in beyond]
    rng = random.Random(work.settings.seed + BEYOND_SEED_SHIFT)
    return work.guarded("larger sizes", lambda: _first_refutation(
        work, points_at_sizes(sides, work.universe, rng, plan, condition), sides, sides, condition,
        "counterexample past the sizes asked for"), 0.25)


# ---------------------------------------------------------------- numeric


def numeric_check(work: Work, sides: Sequence[Expr], condition: Condition) -> Optional[Finding]:
    """>= `samples` random points agree; a disagreement (or a side undefined where the
    other is defined) is re-checked as a counterexample. Points where a side could not be
    evaluated are not counted; every evaluated point is kept as evidence. Sides that agree
    to every compared digit can still differ: the last point is tested for a
    `certified_gap` (on its own budget: a test that runs out leaves the evidence standing)."""
    settings = work.settings
    rng = random.Random(settings.seed)
    last: list[tuple[Point, Comparison]] = []

    def sample() -> Optional[Finding]:
        evidence: list[SamplePoint] = []
        for point in random_points(sides, work.universe, rng, settings.sizes, condition, attempts=3 * settings.samples):
            comparison = compare_at(point, *sides, settings.precision)
            if comparison is None:
                continue
            evidence.append(sample_point("numeric", point, comparison, sides, settings.precision))
            if comparison.different:
                confirmed = recheck(work, point, condition, sides)
                return refuted(confirmed, "counterexample (random point)", condition, evidence) if confirmed else None
            agreeing = sum(e.agrees for e in evidence)
            if agreeing >= settings.samples:
                last.append((point, comparison))
                return Finding(
                    Verdict.NUMERIC, f"numeric {agreeing} pts @{settings.precision} digits",
                    f"equal at {agreeing} random points inside the domain (evidence, not proof)",
                    evidence=tuple(evidence),
                )
        return None

    found = work.guarded("numeric", sample, 0.25)
    if found is None or not last:
        return found
    point, comparison = last[0]
    if not work.guarded("certified gap", lambda: certified_gap(comparison.lhs, comparison.rhs), 0.1):
        return found
    confirmed = work.guarded("re-check", lambda: recheck(work, point, condition, sides, certify=True), 0.1)
    if confirmed is None:
        return found
    return refuted(confirmed, "counterexample (below the compared digits)", condition, found.evidence)
