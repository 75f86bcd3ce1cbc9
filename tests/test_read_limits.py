"""Limits in the reader: \\lim_{x \\to a}, \\lim\\limits, \\underset{x \\to a}{\\lim}, one-sided
points (0^+, \\downarrow) and infinity, read as an unevaluated sympy.Limit; SymPy's own
latex() of a Limit reads back as that Limit."""

from __future__ import annotations

import pytest
import sympy

from symcheck.model import Derivation, SymbolDecl
from symcheck.model.symbols import build_symbol_table
from symcheck.read.backend import LatexError
from symcheck.read.notation import Notation

TABLE = build_symbol_table(Derivation(path="t.toml", source="t.txt", title="t",
                                      symbols=(SymbolDecl("x"), SymbolDecl("a"), SymbolDecl("theta", latex=r"\theta"))))
x, a, theta = (TABLE.scalars[name] for name in ("x", "a", "theta"))


@pytest.fixture(scope="module")
def nt():
    return Notation(TABLE)


@pytest.mark.parametrize("latex, value", [
    (r"\lim_{x\to 0} \frac{\cos x - 1}{x}", sympy.Limit((sympy.cos(x) - 1) / x, x, 0, "+-")),
    (r"\lim\limits_{x \to 0} \frac{\sin x}{x}", sympy.Limit(sympy.sin(x) / x, x, 0, "+-")),
    (r"\underset{\theta \to 0}\lim\dfrac{\cos(\theta) - 1}{\theta}", sympy.Limit((sympy.cos(theta) - 1) / theta, theta, 0, "+-")),
    (r"\underset{x\to 0}{\lim} x^2", sympy.Limit(x**2, x, 0, "+-")),
    (r"\lim_{x \to 0^+} x \ln x", sympy.Limit(x * sympy.log(x), x, 0, "+")),
    (r"\lim_{x \to 0^{-}} \frac{1}{x}", sympy.Limit(1 / x, x, 0, "-")),
    (r"\lim_{x \downarrow 0} x", sympy.Limit(x, x, 0, "+")),
    (r"\lim_{x \searrow 0} x", sympy.Limit(x, x, 0, "+")),
    (r"\lim_{x \to 0+} x", sympy.Limit(x, x, 0, "+")),
    (r"\lim_{x \to a-} x", sympy.Limit(x, x, a, "-")),
    (r"\lim_{x \to a - 1} x", sympy.Limit(x, x, a - 1, "+-")),
    (r"\lim_{x \to +\infty} x", sympy.Limit(x, x, sympy.oo)),
    (r"\displaystyle\lim_{x \to 0} x", sympy.Limit(x, x, 0, "+-")),
    (r"\lim_{x \uparrow a} x", sympy.Limit(x, x, a, "-")),
    (r"\lim_{x \rightarrow \infty} \frac{1}{x}", sympy.Limit(1 / x, x, sympy.oo)),
    (r"\lim_{x \to -\infty} e^{x}", sympy.Limit(sympy.exp(x), x, -sympy.oo)),
    (r"\lim_{x \to a} (x^2 - a^2)", sympy.Limit(x**2 - a**2, x, a, "+-")),
])
def test_limits_are_read(nt, latex, value):
    assert nt.expression(latex) == value


def test_the_body_is_the_product_that_follows(nt):
    assert nt.expression(r"\lim_{x \to 0} x + 1") == sympy.Limit(x, x, 0, "+-") + 1
    assert nt.expression(r"2 \lim_{x \to 0} x a") == 2 * sympy.Limit(x * a, x, 0, "+-")


def test_two_limits_side_by_side_are_a_product(nt):
    value = nt.expression(r"\underset{\theta \to 0}\lim\dfrac{\sin(\theta)}{\theta} \, \underset{\theta \to 0}\lim\cos\theta")
    assert value == sympy.Limit(sympy.sin(theta) / theta, theta, 0, "+-") * sympy.Limit(sympy.cos(theta), theta, 0, "+-")


@pytest.mark.parametrize("value", [
    sympy.Limit(sympy.sin(x) / x, x, 0, "+-"),
    sympy.Limit((sympy.cos(x) - 1) / x, x, 0, "+-"),
    sympy.Limit(1 / x, x, 0, "+"),
    sympy.Limit(1 / x, x, 0, "-"),
    sympy.Limit(sympy.exp(-x), x, sympy.oo),
    sympy.Limit(x**2 + a, x, a, "+-"),
])
def test_sympy_latex_of_a_limit_reads_back(nt, value):
    assert nt.expression(sympy.latex(value)) == value


def test_equation_with_limits(nt):
    left, right = nt.equation(r"\lim_{x \to 0} \frac{\sin x}{x} = 1")
    assert left == sympy.Limit(sympy.sin(x) / x, x, 0, "+-") and right == 1


@pytest.mark.parametrize("latex, message", [
    (r"\lim x", "needs its variable and point"),
    (r"\lim_{x} x", "must read x \\to a"),
    (r"\lim_{x \to} x", "must read x \\to a"),
    (r"\lim_{x + 1 \to 0} x", "single name"),
    (r"\lim_{x \to x} x", "without its variable"),
    (r"\lim_{x \to \infty^+} x", "one-sided limit at infinity"),
    (r"\lim_{x \downarrow 0^+} x", "side is given twice"),
    (r"\underset{x \to 0}{\max} x", "only over \\lim"),
    (r"\lim_{x \to 0}", "without a body"),
])
def test_malformed_limits_are_errors_with_a_column(nt, latex, message):
    with pytest.raises(LatexError) as caught:
        nt.expression(latex)
    assert message in caught.value.message
