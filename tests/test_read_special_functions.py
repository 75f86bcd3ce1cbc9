"""Issue 11: \\Gamma(x) and \\operatorname{erf}(x) (\\mathrm{erf}, erfc) are the gamma and error
functions when the notation does not declare them; \\Gamma alone stays a name."""

from __future__ import annotations

import pytest
import sympy

from symcheck.model import Derivation, SymbolDecl
from symcheck.model.symbols import build_symbol_table
from symcheck.read.backend import LatexError
from symcheck.read.notation import Notation

from .engine_fixtures import verdict_of

TABLE = build_symbol_table(Derivation(path="t.toml", source="t.txt", title="t", symbols=(SymbolDecl("x"),)))
x = TABLE.scalars["x"]


@pytest.fixture(scope="module")
def nt():
    return Notation(TABLE)


@pytest.mark.parametrize("latex, value", [
    (r"\Gamma(x+1)", sympy.gamma(x + 1)),
    (r"\operatorname{erf}(x)", sympy.erf(x)),
    (r"\mathrm{erf}(x)", sympy.erf(x)),
    (r"\operatorname{erfc}(x)", sympy.erfc(x)),
    (r"\Gamma^2(x)", sympy.gamma(x) ** 2),
])
def test_special_functions_are_read(nt, latex, value):
    assert nt.expression(latex) == value


def test_gamma_alone_is_a_name(nt):
    assert nt.expression(r"\Gamma x") == sympy.Symbol("Gamma") * x


def test_engine_decides_with_special_functions(nt):
    assert verdict_of(nt, r"\frac{d}{dx} \operatorname{erf}(x) = \frac{2}{\sqrt{\pi}} e^{-x^2}") == "PROVED"
    assert verdict_of(nt, r"\frac{d}{dx} \operatorname{erf}(x) = \frac{1}{\sqrt{\pi}} e^{-x^2}") == "REFUTED"
    assert verdict_of(nt, r"\Gamma(x + 2) = (x + 1) \Gamma(x + 1)") == "PROVED"
    assert verdict_of(nt, r"\Gamma(x + 2) = x \Gamma(x + 1)") == "REFUTED"


def test_sign_and_a_power_of_a_square_root(nt):
    assert nt.expression(r"\textrm{sign}(x)") == sympy.sign(x)
    with pytest.raises(LatexError, match=r"condition x \\geq 0"):  # SymPy's x is defined where \sqrt{x} is not
        nt.expression(r"\sqrt{x}^2")
    assert verdict_of(nt, r"\frac{x^2}{|x|} = x \, \textrm{sign}(x)").startswith(("PROVED", "NUMERIC"))
    assert verdict_of(nt, r"\frac{x^2}{|x|} = \textrm{sign}(x)") == "REFUTED"
