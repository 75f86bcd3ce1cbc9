"""Cheap refutation first: both sides in floating point at many points at once.

For a few small configurations (sizes, index values and stand-in functions, as the exact
counterexample search chooses them), `SCREEN_POINTS` points inside the declared domains
are drawn (`sampling`: exact rationals, probability vectors summing to 1 ...). Both
sides, with sums written out, are evaluated with numpy at all the points at once (one
array operation per node of the expression). Only the points where the sides differ
most are then looked at exactly: a refutation is reported only after `rungs.recheck` confirmed it from
scratch with more digits. Floats never prove and never refute on their own.

No code is generated (no `lambdify`, so no user name can reach generated code, and
nothing is compiled per step): a table maps each SymPy node type to its numpy function,
every value (scalar or vector entry) is looked up as a column of numbers, and an
expression holding anything else (a free name, an unevaluated sum, an undefined
function, a matrix) is not screened at all.
"""

from __future__ import annotations

import functools
import itertools
import random
from typing import Callable, Optional, Sequence

import numpy
import sympy
from sympy import Expr

from symcheck.engine.indexcalc import Condition
from symcheck.engine import rungs
from symcheck.engine.rungs import Finding, Work, refuted
from symcheck.engine.sampling import Point, _Random, _value_atoms, exact_points, resample
from symcheck.model import Verdict

SCREEN_POINTS = 32
SCREEN_CONFIGURATIONS = 3
CANDIDATES_RECHECKED = 3
FLOAT_GAP = 1e-6  # relative: a float difference worth an exact look
CLEAR_GAP = 1e-3  # relative: enough, unconfirmed, to rule out a guessed condition (never reported)


def screen(work: Work, sides: Sequence[Expr], condition: Condition, confirm: bool = True) -> Optional[Finding]:
    """A re-checked counterexample found by float screening, or None (nothing seen, or
    nothing confirmed). Without `confirm` (ruling out a guessed condition, never
    reported) a float difference beyond CLEAR_GAP is enough."""
    rng = random.Random(work.settings.seed)
    searched = work.canonical_sides(sides, condition) or sides  # cheaper: derivatives done, deltas collapsed

    def search() -> Optional[Finding]:
        for template in itertools.islice(exact_points([*searched, *sides], work.universe, condition),
                                         SCREEN_CONFIGURATIONS):
            values = _Random(rng, work.settings.sizes)
            for point, gap in _candidates(template, searched, values, work):
                if not confirm and gap > CLEAR_GAP:
                    return Finding(Verdict.REFUTED, "float screen", "unconfirmed")
                confirmed = rungs.recheck(work, point, condition, sides) if confirm else None  # looked up here, so a test can replace it
                if confirmed is not None:
                    return refuted(confirmed, "counterexample (random point, float screen)", condition)
        return None

    return work.guarded("float screen", search, 0.2)


def _candidates(template: Point, sides: Sequence[Expr], values: _Random, work: Work) -> list[tuple[Point, float]]:
    """Points like `template` where the sides differ most in floating point (beyond
    FLOAT_GAP), best first, with their relative float difference."""
    structured = [template.structure(side) for side in sides]
    atoms = sorted(set().union(*(_value_atoms(s) for s in structured)), key=str)
    points = [resample(template, atoms, work.universe, values) for _ in range(SCREEN_POINTS)]
    columns = {atom: numpy.array([float(point.values[atom]) for point in points]) for atom in atoms}
    try:
        with numpy.errstate(all="ignore"):
            left, right = (numpy.broadcast_to(_evaluate(s, columns, {}), (len(points),)) for s in structured)
    except _NotScreenable:
        return []
    gaps = _gaps(left, right)
    order = [n for n in numpy.argsort(-gaps, kind="stable") if gaps[n] > FLOAT_GAP]
    return [(points[n], float(gaps[n])) for n in order[:CANDIDATES_RECHECKED]]


class _NotScreenable(Exception):
    """The expression holds something the float evaluator does not know."""


def _sum(*args):
    return functools.reduce(numpy.add, args)


def _product(*args):
    return functools.reduce(numpy.multiply, args)


_NUMPY: dict[type, Callable] = {
    sympy.Add: _sum, sympy.Mul: _product, sympy.Pow: numpy.power, sympy.exp: numpy.exp, sympy.log: numpy.log,
    sympy.Abs: numpy.abs, sympy.sign: numpy.sign, sympy.sin: numpy.sin, sympy.cos: numpy.cos, sympy.tan: numpy.tan,
    sympy.atan: numpy.arctan, sympy.tanh: numpy.tanh,
    sympy.Max: lambda *args: functools.reduce(numpy.maximum, args),
    sympy.Min: lambda *args: functools.reduce(numpy.minimum, args),
}


def _evaluate(expr: Expr, columns: dict, done: dict):
    """`expr` at every point at once: values from `columns`, operations from `_NUMPY`
    (each shared subexpression once); anything else raises _NotScreenable."""
    if expr in done:
        return done[expr]
    if expr in columns:
        value = columns[expr]
    elif isinstance(expr, (sympy.Number, sympy.NumberSymbol)) and expr.is_real:
        value = float(expr)
    elif type(expr) in _NUMPY:
        value = _NUMPY[type(expr)](*(_evaluate(arg, columns, done) for arg in expr.args))
    else:
        raise _NotScreenable(type(expr).__name__)
    done[expr] = value
    return value


def _gaps(left: numpy.ndarray, right: numpy.ndarray) -> numpy.ndarray:
    """|lhs - rhs| / max(1, |lhs|, |rhs|) at every point; 0 where a side is not finite."""
    with numpy.errstate(all="ignore"):
        finite = numpy.isfinite(left) & numpy.isfinite(right)
        scale = numpy.maximum(1.0, numpy.maximum(numpy.abs(left), numpy.abs(right)))
        gaps = numpy.where(finite, numpy.abs(left - right) / scale, 0.0)
    return numpy.nan_to_num(gaps, nan=0.0)
