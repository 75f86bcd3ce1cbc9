"""Issue 11, constructs the public corpus still left unread: braces after a function, products
and signed sums written with an ellipsis, the derivative operator before a matrix product, a
power of an inner product, the inverse of a matrix, a literal zero vector, an undeclared bold
spelling of a declared name, a power of a factorial. Each has a reader test (what the LaTeX
reads as, or the message it is refused with) and an engine test deciding one true and one
false statement written with it."""

from __future__ import annotations

import pytest
import sympy
from sympy.matrices.expressions.matexpr import MatrixElement

from symcheck.engine.matrixcalc import EntryWriter, NeedsConcreteSizes, Unsupported
from symcheck.engine.sampling import Universe
from symcheck.model import Derivation, IndexDecl, SizeDecl, SymbolDecl, SymbolKind
from symcheck.model.symbols import Row, build_symbol_table
from symcheck.read.backend import LatexError
from symcheck.read.notation import Notation

from .engine_fixtures import fails, holds, verdict_of

V, M = SymbolKind.VECTOR, SymbolKind.MATRIX
TABLE = build_symbol_table(
    Derivation(
        path="t.toml", source="t.txt", title="t",
        sizes=(SizeDecl("n"), SizeDecl("p")),
        indices=(IndexDecl("i", 1, "n"), IndexDecl("k", 1, "p")),
        symbols=(
            SymbolDecl("X", M, shape=("n", "p"), latex=r"\mathbf{X}"),
            SymbolDecl("x", M, shape=("n", "p"), latex=r"\mathbf{x}"),  # the family x_1..x_n: row i is x_i
            SymbolDecl("w", V, shape=("p",), latex=r"\mathbf{w}"),
            SymbolDecl("y", V, shape=("n",), latex=r"\mathbf{y}"),
            SymbolDecl("A", M, shape=("n", "n")),  # spelled A only
            SymbolDecl("B", M, shape=("n", "n")),
            SymbolDecl("t"),
        ),
    )
)
n, p = TABLE.sizes["n"], TABLE.sizes["p"]
w, Xm, ym, xm = TABLE.bases["w"], TABLE.matrix_symbol("X"), TABLE.matrix_symbol("y"), TABLE.matrix_symbol("x")
wm, Am = TABLE.matrix_symbol("w"), TABLE.matrix_symbol("A")
t = TABLE.scalars["t"]
i = TABLE.indices["i"]


@pytest.fixture(scope="module")
def nt():
    return Notation(TABLE)


def message_of(nt, latex: str) -> str:
    with pytest.raises(LatexError) as caught:
        nt.equation(latex) if "=" in latex else nt.expression(latex)
    return caught.value.message


def bound_of(value):
    return value.limits[0][0]


# ---------------------------------------------------------------- 1. braces after a function


def test_braces_after_a_function_group_its_argument(nt):
    assert nt.expression(r"\exp \left\{ t^2 \right\}") == sympy.exp(t**2)
    assert nt.expression(r"\exp\{t\} + 1") == sympy.exp(t) + 1
    assert nt.expression(r"2 \sin \lbrace t \rbrace") == 2 * sympy.sin(t)
    assert "script after the braces" in message_of(nt, r"\exp \{ t \}^2")
    assert "set braces" in message_of(nt, r"t \{ t \}")  # braces elsewhere are still a set


def test_braces_after_a_function_engine(nt):
    assert holds(nt, r"\exp \left\{ \frac{t^2}{2} \right\} \exp \left\{ \frac{t^2}{2} \right\} = e^{t^2}")
    assert fails(nt, r"\exp \left\{ t^2 \right\} = e^{2t}")


# ---------------------------------------------------------------- 2. products and signed sums with an ellipsis


def test_products_with_an_ellipsis_read_as_products(nt):
    value = nt.expression(r"w_1 w_2 \cdots w_p")
    assert isinstance(value, sympy.Product) and value.limits[0][1:] == (1, p) and value.function == w[bound_of(value)]
    value = nt.expression(r"\exp(w_1) \cdot \exp(w_2) \cdots \exp(w_3) t")
    product = next(arg for arg in value.args if isinstance(arg, sympy.Product))
    assert value == t * product and product.limits[0][1:] == (1, 3)
    assert product.function == sympy.exp(w[bound_of(product)])


def test_signed_sums_with_an_ellipsis(nt):
    value = nt.expression(r"w_1 - w_2 - \cdots - w_p")
    total = next(arg for arg in sympy.preorder_traversal(value) if isinstance(arg, sympy.Sum))
    assert value == w[1] - total and total.limits[0][1:] == (2, p)
    value = nt.expression(r"- w_1 - w_2 \cdots - w_p")  # the ellipsis takes the sign of the next term
    total = -value
    assert isinstance(total, sympy.Sum) and total.limits[0][1:] == (1, p)
    assert isinstance(nt.expression(r"w_1 + w_2 \cdots + w_p"), sympy.Sum)


@pytest.mark.parametrize(
    "latex, reason",
    [
        (r"w_1 w_2 \cdots w_m", "range is unclear"),  # m is not declared
        (r"w_1 + \cdots + w_m", "range is unclear"),
        (r"w_1 / w_2 \cdots w_p", "joined by \\cdot or side by side"),
        (r"w_1 + w_2 \cdots - w_p", "pattern"),
        (r"w_1 w_3 \cdots w_p", "pattern"),  # a stride: not w_1 times w_3 \cdots w_p
        (r"q_1 q_2 \cdots q_3", "declare the vector"),  # q is not declared: q_1 is a name of its own
        (r"w_1 + w_3 + \cdots + w_p", "pattern"),
        (r"\mathbf{X} \mathbf{X}^\top \cdots \mathbf{X}", "vectors or matrices"),
    ],
)
def test_unclear_ellipses_are_unread_with_the_reason(nt, latex, reason):
    assert reason in message_of(nt, latex)


def test_products_and_signed_sums_with_an_ellipsis_engine(nt):
    assert holds(nt, r"w_1 w_2 \cdots w_p = \prod_{k=1}^p w_k")
    assert fails(nt, r"w_1 w_2 \cdots w_p = \prod_{k=2}^p w_k")
    assert holds(nt, r"- w_1 - w_2 \cdots - w_p = -\sum_{k=1}^p w_k")
    assert fails(nt, r"- w_1 - w_2 \cdots - w_p = \sum_{k=1}^p w_k")
    assert holds(nt, r"\exp(w_1) \exp(w_2) \cdots \exp(w_3) = \exp(w_1 + w_2 + w_3)")
    assert fails(nt, r"\exp(w_1) \exp(w_2) \cdots \exp(w_3) = \exp(w_1 w_2 w_3)")


# ---------------------------------------------------------------- 3. the derivative operator before a matrix product


def test_the_derivative_operator_takes_the_matrix_product_after_it(nt):
    assert nt.expression(r"\frac{\partial}{\partial \mathbf w} \mathbf y^\top \mathbf X \mathbf w") == sympy.Derivative(
        ym.T * Xm * wm, wm, evaluate=False)
    lhs, rhs = nt.equation(r"\frac{\partial}{\partial \mathbf w} \mathbf w^\top \mathbf w + t = t")
    assert lhs == sympy.Derivative(wm.T * wm, wm, evaluate=False) + t or lhs.has(sympy.Derivative)
    # a scalar operand too: the whole term, unless brackets and a product sign close it
    assert nt.expression(r"\frac{d}{dt} t \cdot t") == sympy.Derivative(t * t, t, evaluate=False)
    assert nt.expression(r"\frac{d}{dt} (t) \cdot t") == sympy.Derivative(t, t, evaluate=False) * t


def test_the_derivative_operator_before_a_matrix_product_engine(nt):
    assert holds(nt, r"\frac{\partial}{\partial \mathbf w} \mathbf y^\top \mathbf X \mathbf w = \mathbf X^\top \mathbf y")
    assert fails(nt, r"\frac{\partial}{\partial \mathbf w} \mathbf y^\top \mathbf X \mathbf w = 2 \mathbf X^\top \mathbf y")


# ---------------------------------------------------------------- 4. a power of an inner product


def test_a_power_of_a_one_by_one_matrix_is_a_scalar_power(nt):
    assert nt.expression(r"(\mathbf x_i^\top \mathbf w)^2") == MatrixElement(Row(xm, i).T * wm, 0, 0) ** 2
    # an inner product beside a vector it does not chain with is a scalar too
    assert nt.expression(r"(\mathbf w^\top \mathbf w) \mathbf w").shape == (p, 1)
    assert "power of a" in message_of(nt, r"(\mathbf X \mathbf w)^2")


def test_a_power_of_an_inner_product_engine(nt):
    assert holds(nt, r"(\mathbf x_i^\top \mathbf w)^2 = \sum_{k=1}^p \sum_{l=1}^p x_{ik} x_{il} w_k w_l")
    assert fails(nt, r"(\mathbf x_i^\top \mathbf w)^2 = \sum_{k=1}^p x_{ik}^2 w_k^2")
    assert holds(nt, r"\frac{\partial}{\partial \mathbf w} (\mathbf x_i^\top \mathbf w)^2 = 2 (\mathbf x_i^\top \mathbf w) \mathbf x_i")
    assert fails(nt, r"\frac{\partial}{\partial \mathbf w} (\mathbf x_i^\top \mathbf w)^2 = (\mathbf x_i^\top \mathbf w) \mathbf x_i")


def test_a_derivative_by_a_member_of_a_family_of_vectors(nt):
    assert nt.expression(r"\frac{\partial}{\partial \mathbf{x}_i} \mathbf{x}_i^\top \mathbf{w}") == sympy.Derivative(
        Row(xm, i).T * wm, Row(xm, i), evaluate=False)


def test_a_derivative_by_a_member_of_a_family_engine(nt):
    assert holds(nt, r"\frac{\partial}{\partial \mathbf{x}_i} (\mathbf x_i^\top \mathbf w)^2 = 2 (\mathbf x_i^\top \mathbf w) \mathbf w")
    assert fails(nt, r"\frac{\partial}{\partial \mathbf{x}_i} \mathbf x_1^\top \mathbf w = \mathbf w")  # 0 unless i = 1


# ---------------------------------------------------------------- 5. the inverse of a square matrix expression


def test_the_inverse_of_a_square_matrix_expression_reads(nt):
    assert nt.expression(r"(\mathbf{X}^\top \mathbf{X})^{-1}") == sympy.Inverse(Xm.T * Xm)
    assert "power of a n x p matrix" in message_of(nt, r"\mathbf{X}^{-1}")


def test_the_inverse_is_written_at_concrete_sizes_only():
    writer = EntryWriter(Universe.from_scope(_scope()))
    a = sympy.ImmutableMatrix([[2, 1], [1, 1]])
    assert [writer.entry(sympy.Inverse(a), r, c) for r in (1, 2) for c in (1, 2)] == [1, -1, -1, 2]
    with pytest.raises(NeedsConcreteSizes):
        writer.entry(sympy.Inverse(Am), 1, 1)
    with pytest.raises(Unsupported):  # singular at this size: no inverse to write
        writer.entry(sympy.Inverse(sympy.ImmutableMatrix([[1, 1], [1, 1]])), 1, 1)


def _scope():
    from symcheck.model.symbols import Scope

    return Scope(TABLE, [])


def test_the_inverse_engine_decides_by_sampling_concrete_matrices_and_never_proves(nt):
    assert verdict_of(nt, r"(A^\top)^{-1} = (A^{-1})^\top") == "NUMERIC"
    assert verdict_of(nt, r"(\mathbf{X}^\top \mathbf{X})^{-1} \mathbf{X}^\top \mathbf{y} = (\mathbf{X}^\top \mathbf{X})^{-1} \mathbf{X}^\top \mathbf{y}") == "NUMERIC"
    assert fails(nt, r"(A^\top)^{-1} = A^{-1}")
    assert fails(nt, r"(\mathbf{X}^\top \mathbf{X} + t I_p)^{-1} \mathbf{X}^\top \mathbf{y} = (\mathbf{X}^\top \mathbf{X})^{-1} \mathbf{X}^\top \mathbf{y}")


# ---------------------------------------------------------------- 6. a literal zero vector


def test_a_zero_side_takes_the_shape_of_the_other_side(nt):
    assert nt.equation(r"\mathbf{w} - \mathbf{w} = 0")[1] == sympy.ZeroMatrix(p, 1)
    assert nt.equation(r"\mathbf 0 = \mathbf{X}^\top \mathbf{y}")[0] == sympy.ZeroMatrix(p, 1)
    assert nt.equation(r"\nabla_{\mathbf w} t = \vec{0}")[1] == sympy.ZeroMatrix(p, 1)
    assert nt.equation(r"t - t = 0")[1] == 0
    assert "whole side" in message_of(nt, r"\mathbf{w} + \mathbf{0}")


def test_a_zero_side_engine(nt):
    assert holds(nt, r"\mathbf{X}^\top \mathbf{y} - \mathbf{X}^\top \mathbf{y} = \mathbf 0")
    assert fails(nt, r"2 \mathbf{w} - \mathbf{w} = 0")


# ---------------------------------------------------------------- 7. an undeclared bold spelling of a declared name


def test_a_bold_spelling_of_a_declared_matrix_is_that_matrix(nt):
    assert nt.expression(r"\mathbf{A}") == Am
    assert nt.expression(r"\boldsymbol{A} B") == Am * TABLE.matrix_symbol("B")
    assert nt.expression(r"\bm{A}_{11}") == TABLE.bases["A"][1, 1]


def test_a_bold_spelling_of_a_declared_scalar_is_refused_with_what_to_declare(nt):
    message = message_of(nt, r"\mathbf{t} + 1")
    assert "t is declared as a scalar" in message and "spellings" in message
    assert "declared as a index" in message_of(nt, r"\mathbf{k}")


def test_a_bold_spelling_engine(nt):
    assert holds(nt, r"\mathbf{A} + A = 2 A")
    assert fails(nt, r"\mathbf{A} B = B A")


# ---------------------------------------------------------------- 8. a power of a factorial


def test_a_power_after_a_factorial(nt):
    assert nt.expression(r"t!^{k}") == sympy.factorial(t) ** TABLE.indices["k"]
    assert nt.expression(r"t!^23") == 3 * sympy.factorial(t) ** 2  # TeX: the superscript is one token
    assert nt.expression(r"(t + 1)!^{2} + 1") == sympy.factorial(t + 1) ** 2 + 1
    assert "subscript after a factorial" in message_of(nt, r"t!_2")


def test_a_power_after_a_factorial_engine(nt):
    assert holds(nt, r"t!^2 = t! \cdot t!")
    assert fails(nt, r"t!^2 = (t^2)!")


# ---------------------------------------------------------------- a zero member of a chain, through the command line

NOTATION_FILE = """
title = "zero members"

[sizes]
n = {}
p = {}

[symbols]
X = { kind = "matrix", shape = ["n", "p"], latex = '\\mathbf{X}' }
y = { kind = "vector", shape = ["n"], latex = '\\mathbf{y}' }
"""


@pytest.mark.parametrize(
    "chain, code",
    [
        (r"\mathbf{X}^\top \mathbf{y} - \mathbf{X}^\top \mathbf{y} = 0", 0),
        (r"0 = \mathbf{X}^\top \mathbf{y} - \mathbf{X}^\top \mathbf{y}", 0),
        (r"2 \mathbf{X}^\top \mathbf{y} - \mathbf{X}^\top \mathbf{y} = \mathbf{0}", 1),
    ],
)
def test_a_zero_member_of_a_chain_in_a_note_is_the_zero_vector(tmp_path, chain, code):
    from click.testing import CliRunner

    from symcheck.cli import cli

    (tmp_path / "note.md").write_text(f"A chain.\n\n$$ {chain} $$\n")
    (tmp_path / "note.toml").write_text(NOTATION_FILE)
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "note.md"), "--notation", str(tmp_path / "note.toml")],
                                catch_exceptions=False)
    assert result.exit_code == code, result.output
    assert "scalar" not in result.output and "Traceback" not in result.output
