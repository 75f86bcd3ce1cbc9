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
blocks cannot swallow it. Python itself still swallows an exception raised inside a
weakref callback, a ``__del__`` or a bare ``except:``, and the timer fires only once per
arming: so every delivery re-arms a retry a moment later, which leaving the limit cancels,
and a ``StepTimeout`` that Python reports as unraisable is dropped quietly rather than
printed. A limit therefore ends its body even when its first ``StepTimeout`` is lost.
An alarm that lands in this module's own bookkeeping (entering or leaving a limit) is
not raised there; its retry follows.
"""

from __future__ import annotations

import ctypes
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

_MIN_DELAY = 1e-6
_RETRY_SECONDS = 0.05
_BOOKKEEPING_RETRY_SECONDS = 0.001
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


def _on_alarm(_signum: int, frame: Any) -> None:
    left = remaining()
    if left > 0:  # a stale alarm (no limit left) or an early one: wait for the real deadline
        if left != float("inf"):
            signal.setitimer(signal.ITIMER_REAL, left)
        return
    if frame is not None and frame.f_globals is globals():
        # mid-bookkeeping of a limit: raising here could leave its state half-updated
        signal.setitimer(signal.ITIMER_REAL, _BOOKKEEPING_RETRY_SECONDS)
        return
    signal.setitimer(signal.ITIMER_REAL, _RETRY_SECONDS)  # in case Python swallows this one
    raise StepTimeout("time limit reached")


class _QuietTimeouts:
    """While any limit is active, sys.unraisablehook drops a swallowed StepTimeout (its
    retry is already armed) and hands everything else to the hook it replaced."""

    _lock = threading.Lock()
    _users = 0
    _replaced: Any = None

    @classmethod
    def enter(cls) -> None:
        with cls._lock:
            if cls._users == 0:
                cls._replaced = sys.unraisablehook
                sys.unraisablehook = cls._hook
            cls._users += 1

    @classmethod
    def leave(cls) -> None:
        with cls._lock:
            cls._users -= 1
            if cls._users == 0:
                if sys.unraisablehook is cls._hook:
                    sys.unraisablehook = cls._replaced
                cls._replaced = None

    @classmethod
    def _hook(cls, unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, StepTimeout):
            return
        (cls._replaced or sys.__unraisablehook__)(unraisable)


class _SignalTimer:
    """Main thread: SIGALRM through ITIMER_REAL."""

    @staticmethod
    def start(state: _Frame) -> None:
        state.saved_handler = signal.signal(signal.SIGALRM, _on_alarm)
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
            _start_watchdog(state, thread_id, _RETRY_SECONDS)  # in case Python swallows this one


def _start_watchdog(state: _Frame, thread_id: int, delay: float) -> None:
    box: list = []
    timer = threading.Timer(delay, _fire, (state, thread_id, box))
    timer.daemon = True
    box.append(timer)
    state.watchdog = timer
    timer.start()


class _WatchdogTimer:
    """Other threads: a watchdog thread raises StepTimeout in this one at the deadline."""

    @staticmethod
    def start(state: _Frame) -> None:
        state.watchdog = None

    @staticmethod
    def arm(state: _Frame) -> None:
        with _WATCHDOG_LOCK:
            _WatchdogTimer._cancel(state)
            _start_watchdog(state, threading.get_ident(), max(remaining(), _MIN_DELAY))

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


class time_limit:  # noqa: N801 - used like a function: ``with time_limit(2.0): ...``
    """Run the body for at most `seconds` (capped by any enclosing limit).

    A class rather than a generator context manager so that entering and leaving run in
    this module's frames, where an alarm is never raised (see `_on_alarm`)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = max(seconds, 0.0)
        self.state = _frame()
        self.timer = _SignalTimer if _in_main_thread() else _WatchdogTimer

    def __enter__(self) -> None:
        state = self.state
        if not state.deadlines:
            _QuietTimeouts.enter()
            self.timer.start(state)
        state.deadlines.append(time.monotonic() + self.seconds)
        self.timer.arm(state)

    def __exit__(self, *exc_info: Any) -> None:
        state = self.state
        state.deadlines.pop()
        if state.deadlines:
            self.timer.arm(state)
        else:
            self.timer.stop(state)
            _QuietTimeouts.leave()


def run_limited(function: Callable[[], Any], seconds: float) -> tuple[bool, Any]:
    """(True, result) if `function` finished within `seconds`, else (False, None).

    Only this call's own limit is absorbed: if an enclosing limit has run out, the
    timer re-armed on leaving fires at once and the enclosing limit ends its own body.
    """
    if remaining() <= 0:
        raise StepTimeout("time limit reached")
    if seconds <= 0:
        return False, None
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
