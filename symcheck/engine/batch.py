"""Many points at once: the values of `count` points that share one point's sizes, indices
and stand-in functions, drawn together with numpy (the float screen, `screen`).

Every value is an exact rational kept as a column of numerators and a column of
denominators, drawn as `sampling._Random` draws one value (the same ranges, denominator
1000; probability lines as positive weights over their total; one-hot lines as a unit
vector; entries a given fixes pinned), so the float columns cost one division and only the
points worth an exact look become `Point`s (`point`), with their values as Rationals.
Whether a point lies in its domain is never taken from here: `rungs.recheck` tests it.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from collections.abc import Mapping
from typing import Iterable, Iterator

import numpy
from sympy import Expr, Indexed, Rational, Symbol

from symcheck.engine.sampling import (
    _ENTRY_DOMAIN, DISCRETE, Point, Universe, _fill, _Random, _scalar_domain, given_entries, name_of,
)
from symcheck.model import Domain

DENOMINATOR = 1000


@dataclass(frozen=True)
class Batch:
    """`count` points like `template`: each value a column of numerators over denominators."""

    template: Point
    numerators: dict[Expr, numpy.ndarray]
    denominators: dict[Expr, numpy.ndarray]
    count: int

    def columns(self) -> dict[Expr, numpy.ndarray]:
        """Every value at every point, as floats."""
        return {atom: self.numerators[atom] / self.denominators[atom] for atom in self.numerators}

    def drawing(self, universe: Universe, generator: numpy.random.Generator) -> "Columns":
        """Every value at every point, as floats, the values not drawn yet drawn when first read."""
        return Columns(self, universe, generator)

    def point(self, n: int, universe: Universe, rng: random.Random, sizes: Iterable[int]) -> Point:
        """Point `n` with exact values; what an evaluation needs beyond them is drawn from `rng`."""
        values: dict[Expr, Expr] = {
            atom: Rational(int(self.numerators[atom][n]), int(self.denominators[atom][n])) for atom in self.numerators
        }
        chooser, ordinal = _Random(rng, tuple(sizes)), itertools.count()
        template = self.template
        return Point(template.sizes, template.indices, template.functions, values,
                     lambda atom: _fill(atom, universe, chooser, ordinal))


class Columns(Mapping):
    """The float columns of a batch, drawn as an evaluation reads them (a scalar or an entry
    at concrete indices): the evaluation finds what it needs as it goes, in one walk,
    instead of a walk to list it first. Drawn in the order read: deterministic."""

    def __init__(self, drawn: Batch, universe: Universe, generator: numpy.random.Generator):
        self.drawn, self.universe, self.generator = drawn, universe, generator
        self.floats = drawn.columns()

    def __getitem__(self, atom: Expr) -> numpy.ndarray:
        found = self.floats.get(atom)
        if found is None:
            if not _drawable(atom):
                raise KeyError(atom)
            _draw_scalar(atom, self.universe, self.generator, self.drawn)
            found = self.floats[atom] = self.drawn.numerators[atom] / self.drawn.denominators[atom]
        return found

    def __iter__(self) -> Iterator[Expr]:
        return iter(self.floats)

    def __len__(self) -> int:
        return len(self.floats)


def draw(template: Point, universe: Universe, generator: numpy.random.Generator, count: int) -> Batch:
    """`count` points with the sizes, indices and functions of `template` (fresh from
    `build_point`): its constrained vectors drawn again line by line, and the entries a given
    fixes pinned; other values are drawn as they are read (`Batch.drawing`)."""
    numerators: dict[Expr, numpy.ndarray] = {}
    denominators: dict[Expr, numpy.ndarray] = {}
    ones = numpy.ones(count, dtype=numpy.int64)
    for (base, *_), entries in _lines(template).items():
        line = _line(universe.domain(name_of(base.label)), len(entries), generator, count)
        for entry, (numerator, denominator) in zip(entries, line):
            numerators[entry], denominators[entry] = numerator, denominator
    for entry, value, moves_line in given_entries(universe, {**template.sizes, **template.indices}):
        if not value.is_Rational:
            continue  # not drawn as a column; a point where the given fails is no counterexample (`recheck`)
        if moves_line:
            for other in _same_line(entry, numerators):
                numerators[other], denominators[other] = 0 * ones, ones
        numerators[entry], denominators[entry] = int(value.p) * ones, int(value.q) * ones
    return Batch(template, numerators, denominators, count)


def _drawable(atom: Expr) -> bool:
    return isinstance(atom, Symbol) or (isinstance(atom, Indexed) and all(i.is_Integer for i in atom.indices))


def _draw_scalar(atom: Expr, universe: Universe, generator: numpy.random.Generator, drawn: Batch) -> None:
    """A column for one value that no line or given fixes, in its domain."""
    domain = _atom_domain(atom, universe)
    drawn.numerators[atom] = _scalars(domain, generator, drawn.count)
    drawn.denominators[atom] = numpy.ones(drawn.count, dtype=numpy.int64) * (1 if domain in DISCRETE else DENOMINATOR)


def _lines(template: Point) -> dict[tuple, list[Indexed]]:
    """The constrained vectors `build_point` filled, line by line (all axes but the last)."""
    lines: dict[tuple, list[Indexed]] = {}
    for entry in template.values:
        if isinstance(entry, Indexed):
            lines.setdefault((entry.base, *entry.indices[:-1]), []).append(entry)
    return lines


def _same_line(entry: Indexed, numerators: dict) -> list[Indexed]:
    return [k for k in numerators if isinstance(k, Indexed) and k.base == entry.base and k.indices[:-1] == entry.indices[:-1]]


def _line(domain: Domain, length: int, generator: numpy.random.Generator, count: int) -> list[tuple]:
    """(numerators, denominators) of each entry of a constrained line, at every point."""
    if domain is Domain.ONE_HOT:
        hot = generator.integers(0, length, count)
        ones = numpy.ones(count, dtype=numpy.int64)
        return [((hot == n).astype(numpy.int64), ones) for n in range(length)]
    weights = generator.integers(1, DENOMINATOR + 1, (length, count))
    total = weights.sum(axis=0)
    return [(weights[n], total) for n in range(length)]


def _atom_domain(atom: Expr, universe: Universe) -> Domain:
    if isinstance(atom, Indexed):
        domain = universe.domain(name_of(atom.base.label))
        return _ENTRY_DOMAIN.get(domain, domain)
    return _scalar_domain(atom, universe)


def _scalars(domain: Domain, generator: numpy.random.Generator, count: int) -> numpy.ndarray:
    """Numerators of one value at every point (over DENOMINATOR; discrete domains over 1)."""
    if domain in DISCRETE:
        return numpy.array(DISCRETE[domain], dtype=numpy.int64)[generator.integers(0, len(DISCRETE[domain]), count)]
    low, high = _Random._RANGES[domain]
    return generator.integers(low, high + 1, count)
