"""`check` of one note: each distinct formula read once, each distinct equation decided once,
and with more than one process the note's equations decided ahead in workers, with the same
result as a serial run. Tried on small notes written for these tests."""

from __future__ import annotations

import sympy

from symcheck.engine.settings import Settings
from symcheck.model import Decision, Derivation, Verdict
from symcheck.model.symbols import build_symbol_table
from symcheck.read.notation import Notation
from symcheck.verify import cache, deciding
from symcheck.verify.notes import check_note

from .test_note_reader import write

SETTINGS = Settings(step_timeout=30.0)

# a definition adopted, a case from prose, a wrong step and one that carries it, a restatement
# going on from an earlier display, and the same display twice
NOTE = r"""Let $u := t^2 + 1$.

When $i = j$:

$$
\frac{\partial S_i}{\partial a_j} = S_i (1 - S_j) = S_i - S_i S_j
$$

Then

$$
(t + 1)^2 = t^2 + 2t + 1 = t^2 + 3t + 1 = (t + 1)^2 + t
$$

$$
u - 1 = t^2 = t \cdot t
$$

$$
u - 1 = t^3
$$

$$
(t + 2)(t - 2) = t^2 - 4 = (t - 2)(t + 2)
$$

$$
(t + 2)(t - 2) = t^2 - 4 = (t - 2)(t + 2)
$$
"""


def without_times(value: object) -> object:
    if isinstance(value, dict):
        return {key: without_times(item) for key, item in value.items() if key != "seconds"}
    if isinstance(value, list):
        return [without_times(item) for item in value]
    return value


def test_deciding_ahead_in_workers_gives_the_serial_result(tmp_path, monkeypatch):
    note = write(tmp_path, NOTE)
    serial = check_note(note, None, SETTINGS, jobs=1).result
    ahead: list[tuple[int, int]] = []
    decided_ahead = deciding.decided_ahead

    def spy(decider, equations, settings, workers):
        ahead.append((workers, len(equations)))
        return decided_ahead(decider, equations, settings, workers)

    monkeypatch.setattr("symcheck.verify.notes.decided_ahead", spy)
    parallel = check_note(note, None, SETTINGS, jobs=2).result
    assert ahead[0][0] == 2 and ahead[0][1] >= 8  # the note has enough steps for two workers
    assert without_times(cache.encode(parallel)) == without_times(cache.encode(serial))
    verdicts = {step.decision.verdict for step in serial.all_results()}
    assert {Verdict.PROVED, Verdict.REFUTED} <= verdicts
    assert all(step.decision.strategy != deciding._AHEAD for step in parallel.all_results())


def test_a_small_note_is_not_worth_workers():
    assert deciding.ahead_workers(3, 2) == 1
    assert deciding.ahead_workers(8, 2) == 2
    assert deciding.ahead_workers(100, 1) == 1


def test_each_distinct_equation_is_decided_once(tmp_path, monkeypatch):
    asked: list[tuple] = []
    real = deciding.decide_equation

    def counting(eq, settings):
        asked.append((eq.lhs, eq.rhs))
        return real(eq, settings)

    monkeypatch.setattr(deciding, "decide_equation", counting)
    display = "$$\n(t + 2)(t - 2) = t^2 - 4\n$$\n\n"
    steps = [s for chain in check_note(write(tmp_path, display * 3), None, SETTINGS).result.chains
             for s in chain.steps]
    assert len(steps) == 3 and all(step.decision.verdict is Verdict.PROVED for step in steps)
    # the second display goes on from the first (x^2 - 4 = x^2 - 4); the third asks the same again
    assert len(asked) == len(set(asked)) == 2


def test_a_decision_cut_short_is_not_reused(monkeypatch):
    monkeypatch.setattr(deciding, "equation_key", lambda eq, settings: eq)
    outcomes = iter([Decision(Verdict.UNKNOWN, "time limit", 1.0), Decision(Verdict.PROVED, "symbolic", 0.1)])
    decider = deciding.NoteDecider(lambda eq, settings: next(outcomes))
    assert decider("a = b", SETTINGS).strategy == "time limit"
    assert decider("a = b", SETTINGS).verdict is Verdict.PROVED
    assert decider("a = b", SETTINGS).verdict is Verdict.PROVED  # kept now: no third decision


def test_a_formula_is_read_again_once_the_note_defines_a_name_in_it():
    notation = Notation(build_symbol_table(Derivation(path="n.toml", source="n", title="n")))
    before = notation.expression("u(x + 1)")
    assert notation.expression("u(x + 1)") is before  # read once
    assert isinstance(before, sympy.Mul)  # u times (x + 1): u is no function yet
    notation.equation("u(x) = x^2")
    after = notation.expression("u(x + 1)")
    assert not isinstance(after, sympy.Mul) and after.func.__name__ == "u"
