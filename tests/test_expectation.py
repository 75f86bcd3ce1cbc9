"""Issue 11: E[.], Var[.], Cov[., .] over the scalars a notation file declares random
(`random = true`). Proofs by the rules of expectation, confirmed in finite distributions;
refutations by a finite distribution (values equally likely), which is a sound
counterexample; nothing decided when the notation does not say what is random."""

from __future__ import annotations

import pytest

from symcheck.load.derivation import InputError, read_notation
from symcheck.model import Derivation, Domain, SymbolDecl
from symcheck.model.symbols import build_symbol_table
from symcheck.read.notation import Notation

from .engine_fixtures import verdict_of

TABLE = build_symbol_table(Derivation(
    path="t.toml", source="t.txt", title="t",
    symbols=(SymbolDecl("X", random=True), SymbolDecl("Y", random=True), SymbolDecl("c"),
             SymbolDecl("s", domain=Domain.POSITIVE, random=True)),
))
UNDECLARED = build_symbol_table(Derivation(path="t.toml", source="t.txt", title="t", symbols=(SymbolDecl("X"),)))


@pytest.fixture(scope="module")
def nt():
    return Notation(TABLE)


@pytest.mark.parametrize("latex", [
    r"\operatorname{Var}[X] = E[X^2] - E[X]^2",
    r"E[(X - c)^2] = \operatorname{Var}[X] + (E[X] - c)^2",           # a constant pulled out
    r"\mathbb{E}[2X + 3Y + c] = 2E[X] + 3E[Y] + c",                       # linearity, E[c] = c
    r"\operatorname{Cov}[X, Y] = E[XY] - E[X]E[Y]",
    r"E[X - E[X]] = 0",
    r"\operatorname{Var}[c X] = c^2 \operatorname{Var}[X]",
])
def test_identities_of_expectation_are_proved(nt, latex):
    assert verdict_of(nt, latex) == "PROVED"


@pytest.mark.parametrize("latex", [
    r"\operatorname{Var}[X] = E[X^2] + E[X]^2",                          # a sign
    r"E[XY] = E[X]E[Y]",                                                  # independence not declared
    r"\operatorname{Var}[c X] = c \operatorname{Var}[X]",                 # a dropped square
    r"E[X^2] = E[X]^2",
])
def test_a_wrong_identity_is_refuted_by_a_finite_distribution(nt, latex):
    assert verdict_of(nt, latex) == "REFUTED"


def test_the_counterexample_is_a_distribution_with_equally_likely_values(nt):
    from symcheck.engine.ladder import decide
    from symcheck.model.symbols import Scope

    decision = decide(*nt.equation(r"E[X^2] = E[X]^2"), Scope(TABLE, []))
    assert "finite distribution" in decision.reason
    assert "equally likely" in decision.counterexample.point["X"]


def test_a_function_of_a_random_quantity_is_decided_in_finite_distributions(nt):
    assert verdict_of(nt, r"E[\log(s)] = \log(E[s])") == "REFUTED"  # Jensen: not equal in general
    assert verdict_of(nt, r"E[\log(s^2)] = 2 E[\log(s)]") == "NUMERIC"  # not a polynomial: evidence only


def test_without_a_random_quantity_declared_nothing_is_decided():
    """E[X^2] = E[X]^2 would hold for a constant X: X must be declared random or it stays undecided."""
    nt = Notation(UNDECLARED)
    assert verdict_of(nt, r"E[X^2] = E[X]^2") == "UNKNOWN"
    assert verdict_of(nt, r"E[X^2] = E[X]^2 + 1") == "UNKNOWN"


def test_an_undeclared_name_inside_an_expectation_leaves_the_step_undecided(nt):
    assert verdict_of(nt, r"E[X Z] = E[X] Z") == "UNKNOWN"


def test_random_is_declared_in_a_notation_file(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text("[symbols]\nX = { random = true }\nc = {}\n")
    assert build_symbol_table(read_notation(path)).random == frozenset({"X"})


def test_only_a_scalar_is_declared_random(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text('[sizes]\nn = {}\n[symbols]\nx = { kind = "vector", shape = ["n"], random = true }\n')
    with pytest.raises(InputError, match="random"):
        read_notation(path)


def test_var_and_cov_with_parentheses_are_the_operators(nt):
    assert nt.expression(r"\textrm{Var}(X)") == nt.expression(r"\operatorname{Var}[X]")
    assert verdict_of(nt, r"\textrm{Cov}(X, 2X + c) = 2\textrm{Var}(X)") == "PROVED"
    assert verdict_of(nt, r"\textrm{Cov}(X, 2X + c) = 4\textrm{Var}(X)") == "REFUTED"
