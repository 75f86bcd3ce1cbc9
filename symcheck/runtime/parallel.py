"""Independent work items in worker processes (forked from a process that has already
imported SymPy, the reader and the engine: each worker starts warm, and holds what the
parent held, so only small items and results cross).

How many: `jobs=0` (the default of every command) chooses from the amount of work and
the cores actually free. Free cores are measured: the idle time of the cores this process
may run on (`/proc/stat`), over the time since this module was imported (or, when that is
too short or too long ago, over a fresh ~40 ms window), plus the CPU this process used
itself in that window (its own work is what the workers take over). The 1-minute load
average is only the fallback where `/proc/stat` is missing: it still counts, for a minute,
a run that has just ended. On a busy machine that is one process, since extra processes
would only compete with the others for the same cores; an explicit `jobs` is obeyed.

`parallel_map` returns every result in order; `WorkerPool` takes items one at a time and
gives each result when it is asked for, in the order the items were submitted to idle
workers (submit the largest first); `gather` waits for all of them, or for the first to fail.

Workers ignore SIGINT (the parent decides) and run under the memory ceiling. When the
parent is interrupted, or anything else goes wrong, every worker is terminated at once:
an interrupt never waits for running work and leaves no process behind. A worker that
dies (killed, out of memory in C code) makes the item it held fail with `WorkerDied`,
never a wait that does not end.
"""

from __future__ import annotations

import gc
import os
import signal
import time
from dataclasses import dataclass
from typing import Callable, Optional, Sequence, TypeVar

from symcheck.runtime.limits import limit_memory

T = TypeVar("T")
R = TypeVar("R")
AUTO = 0
MIN_WINDOW = 0.04  # seconds of /proc/stat needed to tell an idle core from a busy one
MAX_WINDOW = 5.0  # an older window says little about now
IDLE_SHARE = 0.5  # a core at least this idle counts as free
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100  # /proc/stat's unit


class WorkerDied(RuntimeError):
    """A worker process ended while it held an item."""


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _usable_cpu_ids() -> Optional[set[int]]:
    try:
        return set(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return None


def _cpu_ticks(cpus: Optional[set[int]]) -> Optional[tuple[int, int]]:
    """(all ticks, idle ticks) summed over `cpus` (all when None), from /proc/stat; None without it."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    total = idle = 0
    for line in lines:
        name, *fields = line.split()
        if not name.startswith("cpu") or name == "cpu" or len(fields) < 5:
            continue
        if cpus is not None and int(name[3:]) not in cpus:
            continue
        ticks = [int(field) for field in fields[:8]]  # user nice system idle iowait irq softirq steal
        total += sum(ticks)
        idle += ticks[3] + ticks[4]
    return (total, idle) if total else None


@dataclass(frozen=True)
class CoreSample:
    """A reading of the cores' idle time and this process's CPU time, to measure from."""

    wall: float
    own_cpu: float
    ticks: Optional[tuple[int, int]]

    @classmethod
    def now(cls) -> "CoreSample":
        return cls(time.monotonic(), time.process_time(), _cpu_ticks(_usable_cpu_ids()))

    def free_cores(self) -> Optional[float]:
        """Cores idle since this reading (see `idle_between`), waiting out MIN_WINDOW first."""
        if self.ticks is None:
            return None
        time.sleep(max(0.0, self.wall + MIN_WINDOW - time.monotonic()))
        return idle_between(self, CoreSample.now(), usable_cores())


def idle_between(earlier: CoreSample, later: CoreSample, cores: int) -> Optional[float]:
    """Cores idle between two readings, counting this process's own CPU as idle (the work it
    did is the work to share out); None without /proc/stat."""
    if earlier.ticks is None or later.ticks is None or later.ticks[0] <= earlier.ticks[0]:
        return None
    ticks_per_core = (later.ticks[0] - earlier.ticks[0]) / cores
    own_ticks = (later.own_cpu - earlier.own_cpu) * TICKS_PER_SECOND
    return min(float(cores), (later.ticks[1] - earlier.ticks[1] + own_ticks) / ticks_per_core)


_SINCE_IMPORT = CoreSample.now()


def busy_cores() -> float:
    """The fallback without /proc/stat: the 1-minute load average, or the tasks runnable now (less this one)."""
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


def idle_cores() -> Optional[float]:
    """Cores measured idle just now (see the module docstring), or None without /proc/stat."""
    since = _SINCE_IMPORT
    if not MIN_WINDOW <= time.monotonic() - since.wall <= MAX_WINDOW:
        since = CoreSample.now()
    return since.free_cores()


def free_cores() -> int:
    """Cores free for more processes: measured, or from the load average where it cannot be."""
    cores = usable_cores()
    if cores <= 1:
        return 1
    idle = idle_cores()
    if idle is None:
        return max(1, cores - int(busy_cores()))
    return max(1, int(idle + 1 - IDLE_SHARE))


def worker_count(items: int, jobs: int = AUTO, per_worker: int = 1) -> int:
    """Processes for `items` independent items: `jobs` if given, else the free cores, at most
    one per `per_worker` items (the cores are measured only when more than one process could help)."""
    if jobs > AUTO:
        return max(1, min(jobs, items))
    worth = items // per_worker
    return 1 if worth <= 1 else min(free_cores(), worth)


def _start_worker(memory_bytes: Optional[int]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()  # what the parent held is never scanned here: its pages stay shared, not copied
    limit_memory(memory_bytes)


def _call(function: Callable[..., R], item: T, shared: tuple) -> R:
    return function(item, *shared)


def parallel_map(function: Callable[..., R], items: Sequence[T], jobs: int, *shared: object) -> list[R]:
    """[function(item, *shared) for item in items], in order, in up to `worker_count` processes.

    Exceptions raised in a worker are raised here, so they must pickle."""
    workers = worker_count(len(items), jobs)
    if workers <= 1:
        return [function(item, *shared) for item in items]
    with WorkerPool(workers) as pool:
        return [pending.get() for pending in [pool.submit(function, item, *shared) for item in items]]


class Pending:
    """The result of one submitted item, when it is asked for."""

    def __init__(self, future, item: object):
        self.future, self.item = future, item

    def get(self):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.future.result()
        except BrokenProcessPool as error:
            raise WorkerDied(f"a worker process ended unexpectedly (killed, or out of memory): "
                             f"no result for item {self.item!r}") from error


def gather(pending: Sequence[Pending]) -> list:
    """Every pending result, in order; the first item to fail (whichever ends first) raises
    at once, without waiting for the others."""
    from concurrent.futures import FIRST_EXCEPTION, wait

    wait([answer.future for answer in pending], return_when=FIRST_EXCEPTION)
    for answer in pending:
        if answer.future.done() and answer.future.exception() is not None:
            answer.get()
    return [answer.get() for answer in pending]


class WorkerPool:
    """`workers` processes, forked at the first item (they hold what this process holds at
    that moment), each item submitted on its own and its result fetched when it is needed.
    Items go to idle workers in the order they were submitted. On leaving the block every
    worker is terminated at once: work nobody asked for yet is dropped, and an interrupt or
    error never waits for it."""

    def __init__(self, workers: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_start_worker, initargs=(memory_ceiling(),))

    def submit(self, function: Callable[..., R], item: T, *shared: object) -> Pending:
        """function(item, *shared) in a worker; `.get()` on the answer waits for its result."""
        return Pending(self.executor.submit(_call, function, item, shared), item)

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc: object) -> None:
        processes = list((self.executor._processes or {}).values())  # noqa: SLF001 - no public way before 3.14
        for process in processes:
            if process.is_alive():
                process.kill()
        self.executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join()


def memory_ceiling() -> Optional[int]:
    """The address-space limit in force (None when unlimited)."""
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft
