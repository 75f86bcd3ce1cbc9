"""Many derivation files in one run: each loaded once, its work split into small units,
spread over worker processes, and put back in order.

1. Every file is loaded here, once (a file that cannot be read stops the run before any
   work is done). `verify_paths` hands the loaded documents on to the report stage.
2. Each document's work is split into units: the definitions, steps and claims that ask
   one equation (as written or as intended), so that it is still decided once per
   document, and each gradient check on its own.
3. With more than one process, the workers are forked after loading and inherit the
   documents: a unit is sent as its number and only its results come back. Units go out
   largest first (by the length of their LaTeX; a gradient check counts as a long step),
   so that a few documents of unequal size balance over the cores.
4. The results are put back in each document's order (`DocumentWork.assemble`): the output
   is the same as a serial run's, which works each document out in order.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, Sequence

from symcheck.engine.settings import Settings
from symcheck.load.derivation import derivation_files, load_derivation
from symcheck.model import DocumentResult
from symcheck.model.compiled import CompiledDocument, Equation
from symcheck.runtime.parallel import WorkerPool, worker_count
from symcheck.verify.documents import DocumentWork, Place, equation_identity

GRADIENT_COST = 600  # a gradient check costs about as much as a step of this many LaTeX characters
MIN_UNITS_PER_WORKER = 4  # less work than this per extra process: starting it does not pay


@dataclass(frozen=True)
class Unit:
    """Places of one document worked out together in one process."""

    document: int
    places: tuple[Place, ...]
    cost: int


def verify_paths(paths: Sequence[Path], settings: Settings = Settings(),
                 jobs: int = 1) -> list[tuple[DocumentResult, CompiledDocument]]:
    """(result, compiled document) per derivation file under `paths`, in a stable order;
    in up to `jobs` processes (0: as many as cores are free and the work is worth)."""
    works = [DocumentWork(load_derivation(path), settings) for path in derivation_files(list(paths))]
    units = largest_first(works)
    workers = worker_count(len(units), jobs, MIN_UNITS_PER_WORKER)
    results = [work.verify() for work in works] if workers <= 1 else _in_workers(works, units, workers)
    return [(result, work.document) for result, work in zip(results, works)]


def verify_files(paths: Sequence[Path], settings: Settings = Settings(), jobs: int = 1) -> list[DocumentResult]:
    """The result of every derivation file under `paths` (see `verify_paths`)."""
    return [result for result, _ in verify_paths(paths, settings, jobs)]


def largest_first(works: Sequence[DocumentWork]) -> list[Unit]:
    """Every unit of every document, the costliest first (ties in document order)."""
    units = [unit for number, work in enumerate(works) for unit in units_of(number, work)]
    return sorted(units, key=lambda unit: -unit.cost)


def units_of(number: int, work: DocumentWork) -> list[Unit]:
    """The document's places grouped so that places asking the same equation share a unit."""
    places = work.places()
    parent = list(range(len(places)))

    def root(n: int) -> int:
        while parent[n] != n:
            n = parent[n]
        return n

    first: dict[tuple, int] = {}
    for n, place in enumerate(places):
        for identity in _identities(work.equation(place)):
            parent[root(n)] = root(first.setdefault(identity, n))
    grouped: dict[int, list[Place]] = defaultdict(list)
    for n, place in enumerate(places):
        grouped[root(n)].append(place)
    return [Unit(number, tuple(group), max(_cost(work.equation(place)) for place in group))
            for group in grouped.values()]


def _identities(eq: Optional[Equation]) -> Iterator[tuple]:
    """The hashable identities of the equation as written and as intended."""
    for asked in (eq, eq and eq.intended):
        if asked is None:
            continue
        identity = equation_identity(asked)
        try:
            hash(identity)
        except TypeError:  # a mutable matrix: decided every time anyway
            continue
        yield identity


def _cost(eq: Optional[Equation]) -> int:
    if eq is None:
        return GRADIENT_COST
    return len(eq.latex) + (len(eq.intended.latex) if eq.intended is not None else 0)


_PLAN: list = []  # [works, units]: what the workers work on, inherited when they are forked


def _work_unit(index: int) -> tuple[list, float]:
    works, units = _PLAN
    unit = units[index]
    started = time.perf_counter()
    results = [works[unit.document].result(place) for place in unit.places]
    return results, time.perf_counter() - started


def _in_workers(works: Sequence[DocumentWork], units: Sequence[Unit], workers: int) -> list[DocumentResult]:
    _PLAN[:] = [works, units]
    try:
        with WorkerPool(workers) as pool:
            pending = [pool.submit(_work_unit, index) for index in range(len(units))]
            done = [answer.get() for answer in pending]
    finally:
        _PLAN.clear()
    placed: list[dict[Place, object]] = [{} for _ in works]
    seconds = [0.0] * len(works)
    for unit, (results, elapsed) in zip(units, done):
        placed[unit.document].update(zip(unit.places, results))
        seconds[unit.document] += elapsed
    return [work.assemble(placed[number], seconds[number]) for number, work in enumerate(works)]
