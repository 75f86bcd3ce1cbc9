"""Cheap refutation first: both sides in floating point at many points at once.

For a few small configurations (sizes, index values and stand-in functions, as the exact
counterexample search chooses them), `SCREEN_POINTS` points inside the declared domains
are drawn at once (`batch`: exact rationals, probability vectors summing to 1 ...). Both
sides are evaluated with numpy at all the points at once (one array operation per node
of the expression; sums walked with index values, `floats.walked`, not written out). Only the points where the sides differ
most are then looked at exactly: a refutation is reported only after `rungs.recheck` confirmed it from
scratch with more digits. Floats never prove and never refute on their own.

No code is generated (`floats`: a table maps each SymPy node type to its numpy function);
an expression holding anything the table does not know is not screened at all.

Sides whose free indices differ (a free index left outside its sum) are screened first on
their unfolded sides (`screen_as_unfolded`, before the index calculus) or, before anything
is unfolded, as written (`screen_as_written`: definitions and derivatives evaluated at the
points, `atpoint`, and candidates re-checked with intervals, `rungs.recheck_as_written`).
"""

from __future__ import annotations

import itertools
import random
from typing import Callable, Iterator, Optional, Sequence

import numpy
import sympy
from sympy import Expr

from symcheck.engine import batch, floats, rungs
from symcheck.engine.atpoint import FLOATS, AtPoint, reachable_rules, written_free
from symcheck.engine.canonical import Rule
from symcheck.engine.indexcalc import Condition, parse_condition
from symcheck.engine.rungs import Finding, Work, refuted
from symcheck.engine.sampling import Point, exact_points, free_symbols, name_of
from symcheck.engine.walk import NotDirect
from symcheck.model import Verdict

SCREEN_POINTS = 32
SCREEN_CONFIGURATIONS = 3
CANDIDATES_RECHECKED = 3
FLOAT_GAP = 1e-6  # relative: a float difference worth an exact look
CLEAR_GAP = 1e-3  # relative: enough, unconfirmed, to rule out a guessed condition (never reported)
WRITTEN_CONFIGURATIONS = 1  # as written: a first look (a step it does not refute is unfolded and screened again)


def screen(work: Work, sides: Sequence[Expr], condition: Condition, confirm: bool = True) -> Optional[Finding]:
    """A re-checked counterexample found by float screening, or None (nothing seen, or
    nothing confirmed). Without `confirm` (ruling out a guessed condition, never
    reported) a float difference beyond CLEAR_GAP is enough."""
    # the general canonical forms (derivatives done, deltas kept): equal to the sides at every
    # index value, so in any case too, and computed once for every case screened (the index
    # calculus under each guessed case cost more than screening it)
    return _screened(work, sides, work.canonical_sides(sides, Condition()) or sides, condition, confirm)


def screen_as_unfolded(work: Work, sides: Sequence[Expr], condition: Condition, confirm: bool = True) -> Optional[Finding]:
    """`screen` on the unfolded sides themselves, before any index calculus: for a step
    whose sides have different free indices (a free index left outside its sum, the commonest
    slip), which is almost never an identity, so the index calculus (the costly part of such a
    refutation) only runs if the screen confirms nothing. Without `confirm` (ruling out a
    guessed condition), the general canonical forms are used if they were computed already."""
    if confirm and not different_free_indices(work, sides):
        return None
    return _screened(work, sides, work.known_canonical(sides, Condition()) or sides, condition, confirm)


def screen_as_written(work: Work, sides: Sequence[Expr], condition: Condition = Condition(),
                      confirm: bool = True) -> Optional[Finding]:
    """`screen_as_unfolded` before any unfolding, for sides with different free indices: the
    sides as written, evaluated at the points with their definitions and derivatives
    (`atpoint`); a candidate counts only when `rungs.recheck_as_written` certifies it with
    intervals."""
    if not different_free_indices(work, sides, written_free):
        return None
    bodies = [rule.body for rule in _reachable(work, sides)]

    def evaluate(template: Point, side: Expr, columns) -> object:
        try:
            return AtPoint(FLOATS, work.rules, template.walker(), columns.__getitem__).value(side)
        except (NotDirect, KeyError) as error:
            raise floats.NotEvaluable(str(error)) from None

    templates = exact_points(sides, work.universe, condition, context=bodies)
    if confirm:  # a first look (ruling out a guessed condition, after a refutation, looks further)
        templates = itertools.islice(templates, WRITTEN_CONFIGURATIONS)
    return _search(work, sides, condition, confirm, templates, evaluate,
                   lambda point: rungs.recheck_as_written(work, point, condition, sides))


def conditions_as_written(work: Work, sides: Sequence[Expr]) -> list[Condition]:
    """i = j and i != j for every pair of free indices of the sides and of the definitions they
    use (more than the ladder guesses after unfolding: a case that makes the step hold is
    never missed)."""
    free = set().union(*(written_free(side) for side in sides))
    for rule in _reachable(work, sides):
        free |= written_free(rule.body) - set(rule.params)
    indices = sorted((s for s in free if s in work.universe.ranges), key=name_of)
    return [parse_condition(relation(first, second)) for n, first in enumerate(indices) for second in indices[n + 1:]
            for relation in (sympy.Eq, sympy.Ne)]


def _reachable(work: Work, sides: Sequence[Expr]) -> list[Rule]:
    """`reachable_rules` of the sides, once per equation (its guessed cases ask alike)."""
    key = ("reachable rules", tuple(sides))
    if key not in work.cache:
        work.cache[key] = reachable_rules(sides, work.rules)
    return work.cache[key]


def different_free_indices(work: Work, sides: Sequence[Expr], free: Callable = free_symbols) -> bool:
    """Some declared index is free on one side only."""
    left, right = (free(side) & work.universe.ranges.keys() for side in sides)
    return left != right


def _screened(work: Work, sides: Sequence[Expr], searched: Sequence[Expr], condition: Condition,
              confirm: bool) -> Optional[Finding]:
    """`searched` (equal to `sides`) screened; candidates re-checked on `sides`."""
    templates = exact_points([*searched, *sides], work.universe, condition)
    return _search(work, searched, condition, confirm, templates, _at_every_point,
                   lambda point: rungs.recheck(work, point, condition, sides))  # looked up here, so a test can replace it


def _search(work: Work, searched: Sequence[Expr], condition: Condition, confirm: bool, templates: Iterator[Point],
            evaluate: Callable, recheck: Callable[[Point], Optional[rungs.Confirmed]]) -> Optional[Finding]:
    """The candidates at the first SCREEN_CONFIGURATIONS templates, best first, until one is
    confirmed by `recheck` (or, without `confirm`, differs beyond CLEAR_GAP)."""
    rng = random.Random(work.settings.seed)

    def search() -> Optional[Finding]:
        for template in itertools.islice(templates, SCREEN_CONFIGURATIONS):
            for point, gap in _candidates(template, searched, rng, work, evaluate):
                if not confirm and gap > CLEAR_GAP:
                    return Finding(Verdict.REFUTED, "float screen", "unconfirmed")
                confirmed = recheck(point) if confirm else None
                if confirmed is not None:
                    return refuted(confirmed, "counterexample (random point, float screen)", condition)
        return None

    return work.guarded("float screen", search, 0.2)


def _candidates(template: Point, sides: Sequence[Expr], rng: random.Random, work: Work,
                evaluate: Callable) -> list[tuple[Point, float]]:
    """Points like `template` where the sides differ most in floating point (beyond
    FLOAT_GAP), best first, with their relative float difference; each side evaluated at
    every point by `evaluate` (template, side, columns)."""
    generator = numpy.random.default_rng(rng.getrandbits(64))
    drawn = batch.draw(template, work.universe, generator, SCREEN_POINTS)
    columns = drawn.drawing(work.universe, generator)  # the values each side reads, drawn as it reads them
    try:
        with numpy.errstate(all="ignore"):
            left, right = (numpy.broadcast_to(evaluate(template, side, columns), (SCREEN_POINTS,)) for side in sides)
    except floats.NotEvaluable:
        return []
    gaps = _gaps(left, right)
    order = [n for n in numpy.argsort(-gaps, kind="stable") if gaps[n] > FLOAT_GAP]
    return [(drawn.point(int(n), work.universe, rng, work.settings.sizes), float(gaps[n]))
            for n in order[:CANDIDATES_RECHECKED]]


def _at_every_point(template: Point, side: Expr, columns: dict):
    """`side` at every point: its sums walked, else (a derivative left, a case distinction)
    from the written-out tree."""
    try:
        return floats.walked(side, columns, template.walker())
    except floats.NotEvaluable:
        return floats.evaluate(template.structure(side), columns)


def _gaps(left: numpy.ndarray, right: numpy.ndarray) -> numpy.ndarray:
    """|lhs - rhs| / max(1, |lhs|, |rhs|) at every point; 0 where a side is not finite."""
    with numpy.errstate(all="ignore"):
        finite = numpy.isfinite(left) & numpy.isfinite(right)
        scale = numpy.maximum(1.0, numpy.maximum(numpy.abs(left), numpy.abs(right)))
        gaps = numpy.where(finite, numpy.abs(left - right) / scale, 0.0)
    return numpy.nan_to_num(gaps, nan=0.0)
