"""A scalar defined as a 1x1 product (`f = \\boldsymbol{\\beta}^\\top \\mathbf{x}`, beta and x
vectors) is that product's one entry: steps using f are decided (they were an internal
error, "TypeError: Mix of Matrix and Scalar symbols", when the 1x1 matrix was unfolded
into a scalar sum)."""

from __future__ import annotations

import pytest
import sympy

from symcheck.load.derivation import definition_of
from symcheck.model import Verdict
from tests.test_note_reader import verdicts_by_line, write

NOTATION = """
[sizes]
n = {}
[indices]
i = { range = [1, "n"] }
[symbols]
f = {}
beta = { kind = "vector", shape = ["n"], latex = '\\boldsymbol{\\beta}' }
x = { kind = "vector", shape = ["n"], latex = '\\mathbf{x}' }

[[definitions]]
latex = 'f = \\boldsymbol{\\beta}^\\top\\mathbf{x}'
"""


def _verdict(tmp_path, step: str) -> Verdict:
    (verdicts,) = verdicts_by_line(write(tmp_path, f"Text.\n\n$$\n{step}\n$$\n", notation=NOTATION)).values()
    (verdict,) = verdicts
    return verdict


@pytest.mark.parametrize("step, verdict", [
    ("f = \\sum_{i=1}^n \\beta_i x_i", Verdict.PROVED),
    ("f = \\sum_{i=1}^n \\beta_i x_i + 1", Verdict.REFUTED),
    ("2 f = f + \\boldsymbol{\\beta}^\\top\\mathbf{x}", Verdict.PROVED),
    ("2 f = f + 2 \\boldsymbol{\\beta}^\\top\\mathbf{x}", Verdict.REFUTED),
])
def test_a_scalar_defined_as_a_one_by_one_product(tmp_path, step, verdict):
    assert _verdict(tmp_path, step) is verdict


def test_definition_of_takes_the_entry_of_a_one_by_one_body():
    u, v = sympy.MatrixSymbol("u", 3, 1), sympy.MatrixSymbol("v", 3, 1)
    f = sympy.Symbol("f")
    from sympy.matrices.expressions.matexpr import MatrixElement

    assert definition_of(f, u.T * v).body == MatrixElement(u.T * v, 0, 0)
    assert definition_of(f, u).body == u  # not 1x1: left as it is (refused by the shape check)
