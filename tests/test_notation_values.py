"""Entries given by value in a notation file (`values = [1, 3]`, symcheck.load.values): a
random variable's values x_i and a table of probabilities, on small notes written for this
test; bad declarations are input errors (exit 2), never tracebacks."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict
from symcheck.verify.notes import check_note
from tests.test_note_reader import SETTINGS, run, write

TABLE = """
[indices]
i = { range = [1, 2] }
j = { range = [1, 2] }
[symbols]
q = { domain = "unit-interval" }
x = { kind = "vector", shape = [2], values = [1, 3] }
y = { kind = "vector", shape = [2], values = [-1, 0.5] }
P = { kind = "matrix", shape = [2, 2], values = [['\\frac{q}{2}', '\\frac{1-q}{2}'], ['\\frac{1-q}{2}', '\\frac{q}{2}']] }
"""


def verdict(tmp_path, display: str) -> Verdict:
    note = write(tmp_path, f"The example:\n\n$$ {display} $$\n", TABLE)
    (step,) = [step for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps]
    return step.decision.verdict


@pytest.mark.parametrize("display, expected", [
    ("\\sum_{i} x_i = 4", Verdict.PROVED),
    ("\\sum_{i} x_i = 5", Verdict.REFUTED),
    ("x_2 y_2 = \\frac{3}{2}", Verdict.PROVED),
    ("\\sum_{i, j} P_{ij} = 1", Verdict.PROVED),
    ("\\sum_{i, j} x_i P_{ij} = 2", Verdict.PROVED),
    ("\\sum_{i, j} x_i y_j P_{ij} = \\frac{3}{2} q - \\frac{5}{4}", Verdict.PROVED),
    ("\\sum_{i, j} x_i y_j P_{ij} = \\frac{3}{2} q + \\frac{5}{4}", Verdict.REFUTED),
])
def test_entries_given_by_value_are_unfolded(tmp_path, display, expected):
    assert verdict(tmp_path, display) is expected


@pytest.mark.parametrize("declaration, message", [
    ('x = { values = [1, 3] }', "only a vector or a matrix"),
    ('x = { kind = "vector", shape = ["n"], values = [1, 3] }', "shape of whole numbers"),
    ('x = { kind = "vector", shape = [3], values = [1, 3] }', "declared shape [3]"),
    ('x = { kind = "matrix", shape = [2, 2], values = [[1, 2], [3]] }', "declared shape [2, 2]"),
    ('x = { kind = "vector", shape = [2], values = [1, true] }', "a number or a LaTeX string"),
    ('x = { kind = "vector", shape = [2], values = [1, ""] }', "1 to 200 characters"),
])
def test_bad_values_are_input_errors(tmp_path, declaration, message):
    note = write(tmp_path, "$$ x_1 = 1 $$\n", f"[sizes]\nn = {{}}\n[symbols]\n{declaration}\n")
    result = run(str(note))
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_a_value_that_cannot_be_read_is_an_input_error(tmp_path):
    note = write(tmp_path, "$$ x_1 = 1 $$\n", "[symbols]\nx = { kind = \"vector\", shape = [2], values = ['\\\\frac{1}{', 1] }\n")
    result = run(str(note))
    assert result.exit_code == 2 and "Traceback" not in result.output
