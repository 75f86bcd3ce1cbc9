"""Issue 11: a gradient plus or minus a vector of its shape, \\nabla_{\\mathbf w}(\\dots) - 2t\\mathbf w
(SymPy refuses to add a Derivative to a matrix): read as a sum the engine compares entry by
entry; a vector of another shape beside it is a mismatch."""

from __future__ import annotations

import pytest

from symcheck.model import Derivation, SizeDecl, SymbolDecl, SymbolKind
from symcheck.model.symbols import build_symbol_table
from symcheck.read.backend import ShapeMismatch
from symcheck.read.notation import Notation
from symcheck.read.values import value_shape

from .engine_fixtures import verdict_of

V, M = SymbolKind.VECTOR, SymbolKind.MATRIX
TABLE = build_symbol_table(Derivation(
    path="t.toml", source="t.txt", title="t", sizes=(SizeDecl("n"), SizeDecl("p")),
    symbols=(SymbolDecl("X", M, shape=("n", "p"), latex=r"\mathbf{X}"), SymbolDecl("w", V, shape=("p",), latex=r"\mathbf{w}"),
             SymbolDecl("y", V, shape=("n",), latex=r"\mathbf{y}"), SymbolDecl("t")),
))
p = TABLE.sizes["p"]


@pytest.fixture(scope="module")
def nt():
    return Notation(TABLE)


@pytest.mark.parametrize("latex", [
    r"\nabla_{\mathbf w}(t \mathbf{w}^\top \mathbf{w}) - 2t\mathbf w",
    r"2 t \mathbf w - 2\nabla_{\mathbf w}(\mathbf{w}^\top \mathbf{w})",
])
def test_a_gradient_beside_a_vector_of_its_shape_is_a_vector(nt, latex):
    assert value_shape(nt.expression(latex)) == (p, 1)


def test_a_gradient_beside_a_vector_of_another_shape_is_a_mismatch(nt):
    with pytest.raises(ShapeMismatch, match="both need the same shape"):
        nt.expression(r"\nabla_{\mathbf w}(\mathbf{w}^\top \mathbf{w}) + \mathbf{y}")


def test_engine_decides_with_a_gradient_beside_a_vector(nt):
    assert verdict_of(nt, r"\nabla_{\mathbf w}(t \mathbf{w}^\top \mathbf{w}) - 2t\mathbf w = 0") == "PROVED"
    assert verdict_of(nt, r"\nabla_{\mathbf w}(t \mathbf{w}^\top \mathbf{w}) - t\mathbf w = 0") == "REFUTED"
