"""Independent work items in worker processes (forked, so nothing is imported twice)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def parallel_map(function: Callable[..., R], items: Sequence[T], jobs: int, *shared: object) -> list[R]:
    """[function(item, *shared) for item in items], in order, in up to `jobs` processes.

    Exceptions raised in a worker are raised here, so they must pickle."""
    if jobs <= 1 or len(items) < 2:
        return [function(item, *shared) for item in items]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(jobs, len(items)), mp_context=context) as pool:
        return list(pool.map(function, items, *(repeat(value) for value in shared)))
