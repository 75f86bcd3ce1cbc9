"""Issue 11: constructs other authors write (found on the public corpus and the equivalence
corpus). Each has a reader test (what the LaTeX reads as) and an engine test: one true and
one false statement written with it, decided by the ladder, never a hard-coded verdict."""

from __future__ import annotations

import pytest
import sympy

from symcheck.engine.ladder import decide
from symcheck.model import Derivation, FunctionDecl, IndexDecl, SizeDecl, SymbolDecl, SymbolKind
from symcheck.model.symbols import Scope, build_symbol_table
from symcheck.read.backend import LatexError
from symcheck.read.notation import Notation

TABLE = build_symbol_table(
    Derivation(path="t.toml", source="t.txt", title="t", symbols=(SymbolDecl("x"), SymbolDecl("b")), functions=(FunctionDecl("q"),))
)
x = TABLE.scalars["x"]
a, y, X, Y = sympy.symbols("a y X Y")
q, g, E = sympy.Function("q"), sympy.Function("g"), sympy.Function("E", operator=True)


@pytest.fixture
def nt():
    return Notation(TABLE)


def verdict(nt: Notation, latex: str) -> str:
    lhs, rhs = nt.equation(latex)
    return decide(lhs, rhs, Scope(TABLE, [])).verdict.name


def holds(nt: Notation, latex: str) -> bool:
    return verdict(nt, latex).startswith("PROVED")


def fails(nt: Notation, latex: str) -> bool:
    return verdict(nt, latex) == "REFUTED"


# ---------------------------------------------------------------- spacing


def test_spacing_commands_are_dropped(nt):
    assert nt.expression(r"a \hspace{1in} + \hspace*{2pt} y") == a + y
    for space in (r"\,", r"\;", r"\:", r"\!", r"\thinspace", r"\medspace", r"\thickspace", r"\negthinspace"):
        assert nt.expression(f"a {space} y") == a * y


def test_spacing_engine(nt):
    assert holds(nt, r"x \hspace{0.3in} x = x^2")
    assert fails(nt, r"x \; x = 2x")


# ---------------------------------------------------------------- numbers and fractions


def test_decimal_without_leading_zero_and_cfrac(nt):
    assert nt.expression(".4") == sympy.Rational(2, 5)
    assert nt.expression(r"1.5 + .5") == 2
    assert nt.expression(r"\cfrac{1}{3}") == sympy.Rational(1, 3)
    assert nt.expression(r"\cfrac12") == sympy.Rational(1, 2)


def test_decimal_and_cfrac_engine(nt):
    assert holds(nt, r".4 = \frac{2}{5}")
    assert fails(nt, r".4 = 4")
    assert holds(nt, r"\cfrac{1}{3} + \cfrac{2}{3} = 1")
    assert fails(nt, r"\cfrac{1}{3} = 3")


# ---------------------------------------------------------------- functions side by side


def test_a_function_without_parentheses_stops_at_the_next_function(nt):
    assert nt.expression(r"\sec x \cos x") == sympy.sec(x) * sympy.cos(x)
    assert nt.expression(r"\sin a \cdot \cos y") == sympy.sin(a) * sympy.cos(y)
    assert nt.expression(r"\sin \cos a") == sympy.sin(sympy.cos(a))
    assert nt.expression(r"\sin 2x") == sympy.sin(2 * x)
    assert nt.expression(r"\log a y") == sympy.log(a * y)


def test_functions_side_by_side_engine(nt):
    assert holds(nt, r"\sec x \cos x = 1")
    assert holds(nt, r"\sin 2x = 2 \sin x \cos x")
    assert fails(nt, r"\sin x \cos x = \sin(x \cos x)")


# ---------------------------------------------------------------- primes, powers and derivatives of functions


def test_a_prime_on_a_name_that_is_not_a_function_is_a_name_of_its_own(nt):
    assert nt.expression("y'") == sympy.Symbol("y'")
    assert nt.expression("b'") != TABLE.scalars["b"]
    assert nt.expression("q'(x)") == sympy.Derivative(q(x), x)


def test_a_prime_on_a_name_given_by_an_equation_is_refused(nt):
    nt.equation("y = q(x)")
    with pytest.raises(LatexError, match="given by an equation"):
        nt.expression("y'")


def test_a_text_column_after_a_double_alignment_is_dropped(nt):
    assert nt.equation(r"a & = y && \textrm{Sum rule}") == [a, y]


def test_primes_engine(nt):
    assert holds(nt, "y' - y' = 0")
    assert fails(nt, "b' = b")


def test_a_power_on_a_function_name_is_a_power_of_its_value(nt):
    assert nt.expression("q^2(x)") == q(x) ** 2
    assert nt.expression("g^2(x)") == g(x) ** 2
    with pytest.raises(LatexError, match="inverse function"):
        nt.expression("g^{-1}(x)")


def test_function_powers_engine(nt):
    assert holds(nt, "g^2(x) = g(x) g(x)")
    assert fails(nt, "g^2(x) = g(x^2)")


def test_derivative_of_a_function_named_alone_and_at_a_point(nt):
    assert nt.expression(r"\frac{dq}{dx}") == sympy.Derivative(q(x), x)
    assert nt.expression(r"\frac{dq}{dx}(x)") == sympy.Derivative(q(x), x)
    assert nt.expression(r"\frac{d^2 g}{dx^2}(x)") == sympy.Derivative(g(x), (x, 2))
    assert nt.expression(r"\frac{dg}{dx}(x) q(x)") == sympy.Derivative(g(x), x) * q(x)
    assert isinstance(nt.expression(r"\frac{dq}{dx}(2)"), sympy.Subs)


def test_derivative_of_a_function_engine(nt):
    assert holds(nt, r"\frac{dq}{dx}(x) = q'(x)")
    assert fails(nt, r"\frac{dq}{dx}(x) = \frac{d}{dx} q(x)^2")


# ---------------------------------------------------------------- expectation, conditional probability


def test_expectation_applies_to_its_bracket(nt):
    assert nt.expression("E[X]") == E(X)
    assert nt.expression(r"\mathbb{E}[X^2]") == E(X**2)
    assert nt.expression("E[X]^2") == E(X) ** 2
    assert nt.expression(r"\operatorname{Var}[X]") == sympy.Function("Var", operator=True)(X)


def test_expectation_engine(nt):
    """E is linear, not an arbitrary function: the engine never samples it, so a false
    statement about it stays unknown (never refuted through a wrong model, never proved)."""
    assert holds(nt, r"\mathbb{E}[X] + E[X] = 2 E[X]")
    assert verdict(nt, r"E[X]^2 = E[X^2]") == "UNKNOWN"
    assert verdict(nt, r"E[X + Y] = E[X] + E[Y]") == "UNKNOWN"


def test_a_condition_bar_is_part_of_what_is_applied(nt):
    conditional = nt.expression(r"P(y \mid a)")
    assert conditional.args == (y, a)
    assert conditional != nt.expression("P(y, a)")
    assert nt.expression(r"P(y \mid a; x)").args == (y, a, x)
    assert nt.expression(r"P(y \mid a)") == conditional


def test_condition_bar_engine(nt):
    assert holds(nt, r"\log P(y \mid a) - \log P(y \mid a) = 0")
    assert fails(nt, r"P(y \mid a) = P(y, a)")


# ---------------------------------------------------------------- fonts


def test_mathit_on_one_letter_is_the_letter(nt):
    assert nt.expression(r"\mathit{x}") == x


def test_mathit_engine(nt):
    assert holds(nt, r"\mathit{x} + x = 2x")
    assert fails(nt, r"\mathit{x} = 2x")


# ---------------------------------------------------------------- \partial_x, \sum_{i, j}, declared function words

SUMS = build_symbol_table(
    Derivation(
        path="t.toml", source="t.txt", title="t", sizes=(SizeDecl("n"),),
        indices=(IndexDecl("i", 1, "n"), IndexDecl("j", 1, "n")),
        symbols=(SymbolDecl("A", SymbolKind.MATRIX, shape=("n", "n")),),
        functions=(FunctionDecl("tanh", latex=r"\operatorname{tanh}"),),
    )
)


def test_partial_with_a_subscript_differentiates_the_next_operand(nt):
    assert nt.expression(r"\partial_x x^2 + 1") == sympy.Derivative(x**2, x) + 1
    assert nt.expression(r"\partial^2_{x} x^3") == sympy.Derivative(x**3, (x, 2))
    assert nt.expression(r"\partial_{a} q(a)") == sympy.Derivative(q(a), a)


def test_partial_subscript_engine(nt):
    assert holds(nt, r"\partial_x x^2 = 2x")
    assert fails(nt, r"\partial_x x^2 = x")


def test_a_sum_over_several_declared_indices_is_nested_sums():
    i, j, n = SUMS.indices["i"], SUMS.indices["j"], SUMS.sizes["n"]
    A = SUMS.bases["A"]
    assert Notation(SUMS).expression(r"\sum_{i, j} A_{ij}") == sympy.Sum(A[i, j], (j, 1, n), (i, 1, n))


def test_sum_over_several_indices_engine():
    def decided(latex: str) -> str:
        lhs, rhs = Notation(SUMS).equation(latex)
        return decide(lhs, rhs, Scope(SUMS, [])).verdict.name

    assert decided(r"\sum_{i,j} A_{ij} = \sum_{j} \sum_{i} A_{ij}").startswith("PROVED")
    assert decided(r"\sum_{i,j} A_{ij} = \sum_{i} A_{ii}") == "REFUTED"


def test_a_declared_function_word_is_the_declared_function_not_the_builtin():
    tanh = SUMS.functions["tanh"]
    t = sympy.Symbol("t")
    assert Notation(SUMS).expression(r"\operatorname{tanh}(t)") == tanh(t)
    assert Notation(TABLE).expression(r"\operatorname{tanh}(t)") == sympy.tanh(t)
    assert Notation(SUMS).expression(r"\operatorname{tanh}^2(t)") == tanh(t) ** 2


def test_declared_function_word_engine():
    def decided(latex: str) -> str:
        lhs, rhs = Notation(SUMS).equation(latex)
        return decide(lhs, rhs, Scope(SUMS, [])).verdict.name

    assert decided(r"\operatorname{tanh}^2(t) = \operatorname{tanh}(t) \operatorname{tanh}(t)").startswith("PROVED")
    assert decided(r"\operatorname{tanh}(2t) = 2 \operatorname{tanh}(t)") == "REFUTED"


# ---------------------------------------------------------------- notation-file domains: binary, sign, integer, nonnegative


def test_notation_files_declare_binary_sign_integer_and_nonnegative_domains(tmp_path):
    from symcheck.load.derivation import read_notation

    path = tmp_path / "n.toml"
    path.write_text(
        'title = "domains"\n[symbols]\nb = { domain = "binary" }\ns = { domain = "sign" }\n'
        'm = { domain = "integer" }\nu = { domain = "nonnegative" }\n'
    )
    table = build_symbol_table(read_notation(path))
    assert table.scalars["b"].is_integer and table.scalars["b"].is_nonnegative
    assert table.scalars["s"].is_integer and table.scalars["s"].is_nonzero
    assert table.scalars["m"].is_integer and table.scalars["u"].is_nonnegative


@pytest.mark.parametrize(
    "true, false",
    [
        ("b (1 - b) = 0", "b^2 = 1"),  # binary: 0 or 1
        ("s^2 = 1", "s^2 = s"),  # sign: -1 or +1
        ("(-1)^{2m} = 1", "(-1)^{m} = 1"),  # integer
        (r"\sqrt{u^2} = u", r"\sqrt{u^2} = -u"),  # nonnegative
    ],
)
def test_domains_engine(true, false):
    from symcheck.model import Domain

    table = build_symbol_table(
        Derivation(
            path="t.toml", source="t.txt", title="t",
            symbols=(
                SymbolDecl("b", domain=Domain.BINARY), SymbolDecl("s", domain=Domain.SIGN),
                SymbolDecl("m", domain=Domain.INTEGER), SymbolDecl("u", domain=Domain.NONNEGATIVE),
            ),
        )
    )

    def decided(latex: str) -> str:
        lhs, rhs = Notation(table).equation(latex)
        return decide(lhs, rhs, Scope(table, [])).verdict.name

    assert decided(true) in ("PROVED", "PROVED_FOR_SIZES", "NUMERIC")  # sampled inside the domain: never refuted
    assert decided(false) == "REFUTED"


# ---------------------------------------------------------------- \hspace between formulas (notes extraction)


def test_a_wide_space_between_two_formulas_separates_them_as_quad_does():
    from symcheck.notes.extract import extract_math

    found = [[m.latex for m in c.members] for c in extract_math("$$p = q \\hspace{1in} r = t \\hspace*{2em} u = v$$", "notes.md")]
    assert found == [["p", "q"], ["r", "t"], ["u", "v"]]


# ---------------------------------------------------------------- Iverson brackets


def test_iverson_brackets_and_the_indicator_with_brackets_are_kronecker_deltas():
    i, j = SUMS.indices["i"], SUMS.indices["j"]
    nt = Notation(SUMS)
    assert nt.expression(r"[i = j]") == sympy.KroneckerDelta(i, j)
    assert nt.expression(r"[i \neq j]") == 1 - sympy.KroneckerDelta(i, j)
    assert nt.expression(r"\mathbb{1}[i = j]") == sympy.KroneckerDelta(i, j)
    assert nt.expression(r"\mathbb{1}(i = j)") == sympy.KroneckerDelta(i, j)
    assert nt.expression(r"[i + j]") == i + j  # a bracket without a condition is a bracket


def test_iverson_engine():
    def decided(latex: str) -> str:
        lhs, rhs = Notation(SUMS).equation(latex)
        return decide(lhs, rhs, Scope(SUMS, [])).verdict.name

    assert decided(r"\sum_{j} [i = j] A_{ij} = A_{ii}").startswith("PROVED")
    assert decided(r"\sum_{j} \mathbb{1}[i \neq j] A_{ij} = \sum_j A_{ij} - A_{ii}").startswith("PROVED")
    assert decided(r"\sum_{j} [i = j] A_{ij} = 2 A_{ii}") == "REFUTED"
