"""Issue 11: a member whose declared shapes do not fit together (an n x n matrix times a
d-vector, an n-vector plus a d-vector) is wrong as written: an error with the user's words
and a caret, not math left unread."""

from __future__ import annotations

import pytest

from symcheck.model import Derivation, SizeDecl, SymbolDecl, SymbolKind
from symcheck.model.symbols import build_symbol_table
from symcheck.read.backend import LatexError, ShapeMismatch
from symcheck.read.notation import Notation
from symcheck.verify.notes import check_note

from .engine_fixtures import verdict_of

V, M = SymbolKind.VECTOR, SymbolKind.MATRIX
TABLE = build_symbol_table(Derivation(
    path="t.toml", source="t.txt", title="t", sizes=(SizeDecl("n"), SizeDecl("d")),
    symbols=(SymbolDecl("X", M, shape=("n", "d")), SymbolDecl("w", V, shape=("d",)), SymbolDecl("y", V, shape=("n",))),
))
NOTATION = """
[sizes]
n = {}
d = {}
[symbols]
X = { kind = "matrix", shape = ["n", "d"] }
w = { kind = "vector", shape = ["d"] }
y = { kind = "vector", shape = ["n"] }
"""


@pytest.fixture(scope="module")
def nt():
    return Notation(TABLE)


@pytest.mark.parametrize("latex, words", [
    (r"X X^\top w", "cannot multiply X X^{T} (a nxn matrix) and w (a dx1 column vector): the left has n columns, the right d rows"),
    (r"X w - w", "cannot subtract"),
    (r"X^\top y + y", "cannot add"),
])
def test_shapes_that_do_not_fit_are_a_mismatch_with_both_shapes_named(nt, latex, words):
    with pytest.raises(ShapeMismatch) as caught:
        nt.expression(latex)
    assert words in caught.value.message


def test_what_is_not_read_for_another_reason_is_no_mismatch(nt):
    with pytest.raises(LatexError) as caught:
        nt.expression(r"X \frac{a}{")
    assert not isinstance(caught.value, ShapeMismatch)


def test_shapes_that_fit_are_read_and_decided(nt):
    assert verdict_of(nt, r"X^\top X w - X^\top y = X^\top (X w - y)") in ("PROVED", "PROVED_FOR_SIZES", "NUMERIC")
    assert verdict_of(nt, r"X^\top X w - X^\top y = X^\top (X w + y)") == "REFUTED"


def test_in_a_note_a_mismatch_is_an_error_at_its_caret(tmp_path):
    (tmp_path / "n.toml").write_text(NOTATION)
    note = tmp_path / "n.md"
    note.write_text("$$X^\\top y = X X^\\top w$$\n\n$$X^\\top y = X^\\top X w + X^\\top y - X^\\top X w$$\n")
    result = check_note(note, tmp_path / "n.toml").result
    steps = [step for chain in result.chains for step in chain.steps]
    wrong = [s for s in steps if s.decision.strategy == "shapes"]
    assert len(wrong) == 1 and wrong[0].decision.verdict.name == "REFUTED"
    assert "the left has n columns, the right d rows" in wrong[0].decision.reason
    assert wrong[0].unread_at == len("X X^\\top ")
    assert all(s.decision.verdict.holds for s in steps if s is not wrong[0])


def test_a_vector_before_a_bracket_may_be_a_call_so_it_is_left_unread(nt):
    """S(a) with S and a declared vectors is S applied to a (softmax), not a wrong product."""
    with pytest.raises(LatexError) as caught:
        nt.expression(r"w(w)")
    assert not isinstance(caught.value, ShapeMismatch)
