"""Time limits for engine work: ``with time_limit(seconds): ...`` raises ``StepTimeout``.

SymPy is pure Python, so the limit can interrupt it between bytecodes:

- in the **main thread** an ``ITIMER_REAL`` timer (``signal.setitimer``) raises
  ``StepTimeout`` from its SIGALRM handler;
- in **any other thread** signals cannot be used, so a watchdog (``threading.Timer``)
  raises ``StepTimeout`` inside the working thread with CPython's
  ``PyThreadState_SetAsyncExc``; like a signal handler, the exception arrives between
  bytecodes, so pure-Python loops are interrupted too. This keeps the decision in-process
  (no pickling of SymPy objects, no subprocess start-up per step, nothing left running
  after a timeout). Neither mechanism interrupts a single long call into C code.
  Watchdog and thread synchronize on a lock; leaving a limit cancels its watchdog and
  clears an exception it may have scheduled but not yet delivered.

Limits nest: a thread keeps a stack of deadlines and the effective deadline is the
earliest one. Leaving an inner limit re-arms the timer for the outer one; if the outer
deadline has already passed, it fires at once, so an outer limit cannot be lost by an
inner ``except StepTimeout``. A timer armed by someone else before the outermost limit
(e.g. a test-timeout plugin) is restored, with its remaining time, on the way out.

``StepTimeout`` derives from ``BaseException`` so that SymPy's own ``except Exception``
blocks cannot swallow it.
"""

from __future__ import annotations

import ctypes
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional

_MIN_DELAY = 1e-6
_PARSE_SECONDS = [10.0]


def parse_seconds() -> float:
    """The time allowed to read one formula: the engine's step limit (see `set_parse_seconds`)."""
    return _PARSE_SECONDS[0]


def set_parse_seconds(seconds: float) -> None:
    """Parsing runs under the same time limit as one engine step (set from --timeout)."""
    _PARSE_SECONDS[0] = float(seconds)


class StepTimeout(BaseException):
    """A time limit ran out."""


@dataclass
class _Frame:
    """Per-thread state: the deadline stack and what to restore when it empties."""

    deadlines: list[float] = field(default_factory=list)
    saved_handler: Any = None
    saved_timer: tuple[float, float] = (0.0, 0.0)
    saved_at: float = 0.0
    watchdog: Optional[threading.Timer] = None


_local = threading.local()


def _frame() -> _Frame:
    if not hasattr(_local, "frame"):
        _local.frame = _Frame()
    return _local.frame


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def remaining() -> float:
    """Seconds left before the earliest active deadline (infinite when none is active)."""
    deadlines = _frame().deadlines
    if not deadlines:
        return float("inf")
    return min(deadlines) - time.monotonic()


def _raise_timeout(_signum: int, _frame: object) -> None:
    raise StepTimeout("time limit reached")


class _SignalTimer:
    """Main thread: SIGALRM through ITIMER_REAL."""

    @staticmethod
    def start(state: _Frame) -> None:
        state.saved_handler = signal.signal(signal.SIGALRM, _raise_timeout)
        state.saved_timer = signal.setitimer(signal.ITIMER_REAL, 0)
        state.saved_at = time.monotonic()

    @staticmethod
    def arm(state: _Frame) -> None:
        signal.setitimer(signal.ITIMER_REAL, max(remaining(), _MIN_DELAY))

    @staticmethod
    def stop(state: _Frame) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, state.saved_handler)
        delay, interval = state.saved_timer
        if delay > 0:
            left = delay - (time.monotonic() - state.saved_at)
            signal.setitimer(signal.ITIMER_REAL, max(left, _MIN_DELAY), interval)


_WATCHDOG_LOCK = threading.Lock()


def _schedule_async(thread_id: int, exception: Optional[type]) -> None:
    """Schedule `exception` in thread `thread_id` (None clears a scheduled one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None)


def _fire(state: _Frame, thread_id: int, timer_box: list) -> None:
    with _WATCHDOG_LOCK:
        if state.watchdog is timer_box[0] and state.deadlines and min(state.deadlines) <= time.monotonic():
            _schedule_async(thread_id, StepTimeout)


class _WatchdogTimer:
    """Other threads: a watchdog thread raises StepTimeout in this one at the deadline."""

    @staticmethod
    def start(state: _Frame) -> None:
        state.watchdog = None

    @staticmethod
    def arm(state: _Frame) -> None:
        with _WATCHDOG_LOCK:
            _WatchdogTimer._cancel(state)
            box: list = []
            timer = threading.Timer(max(remaining(), _MIN_DELAY), _fire, (state, threading.get_ident(), box))
            timer.daemon = True
            box.append(timer)
            state.watchdog = timer
            timer.start()

    @staticmethod
    def stop(state: _Frame) -> None:
        with _WATCHDOG_LOCK:
            _WatchdogTimer._cancel(state)

    @staticmethod
    def _cancel(state: _Frame) -> None:
        if state.watchdog is not None:
            state.watchdog.cancel()
            state.watchdog = None
        _schedule_async(threading.get_ident(), None)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Run the body for at most `seconds` (capped by any enclosing limit)."""
    state = _frame()
    timer = _SignalTimer if _in_main_thread() else _WatchdogTimer
    outermost = not state.deadlines
    if outermost:
        timer.start(state)
    state.deadlines.append(time.monotonic() + max(seconds, 0.0))
    try:
        timer.arm(state)
        yield
    finally:
        state.deadlines.pop()
        if state.deadlines:
            timer.arm(state)
        else:
            timer.stop(state)


def run_limited(function: Callable[[], Any], seconds: float) -> tuple[bool, Any]:
    """(True, result) if `function` finished within `seconds`, else (False, None).

    Only this call's own limit is absorbed: if an enclosing limit has run out, the
    timer re-armed on leaving fires at once and the enclosing limit ends its own body.
    """
    if remaining() <= 0:
        raise StepTimeout("time limit reached")
    try:
        with time_limit(seconds):
            return True, function()
    except StepTimeout:
        if remaining() <= 0:
            raise
        return False, None


DEFAULT_MEMORY_BYTES = 4 * 1024**3
MEMORY_ENV = "SYMCHECK_MEMORY_MB"


def default_memory_bytes() -> int:
    """The memory ceiling of a run: $SYMCHECK_MEMORY_MB, else 4 GiB."""
    import os

    text = os.environ.get(MEMORY_ENV, "")
    return int(text) * 1024**2 if text.isdigit() and int(text) > 0 else DEFAULT_MEMORY_BYTES


def limit_memory(limit_bytes: Optional[int]) -> None:
    """Cap this process's address space (RLIMIT_AS, soft limit only, never raised above the
    hard one): an allocation beyond it raises MemoryError instead of exhausting the machine.
    Child processes (workers, pdflatex) inherit the cap."""
    import resource

    if limit_bytes is None:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit_bytes = min(limit_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, hard))
