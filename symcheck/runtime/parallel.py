"""Independent work items in worker processes (forked from a process that has already
imported SymPy, the reader and the engine, so each worker starts warm: nothing is
imported twice).

How many: `jobs=0` (the default of every command) chooses from the amount of work and
the cores actually free: the cores this process may run on (`os.sched_getaffinity`),
less the load already on them (the 1-minute load average, or the tasks running right now
if more). On a busy machine that is one process, since extra processes would only
compete with the others for the same cores; an explicit `jobs` is obeyed.

`parallel_map` returns every result in order; `WorkerPool` takes items one at a time and
gives each result when it is asked for (`check` decides a note's equations ahead this way,
while it reads the note).

Workers ignore SIGINT (the parent decides) and run under the memory ceiling. When the
parent is interrupted, or anything else goes wrong, every worker is terminated at once:
an interrupt never waits for running work and leaves no process behind.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from typing import TYPE_CHECKING, Callable, Optional, Sequence, TypeVar

from symcheck.runtime.limits import limit_memory

if TYPE_CHECKING:  # the pool module is imported by the first pool, not by every run
    from multiprocessing.pool import AsyncResult

T = TypeVar("T")
R = TypeVar("R")
AUTO = 0


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def busy_cores() -> float:
    """Cores already busy: the 1-minute load average, or the tasks runnable now (less this one)."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return 0.0
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            running = int(handle.read().split()[3].split("/")[0]) - 1
    except (OSError, ValueError, IndexError):
        running = 0
    return max(load, float(running))


def free_cores() -> int:
    return max(1, usable_cores() - int(busy_cores()))


def worker_count(items: int, jobs: int = AUTO) -> int:
    """Processes for `items` independent items: `jobs` if given, else the free cores."""
    wanted = jobs if jobs > AUTO else free_cores()
    return max(1, min(wanted, items))


def _start_worker(memory_bytes: Optional[int]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_memory(memory_bytes)


def _call(task: tuple) -> object:
    function, item, shared = task
    return function(item, *shared)


def parallel_map(function: Callable[..., R], items: Sequence[T], jobs: int, *shared: object) -> list[R]:
    """[function(item, *shared) for item in items], in order, in up to `worker_count` processes.

    Exceptions raised in a worker are raised here, so they must pickle."""
    workers = worker_count(len(items), jobs)
    if workers <= 1:
        return [function(item, *shared) for item in items]
    with WorkerPool(workers) as pool:
        return [result.get() for result in [pool.submit(function, item, *shared) for item in items]]


class WorkerPool:
    """`workers` processes forked now (they hold what this process holds at this moment),
    each item submitted on its own and its result fetched when it is needed. On leaving
    the block every worker is terminated at once: work nobody asked for yet is dropped,
    and an interrupt or error never waits for it."""

    def __init__(self, workers: int):
        context = multiprocessing.get_context("fork")
        self.pool = context.Pool(workers, initializer=_start_worker, initargs=(memory_ceiling(),))

    def submit(self, function: Callable[..., R], item: T, *shared: object) -> AsyncResult:
        """function(item, *shared) in a worker; `.get()` on the answer waits for its result."""
        return self.pool.apply_async(_call, ((function, item, shared),))

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.terminate()
        self.pool.join()


def memory_ceiling() -> Optional[int]:
    """The address-space limit in force (None when unlimited)."""
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft
