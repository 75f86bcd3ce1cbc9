"""Many derivation files in one run: each file's work split into small units, spread over
worker processes, and put back in order.

1. Each document's work is split into units: the definitions, steps and claims that ask
   one equation (as written or as intended), so that it is still decided once per
   document, and each gradient check on its own. A unit's cost is estimated by the length
   of its LaTeX (a gradient check counts as a step of average length); a file's, before
   it is loaded, by its size.
2. One process: every file is loaded first, in order (a file that cannot be read stops the
   run before any work is done), then worked out in order.
3. More than one: the workers are forked right after the imports and share a `UnitQueue`;
   each loads the documents it works on, so loading is split over the cores too. A worker
   takes its next unit from the document it is working on (units of one document share
   what SymPy and the engine cache: unfolded definitions, derivatives, index sums), else
   starts the largest document nobody has started, else helps with the document with the
   most work left: one it has loaded already, or one worth loading again. Loading is
   deterministic, so every process that loads a document gets the same units (checked).
   So a few documents of unequal size balance over the cores, and a document is split
   only at the end of the run. Only the results come back, with each document's `Layout`.
   When a file cannot be read (or a worker dies), the workers are stopped, and this process
   loads the files in order: a file that cannot be read stops the run with the same error
   as a serial run, which loads every file first. A unit that fails to be worked out stops
   the workers from taking units after it in file order, but not before it: the run raises
   the first failure in file order, as a serial run does (after any file that cannot be read).
4. The results are put back in each document's order (`Layout.assemble`): the output is
   the same as a serial run's, which works each document out in order.

`verify_paths` (for `report`, which needs the compiled documents here) loads every file
here first, and the workers forked after it inherit them.
"""

from __future__ import annotations

import importlib
import time
import zlib
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import ContextManager, Iterator, MutableSequence, Optional, Sequence

from symcheck.engine.settings import Settings
from symcheck.load.derivation import derivation_files, load_derivation
from symcheck.model import DocumentResult
from symcheck.model.compiled import CompiledDocument, Equation
from symcheck.runtime.parallel import WorkerPool, gather, worker_count
from symcheck.verify.documents import DocumentWork, Layout, Place, equation_identity

# A unit's cost is in LaTeX characters of a step: measured on the seeds (CPU of each unit
# in a serial run), a step costs about 2.7 ms + 0.26 ms per character, and a gradient
# check about as much as a step of 220 characters.
UNIT_COST = 10
GRADIENT_COST = 220
COST_PER_BYTE = 0.25  # a file's cost before it is loaded (LaTeX characters per byte of the file)
LOAD_COST_PER_BYTE = 0.05  # loading a file costs about as much as this much LaTeX per byte
BYTES_PER_UNIT = 400  # a file's units before it is loaded
MIN_UNITS_PER_WORKER = 4  # less work than this per extra process: starting it does not pay
UNKNOWN = -1  # a document's unit count before anyone has loaded it
# imported before the workers are forked: what loading any document and deciding its steps
# imports on first use, so every worker would import it (tests/test_parallel_runs.py checks
# it); not what only some documents need (SymPy's satask, for a matrix claim)
FIRST_USE_IMPORTS = ("sympy.tensor.tensor", "sympy.sets.setexpr", "sympy.assumptions.wrapper", "numpy.random")


@dataclass(frozen=True)
class Unit:
    """Places of one document worked out together in one process; `first` is the position of
    its first place in the document's order (a serial run's)."""

    document: int
    places: tuple[Place, ...]
    cost: int
    first: int = 0


def verify_paths(paths: Sequence[Path], settings: Settings = Settings(),
                 jobs: int = 1) -> list[tuple[DocumentResult, CompiledDocument]]:
    """(result, compiled document) per derivation file under `paths`, in a stable order;
    in up to `jobs` processes (0: as many as cores are free and the work is worth)."""
    documents = Documents(derivation_files(list(paths)), settings)
    documents.load_all()  # the documents are wanted here: the workers inherit them
    results = _verify(documents, jobs)
    return [(result, documents.work(number).document) for number, result in enumerate(results)]


def verify_files(paths: Sequence[Path], settings: Settings = Settings(), jobs: int = 1) -> list[DocumentResult]:
    """The result of every derivation file under `paths` (see `verify_paths`), each file
    loaded by the process that works on it."""
    return _verify(Documents(derivation_files(list(paths)), settings), jobs)


def _verify(documents: "Documents", jobs: int) -> list[DocumentResult]:
    workers = worker_count(documents.unit_estimate(), jobs, MIN_UNITS_PER_WORKER)
    if workers > 1:
        return _in_workers(documents, workers)
    documents.load_all()
    return [documents.work(number).verify() for number in range(len(documents))]


class Documents:
    """The run's derivation files, each loaded and split into units on first use in this
    process (a worker loads only what it works on)."""

    def __init__(self, paths: Sequence[Path], settings: Settings):
        self.paths, self.settings = list(paths), settings
        self.works: dict[int, DocumentWork] = {}
        self.units: dict[int, list[Unit]] = {}
        self.sizes = [_size(path) for path in self.paths]

    def __len__(self) -> int:
        return len(self.paths)

    def load_all(self) -> None:
        """Every file loaded, in order: the first that cannot be read raises its InputError."""
        for number in range(len(self)):
            self.work(number)

    def loaded(self, number: int) -> bool:
        return number in self.works

    def work(self, number: int) -> DocumentWork:
        if number not in self.works:
            self.works[number] = DocumentWork(load_derivation(self.paths[number]), self.settings)
        return self.works[number]

    def units_of(self, number: int) -> list[Unit]:
        """The document's units, the largest first."""
        if number not in self.units:
            self.units[number] = sorted(units_of(number, self.work(number)), key=lambda unit: -unit.cost)
        return self.units[number]

    def cost(self, number: int) -> int:
        """The document's cost: its units' if it is loaded here, else estimated by its size."""
        if self.loaded(number):
            return sum(unit.cost for unit in self.units_of(number))
        return int(self.sizes[number] * COST_PER_BYTE)

    def load_cost(self, number: int) -> int:
        return int(self.sizes[number] * LOAD_COST_PER_BYTE)

    def unit_estimate(self) -> int:
        """Units in all: counted where a document is loaded, else estimated by its size."""
        return sum(len(self.units_of(number)) if self.loaded(number) else self.estimated_units(number)
                   for number in range(len(self)))

    def estimated_units(self, number: int) -> int:
        """The document's units before it is loaded, by its size."""
        return max(1, self.sizes[number] // BYTES_PER_UNIT)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the loader says why it cannot be read


class UnitQueue:
    """Every document's units, each taken once by one of the workers forked after it was made
    (its state is in shared memory, under a lock): see the module docstring for the order.
    A document's units are known once a process has loaded it: until then its cost is
    estimated and its count UNKNOWN."""

    def __init__(self, documents: Documents):
        self.documents = documents
        count = len(documents)
        self.count: MutableSequence[int] = [len(documents.units_of(n)) if documents.loaded(n) else UNKNOWN
                                            for n in range(count)]
        self.left: MutableSequence[int] = [documents.cost(n) for n in range(count)]  # cost not yet taken
        self.taken: MutableSequence[int] = [0] * count  # units taken so far
        self.started: MutableSequence[int] = [0] * count  # 1 once a worker chose it
        self.fingerprint: MutableSequence[int] = [_fingerprint(documents.units_of(n)) if documents.loaded(n) else 0
                                                  for n in range(count)]
        self.failed: MutableSequence[int] = [count, 0]  # (document, first) of the earliest unit that failed
        self.lock: ContextManager = nullcontext()

    def share(self) -> None:
        """Keep the queue's state in shared memory, for the workers forked after this."""
        import multiprocessing

        context = multiprocessing.get_context("fork")
        for name in ("count", "left", "taken", "started", "fingerprint", "failed"):
            setattr(self, name, context.RawArray("q", getattr(self, name)))
        self.lock = context.Lock()

    def take(self, current: Optional[int]) -> Optional[Unit]:
        """The next unit for a worker last working on document `current`; None when no work is
        left that this worker should do."""
        while True:
            with self.lock:
                document = self._choose(current)
            if document is None:
                return None
            units = self.documents.units_of(document)  # loaded here if it is not yet: outside the lock
            with self.lock:
                self._publish(document, units)
                unit = self._next(document, units)
            if unit is not None:
                return unit
            current = document  # others took its last units meanwhile

    def _next(self, document: int, units: Sequence[Unit]) -> Optional[Unit]:
        """The document's next unit not taken (those after a failure are passed over)."""
        while self.taken[document] < len(units):
            unit = units[self.taken[document]]
            self.taken[document] += 1
            self.left[document] -= unit.cost
            if self._before_failure(unit.document, unit.first):
                return unit
        return None

    def fail(self, unit: Unit) -> None:
        """`unit` failed: from now on, only units before it in file order are worth working
        out (a serial run raises the first failure in that order)."""
        with self.lock:
            if self._before_failure(unit.document, unit.first):
                self.failed[0], self.failed[1] = unit.document, unit.first

    def _before_failure(self, document: int, first: int) -> bool:
        return (document, first) < (self.failed[0], self.failed[1])

    def _open(self, document: int) -> bool:
        return document <= self.failed[0] and (
            self.count[document] == UNKNOWN or self.taken[document] < self.count[document])

    def _choose(self, current: Optional[int]) -> Optional[int]:
        if current is not None and self._open(current):
            return current
        untouched = [n for n in range(len(self.count)) if not self.started[n] and self._open(n)]
        if untouched:
            chosen = max(untouched, key=lambda n: (self.left[n], -n))
            self.started[chosen] = 1
            return chosen
        worth = [n for n in range(len(self.count)) if self._open(n) and self._worth_joining(n)]
        return max(worth, key=lambda n: (self.left[n], -n)) if worth else None

    def _worth_joining(self, document: int) -> bool:
        """Work on a document another worker started: at once if it is loaded here, else if the
        work left outweighs loading it again, and, while nobody has published its units, if
        it is estimated to hold two units at least (the one who started it takes one)."""
        if self.documents.loaded(document):
            return True
        if self.count[document] == UNKNOWN and self.documents.estimated_units(document) < 2:
            return False
        return self.left[document] > 2 * self.documents.load_cost(document)

    def _publish(self, document: int, units: Sequence[Unit]) -> None:
        """The document's units as this process found them: the first to load it sets the
        shared state; every other must have found the same units."""
        fingerprint = _fingerprint(units)
        if self.count[document] == UNKNOWN:
            self.count[document], self.left[document] = len(units), sum(unit.cost for unit in units)
            self.fingerprint[document] = fingerprint
        elif self.fingerprint[document] != fingerprint:
            raise RuntimeError(f"{self.documents.paths[document]} was split into different units "
                               f"by two processes: loading it is not deterministic")


def _fingerprint(units: Sequence[Unit]) -> int:
    return zlib.crc32(repr([(unit.places, unit.cost) for unit in units]).encode())


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
    grouped: dict[int, list[int]] = defaultdict(list)  # positions, in order
    for n in range(len(places)):
        grouped[root(n)].append(n)
    return [Unit(number, tuple(places[n] for n in group), max(_cost(work.equation(places[n])) for n in group), group[0])
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
    return UNIT_COST + len(eq.latex) + (len(eq.intended.latex) if eq.intended is not None else 0)


@dataclass
class Share:
    """What one worker did: the results of the units it took, the layout of each document it
    loaded itself (a document without units has a result too; the layouts of documents
    loaded before the fork are the parent's own), and the units that failed, with the error."""

    results: list[tuple[Unit, list, float]]
    layouts: dict[int, Layout]
    failures: list[tuple[Unit, Exception]]


_QUEUE: list[UnitQueue] = []  # what the workers work on, inherited when they are forked


def _work_share(_worker: int) -> Share:
    """Units taken from the queue, one after another, until none is left for this worker."""
    queue = _QUEUE[0]
    inherited = set(queue.documents.works)
    done: list[tuple[Unit, list, float]] = []
    failures: list[tuple[Unit, Exception]] = []
    unit = queue.take(None)
    while unit is not None:
        work = queue.documents.work(unit.document)
        started = time.perf_counter()
        try:
            done.append((unit, [work.result(place) for place in unit.places], time.perf_counter() - started))
        except Exception as error:  # noqa: BLE001 - raised in the parent, if no earlier unit fails
            queue.fail(unit)
            failures.append((unit, error))
        unit = queue.take(unit.document)
    return Share(done, {number: work.layout() for number, work in queue.documents.works.items()
                        if number not in inherited}, failures)


def _in_workers(documents: Documents, workers: int) -> list[DocumentResult]:
    for module in FIRST_USE_IMPORTS:
        importlib.import_module(module)
    queue = UnitQueue(documents)
    queue.share()
    _QUEUE[:] = [queue]
    try:
        with WorkerPool(workers) as pool:
            shares = gather([pool.submit(_work_share, worker) for worker in range(workers)])
    except Exception:  # a serial run loads every file first: a file that cannot be read is the error
        _load_unpublished(documents, queue)  # in order: the first such file raises here, as in a serial run
        raise
    finally:
        _QUEUE.clear()
    failures = [failure for share in shares for failure in share.failures]
    if failures:  # as in a serial run: a file that cannot be read first, else the first failure in file order
        _load_unpublished(documents, queue)
        raise min(failures, key=lambda failure: (failure[0].document, failure[0].first))[1]
    inherited = {number: work.layout() for number, work in documents.works.items()}
    return _assembled(len(documents), shares, inherited)


def _load_unpublished(documents: Documents, queue: UnitQueue) -> None:
    """The files no worker loaded, in order (a published document was read without error)."""
    for number in range(len(documents)):
        if queue.count[number] == UNKNOWN:
            documents.work(number)


def _assembled(count: int, shares: Sequence[Share], inherited: dict[int, Layout]) -> list[DocumentResult]:
    placed: list[dict[Place, object]] = [{} for _ in range(count)]
    seconds = [0.0] * count
    layouts = dict(inherited)
    for share in shares:
        layouts.update(share.layouts)
        for unit, results, elapsed in share.results:
            placed[unit.document].update(zip(unit.places, results))
            seconds[unit.document] += elapsed
    return [layouts[number].assemble(placed[number], seconds[number]) for number in range(count)]
