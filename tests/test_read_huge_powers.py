"""Issue 11: the logarithm of a power too large to evaluate, \\log((1/2)^{1000000000}), is read
as exponent * log(base) (the base a positive rational); the power anywhere else stays refused."""

from __future__ import annotations

import pytest
import sympy

from symcheck.model import Derivation, SymbolDecl
from symcheck.model.symbols import build_symbol_table
from symcheck.read.backend import LatexError
from symcheck.read.notation import Notation

from .engine_fixtures import verdict_of


@pytest.fixture(scope="module")
def nt():
    return Notation(build_symbol_table(Derivation(path="t.toml", source="t.txt", title="t", symbols=(SymbolDecl("x"),))))


def test_the_log_of_a_huge_power_is_its_exponent_times_the_log_of_its_base(nt):
    assert nt.expression(r"\log((1/2)^{1000000000})") == -1000000000 * sympy.log(2)
    assert nt.expression(r"\ln\left(3^{10^{12}}\right)") == 10**12 * sympy.log(3)


@pytest.mark.parametrize("latex", [
    r"(1/2)^{1000000000}", r"\log((1/2)^{1000000000} + 1)", r"\log((-2)^{1000000000})", r"\log_2(2^{1000000000})",
])
def test_a_huge_power_elsewhere_is_refused(nt, latex):
    with pytest.raises(LatexError):
        nt.expression(latex)


def test_engine_decides_with_the_log_of_a_huge_power(nt):
    assert verdict_of(nt, r"\log((1/2)^{1000000000}) = 1000000000\cdot\log(1/2)") == "PROVED"
    assert verdict_of(nt, r"\log((1/2)^{1000000000}) = 1000000000\cdot\log(2)") == "REFUTED"
