"""Einstein's convention, declared per index (`summed = true`): an index written twice in
one product is summed over its range. Found on d2l.ai's derivation of d/dx (x^T A x), which
says it uses Einstein notation: every line was a finding ("x_i a_ij x_j" read as one term)."""

from __future__ import annotations

import pytest

from symcheck.verify.notes import check_note
from tests.test_note_reader import SETTINGS, write

NOTATION = """
[sizes]
n = {}
[indices]
i = { range = [1, "n"], summed = true }
j = { range = [1, "n"], summed = true }
k = { range = [1, "n"], summed = true }
m = { range = [1, "n"] }
[symbols]
x = { kind = "vector", shape = ["n"], latex = '\\mathbf{x}' }
y = { kind = "vector", shape = ["n"] }
A = { kind = "matrix", shape = ["n", "n"] }
"""


def _verdicts(tmp_path, latex: str) -> list:
    note = write(tmp_path, f"$${latex}$$\n", notation=NOTATION)
    return [step.decision.verdict for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps]


@pytest.mark.parametrize("latex", [
    r"\mathbf{x}^\top A \mathbf{x} = x_i A_{ij} x_j",
    r"x_i y_i = \sum_{m=1}^{n} x_m y_m",
    r"\frac{d}{dx_k} x_i A_{ij} x_j = A_{kj} x_j + x_i A_{ik}",
    r"A_{ki} x_i + x_i A_{ik} = (A_{ki} + A_{ik}) x_i",
    r"\sum_{i=1}^{n} x_i y_i = x_j y_j",
    r"A_{ii} = \sum_{m=1}^{n} A_{mm}",
])
def test_a_repeated_summed_index_is_a_sum(tmp_path, latex):
    verdicts = _verdicts(tmp_path, latex)
    assert verdicts and all(v.holds for v in verdicts), verdicts


@pytest.mark.parametrize("latex", [
    r"\mathbf{x}^\top A \mathbf{x} = x_i A_{ii} x_i",
    r"x_i y_i = x_m y_m",
    r"\frac{d}{dx_k} x_i A_{ij} x_j = 2 A_{kj} x_j",
    r"x_i y_i = x_1 y_1",
])
def test_what_the_convention_does_not_make_equal_is_not_proved(tmp_path, latex):
    verdicts = _verdicts(tmp_path, latex)
    assert verdicts and not any(v.holds for v in verdicts), verdicts
