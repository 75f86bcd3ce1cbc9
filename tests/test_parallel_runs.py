"""A run over several derivation files: each loaded once, its work split into units that ask
one equation each, decided largest first, in any number of processes, with the same result
as a serial run. Tried on small derivation files written for these tests."""

from __future__ import annotations

import json
import os
import re
import signal

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


def _queue(*costs: tuple[int, ...]) -> runs.UnitQueue:
    return runs.UnitQueue([[runs.Unit(document, (("claims", 0, n),), cost) for n, cost in enumerate(units)]
                           for document, units in enumerate(costs)])


def _take(queue: runs.UnitQueue, current) -> tuple[int, int]:
    unit = queue.take(current)
    return unit.document, unit.cost


def test_a_worker_keeps_to_its_document_and_starts_the_largest_untouched_one():
    queue = _queue((5, 50, 5), (40, 40, 40), (30,))  # totals 60, 120, 30
    assert _take(queue, None) == (1, 40)  # the largest document first
    assert _take(queue, None) == (0, 50)  # another worker: the largest nobody started, its largest unit first
    assert _take(queue, 1) == (1, 40) and _take(queue, 1) == (1, 40)  # each keeps to its own
    assert _take(queue, 1) == (2, 30)  # its document done: the untouched one, before anyone's leftovers
    assert _take(queue, 2) == (0, 5)  # nothing untouched: the most work left
    assert _take(queue, 0) == (0, 5)
    assert queue.taken == [3, 3, 1] and queue.size == 7


def test_a_queue_gives_each_unit_once_to_workers_sharing_it(tmp_path):
    works = [DocumentWork(load_derivation(write(tmp_path, text, name)), SETTINGS)
             for text, name in ((REPEATS, "a.toml"), (SMALL, "b.toml"))]
    queue = runs.UnitQueue([runs.units_of(n, work) for n, work in enumerate(works)])
    queue.share()
    taken = [queue.take(n % 2) for n in range(queue.size)]
    assert sorted((unit.document, unit.places) for unit in taken) == sorted(
        (n, unit.places) for n, work in enumerate(works) for unit in runs.units_of(n, work))
    assert taken[0].places == (("gradient_checks", 0, 0),)  # a gradient check counts as a long step


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
