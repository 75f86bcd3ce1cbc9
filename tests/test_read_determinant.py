"""Issue 11: \\det(A) and \\operatorname{det}(A): the determinant of a square matrix, written
out for sizes up to 3 (an identity beside A takes A's size), refused for a non-square one."""

from __future__ import annotations

import pytest

from symcheck.model import Derivation, SizeDecl, SymbolDecl, SymbolKind, Verdict
from symcheck.model.symbols import build_symbol_table
from symcheck.read.backend import LatexError
from symcheck.read.notation import Notation
from symcheck.verify.notes import check_note
from tests.test_note_reader import SETTINGS, write

from .engine_fixtures import verdict_of

M = SymbolKind.MATRIX
TABLE = build_symbol_table(Derivation(
    path="t.toml", source="t.txt", title="t", sizes=(SizeDecl("n"),),
    symbols=(SymbolDecl("A", M, shape=(2, 2), latex=r"\mathbf{A}"), SymbolDecl("B", M, shape=(2, 3)),
             SymbolDecl("C", M, shape=("n", "n")), SymbolDecl("lambda", latex=r"\lambda")),
))
VALUES = "[symbols]\nA = { kind = \"matrix\", shape = [2, 2], latex = '\\mathbf{A}', values = [[2, 1], [2, 3]] }\nlambda = { latex = '\\lambda' }\n"


@pytest.fixture(scope="module")
def nt():
    return Notation(TABLE)


def test_a_determinant_is_written_out_for_a_small_matrix(nt):
    a = TABLE.matrix_symbol("A")
    assert nt.expression(r"\det(\mathbf{A})") == a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0]
    assert nt.expression(r"\operatorname{det}(\mathbf{A})") == nt.expression(r"\det(\mathbf{A})")
    assert nt.expression(r"\det(\mathbf{A} - \lambda \mathbf{I})") == nt.expression(r"\det(\mathbf{A} - \lambda \mathbf{I}_2)")


def test_a_determinant_of_a_general_size_stays_one(nt):
    assert str(nt.expression(r"\det(C)")) == "Determinant(C)"


@pytest.mark.parametrize("latex, words", [(r"\det(B)", "needs a square matrix"), (r"\det \mathbf{A}", "in brackets")])
def test_a_determinant_that_cannot_be_taken_is_refused(nt, latex, words):
    with pytest.raises(LatexError, match=words):
        nt.expression(latex)


def test_engine_decides_with_a_determinant(nt):
    assert verdict_of(nt, r"\det(\mathbf{A}^\top) = \det(\mathbf{A})") == "PROVED"
    assert verdict_of(nt, r"\det(2 \mathbf{A}) = 2 \det(\mathbf{A})") == "REFUTED"


@pytest.mark.parametrize("display, expected", [
    (r"\det(\mathbf{A} - \lambda \mathbf{I}) = (4 - \lambda)(1 - \lambda)", Verdict.PROVED),
    (r"\det(\mathbf{A} - \lambda \mathbf{I}) = (4 - \lambda)(1 + \lambda)", Verdict.REFUTED),
])
def test_a_determinant_of_a_matrix_given_by_value(tmp_path, display, expected):
    note = write(tmp_path, f"The example:\n\n$$ {display} $$\n", VALUES)
    (step,) = [step for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps]
    assert step.decision.verdict is expected


def test_if_we_consider_an_equation_it_is_a_condition_not_a_claim(tmp_path):
    note = write(tmp_path, "If we consider $\\det(\\mathbf{A}-\\lambda \\mathbf{I}) = 0$, we see this is\n"
                           "$0 = (2-\\lambda)(3-\\lambda)-2$.\n", VALUES)
    steps = [step for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps]
    assert all(step.line != 1 for step in steps)
