"""Many derivation files in one run: each loaded once, its work split into small units,
spread over worker processes, and put back in order.

1. Every file is loaded here, once (a file that cannot be read stops the run before any
   work is done). `verify_paths` hands the loaded documents on to the report stage.
2. Each document's work is split into units: the definitions, steps and claims that ask
   one equation (as written or as intended), so that it is still decided once per
   document, and each gradient check on its own. A unit's cost is estimated by the length
   of its LaTeX (a gradient check counts as a long step).
3. With more than one process, the workers are forked after loading and inherit the
   documents and a shared `UnitQueue`: a worker takes its next unit from the document it
   is working on (units of one document share what SymPy and the engine cache: unfolded
   definitions, derivatives, index sums), else from the largest document nobody has
   started, else from the document with the most work left. So a few documents of unequal
   size balance over the cores, and a document is split only at the end of the run.
   Only the results come back.
4. The results are put back in each document's order (`DocumentWork.assemble`): the output
   is the same as a serial run's, which works each document out in order.
"""

from __future__ import annotations

import time
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import ContextManager, Iterator, MutableSequence, Optional, Sequence

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
    queue = UnitQueue([units_of(number, work) for number, work in enumerate(works)])
    workers = worker_count(queue.size, jobs, MIN_UNITS_PER_WORKER)
    results = [work.verify() for work in works] if workers <= 1 else _in_workers(works, queue, workers)
    return [(result, work.document) for result, work in zip(results, works)]


def verify_files(paths: Sequence[Path], settings: Settings = Settings(), jobs: int = 1) -> list[DocumentResult]:
    """The result of every derivation file under `paths` (see `verify_paths`)."""
    return [result for result, _ in verify_paths(paths, settings, jobs)]


class UnitQueue:
    """Every document's units, each taken once by one of the workers forked after it was made
    (its state is in shared memory, under a lock): see the module docstring for the order."""

    def __init__(self, units: Sequence[Sequence[Unit]]):
        self.units = [sorted(document, key=lambda unit: -unit.cost) for document in units]
        self.left = [_costs_from(document) for document in self.units]  # cost left from each position
        self.size = sum(len(document) for document in self.units)
        self.taken: MutableSequence[int] = [0] * len(self.units)  # units taken so far, per document
        self.lock: ContextManager = nullcontext()

    def share(self) -> None:
        """Keep the queue's state in shared memory, for the workers forked after this."""
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.taken = context.RawArray("l", self.taken)
        self.lock = context.Lock()

    def take(self, current: Optional[int]) -> Unit:
        """The next unit for a worker last working on document `current`."""
        with self.lock:
            document = self._choose(current)
            unit = self.units[document][self.taken[document]]
            self.taken[document] += 1
        return unit

    def _choose(self, current: Optional[int]) -> int:
        if current is not None and self.taken[current] < len(self.units[current]):
            return current
        open_documents = [n for n, units in enumerate(self.units) if self.taken[n] < len(units)]
        untouched = [n for n in open_documents if self.taken[n] == 0]
        return max(untouched or open_documents, key=lambda n: (self.left[n][self.taken[n]], -n))


def _costs_from(units: Sequence[Unit]) -> list[int]:
    left = [0]
    for unit in reversed(units):
        left.append(left[-1] + unit.cost)
    return left[::-1]


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


_PLAN: list = []  # [works, queue]: what the workers work on, inherited when they are forked
_CURRENT: list[Optional[int]] = [None]  # in a worker: the document it is working on


def _work_next(_ticket: int) -> tuple[Unit, list, float]:
    """One unit, taken from the queue by this worker, and its results."""
    works, queue = _PLAN
    unit = queue.take(_CURRENT[0])
    _CURRENT[0] = unit.document
    started = time.perf_counter()
    results = [works[unit.document].result(place) for place in unit.places]
    return unit, results, time.perf_counter() - started


def _in_workers(works: Sequence[DocumentWork], queue: UnitQueue, workers: int) -> list[DocumentResult]:
    queue.share()
    _PLAN[:] = [works, queue]
    try:
        with WorkerPool(workers) as pool:
            pending = [pool.submit(_work_next, ticket) for ticket in range(queue.size)]
            done = [answer.get() for answer in pending]
    finally:
        _PLAN.clear()
    placed: list[dict[Place, object]] = [{} for _ in works]
    seconds = [0.0] * len(works)
    for unit, results, elapsed in done:
        placed[unit.document].update(zip(unit.places, results))
        seconds[unit.document] += elapsed
    return [work.assemble(placed[number], seconds[number]) for number, work in enumerate(works)]
