"""Issue 11: terms around an ellipsis that follow one pattern with different signs
(-log p_1 + log p_2 \\cdots - log p_n) are ambiguous as written: in a note, a warning at the
ellipsis, not merely math left unread. One sign throughout is read as a sum."""

from __future__ import annotations

import pytest

from symcheck.model import Derivation, IndexDecl, SizeDecl, SymbolDecl, SymbolKind
from symcheck.model.symbols import build_symbol_table
from symcheck.read.backend import LatexError, SignsDisagree
from symcheck.read.notation import Notation
from symcheck.verify.notes import check_note

from .engine_fixtures import verdict_of

TABLE = build_symbol_table(Derivation(
    path="t.toml", source="t.txt", title="t", sizes=(SizeDecl("n"),), indices=(IndexDecl("k", 1, "n"),),
    symbols=(SymbolDecl("a", SymbolKind.VECTOR, shape=("n",)), SymbolDecl("b", SymbolKind.VECTOR, shape=("n",))),
))


@pytest.fixture(scope="module")
def nt():
    return Notation(TABLE)


@pytest.mark.parametrize("latex", [r"-a_1 + a_2 \cdots - a_n", r"a_1 - a_2 \cdots + a_n", r"a_1 + a_2 - \cdots - a_n"])
def test_one_pattern_with_two_signs_is_ambiguous(nt, latex):
    with pytest.raises(SignsDisagree, match="which sign do the terms left out have"):
        nt.expression(latex)


def test_another_pattern_is_only_unread(nt):
    with pytest.raises(LatexError) as caught:
        nt.expression(r"-a_1 + b_2 \cdots - a_n")
    assert not isinstance(caught.value, SignsDisagree)


def test_one_sign_throughout_is_a_sum_and_is_decided(nt):
    assert verdict_of(nt, r"-a_1 - a_2 - \cdots - a_n = -\sum_{k=1}^{n} a_k") == "PROVED"
    assert verdict_of(nt, r"-a_1 - a_2 - \cdots - a_n = \sum_{k=1}^{n} a_k") == "REFUTED"


def test_in_a_note_it_is_a_warning_at_the_ellipsis(tmp_path):
    notation = tmp_path / "n.toml"
    notation.write_text('[sizes]\nn = {}\n[symbols]\na = { kind = "vector", shape = ["n"] }\n')
    note = tmp_path / "n.md"
    note.write_text("$$-\\sum_{k=1}^n a_k = -a_1 + a_2 \\cdots - a_n$$\n")
    result = check_note(note, notation).result
    (step,) = [step for chain in result.chains for step in chain.steps]
    assert [r.severity for r in step.remarks] == ["warning"] and step.unread_at == len("-a_1 + a_2 ")


def test_the_summation_variable_of_an_ellipsis_is_named_apart_from_declared_names():
    table = build_symbol_table(Derivation(
        path="t.toml", source="t.txt", title="t", sizes=(SizeDecl("n"),),
        symbols=(SymbolDecl("a", SymbolKind.VECTOR, shape=("n",)), SymbolDecl("t"), SymbolDecl("u")),
    ))
    nt = Notation(table)
    total = nt.expression(r"a_1 + a_2 + \dots + a_n")
    assert str(total.limits[0][0]) not in {"t", "u", "a", "n"}
    assert verdict_of(nt, r"t a_1 + t a_2 + \dots + t a_n = t \sum_{k=1}^{n} a_k") == "PROVED"
    assert verdict_of(nt, r"t a_1 + t a_2 + \dots + t a_n = \sum_{k=1}^{n} a_k") == "REFUTED"
