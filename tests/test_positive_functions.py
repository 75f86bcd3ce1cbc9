"""Issue 11: a notation file declares a function positive (`positive = true`: a density, a
likelihood). The engine samples it with positive values, so the log of a product of its
values is the sum of their logs; without the declaration that step is refuted where a
value is negative."""

from __future__ import annotations

import pytest

from symcheck.load.derivation import InputError, read_notation
from symcheck.model import Derivation, FunctionDecl, SymbolDecl
from symcheck.model.symbols import build_symbol_table
from symcheck.read.notation import Notation

from .engine_fixtures import verdict_of


def notation(positive: bool) -> Notation:
    return Notation(build_symbol_table(Derivation(
        path="t.toml", source="t.txt", title="t", symbols=(SymbolDecl("x"), SymbolDecl("y")),
        functions=(FunctionDecl("P", positive=positive), FunctionDecl("f", positive=positive)),
    )))


def test_a_positive_function_and_its_conditional_forms_are_positive():
    nt = notation(True)
    assert nt.expression(r"f(x)").is_positive
    assert nt.expression(r"P(x \mid y)").is_positive  # P(.|.) keeps P's values
    assert nt.expression(r"P_1(x)").is_positive
    assert notation(False).expression(r"f(x)").is_positive is None


def test_the_log_of_a_product_of_positive_values_is_the_sum_of_their_logs():
    assert verdict_of(notation(True), r"\log(P(x \mid y) f(x)) = \log P(x \mid y) + \log f(x)") == "PROVED"
    assert verdict_of(notation(True), r"\log(P(x \mid y) f(x)) = \log P(x \mid y) - \log f(x)") == "REFUTED"


def test_without_the_declaration_the_log_of_a_product_is_not_split():
    assert verdict_of(notation(False), r"\log(f(x) f(y)) = \log f(x) + \log f(y)") == "REFUTED"


def test_positive_is_declared_in_a_notation_file(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text("[functions]\nP = { positive = true }\ng = {}\n")
    table = build_symbol_table(read_notation(path))
    assert table.functions["P"].is_positive is True and table.functions["g"].is_positive is not True
    path.write_text('[functions]\nP = { positive = "yes" }\n')
    with pytest.raises(InputError, match="positive"):
        read_notation(path)
