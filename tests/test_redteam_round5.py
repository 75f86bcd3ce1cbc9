"""Round 5 of the red team: readings and false alarms found on material nobody here wrote,
each on a small note written for it; each test fails on the code before its fix."""

from __future__ import annotations

from pathlib import Path

from symcheck.engine.settings import Settings
from symcheck.model import UNPARSABLE, Verdict
from symcheck.verify.notes import check_note

SETTINGS = Settings(step_timeout=30.0)


def checked(tmp_path: Path, text: str, notation: str = ""):
    note = tmp_path / "note.md"
    note.write_text(text, encoding="utf-8")
    toml = None
    if notation:
        toml = tmp_path / "note.toml"
        toml.write_text(notation, encoding="utf-8")
    return check_note(note, toml, SETTINGS).result


def steps(result) -> list:
    return [step for chain in result.chains for step in chain.steps]


def verdicts(tmp_path: Path, text: str, notation: str = "") -> list[Verdict]:
    return [step.decision.verdict for step in steps(checked(tmp_path, text, notation))]


# -- y' of a name defined as an expression of one variable -----------------------------

def test_a_prime_on_a_name_defined_by_one_variable_is_its_derivative_and_listed(tmp_path):
    result = checked(tmp_path, "Let $y = x^2$. Then\n\n$$y' = 2x$$\n\nand $$y'' = 3$$\n")
    assert [step.decision.verdict for step in steps(result)] == [Verdict.PROVED, Verdict.REFUTED]
    readings = [a for a in result.adopted if a.kind == "reading"]
    assert [(a.name, a.line) for a in readings] == [("y'", 3)]
    assert "dy/dx" in readings[0].latex


def test_a_wrong_derivative_written_with_a_prime_is_refuted(tmp_path):
    assert verdicts(tmp_path, "Let $y = x^3$. Then $$y' = 3x$$\n") == [Verdict.REFUTED]


def test_a_prime_on_a_name_of_two_variables_is_not_read(tmp_path):
    (step,) = steps(checked(tmp_path, "Let $y = a x^2$. Then\n\n$$y' = 2ax$$\n"))
    assert step.decision.strategy == UNPARSABLE and "given by an equation" in step.decision.reason


def test_a_prime_on_a_name_the_note_never_defines_stays_a_name_of_its_own(tmp_path):
    # b' is a name of its own: b' = b' holds, and b' = b is not a derivative claim
    assert verdicts(tmp_path, "$$b' + 1 = 1 + b'$$\n") == [Verdict.PROVED]
