"""Issue 11, machine-learning notation: the identity matrix, trace, diag of an entry, bracket
indexing, gradients and Hessians, matrices written with ellipses, grouped numerals. Each has a
reader test (what the LaTeX reads as) and an engine test (one true and one false statement
written with it, decided by the ladder); bad input gets a message in the user's words."""

from __future__ import annotations

import re

import pytest
import sympy
from click.testing import CliRunner
from sympy.matrices.expressions.matexpr import MatrixElement

from symcheck.cli import cli
from symcheck.model import Derivation, FunctionDecl, IndexDecl, SizeDecl, SymbolDecl, SymbolKind
from symcheck.model.symbols import build_symbol_table
from symcheck.read.backend import LatexError
from symcheck.read.notation import Notation

from .engine_fixtures import fails, holds

V, M = SymbolKind.VECTOR, SymbolKind.MATRIX
TABLE = build_symbol_table(
    Derivation(
        path="t.toml", source="t.txt", title="t",
        sizes=(SizeDecl("n"), SizeDecl("p")),
        indices=(IndexDecl("i", 1, "n"), IndexDecl("j", 1, "n"), IndexDecl("k", 1, "p"), IndexDecl("l", 1, "p")),
        symbols=(
            SymbolDecl("X", M, shape=("n", "p"), latex=r"\mathbf{X}"),
            SymbolDecl("w", V, shape=("p",), latex=r"\mathbf{w}"),
            SymbolDecl("y", V, shape=("n",), latex=r"\mathbf{y}"),
            SymbolDecl("A", M, shape=("n", "n"), latex=r"\mathbf{A}"),
            SymbolDecl("B", M, shape=("n", "n"), latex=r"\mathbf{B}"),
            SymbolDecl("t"),
        ),
        functions=(FunctionDecl("f"),),
    )
)
n, p = TABLE.sizes["n"], TABLE.sizes["p"]
i, j, k = TABLE.indices["i"], TABLE.indices["j"], TABLE.indices["k"]
Xm, wm, ym, Am, Bm = (TABLE.matrix_symbol(name) for name in "XwyAB")
w, X, A = TABLE.bases["w"], TABLE.bases["X"], TABLE.bases["A"]
SYMPY_WORDS = re.compile(r"MatMul|MatAdd|MatrixSymbol|Indexed|Derivative|FunctionMatrix|Identity\(|Trace\(|Lambda|ShapeError")


@pytest.fixture
def nt():
    return Notation(TABLE)


def error_of(nt, latex: str) -> LatexError:
    with pytest.raises(LatexError) as caught:
        nt.equation(latex) if "=" in latex else nt.expression(latex)
    assert not SYMPY_WORDS.search(caught.value.message), caught.value.message
    return caught.value


# ---------------------------------------------------------------- the identity matrix


def test_identity_is_sized_by_its_subscript_or_its_context(nt):
    assert nt.expression(r"I_p") == sympy.Identity(p)
    assert nt.expression(r"\mathbf{I}_3") == sympy.Identity(3)
    assert nt.expression(r"\mathbf{A} + \mathbf{I}") == Am + sympy.Identity(n)
    assert nt.expression(r"\mathbf{X}^\top \mathbf{X} + t I") == Xm.T * Xm + t_symbol() * sympy.Identity(p)
    assert nt.equation(r"\nabla^2_{\mathbf w} (\mathbf{w}^\top \mathbf{w}) = 2 I")[1] == 2 * sympy.Identity(p)


def t_symbol():
    return TABLE.scalars["t"]


def test_a_plain_i_among_scalars_stays_a_name(nt):
    assert nt.expression(r"I + t") == sympy.Symbol("I") + t_symbol()
    assert nt.expression(r"I_i") == sympy.Symbol("I_i")


def test_identity_engine(nt):
    assert holds(nt, r"(\mathbf{A} + \mathbf{I})(\mathbf{A} - \mathbf{I}) = \mathbf{A}^2 - \mathbf{I}")
    assert fails(nt, r"(\mathbf{A} + \mathbf{I})^2 = \mathbf{A}^2 + \mathbf{I}")
    assert holds(nt, r"\operatorname{tr}(I_n) = n")
    assert fails(nt, r"\operatorname{tr}(I_n) = p")


def test_an_identity_of_unclear_size_is_an_error_naming_it(nt):
    assert "write I_n" in error_of(nt, r"\mathbf{I}^\top").message
    assert "fits none" in error_of(nt, r"\mathbf{X} + \mathbf{I}").message


# ---------------------------------------------------------------- trace and diag


def test_trace_of_a_square_matrix_expression(nt):
    assert nt.expression(r"\operatorname{tr}(\mathbf{A}\mathbf{B})") == sympy.Trace(Am * Bm)
    assert nt.expression(r"\mathrm{tr}(\mathbf{X}^\top \mathbf{X})") == sympy.Trace(Xm.T * Xm)
    assert nt.expression(r"\operatorname{tr}(t)") == t_symbol()


def test_trace_engine(nt):
    assert holds(nt, r"\operatorname{tr}(\mathbf{A} + \mathbf{B}) = \operatorname{tr}(\mathbf{A}) + \operatorname{tr}(\mathbf{B})")
    assert fails(nt, r"\operatorname{tr}(\mathbf{A}\mathbf{B}) = \operatorname{tr}(\mathbf{A}) \operatorname{tr}(\mathbf{B})")
    assert holds(nt, r"\operatorname{tr}(\mathbf{X}^\top \mathbf{X}) = \sum_{k=1}^p \sum_{i=1}^n X_{ik}^2")
    assert fails(nt, r"\operatorname{tr}(\mathbf{X}^\top \mathbf{X}) = \sum_{i=1}^n \sum_{k=1}^p X_{ik}")


def test_trace_of_a_non_square_matrix_names_its_shape(nt):
    assert "square" in error_of(nt, r"\operatorname{tr}(\mathbf{X})").message


def test_diag_of_an_entry_with_one_free_index_is_the_diagonal_matrix_of_its_values(nt):
    value = nt.expression(r"\operatorname{diag}(w_k (1 - w_k))")
    assert isinstance(value, sympy.DiagMatrix) and value.shape == (p, p)
    vector = value.args[0]
    assert vector.shape == (p, 1) and vector.lamda(2, 0) == w[3] * (1 - w[3])


def test_diag_of_an_entry_engine(nt):
    assert holds(nt, r"\operatorname{diag}(w_k) = \operatorname{diag}(\mathbf{w})")
    assert holds(nt, r"(\operatorname{diag}(w_k^2))_{kl} = [k = l] w_k^2")
    assert fails(nt, r"\operatorname{diag}(w_k) \mathbf{w} = \mathbf{w}")


def test_diag_needs_one_index(nt):
    assert "one index" in error_of(nt, r"\operatorname{diag}(X_{ik})").message
    assert "one index" in error_of(nt, r"\operatorname{diag}(t)").message


# ---------------------------------------------------------------- bracket indexing


def test_a_subscript_on_a_bracket_is_an_entry_of_what_it_holds(nt):
    assert nt.expression(r"(\mathbf{X}\mathbf{w} - \mathbf{y})_i") == MatrixElement(Xm * wm - ym, i - 1, 0)
    assert nt.expression(r"(X^\top)_{ki}") == MatrixElement(Xm.T, k - 1, i - 1)
    assert nt.expression(r"(\mathbf{A}\mathbf{B})_{ij}") == MatrixElement(Am * Bm, i - 1, j - 1)
    assert nt.expression(r"(Xw - y)_i^2") == MatrixElement(Xm * wm - ym, i - 1, 0) ** 2


def test_bracket_indexing_engine(nt):
    assert holds(nt, r"(Xw - y)_i = \sum_{k=1}^{p} X_{ik} w_k - y_i")
    assert fails(nt, r"(Xw - y)_i = \sum_{k=1}^{p} X_{ik} w_k + y_i")
    assert holds(nt, r"(\mathbf{A}\mathbf{B})_{ij} = \sum_{m=1}^{n} A_{im} B_{mj}")
    assert fails(nt, r"(\mathbf{A}\mathbf{B})_{ij} = \sum_{m=1}^{n} A_{mi} B_{mj}")
    assert holds(nt, r"(X^\top)_{ki} = X_{ik}")


@pytest.mark.parametrize(
    "latex, words",
    [
        (r"(Xw)_k", "runs over 1..p: this axis of X w (a nx1 column vector) runs over 1..n"),
        (r"(Xw)_0", "outside its axis"),
        (r"(Xw)_{ij}", "needs 1 index"),
        (r"(t + 1)_i", "holds t + 1 (a scalar)"),
    ],
)
def test_bad_bracket_indices_are_named(nt, latex, words):
    assert words in error_of(nt, latex).message


# ---------------------------------------------------------------- gradients and Hessians


def test_nabla_is_the_gradient_of_the_term_after_it(nt):
    assert nt.expression(r"\nabla_{\mathbf w} (\mathbf{w}^\top \mathbf{w})") == sympy.Derivative(wm.T * wm, wm)
    assert nt.expression(r"\nabla_{\mathbf{w}} t \mathbf{w}^\top \mathbf{w} + t") == sympy.Derivative(
        t_symbol() * wm.T * wm, wm
    ) + t_symbol()
    hessian = sympy.Derivative(wm.T * wm, (wm, 2))
    assert nt.expression(r"\nabla^2_{\mathbf w} \mathbf{w}^\top \mathbf{w}") == hessian
    assert nt.expression(r"\nabla_{\mathbf w}^2 \mathbf{w}^\top \mathbf{w}") == hessian
    assert nt.expression(r"\frac{\partial^2 t}{\partial w_j \partial w_k}") == sympy.Derivative(t_symbol(), w[j], w[k])


LEAST_SQUARES = r"\frac{1}{2}(\mathbf{X}\mathbf{w} - \mathbf{y})^\top (\mathbf{X}\mathbf{w} - \mathbf{y})"


def test_gradient_and_hessian_engine(nt):
    assert holds(nt, rf"\nabla_{{\mathbf w}} {LEAST_SQUARES} = \mathbf{{X}}^\top (\mathbf{{X}} \mathbf{{w}} - \mathbf{{y}})")
    assert fails(nt, rf"\nabla_{{\mathbf w}} {LEAST_SQUARES} = \mathbf{{X}}^\top \mathbf{{X}} \mathbf{{w}} + \mathbf{{X}}^\top \mathbf{{y}}")
    assert holds(nt, rf"\nabla^2_{{\mathbf w}} {LEAST_SQUARES} = \mathbf{{X}}^\top \mathbf{{X}}")
    assert fails(nt, rf"\nabla_{{\mathbf w}}^2 {LEAST_SQUARES} = 2 \mathbf{{X}}^\top \mathbf{{X}}")
    assert holds(nt, r"\frac{\partial^2}{\partial w_k \partial w_l} (\mathbf{w}^\top \mathbf{w}) = 2 [k = l]")
    assert not holds(nt, r"\frac{\partial^2}{\partial w_k \partial w_l} (\mathbf{w}^\top \mathbf{w}) = 2")


def test_nabla_errors_say_what_is_expected(nt):
    assert "variable" in error_of(nt, r"\nabla t").message
    assert "Jacobian" in error_of(nt, r"\nabla_{\mathbf w} \mathbf{w}").message


# ---------------------------------------------------------------- matrices written with ellipses


def test_ellipsis_matrices_of_a_declared_size(nt):
    row = nt.expression(r"\begin{bmatrix} w_1 & \cdots & w_p \end{bmatrix}")
    assert row.shape == (1, p) and row.lamda(0, 4) == w[5]
    column = nt.expression(r"\begin{bmatrix} w_1^2 \\ w_2^2 \\ \vdots \\ w_p^2 \end{bmatrix}")
    assert column.shape == (p, 1) and column.lamda(1, 0) == w[2] ** 2
    grid = nt.expression(r"\begin{bmatrix} A_{11} & \cdots & A_{1n} \\ \vdots & \ddots & \vdots \\ A_{n1} & \cdots & A_{nn} \end{bmatrix}")
    assert grid.shape == (n, n) and grid.lamda(0, 1) == A[1, 2]
    assert nt.expression(r"\begin{bmatrix} w_1 & \cdots & w_3 \end{bmatrix}".replace("w_3", "w_{p}")).shape == (1, p)


def test_ellipsis_matrix_engine(nt):
    assert holds(nt, r"\begin{bmatrix} w_1 \\ \vdots \\ w_p \end{bmatrix} = \mathbf{w}")
    assert fails(nt, r"\begin{bmatrix} w_1 \\ \vdots \\ w_p \end{bmatrix} = 2\mathbf{w}")
    grid = r"\begin{bmatrix} X_{11} & \cdots & X_{1p} \\ \vdots & \ddots & \vdots \\ X_{n1} & \cdots & X_{np} \end{bmatrix}"
    assert holds(nt, grid + r" = \mathbf{X}")
    assert fails(nt, r"\begin{bmatrix} w_1 & \cdots & w_p \end{bmatrix} \mathbf{w} = \sum_{k=1}^p w_k")


def test_a_column_of_rows_written_with_ellipses_is_a_matrix_of_its_declared_size(nt):
    """Rows y_i w^T for i = 1..n: an n x p matrix (the outer product y w^T), never 3 rows of a
    block matrix; a row of columns likewise."""
    rows = r"\begin{bmatrix} y_1 \mathbf{w}^T \\ y_2 \mathbf{w}^T \\ \vdots \\ y_n \mathbf{w}^T \end{bmatrix}"
    assert nt.expression(rows).shape == (n, p)
    assert holds(nt, rows + r" = \mathbf{y} \mathbf{w}^T")
    assert fails(nt, rows + r" = \mathbf{w} \mathbf{y}^T")  # p x n: the shape slip
    assert fails(nt, rows + r" = 2 \mathbf{y} \mathbf{w}^T")
    columns = r"\begin{bmatrix} w_1 \mathbf{y} & w_2 \mathbf{y} & \cdots & w_p \mathbf{y} \end{bmatrix}"
    assert holds(nt, columns + r" = \mathbf{y} \mathbf{w}^T")
    assert "rows of one length" in error_of(nt, r"\begin{bmatrix} \mathbf{w}^T \\ \vdots \\ y_n \end{bmatrix}").message


def test_a_matrix_whose_ellipses_have_no_last_entry_runs_to_the_end_of_its_axes(nt):
    """`w_1 \\ w_2 \\ \vdots` is all of w; a grid open to the right and below is all of X;
    a grid whose first row and column end with their last entries may leave cells empty."""
    column = nt.expression(r"\begin{bmatrix} w_1 \\ w_2 \\ \vdots \end{bmatrix}")
    assert column.shape == (p, 1) and column.lamda(2, 0) == w[3]
    assert holds(nt, r"\begin{bmatrix} w_1 \\ w_2 \\ \vdots \end{bmatrix} = \mathbf{w}")
    open_grid = r"\begin{bmatrix} X_{11} & X_{12} & \dots \\ X_{21} & X_{22} & \dots \\ \vdots & \vdots & \ddots \end{bmatrix}"
    assert nt.expression(open_grid).shape == (n, p)
    assert holds(nt, open_grid + r" = \mathbf{X}")
    gaps = (r"\begin{bmatrix} A_{11} & A_{12} & \dots & A_{1n} \\ \vdots & \vdots & & \vdots \\ "
            r"A_{n1} & \dots & \dots & A_{nn} \end{bmatrix}")
    assert holds(nt, gaps + r" = \mathbf{A}")
    assert fails(nt, gaps + r" = \mathbf{B}")


@pytest.mark.parametrize(
    "latex, words",
    [
        (r"\begin{bmatrix} A_{11} & \cdots & A_{1n} \\ \vdots & \ddots & \vdots \\ A_{n1} & \cdots & B_{nn} \end{bmatrix}",
         "does not fit"),
        (r"\begin{bmatrix} A_{11} & \cdots & A_{1n} \\ \vdots & A_{22} & \vdots \\ A_{n1} & \cdots & A_{nn} \end{bmatrix}",
         "first row and column"),
        (r"\begin{bmatrix} w_1 \\ t \\ \vdots \end{bmatrix}", "pattern"),
        (r"\begin{bmatrix} w_1 y_1 & w_2 y_2 & \cdots \end{bmatrix}", "end of"),  # n or p entries?
        (r"\begin{bmatrix} w_1 & w_3 & \cdots & w_p \end{bmatrix}", "pattern"),
        (r"\begin{bmatrix} q_1 & \cdots & q_m \end{bmatrix}", "pattern"),
        (r"\begin{bmatrix} w_1 & \cdots \end{bmatrix}", "last entry"),
    ],
)
def test_unreadable_ellipsis_matrices_are_named(nt, latex, words):
    assert words in error_of(nt, latex).message


def test_a_matrix_entry_with_two_digits_is_row_and_column(nt):
    assert nt.expression(r"A_{12}") == A[1, 2]


# ---------------------------------------------------------------- numerals and subscript arithmetic


def test_digits_grouped_by_three_are_one_numeral(nt):
    for latex in (r"1\,000", "1 000", "1~000", r"\text{1 000}", r"1\ 000"):
        assert nt.expression(latex) == 1000
    assert nt.expression(r"12\,345\,678") == 12345678
    assert nt.expression(r"\frac{1\,000}{10}") == 100


def test_two_numbers_side_by_side_are_refused(nt):
    for latex in ("1234 567", "2 3", "1 00"):
        assert "side by side" in error_of(nt, latex).message


def test_numeral_engine(nt):
    assert holds(nt, r"1\,000 = 10^3")
    assert fails(nt, r"1\,000 = 0")
    assert holds(nt, r"\text{1 000} \cdot 2 = 2000")


def test_subscript_arithmetic_on_a_declared_vector_is_an_entry(nt):
    assert nt.expression(r"w_{k+1}") == w[k + 1]
    assert nt.expression(r"w_{1+k}") == w[k + 1]
    assert holds(nt, r"w_{k+1} = w_{1+k}")
    assert fails(nt, r"w_{k+1} = w_{k}")


# ---------------------------------------------------------------- through the command line

HEADER = """
source = "doc.txt"
title = "least squares"

[sizes]
n = {}
p = {}

[indices]
i = { range = [1, "n"] }
k = { range = [1, "p"] }

[symbols]
X = { kind = "matrix", shape = ["n", "p"], latex = '\\mathbf{X}' }
w = { kind = "vector", shape = ["p"], latex = '\\mathbf{w}' }
y = { kind = "vector", shape = ["n"], latex = '\\mathbf{y}' }

"""


@pytest.mark.parametrize(
    "step, code",
    [
        (r"\mathbf{X}^\top (\mathbf{X} \mathbf{w} - \mathbf{y})", 0),
        (r"\mathbf{X}^\top (\mathbf{X} \mathbf{w} + \mathbf{y})", 1),
        (r"(\mathbf{X}\mathbf{w})_k", 2),
    ],
)
def test_gradient_chain_through_the_cli(tmp_path, step, code):
    gradient = r"\nabla_{\mathbf w} \frac{1}{2}(\mathbf{X}\mathbf{w} - \mathbf{y})^\top (\mathbf{X}\mathbf{w} - \mathbf{y})"
    verified_as(tmp_path, HEADER + chain("gradient", gradient, step), code)


def chain(name: str, *steps: str) -> str:
    """A chain of a derivation file, its steps on lines 2, 3 ..."""
    rows = "".join(f"[[chains.steps]]\nline = {n}\nlatex = '{latex}'\n" for n, latex in enumerate(steps, 2))
    return f'\n[[chains]]\nname = "{name}"\n{rows}'


def verified_as(tmp_path, text: str, code: int) -> None:
    """`symcheck verify` of a derivation file exits with `code`, without a traceback or SymPy's words."""
    path = tmp_path / "derivation.toml"
    path.write_text(text)
    result = CliRunner().invoke(cli, ["verify", str(path)], catch_exceptions=False)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and not SYMPY_WORDS.search(result.output)


DEFINITION = """L = {}

[[definitions]]
line = 1
latex = 'L = \\frac{1}{2} \\sum_{i=1}^n (\\mathbf{X}\\mathbf{w} - \\mathbf{y})_i^2'
"""


@pytest.mark.parametrize(
    "step, code",
    [
        (r"\sum_{i=1}^n (\mathbf{X}\mathbf{w} - \mathbf{y})_i X_{ik}", 0),
        ("0", 1),  # the definition's bracket entries are written out before differentiating
    ],
)
def test_a_definition_with_bracket_entries_is_differentiated_through_them(tmp_path, step, code):
    entry = r"(\nabla_{\mathbf w} L)_k"
    verified_as(tmp_path, HEADER + DEFINITION + chain("entry of the gradient", entry, step), code)


def test_entries_of_diag_and_of_gradients(nt):
    assert holds(nt, r"\operatorname{diag}(\mathbf{w})_{kl} = [k = l] w_k")
    assert not holds(nt, r"\operatorname{diag}(\mathbf{w})_{kl} = w_k")
    assert nt.expression(r"(\nabla_{\mathbf w} (\mathbf{w}^\top \mathbf{w}))_k") == sympy.Derivative(
        MatrixElement(wm.T * wm, 0, 0), w[k]
    )
    assert holds(nt, r"(\nabla_{\mathbf w} (\mathbf{w}^\top \mathbf{w}))_k = 2 w_k")
    assert fails(nt, r"(\nabla_{\mathbf w} (\mathbf{w}^\top \mathbf{w}))_k = w_k")


def test_a_product_with_a_derivative_of_a_matrix_says_what_to_write(nt):
    message = error_of(nt, r"\frac{\partial \mathbf{w}^\top}{\partial w_k} \mathbf{w}").message
    assert "put what is differentiated in brackets" in message


def test_a_one_by_one_matrix_is_a_scalar_where_a_scalar_is_expected(nt):
    quadratic = MatrixElement(wm.T * wm, 0, 0)
    assert nt.expression(r"t - \mathbf{w}^\top \mathbf{w}") == t_symbol() - quadratic
    assert nt.expression(r"\sqrt{\mathbf{w}^\top \mathbf{w}}") == sympy.sqrt(quadratic)
    assert nt.expression(r"\log(1 + \exp(\mathbf{w}^\top \mathbf{w}))") == sympy.log(1 + sympy.exp(quadratic))
    assert nt.expression(r"\frac{t}{\mathbf{w}^\top \mathbf{w}}") == t_symbol() / quadratic


def test_one_by_one_engine(nt):
    assert holds(nt, r"\mathbf{w}^\top \mathbf{w} + t = t + \sum_{k=1}^p w_k^2")
    assert fails(nt, r"\mathbf{w}^\top \mathbf{w} + t = t + \sum_{k=1}^p w_k")
    assert fails(nt, r"\nabla_{\mathbf w} \log(1 + \exp(\mathbf{w}^\top \mathbf{w})) = \frac{\exp(\mathbf{w}^\top \mathbf{w})}{1 + \exp(\mathbf{w}^\top \mathbf{w})} \mathbf{w}")


def test_ellipses_up_to_a_literal_index_are_written_out(nt):
    assert nt.expression(r"\begin{bmatrix} w_1 & \cdots & w_3 \end{bmatrix}") == sympy.ImmutableMatrix([[w[1], w[2], w[3]]])
    u = sympy.Symbol("u", integer=True)  # t is declared: the summation variable is named apart
    assert nt.expression(r"w_1^3 + \dots + w_3^3") == sympy.Sum(w[u] ** 3, (u, 1, 3))
    assert holds(nt, r"\begin{bmatrix} w_1 & \cdots & w_3 \end{bmatrix} \begin{bmatrix} w_1 \\ \vdots \\ w_3 \end{bmatrix} = w_1^2 + \dots + w_3^2")
    assert fails(nt, r"\begin{bmatrix} w_1 & \cdots & w_3 \end{bmatrix} \begin{bmatrix} w_1 \\ \vdots \\ w_3 \end{bmatrix} = w_1 + \dots + w_3")


def test_the_norm_of_a_vector_expression_is_the_root_of_its_square(nt):
    residual = ym - Xm * wm
    assert nt.expression(r"\|\mathbf{y} - \mathbf{X}\mathbf{w}\|") == sympy.sqrt(MatrixElement(residual.T * residual, 0, 0))
    assert holds(nt, r"\nabla_{\mathbf w} \frac{1}{2}\|\mathbf{y} - \mathbf{X}\mathbf{w}\|^2 = \mathbf{X}^\top (\mathbf{X}\mathbf{w} - \mathbf{y})")
    assert fails(nt, r"\nabla_{\mathbf w} \|\mathbf{y} - \mathbf{X}\mathbf{w}\|^2 = \mathbf{X}^\top (\mathbf{X}\mathbf{w} - \mathbf{y})")
    assert "which norm" in error_of(nt, r"\|\mathbf{X}\|").message
