"""Red-team tests of the notation-file features (several spellings, constants, rows of a
declared matrix, elementwise functions, index sets, sums of vectors, the sum-scope
warning), on notes written for these tests (tests/redteam/). Every display is labelled
with its truth, known from the math; the test asserts that symcheck never contradicts it:
a false or undefined statement is never proved, proved-for-sizes or numeric, a true one
never refuted. Hostile notation files are bad input (exit 2, file:line). A property test
plants random perturbations in true identities over rows and elementwise functions."""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from symcheck.load.derivation import InputError, read_notation
from symcheck.model import Verdict
from symcheck.verify.notes import check_note

HERE = Path(__file__).parent / "redteam"
NOTES = ("rows", "scope", "fixed")
LABEL = re.compile(r"^(stray )?(true|false|undefined):")
STRAY = "is used outside its sum (missing brackets?)"


def labelled_lines(note: Path) -> dict[int, tuple[str, bool]]:
    """line of each display -> (truth, whether it is marked stray), from the label above it."""
    lines = note.read_text().splitlines()
    found = {}
    for number, text in enumerate(lines, start=1):
        match = LABEL.match(lines[number - 2]) if number > 1 and text.startswith("$$") else None
        if match:
            found[number] = (match[2], bool(match[1]))
    return found


@functools.lru_cache(maxsize=None)
def checked(name: str) -> dict[int, list]:
    """line -> the steps on it, in tests/redteam/<name>.md with <name>.toml."""
    result = check_note(HERE / f"{name}.md", HERE / f"{name}.toml").result
    steps: dict[int, list] = {}
    for chain in result.chains:
        for step in chain.steps:
            steps.setdefault(step.line, []).append(step)
    return steps


def contradictions(name: str) -> list[str]:
    labels, steps = labelled_lines(HERE / f"{name}.md"), checked(name)
    wrong = []
    for line, (truth, _) in labels.items():
        for step in steps[line]:
            verdict = step.decision.verdict
            if (truth != "true" and verdict.holds) or (truth == "true" and verdict.fails):
                wrong.append(f"{name}.md:{line} is {truth} but {verdict.value}: {step.decision.reason}")
    return wrong


@pytest.mark.parametrize("name", NOTES)
def test_every_display_is_labelled_and_checked(name):
    labels, steps = labelled_lines(HERE / f"{name}.md"), checked(name)
    assert labels and set(labels) == set(steps)


@pytest.mark.parametrize("name", NOTES)
def test_symcheck_never_contradicts_the_math(name):
    assert contradictions(name) == []


@pytest.mark.parametrize("name", NOTES)
def test_some_false_statement_is_refuted(name):
    """The notes are read and decided, not all left unknown (a test that could pass vacuously)."""
    labels, steps = labelled_lines(HERE / f"{name}.md"), checked(name)
    assert any(step.decision.verdict is Verdict.REFUTED
               for line, (truth, _) in labels.items() if truth == "false" for step in steps[line])


def test_a_sum_that_lost_its_brackets_is_flagged():
    labels, steps = labelled_lines(HERE / "scope.md"), checked("scope")
    flagged = {line for line, found in steps.items()
               if any(STRAY in remark.message for step in found for remark in step.remarks)}
    assert flagged == {line for line, (_, stray) in labels.items() if stray}


# ---------------------------------------------------------------- hostile notation files

BAD = sorted((HERE / "bad").glob("*.toml"))


def expectation(path: Path) -> tuple[int, str]:
    line, message = re.match(r"# expect line (\d+): (.*)", path.read_text().splitlines()[0]).groups()
    return int(line), message


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_a_hostile_notation_file_is_bad_input_at_its_line(path):
    line, message = expectation(path)
    with pytest.raises(InputError, match=message) as caught:
        read_notation(path)
    assert caught.value.line == line


def test_bad_input_exits_2_with_file_and_line():
    path = HERE / "bad" / "constant_spelled_as_symbol.toml"
    line, message = expectation(path)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    run = subprocess.run([sys.executable, "-m", "symcheck", "check", str(HERE / "bad" / "note.md"),
                          "--notation", str(path)], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 2 and f"{path}:{line}: error" in run.stdout + run.stderr
    assert "Traceback" not in run.stderr


# ---------------------------------------------------------------- planted perturbations

# true identities over rows of x (n x p) and the elementwise sigma; {r} is a row, {c} a coefficient
IDENTITIES = (
    (r"{c} \mathbf{{x}}_{r}^\top \mathbf{{w}}", r"{c} \sum_{{m=1}}^p x_{{{r} m}} w_m"),
    (r"{c} \sigma(\mathbf{{x}}_{r})^\top \mathbf{{w}}", r"{c} \sum_{{m=1}}^p \sigma(x_{{{r} m}}) w_m"),
    (r"{c} \sigma(\mathbf{{x}}_{r})_m", r"{c} \sigma(x_{{{r} m}})"),
    (r"{c} \exp(\mathbf{{x}}_{r}^\top \mathbf{{w}})", r"{c} \exp(\sum_{{m=1}}^p w_m x_{{{r} m}})"),
    (r"{c} \mathbf{{w}}^\top \mathbf{{x}}_{r}", r"{c} \sum_{{m=1}}^p w_m x_{{{r} m}}"),
)
ROWS = ("i", "k", "1", "2", "n")
COEFFICIENTS = ("", "2", "-", r"\frac{1}{3}")


def perturbed(rhs: str, row: str, kind: int, other_row: str) -> str:
    """A planted error that makes the identity false whatever the sizes: another row, the
    wrong sign, another vector, one more term."""
    if kind == 0:
        return rhs.replace(f"x_{{{row} m}}", f"x_{{{other_row} m}}")
    if kind == 1:
        return f"-({rhs})"
    if kind == 2:
        return rhs.replace("w_m", "v_m")
    return f"{rhs} + 1"


@hypothesis_settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(IDENTITIES), st.sampled_from(ROWS), st.sampled_from(COEFFICIENTS),
       st.integers(0, 3), st.sampled_from(ROWS))
def test_a_planted_perturbation_is_never_proved(tmp_path_factory, identity, row, coefficient, kind, other_row):
    if kind == 0 and other_row == row:
        other_row = "1" if row != "1" else "2"
    lhs, rhs = (side.format(c=coefficient, r=row) for side in identity)
    wrong = perturbed(rhs, row, kind, other_row)
    folder = tmp_path_factory.mktemp("planted")
    (folder / "n.md").write_text(f"$${lhs} = {rhs}$$\n\n$${lhs} = {wrong}$$\n")
    result = check_note(folder / "n.md", HERE / "rows.toml").result
    verdicts = {step.line: step.decision.verdict for chain in result.chains for step in chain.steps}
    assert not verdicts[1].fails, f"{lhs} = {rhs}: {verdicts[1].value}"
    assert not verdicts[3].holds, f"{lhs} = {wrong}: {verdicts[3].value}"
