"""Independent work items in worker processes (forked, so nothing is imported twice).

Workers ignore SIGINT (the parent decides) and run under the memory ceiling. When the
parent is interrupted, or anything else goes wrong, every worker is terminated at once:
an interrupt never waits for running work and leaves no process behind.
"""

from __future__ import annotations

import multiprocessing
import signal
from typing import Callable, Optional, Sequence, TypeVar

from symcheck.runtime.limits import limit_memory

T = TypeVar("T")
R = TypeVar("R")


def _start_worker(memory_bytes: Optional[int]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    limit_memory(memory_bytes)


def _call(task: tuple) -> object:
    function, item, shared = task
    return function(item, *shared)


def parallel_map(function: Callable[..., R], items: Sequence[T], jobs: int, *shared: object) -> list[R]:
    """[function(item, *shared) for item in items], in order, in up to `jobs` processes.

    Exceptions raised in a worker are raised here, so they must pickle."""
    if jobs <= 1 or len(items) < 2:
        return [function(item, *shared) for item in items]
    context = multiprocessing.get_context("fork")
    pool = context.Pool(min(jobs, len(items)), initializer=_start_worker, initargs=(memory_ceiling(),))
    try:
        results = pool.map_async(_call, [(function, item, shared) for item in items], chunksize=1).get()
        pool.close()
        return results
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def memory_ceiling() -> Optional[int]:
    """The address-space limit in force (None when unlimited)."""
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft
