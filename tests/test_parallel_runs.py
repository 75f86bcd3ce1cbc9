"""A run over several derivation files: each loaded once, its work split into units that ask
one equation each, decided largest first, in any number of processes, with the same result
as a serial run. Tried on small derivation files written for these tests."""

from __future__ import annotations

import copy
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from typing import Sequence

import pytest
from click.testing import CliRunner

from symcheck.cli import cli
from symcheck.engine.settings import Settings
from symcheck.load.derivation import load_derivation
from symcheck.printers.results import JsonPrinter
from symcheck.runtime.parallel import WorkerDied
from symcheck.verify import cache, documents, runs
from symcheck.verify.documents import DocumentWork

from .test_load import MINIMAL, write

SETTINGS = Settings(step_timeout=30.0)

# the same equation three times (two chains and a claim), a wrong step, an erratum and a gradient check
REPEATS = MINIMAL + r"""
[[chains]]
name = "again"
[[chains.steps]]
line = 8
latex = '(x+1)^2'
[[chains.steps]]
line = 9
latex = 'x^2 + 2x + 1'
[[chains.steps]]
line = 10
latex = 'x^2 + 3x + 1'

[[chains]]
name = "an erratum"
[[chains.steps]]
line = 12
latex = '(x-1)^2'
[[chains.steps]]
line = 13
latex = 'x^2 - x + 1'
erratum = { note = "lost a 2", intended = 'x^2 - 2x + 1' }

[[claims]]
name = "the same as the first chain"
line = 15
latex = '(x+1)^2 = x^2 + 2x + 1'

[[gradient_checks]]
name = "d/da_i of sum_k a_k^2"
loss = '\sum_{k=1}^N a_k^2'
wrt = "a"
index = "i"
gradient = '2 a_i'
size = "N"
"""

SMALL = MINIMAL.replace("(x+1)^2", "(x+2)^2").replace("x^2 + 2x + 1", "x^2 + 4x + 4")


@pytest.fixture(autouse=True)
def no_cache(monkeypatch):
    """Every decision made here, none taken from a cache an earlier test left active."""
    monkeypatch.setattr(cache, "_active", [cache.DecisionCache(None)])


def _json(results) -> dict:
    text = JsonPrinter().document(list(results))
    return json.loads(re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0', text))


def test_places_asking_the_same_equation_share_one_unit(tmp_path):
    work = DocumentWork(load_derivation(write(tmp_path, REPEATS)), SETTINGS)
    units = runs.units_of(0, work)
    assert sorted(place for unit in units for place in unit.places) == sorted(work.places())
    (same,) = [unit for unit in units if ("chains", 0, 0) in unit.places]
    assert same.places == (("chains", 0, 0), ("chains", 1, 0))  # the claim is another kind of question
    assert len(units) == len(work.places()) - 1
    assert (("gradient_checks", 0, 0),) in [unit.places for unit in units]


class Stub:
    """Documents whose units are given: each is 'loaded' on first use (loads counted), its
    cost before that estimated as given."""

    def __init__(self, costs: Sequence[tuple[int, ...]], estimates: Sequence[int], load_cost: int = 10,
                 unit_estimates: Sequence[int] = ()):
        self.costs, self.estimates, self.load = costs, estimates, load_cost
        self.unit_estimates = list(unit_estimates) or [len(c) for c in costs]
        self.paths = [f"{n}.toml" for n in range(len(costs))]
        self.loads: list[int] = []

    def __len__(self) -> int:
        return len(self.costs)

    def loaded(self, number: int) -> bool:
        return number in self.loads

    def units_of(self, number: int) -> list[runs.Unit]:
        if number not in self.loads:
            self.loads.append(number)
        units = [runs.Unit(number, (("claims", 0, n),), cost, n) for n, cost in enumerate(self.costs[number])]
        return sorted(units, key=lambda unit: -unit.cost)

    def cost(self, number: int) -> int:
        return sum(self.costs[number]) if self.loaded(number) else self.estimates[number]

    def load_cost(self, number: int) -> int:
        return self.load

    def estimated_units(self, number: int) -> int:
        return self.unit_estimates[number]


def _take(queue: runs.UnitQueue, current) -> tuple[int, int]:
    unit = queue.take(current)
    return unit.document, unit.cost


def test_a_worker_keeps_to_its_document_and_starts_the_largest_untouched_one():
    # sizes say 100, 120, 30 before loading; loaded, the documents hold 60, 120, 30
    queue = runs.UnitQueue(Stub([(5, 50, 5), (40, 40, 40), (30,)], [100, 120, 30]))
    assert queue.count == [runs.UNKNOWN] * 3  # nothing loaded before the workers start
    assert _take(queue, None) == (1, 40)  # the largest document first
    assert _take(queue, None) == (0, 50)  # another worker: the largest nobody started, its largest unit first
    assert queue.count == [3, 3, runs.UNKNOWN] and queue.left == [10, 80, 30]  # loaded: the real costs
    assert _take(queue, 1) == (1, 40) and _take(queue, 1) == (1, 40)  # each keeps to its own
    assert _take(queue, 1) == (2, 30)  # its document done: the untouched one, before anyone's leftovers
    assert _take(queue, 2) == (0, 5)  # nothing untouched: the most work left
    assert _take(queue, 0) == (0, 5)
    assert list(queue.taken) == [3, 3, 1] and queue.take(0) is None


def test_a_worker_helps_with_another_document_only_where_loading_it_pays():
    def queue_after_a_start(load_cost: int) -> tuple[runs.UnitQueue, Stub]:
        first, second = Stub([(50, 40, 30)], [100], load_cost), Stub([(50, 40, 30)], [100], load_cost)
        queue = runs.UnitQueue(first)
        queue.share()
        assert _take(queue, None) == (0, 50)  # the first worker starts the document (70 left)
        helper = copy.copy(queue)
        helper.documents = second  # another process: it has not loaded the document
        return helper, second

    helper, second = queue_after_a_start(load_cost=40)
    assert helper.take(None) is None and second.loads == []  # 70 left: not worth loading it twice
    helper, second = queue_after_a_start(load_cost=30)
    assert _take(helper, None) == (0, 40) and second.loads == [0]  # worth it: loaded here too, the same units


def test_a_worker_joins_a_document_nobody_has_published_only_if_it_may_hold_two_units():
    def helper_after_a_start(estimated_units: int) -> tuple[runs.UnitQueue, Stub]:
        first, second = (Stub([(50, 40)], [100], 10, [estimated_units]) for _ in range(2))
        queue = runs.UnitQueue(first)
        queue.share()
        assert queue._choose(None) == 0  # a worker started it and is loading it: nothing published yet
        helper = copy.copy(queue)
        helper.documents = second  # another process
        return helper, second

    helper, second = helper_after_a_start(1)
    assert helper.take(None) is None and second.loads == []  # the one who started it takes its one unit
    helper, second = helper_after_a_start(2)
    assert _take(helper, None) == (0, 50) and second.loads == [0]


def test_two_processes_that_split_a_document_differently_stop_the_run():
    queue = runs.UnitQueue(Stub([(50, 40)], [100]))
    queue.share()
    assert _take(queue, None) == (0, 50)
    helper = copy.copy(queue)
    helper.documents = Stub([(50, 30)], [100], load_cost=0)
    with pytest.raises(RuntimeError, match="different units"):
        helper.take(None)


def test_workers_sharing_a_queue_take_each_unit_once_and_agree_on_the_units(tmp_path, monkeypatch):
    monkeypatch.setattr(runs, "LOAD_COST_PER_BYTE", 0)  # helping always pays: both load both documents
    paths = [write(tmp_path, REPEATS, "a.toml"), write(tmp_path, SMALL, "b.toml")]
    queue = runs.UnitQueue(runs.Documents(paths, SETTINGS))
    queue.share()
    other = copy.copy(queue)
    other.documents = runs.Documents(paths, SETTINGS)  # as a second process holds its own
    taken, current, working = [], [None, None], [True, True]
    for turn in itertools.cycle((0, 1)):
        if not any(working):
            break
        unit = (queue, other)[turn].take(current[turn]) if working[turn] else None
        working[turn] = unit is not None  # a worker that gets nothing ends
        if unit is not None:
            taken.append(unit)
            current[turn] = unit.document
    expected = runs.Documents(paths, SETTINGS)
    assert sorted((unit.document, unit.places) for unit in taken) == sorted(
        (n, unit.places) for n in range(2) for unit in expected.units_of(n))
    # the largest unit first: a gradient check counts as a step of average length
    assert taken[0].places == (("gradient_checks", 0, 0),)
    assert set(queue.documents.works) & set(other.documents.works)  # a document split between the two


@pytest.mark.parametrize("jobs", [2, 3])
def test_any_number_of_processes_gives_the_serial_result(tmp_path, jobs):
    paths = [write(tmp_path, REPEATS, "a.toml"), write(tmp_path, SMALL, "b.toml"), write(tmp_path, MINIMAL, "c.toml")]
    serial = runs.verify_files(paths, SETTINGS, 1)
    parallel = runs.verify_files(paths, SETTINGS, jobs)
    assert _json(parallel) == _json(serial)
    assert [result.path for result in parallel] == [str(path) for path in paths]
    steps = parallel[0].chains[1].steps
    assert [step.decision.verdict.value for step in steps] == ["proved", "refuted"]
    assert parallel[0].chains[2].steps[0].erratum is not None and parallel[0].all_expected is False
    assert parallel[0].gradient_checks and parallel[0].gradient_checks[0].passed


def test_verify_paths_hands_on_the_documents_it_loaded(tmp_path, monkeypatch):
    path = write(tmp_path, REPEATS)
    loaded = []
    monkeypatch.setattr(runs, "load_derivation", lambda p: loaded.append(p) or load_derivation(p))
    (result, document), = runs.verify_paths([path], SETTINGS, 2)
    assert loaded == [path]  # once: not again per part, nor for the report
    assert document.derivation.path == result.path


def test_each_distinct_equation_is_decided_once_in_a_serial_run(tmp_path, monkeypatch):
    asked = []
    real = documents.decide
    monkeypatch.setattr(documents, "decide", lambda eq, settings: asked.append(eq.latex) or real(eq, settings))
    runs.verify_files([write(tmp_path, REPEATS)], SETTINGS, 1)
    assert asked.count("x^2 + 2x + 1") == 1


REAL_DECIDE = documents.decide


def _dies_on_a_wrong_step(eq, settings):
    if "3x" in eq.latex:
        os.kill(os.getpid(), signal.SIGKILL)
    return REAL_DECIDE(eq, settings)


def test_a_worker_that_dies_ends_the_run_with_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "decide", _dies_on_a_wrong_step)
    paths = [write(tmp_path, REPEATS, "a.toml"), write(tmp_path, SMALL, "b.toml")]
    with pytest.raises(WorkerDied):
        runs.verify_files(paths, SETTINGS, 2)
    result = CliRunner().invoke(cli, ["verify", str(tmp_path), "-j", "2", "--no-cache"])
    assert result.exit_code == 3 and "a worker process ended" in result.output


def test_several_notes_come_back_in_the_order_named(tmp_path):
    from symcheck.verify import incremental

    from .test_note_reader import write as write_note

    small = write_note(tmp_path, "$$\n(t + 1)^2 = t^2 + 2t + 1\n$$\n", name="small.md")
    large = write_note(tmp_path, "$$\n(t + 2)^2 = t^2 + 4t + 4 = t^2 + 5t + 4\n$$\n" * 3, name="large.md")
    serial = incremental.check_notes([small, large], None, SETTINGS, 1)
    parallel = incremental.check_notes([small, large], None, SETTINGS, 2)  # the large one first, in a worker
    assert [checked.path for checked in parallel] == [small, large]
    assert _json([c.result for c in parallel]) == _json([c.result for c in serial])
    assert [step.decision.verdict.value for step in parallel[1].result.all_results()][:2] == ["proved", "refuted"]


def _fails(eq, settings):
    raise RuntimeError("a bug in deciding")


@pytest.mark.parametrize("deciding", ["works", "fails"])
def test_files_that_cannot_be_read_stop_a_parallel_run_as_they_stop_a_serial_one(tmp_path, monkeypatch, deciding):
    """The workers load the largest files first (b and c: a is never started); the run still
    names the first bad file in order, with the serial run's message and exit code, and nothing
    else, even when a worker fails first on something else (a serial run loads every file first)."""
    write(tmp_path, MINIMAL.replace("x^2 + 2x + 1", "x^2 + 2x + )"), "a.toml")
    write(tmp_path, REPEATS.replace("x^2 - x + 1", "x^2 - x + }"), "b.toml")  # a worker finds it first
    write(tmp_path, REPEATS, "c.toml")
    if deciding == "fails":
        monkeypatch.setattr(documents, "decide", _fails)
        write(tmp_path, REPEATS.replace("x^2 - x + 1", "x^2 - x + 2"), "b.toml")  # readable: both workers fail
    runner = CliRunner()
    serial = runner.invoke(cli, ["verify", str(tmp_path), "-j", "1", "--no-cache"])
    parallel = runner.invoke(cli, ["verify", str(tmp_path), "-j", "2", "--no-cache"])
    assert serial.exit_code == parallel.exit_code == 2
    assert parallel.output == serial.output and serial.output.startswith(f"{tmp_path / 'a.toml'}:")


def _fails_in_both(eq, settings):
    if "x^2 - x + 1" in eq.latex:  # in b, met first: its worker starts the larger file
        raise RuntimeError("deciding failed in b")
    if "x^2 + 2x + 1" in eq.latex:  # in a, met after a while
        time.sleep(0.3)
        raise RuntimeError("deciding failed in a")
    return REAL_DECIDE(eq, settings)


def test_when_two_files_fail_to_be_decided_the_first_in_file_order_is_the_error(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "decide", _fails_in_both)
    paths = [write(tmp_path, MINIMAL, "a.toml"), write(tmp_path, REPEATS, "b.toml")]
    for jobs in (1, 2):
        with pytest.raises(RuntimeError, match="failed in a"):
            runs.verify_files(paths, SETTINGS, jobs)


def test_a_failure_stops_the_units_after_it_in_file_order_only():
    queue = runs.UnitQueue(Stub([(50, 40), (30,)], [100, 90]))
    first = queue.take(None)
    assert (first.document, first.cost) == (0, 50)
    queue.fail(first)
    assert queue.take(0) is None  # the rest of document 0 is after it, and so is document 1
    queue.fail(runs.Unit(1, (("claims", 0, 0),), 30, 0))  # later in file order: changes nothing
    assert list(queue.failed) == [0, 0]


def test_what_is_imported_before_the_workers_start_every_worker_imports_anyway(tmp_path):
    """FIRST_USE_IMPORTS are imported in the parent only because loading and deciding a
    small document (steps, a claim, a gradient check) would import each of them in every worker."""
    path = write(tmp_path, REPEATS)
    code = (f"import sys; from symcheck.verify import runs; "
            f"runs.verify_files([runs.Path({str(path)!r})], runs.Settings(step_timeout=30.0), 1); "
            f"print([m for m in runs.FIRST_USE_IMPORTS if m not in sys.modules])")
    environment = {**os.environ, "SYMCHECK_NO_CACHE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=120)
    assert done.stdout.strip() == "[]", done.stderr[-2000:]
