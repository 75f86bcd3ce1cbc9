"""How many processes: the free cores and the amount of work decide, unless -j says."""

from symcheck.runtime import parallel


def test_explicit_jobs_are_obeyed_up_to_the_number_of_items():
    assert parallel.worker_count(10, 3) == 3
    assert parallel.worker_count(2, 8) == 2
    assert parallel.worker_count(0, 4) == 1


def test_a_busy_machine_gets_one_process(monkeypatch):
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    monkeypatch.setattr(parallel, "busy_cores", lambda: 2.4)
    assert parallel.worker_count(10) == 1


def test_an_idle_machine_gets_its_cores_for_enough_work(monkeypatch):
    monkeypatch.setattr(parallel, "usable_cores", lambda: 4)
    monkeypatch.setattr(parallel, "busy_cores", lambda: 0.3)
    assert parallel.worker_count(10) == 4
    assert parallel.worker_count(3) == 3
    assert parallel.worker_count(1) == 1


def test_partly_busy_cores_count_as_busy(monkeypatch):
    monkeypatch.setattr(parallel, "usable_cores", lambda: 4)
    monkeypatch.setattr(parallel, "busy_cores", lambda: 1.5)
    assert parallel.worker_count(10) == 3


def test_results_come_back_in_order():
    assert parallel.parallel_map(pow, [1, 2, 3, 4], 2, 2) == [1, 4, 9, 16]
