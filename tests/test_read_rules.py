"""Issue 11, items 2 and 5: reading rules without guessing, and messages in the user's words.

Each rule has a reader test (what the LaTeX reads as) and an engine test: one true and one
false statement written with it, decided by the ladder (`decide`), never a hard-coded verdict.
"""

from __future__ import annotations

import pytest
import sympy

from symcheck.model import Derivation, FunctionDecl, IndexDecl, SizeDecl, SymbolDecl, SymbolKind
from symcheck.model.symbols import build_symbol_table
from symcheck.read.backend import LatexError
from symcheck.read.notation import Notation

from .engine_fixtures import fails, holds

DERIVATION = Derivation(
    path="t.toml", source="t.txt", title="t",
    sizes=(SizeDecl("d"), SizeDecl("n")),
    indices=(IndexDecl("k", 1, "n"),),
    symbols=(
        SymbolDecl("w", SymbolKind.VECTOR, shape=("d",)), SymbolDecl("v", SymbolKind.VECTOR, shape=("d",)), SymbolDecl("x"),
    ),
    functions=(FunctionDecl("q"),),
)
TABLE = build_symbol_table(DERIVATION)
w = TABLE.matrix_symbol("w")
m, a, b, c = sympy.symbols("m a b c")
x = TABLE.scalars["x"]


@pytest.fixture
def nt():
    return Notation(TABLE)


# ---------------------------------------------------------------- a letter before '('


def test_undeclared_letter_before_a_parenthesis_is_a_factor(nt):
    assert nt.expression("m(m+1)") == m * (m + 1)
    assert nt.expression(r"m \left(m+1\right)") == m * (m + 1)
    assert nt.expression(r"a \left(b + c\right)") == a * (b + c)


def test_functions_by_declaration_convention_definition_or_spelling(nt):
    assert nt.expression("q(x)") == TABLE.functions["q"](x)  # declared
    assert nt.expression("f(x)") == sympy.Function("f")(x)  # by convention
    assert nt.expression(r"\sigma(x)") == sympy.Function("sigma")(x)
    assert nt.expression(r"\operatorname{softmax}(x)") == sympy.Function(r"\operatorname{softmax}")(x)
    assert nt.expression("L(a, b)") == sympy.Function("L")(a, b)  # a list cannot be a factor
    with pytest.raises(LatexError, match="the function L at x, or L times x"):  # nobody brackets such a factor
        nt.expression("L(x)")
    nt.equation("L(x) = x^2")  # the note defines L
    assert nt.expression("L(x)") == sympy.Function("L")(x)


def test_engine_sum_of_first_integers(nt):
    assert holds(nt, r"\sum_{j=1}^{n} j = \frac{n(n+1)}{2}")
    assert fails(nt, r"\sum_{j=1}^{n} j = \frac{n(n-1)}{2}")
    assert holds(nt, r"m \left(m+1\right) = m^2 + m")
    assert fails(nt, r"m \left(m+1\right) = m^2 + 1")


# ---------------------------------------------------------------- constants i, e, pi, infinity


def test_i_and_e_are_constants_unless_declared_or_indices(nt):
    assert nt.expression("i") == sympy.I
    assert nt.expression("e") == sympy.E
    assert nt.expression(r"e^{x}") == sympy.exp(x)
    assert nt.expression(r"\pi") == sympy.pi
    assert nt.expression(r"\infty") == sympy.oo
    assert nt.expression("w_i") == TABLE.bases["w"][sympy.Symbol("i")]  # an index stays an index
    assert nt.expression(r"x_i + i") == sympy.Symbol("x_i") + sympy.Symbol("i")
    assert nt.expression(r"\sum_{i=1}^{n} i") == sympy.Sum(sympy.Symbol("i"), (sympy.Symbol("i"), 1, TABLE.sizes["n"]))
    declared = Notation(build_symbol_table(Derivation(path="", source="", title="", symbols=(SymbolDecl("i"),))))
    assert declared.expression("i") == sympy.Symbol("i", real=True)


def test_engine_euler_identity(nt):
    assert holds(nt, r"e^{i\pi} = -1")
    assert fails(nt, r"e^{i\pi} = 1")
    assert holds(nt, r"i(1 + i) = i - 1")


def test_engine_refutes_a_false_complex_identity(nt):
    assert fails(nt, r"i(1 + i) = i + 1")
    assert fails(nt, r"e^{i\pi / 2} = 1")
    assert holds(nt, r"e^{i\pi / 2} = i")


# ---------------------------------------------------------------- a declared d


def test_declared_d_never_breaks_a_derivative(nt):
    assert "d" in TABLE.sizes
    assert nt.expression(r"\frac{d}{dx} x^2") == sympy.Derivative(x**2, x, evaluate=False)
    assert nt.expression(r"\frac{\mathrm{d}}{\mathrm{d}x} x^2") == sympy.Derivative(x**2, x, evaluate=False)
    assert nt.expression(r"\frac{d}{2}") == TABLE.sizes["d"] / 2


def test_engine_declared_d_derivative(nt):
    assert holds(nt, r"\frac{d}{dx} x^3 = 3x^2")
    assert fails(nt, r"\frac{d}{dx} x^3 = 3x")
    assert holds(nt, r"\frac{d^2}{dx^2} x^3 = 6x")
    assert fails(nt, r"\frac{d^2}{dx^2} x^3 = 3x^2")


# ---------------------------------------------------------------- \frac arguments


def test_frac_digit_shorthand_never_leaks_into_braces(nt):
    assert nt.expression(r"\frac{12}{34}") == sympy.Rational(12, 34)
    assert nt.expression(r"\frac{12}{3}") == 4
    assert nt.expression(r"\frac12") == sympy.Rational(1, 2)
    assert nt.expression(r"\frac1{23}") == sympy.Rational(1, 23)
    assert nt.expression(r"\frac{1}23") == sympy.Rational(3, 2)  # TeX: \frac{1}{2} 3
    assert nt.expression(r"\frac{1.5}{2}") == sympy.Rational(3, 4)
    assert nt.expression(r"x^{12}") == x**12
    assert nt.expression(r"x^23") == 3 * x**2


def test_engine_multi_digit_fractions(nt):
    assert holds(nt, r"\frac{12}{34} = \frac{6}{17}")
    assert fails(nt, r"\frac{12}{3} = \frac{2}{3}")
    assert holds(nt, r"\frac{0.5}{2} = \frac{1}{4}")
    assert fails(nt, r"\frac{1.5}{2} = \frac{1}{2}")


# ---------------------------------------------------------------- more functions and brackets


def test_reciprocal_trigonometry_and_word_functions(nt):
    assert nt.expression(r"\sec x") == sympy.sec(x)
    assert nt.expression(r"\csc x") == sympy.csc(x)
    assert nt.expression(r"\cot x") == sympy.cot(x)
    assert nt.expression(r"\operatorname{asinh}{\left(x \right)}") == sympy.asinh(x)
    assert nt.expression(r"\operatorname{sech} x") == sympy.sech(x)
    assert nt.expression(r"\cot^{-1} x") == sympy.acot(x)


def test_engine_reciprocal_trigonometry(nt):
    assert holds(nt, r"\csc^2 x - \cot^2 x = 1")
    assert fails(nt, r"\csc^2 x + \cot^2 x = 1")
    assert holds(nt, r"\sec(x) \cos(x) = 1")
    assert fails(nt, r"\sec(x) \sin(x) = 1")


def test_absolute_values_and_norms(nt):
    assert nt.expression("|x|") == sympy.Abs(x)
    assert nt.expression(r"\left|{x - 1}\right|") == sympy.Abs(x - 1)
    assert nt.expression(r"\lvert x \rvert^2") == sympy.Abs(x) ** 2
    t = sympy.Symbol("t", integer=True)
    assert nt.expression(r"\|w\|") == sympy.sqrt(sympy.Sum(TABLE.bases["w"][t] ** 2, (t, 1, TABLE.sizes["d"])))
    assert nt.expression(r"\|x\|") == sympy.Abs(x)
    assert "absolute value needs a scalar" in err(nt, "|w|").message
    assert err(nt, "|x").message == "'|' is never closed"


def test_engine_absolute_values(nt):
    assert holds(nt, r"|x|^2 = x^2")
    assert fails(nt, r"|x| = x")
    assert holds(nt, r"\|x\| = |x|")
    assert fails(nt, r"\|x\| = -|x|")


def test_binomials(nt):
    assert nt.expression(r"\binom{m}{2}") == sympy.binomial(m, 2)
    assert nt.expression(r"\dbinom{m}{k}") == sympy.binomial(m, TABLE.indices["k"])


def test_engine_binomials(nt):
    assert holds(nt, r"\binom{m}{2} = \frac{m(m-1)}{2}")
    assert fails(nt, r"\binom{m}{2} = \frac{m(m+1)}{2}")


def test_integrals(nt):
    assert nt.expression(r"\int_0^1 x \, dx") == sympy.Integral(x, (x, 0, 1))
    assert nt.expression(r"\int x^2 \,\mathrm{d}x") == sympy.Integral(x**2, x)
    assert nt.expression(r"\int\limits_{0}^{1} x\, dx + 1") == sympy.Integral(x, (x, 0, 1)) + 1
    assert "differential" in err(nt, r"\int_0^1 x").message
    assert "both limits" in err(nt, r"\int_0 x \, dx").message


def test_engine_integrals(nt):
    assert holds(nt, r"\int_0^1 x \, dx = \frac12")
    assert fails(nt, r"\int_0^1 x \, dx = 1")


def test_products(nt):
    j = sympy.Symbol("j")
    assert nt.expression(r"\prod_{j=1}^{m} j") == sympy.Product(j, (j, 1, m))


def test_engine_refutes_a_false_product(nt):
    assert fails(nt, r"\prod_{j=1}^{3} j = 3")


def test_engine_sees_a_gap_below_every_tolerance(nt):
    assert fails(nt, r"\exp(10^{-300}) = 1")  # 1e-300 apart: no relative tolerance sees it
    assert holds(nt, r"\cos^2(\pi/7) + \sin^2(\pi/7) = 1")
    assert holds(nt, r"\sqrt{5 + 2\sqrt{6}} = \sqrt{2} + \sqrt{3}")


def test_engine_proves_a_product(nt):
    assert holds(nt, r"\prod_{j=1}^{3} j = 6")
    assert holds(nt, r"\prod_{j=1}^{3} (1 + x) = (1 + x)^3")
    assert holds(nt, r"\prod_{j=1}^{n} 2 x = 2^n x^n")  # n is a declared size, so the range is nonempty
    assert fails(nt, r"\prod_{j=1}^{n} 2 x = 2^{n+1} x^n")


# ---------------------------------------------------------------- messages in the user's words

SYMPY_WORDS = ("MatMul", "MatAdd", "Matrix", "Scalar", "noncommutative", "ShapeError", "TypeError", "MatPow")


def err(nt: Notation, latex: str) -> LatexError:
    with pytest.raises(LatexError) as caught:
        nt.expression(latex)
    return caught.value


@pytest.mark.parametrize(
    "latex, says",
    [
        ("w + x", "cannot add w (a dx1 column vector) and x (a scalar): both need the same shape"),
        ("w w", "cannot multiply w (a dx1 column vector) and w (a dx1 column vector): the left has 1 columns"),
        ("x^{w}", "cannot raise x (a scalar) to the power w (a dx1 column vector)"),
        (r"w \odot v^\top", "an element-wise product needs the same shape: w (a dx1 column vector) and v^{T} (a 1xd row vector)"),
        (r"\begin{pmatrix} w & x \end{pmatrix}", "matrix blocks do not fit"),
    ],
)
def test_messages_name_the_symbols_and_their_shapes(nt, latex, says):
    message = err(nt, latex).message
    assert says in message
    assert not any(word in message for word in SYMPY_WORDS), message


def test_shapes_are_read_soundly(nt):
    with pytest.raises(LatexError):
        nt.equation("w w = w^2")  # a vector times itself is not read as a square


# ---------------------------------------------------------------- the operand of a derivative operator


def test_a_derivative_operator_takes_the_whole_term_that_follows(nt):
    assert nt.expression(r"\frac{d}{dx} x^2 (1 - x)") == sympy.Derivative(x**2 * (1 - x), x, evaluate=False)
    assert nt.expression(r"\frac{d}{dx} x^2 (1 - x) + x") == sympy.Derivative(x**2 * (1 - x), x, evaluate=False) + x
    # brackets and an explicit product sign close the operand
    assert nt.expression(r"\frac{d}{dx} \left(x^2\right) \cdot (1 - x)") == sympy.Derivative(x**2, x, evaluate=False) * (1 - x)


def test_a_derivative_operator_reads_back_what_sympy_prints(nt):
    f, g = sympy.Function("f"), sympy.Function("g")
    t = sympy.Symbol("t")  # undeclared: no assumptions
    for expr in (sympy.Derivative(f(t) * g(t), t), sympy.Derivative(f(t), t) * g(t),
                 sympy.Derivative(f(t), t) * sympy.Derivative(f(t), (t, 3)),
                 sympy.Derivative(f(t), (t, 2)) * sympy.Derivative(f(t), (t, 4)) ** 5,
                 sympy.Derivative(f(t), t) * sympy.root(sympy.Derivative(f(t), (t, 4)), 5)):
        assert nt.expression(sympy.latex(expr)) == expr, sympy.latex(expr)


def test_pi_takes_a_power_and_re_im_are_the_real_and_imaginary_parts(nt):
    t = sympy.Symbol("t")  # undeclared: no assumptions
    for expr in (sympy.pi ** 5 / 32, sympy.cbrt(2) * sympy.pi ** sympy.Rational(2, 3) / 2,
                 sympy.exp(sympy.re(t) + 766), sympy.im(t) ** 2):
        assert nt.expression(sympy.latex(expr)) == expr, sympy.latex(expr)
    with pytest.raises(LatexError):
        nt.expression(r"\pi_k")  # a name in some notes: not the constant with a label
    with pytest.raises(LatexError):
        nt.expression(r"\infty^2")  # no arithmetic with infinity


def test_engine_decides_powers_of_pi(nt):
    assert holds(nt, r"\pi^2 \cdot \pi^3 = \pi^{5}")
    assert fails(nt, r"\frac{\pi^{2}}{2} = \pi")


def test_engine_differentiates_the_whole_product(nt):
    assert holds(nt, r"\frac{d}{dx} x^9 (1-x)^4 = 9x^8(1-x)^4 - 4x^9(1-x)^3")
    assert fails(nt, r"\frac{d}{dx} x^9 (1-x)^4 = 9x^8(1-x)^4")  # was proved: only x^9 was differentiated
    assert holds(nt, r"\frac{d}{dx} x^2 + x = 3x")
    assert holds(nt, r"\frac{d}{dx} (x^2) * (1 - x) = 2x (1 - x)")


# ---------------------------------------------------------------- a star


def test_a_star_on_a_name_is_a_decoration_not_a_conjugate(nt):
    starred = nt.expression("x^*")
    assert starred != x and starred.free_symbols == {sympy.Symbol("x^*", real=True)}
    assert fails(nt, "x^* = x")  # the optimum x^* is not x: it was 'numeric evidence'
    assert "declare the starred name" in err(nt, r"\mathbf{w}^*").message


def test_a_star_on_a_complex_value_is_its_conjugate(nt):
    assert holds(nt, r"(1 + i)^* = 1 - i")
    assert fails(nt, r"(1 + i)^* = 1 + i")
