"""How many processes, and how they behave: the free cores (measured) and the amount of work
decide, unless -j says; results come back in order; a worker that dies or an interrupt
ends the run with an error, never a wait that does not end."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from symcheck.runtime import parallel
from symcheck.runtime.parallel import CoreSample, WorkerDied, WorkerPool, idle_between


def test_explicit_jobs_are_obeyed_up_to_the_number_of_items(monkeypatch):
    monkeypatch.setattr(parallel, "free_cores", lambda: pytest.fail("an explicit -j needs no measurement"))
    assert parallel.worker_count(10, 3) == 3
    assert parallel.worker_count(2, 8) == 2
    assert parallel.worker_count(0, 4) == 1
    assert parallel.worker_count(3, 2, per_worker=4) == 2  # obeyed even for little work


def test_little_work_gets_one_process_without_measuring(monkeypatch):
    monkeypatch.setattr(parallel, "free_cores", lambda: pytest.fail("measured for work one process does"))
    assert parallel.worker_count(1) == 1
    assert parallel.worker_count(7, per_worker=4) == 1


def test_the_free_cores_and_the_amount_of_work_decide(monkeypatch):
    monkeypatch.setattr(parallel, "free_cores", lambda: 4)
    assert parallel.worker_count(10) == 4
    assert parallel.worker_count(3) == 3
    assert parallel.worker_count(12, per_worker=4) == 3


def _sample(seconds: float, own_cpu: float, all_ticks: int, idle_ticks: int) -> CoreSample:
    return CoreSample(seconds, own_cpu, (all_ticks, idle_ticks))


def test_idle_cores_are_measured_from_the_ticks_between_two_readings():
    start = _sample(0.0, 0.0, 1000, 500)
    ticks = parallel.TICKS_PER_SECOND  # one second on each of 2 cores: 2 * ticks in all
    assert idle_between(start, _sample(1.0, 0.0, 1000 + 2 * ticks, 500 + 2 * ticks), 2) == 2.0  # both idle
    assert idle_between(start, _sample(1.0, 0.0, 1000 + 2 * ticks, 500 + ticks), 2) == 1.0  # one hog
    assert idle_between(start, _sample(1.0, 0.0, 1000 + 2 * ticks, 500), 2) == 0.0  # a hog on each core


def test_this_processs_own_work_counts_as_free():
    """Our own run kept one core busy while the other was idle: both are free for its workers
    (the 1-minute load average would still count our own work as a busy core)."""
    start = _sample(0.0, 0.0, 1000, 500)
    ticks = parallel.TICKS_PER_SECOND
    assert idle_between(start, _sample(1.0, 1.0, 1000 + 2 * ticks, 500 + ticks), 2) == 2.0
    assert idle_between(start, _sample(1.0, 0.5, 1000 + 2 * ticks, 500), 2) == 0.5  # we shared a core with a hog


def test_no_proc_stat_reading_gives_no_measurement():
    assert idle_between(CoreSample(0.0, 0.0, None), _sample(1.0, 0.0, 10, 5), 2) is None
    assert idle_between(_sample(0.0, 0.0, 10, 5), _sample(1.0, 0.0, 10, 5), 2) is None  # no tick in between


@pytest.mark.parametrize("idle, free", [(2.0, 2), (1.6, 2), (1.4, 1), (1.0, 1), (0.2, 1)])
def test_a_core_counts_as_free_when_at_least_half_idle(monkeypatch, idle, free):
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(parallel, "idle_cores", lambda: idle)
    monkeypatch.setattr(parallel, "busy_cores", lambda: pytest.fail("the load average is only the fallback"))
    assert parallel.free_cores() == free


@pytest.mark.parametrize("busy, free", [(3.9, 1), (2.4, 2), (0.3, 4)])
def test_without_proc_stat_the_load_average_decides(monkeypatch, busy, free):
    monkeypatch.setattr(parallel, "usable_cores", lambda: 4)
    monkeypatch.setattr(parallel, "idle_cores", lambda: None)
    monkeypatch.setattr(parallel, "busy_cores", lambda: busy)
    assert parallel.free_cores() == free


@pytest.mark.skipif(not os.path.exists("/proc/stat"), reason="no /proc/stat")
def test_a_real_measurement_is_a_number_of_usable_cores():
    idle = parallel.idle_cores()
    assert idle is not None and 0.0 <= idle <= parallel.usable_cores()
    assert 1 <= parallel.free_cores() <= parallel.usable_cores()


def test_results_come_back_in_order():
    assert parallel.parallel_map(pow, [1, 2, 3, 4], 2, 2) == [1, 4, 9, 16]


def _fails_on_three(item: int) -> int:
    if item == 3:
        raise ValueError("three")
    return item


def test_an_error_in_a_worker_is_raised_in_the_parent():
    with pytest.raises(ValueError, match="three"):
        parallel.parallel_map(_fails_on_three, [1, 2, 3, 4], 2)


def _killed_on_three(item: int) -> int:
    if item == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.05)
    return item


def _finishes(work, seconds: float = 120.0):
    """work()'s result or exception, or a failure if it does not finish in `seconds` (a hang)."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, "the parent waited forever"
    return outcome[0]


def test_a_worker_that_dies_is_an_error_not_a_hang():
    outcome = _finishes(lambda: parallel.parallel_map(_killed_on_three, [1, 2, 3, 4, 5], 2))
    assert isinstance(outcome, WorkerDied) and "a worker process ended" in str(outcome)


def test_leaving_the_pool_stops_running_work_at_once():
    """An interrupt (or any error) in the parent does not wait for the work in the workers."""
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        with WorkerPool(2) as pool:
            pool.submit(time.sleep, 60)
            processes = list(pool.executor._processes.values())
            raise KeyboardInterrupt
    assert processes and all(_ends(process) for process in processes)
    assert time.monotonic() - started < 30


def _ends(process, seconds: float = 10.0) -> bool:
    """The process has ended (or does within `seconds`: the pool's own thread may be reaping it)."""
    deadline = time.monotonic() + seconds
    while process.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not process.is_alive()
