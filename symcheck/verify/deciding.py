"""How `check` decides a note's equations: each distinct one once, and, when cores are free,
ahead of time in worker processes.

A note's chains depend on each other (definitions adopted, a restatement going on from an
earlier chain, a refuted member compared with later ones), so the note is read in order.
What costs time is deciding, and most of what a note asks is known from reading alone:
each member against the one before it. So with free cores the note is read twice:

1. a first reading records every equation it would decide, answering each with an
   `unknown` that is never shown or stored (the reading is then thrown away);
2. the distinct recorded equations are decided, in order, in worker processes (forked after
   the first reading, so they hold the equations already: nothing is sent but numbers);
3. meanwhile the real reading asks `NoteDecider`, which waits for a worker's decision where
   there is one; what the first reading could not foresee (comparisons after a refuted
   member, repairs) is decided there and then. Work nobody asks for is dropped at the end.

Decisions are keyed like the cache's (`cache.equation_key`: both sides, the case, the kind,
the scope, the settings), so an equation read twice gets one decision, made by the same
engine either way: the output is the same with any number of workers.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator, Optional, Sequence

from symcheck.engine.ladder import decide_equation
from symcheck.engine.settings import Settings
from symcheck.model import Decision, Verdict
from symcheck.model.compiled import Equation
from symcheck.runtime.parallel import Pending, WorkerPool, worker_count
from symcheck.verify.cache import equation_key

MIN_STEPS_PER_WORKER = 4  # fewer steps than this per extra process: deciding ahead does not pay
_UNSETTLED = ("time limit", "error")  # decisions that may come out otherwise on a second try
_AHEAD = "not decided yet"  # the first reading's answer: never shown, never stored (unknown)


class NoteDecider:
    """The engine's decision on each distinct equation of one note, made once (or waited for,
    when a worker is deciding it ahead)."""

    def __init__(self, decider: Optional[Callable[[Equation, Settings], Decision]] = None):
        self.decider = decider or decide_equation
        self.known: dict[str, Decision] = {}
        self.pending: dict[str, Pending] = {}  # decided ahead, in a worker

    def __call__(self, eq: Equation, settings: Settings) -> Decision:
        key = equation_key(eq, settings)
        known = self.known.get(key)
        if known is None:
            ahead = self.pending.pop(key, None)
            known = self.decider(eq, settings) if ahead is None else ahead.get()
            self.remember(key, known)
        return known

    def remember(self, key: str, decision: Decision) -> None:
        if decision.strategy not in _UNSETTLED:
            self.known[key] = decision


class Recorder:
    """The first reading's decider: records each equation, decides nothing."""

    def __init__(self) -> None:
        self.equations: list[Equation] = []

    def __call__(self, eq: Equation, settings: Settings) -> Decision:
        self.equations.append(eq)
        return Decision(Verdict.UNKNOWN, _AHEAD, 0.0)


def ahead_workers(steps: int, jobs: int) -> int:
    """Processes worth starting for a note of `steps` steps: `jobs` (0: the free cores), at
    most one per MIN_STEPS_PER_WORKER steps; 1 means no deciding ahead."""
    return min(worker_count(steps, jobs), max(1, steps // MIN_STEPS_PER_WORKER))


_RECORDED: list[Equation] = []  # the equations the workers decide, inherited when they fork


def _decide_recorded(index: int, settings: Settings) -> Decision:
    return decide_equation(_RECORDED[index], settings)


@contextmanager
def decided_ahead(decider: NoteDecider, equations: Sequence[Equation], settings: Settings,
                  workers: int) -> Iterator[None]:
    """While in the block, each distinct equation of `equations` that `decider` does not know
    is being decided in one of `workers` processes, in order; `decider` waits for the one it
    is asked. Leaving the block stops the workers (what was never asked is not needed)."""
    keyed = {equation_key(eq, settings): eq for eq in equations}
    keys = [key for key in keyed if key not in decider.known]
    if workers <= 1 or not keys:
        yield
        return
    _RECORDED[:] = [keyed[key] for key in keys]
    try:
        with WorkerPool(workers) as pool:
            decider.pending = {key: pool.submit(_decide_recorded, index, settings) for index, key in enumerate(keys)}
            yield
    finally:
        _RECORDED.clear()
        decider.pending = {}
