"""latex2sympy2's traps, each shown raw and then read correctly by symcheck.

This is the only test file that calls latex2sympy2 directly: every test first shows what
the raw library does wrong, then what symcheck's layer (``symcheck.read.backend`` or the
notation layer on top of it) gives instead.
"""

from __future__ import annotations

import warnings

import pytest
import sympy

with warnings.catch_warnings():  # antlr4 4.7.2 imports the deprecated typing.io
    warnings.simplefilter("ignore", DeprecationWarning)
    import latex2sympy2

from symcheck.read.backend import LatexError, parse_latex
from symcheck.model import Derivation, IndexDecl, SizeDecl, SymbolDecl, SymbolKind
from symcheck.read.notation import Notation
from symcheck.model.symbols import build_symbol_table


def raw(text: str):
    """latex2sympy2 as it is, from a clean state (other tests leave state behind)."""
    latex2sympy2.var = {}
    latex2sympy2.variances = {}
    return latex2sympy2.latex2sympy(text)


@pytest.fixture(scope="module")
def notation() -> Notation:
    derivation = Derivation(
        path="t.toml",
        source="t.txt",
        title="traps",
        sizes=(SizeDecl("N"),),
        indices=(IndexDecl("i", 1, "N"), IndexDecl("j", 1, "N"), IndexDecl("k", 1, "N")),
        symbols=(
            SymbolDecl("a", SymbolKind.VECTOR, shape=("N",)),
            SymbolDecl("s", SymbolKind.VECTOR, shape=("N",)),
            SymbolDecl("x", SymbolKind.VECTOR, shape=("N",)),
            SymbolDecl("J"),
            SymbolDecl("W", SymbolKind.MATRIX, shape=("N", "N")),
            SymbolDecl("M", SymbolKind.MATRIX, shape=("N", "N")),
        ),
    )
    return Notation(build_symbol_table(derivation))


def S(name: str, **assumptions) -> sympy.Symbol:
    return sympy.Symbol(name, **assumptions)


N = S("N", integer=True, positive=True)
i, j, k = (S(n, integer=True) for n in "ijk")
a, s_, x_ = (sympy.IndexedBase(n, real=True) for n in "asx")


# ---------------------------------------------------------------- traps


def test_log_is_natural(notation):
    assert str(raw(r"\log x")) == "log(x, 10)"
    assert parse_latex(r"\log x") == sympy.log(S("x"), 10)  # the thin wrapper keeps it
    assert notation.expression(r"\log x_1") == sympy.log(x_[1])
    assert notation.expression(r"log(J)") == sympy.log(S("J", real=True))


def test_subscript_in_a_sum_depends_on_the_index(notation):
    summed = raw(r"\sum_{k=1}^N a_k")
    assert summed.doit() == S("N") * S("a_k")  # a_k is a constant: N * a_k
    ours = notation.expression(r"\sum_{k=1}^N a_k")
    assert ours == sympy.Sum(a[k], (k, 1, N))
    assert ours.doit() != N * a[k]


def test_parenthesised_superscript_is_an_index(notation):
    assert raw(r"x^{(j)}") == S("x") ** S("j")
    assert notation.expression(r"x^{(j)}") == x_[j]


def test_dJ_by_dW_stays_a_derivative(notation):
    assert raw(r"\frac{dJ}{dW}").doit() == 0
    ours = notation.expression(r"\frac{dJ}{dW}")
    assert isinstance(ours, sympy.Derivative)
    assert ours.expr == S("J", real=True)
    assert ours.variables == (sympy.MatrixSymbol("W", N, N),)


def test_delta_fraction_is_a_derivative_not_a_cancellation(notation):
    cancelled = sympy.simplify(raw(r"\frac{\delta J}{\delta W}"))
    assert cancelled == S("J") / S("W")
    ours = notation.expression(r"\frac{\delta J}{\delta W}")
    assert isinstance(ours, sympy.Derivative) and ours.expr == S("J", real=True)


def test_partial_with_subscripts(notation):
    with pytest.raises(Exception, match="Unrecognized symbol"):
        raw(r"\frac{\partial S_i}{\partial a_j}")
    assert notation.expression(r"\frac{\partial s_i}{\partial a_j}") == sympy.Derivative(s_[i], a[j])


def test_transpose_of_a_matrix(notation):
    assert raw(r"J^T") == S("J")
    assert notation.expression(r"M^T") == sympy.MatrixSymbol("M", N, N).T
    assert notation.expression(r"M^{T}") == notation.expression(r"M^\top") == notation.expression(r"M^\intercal")


def test_indicator(notation):
    assert raw(r"1_{\{i=j\}} - s_j") == 1
    assert notation.expression(r"1_{\{i=j\}} - s_j") == sympy.KroneckerDelta(i, j) - s_[j]


def test_assignment_does_not_leak():
    latex2sympy2.latex2latex("x = 3")
    assert latex2sympy2.latex2latex("x + 1") == "4"  # raw: x is now 3
    with pytest.raises(LatexError):
        parse_latex("x = 3")  # refused: a relation, and nothing is stored
    assert parse_latex("x + 1") == S("x") + 1
    assert parse_latex("x") == S("x")


def test_i_and_j_are_not_the_imaginary_unit():
    latex2sympy2.latex2latex("i=I")  # what latex2sympy2 runs at import (symcheck clears it)
    latex2sympy2.latex2latex("j=I")
    assert latex2sympy2.latex2latex("i^2") == "-1"
    assert latex2sympy2.latex2latex("j^2") == "-1"
    assert parse_latex("i^2") == S("i") ** 2
    assert parse_latex("j^2") == S("j") ** 2


def test_capital_i_is_not_the_imaginary_unit():
    assert raw("I") == sympy.I
    assert parse_latex("I") == S("I")


def test_differential_atom_breaks_later_parses_raw_only():
    raw("y dx")
    with pytest.raises(TypeError):
        latex2sympy2.latex2sympy("a_k")  # its global 'var' is now a Symbol
    parse_latex("y dx")
    assert parse_latex("a_k") == S("a_k")


def test_errors_are_latex_errors_with_a_column():
    with pytest.raises(Exception) as raised:
        raw("a b +")
    assert type(raised.value) is Exception
    with pytest.raises(LatexError) as ours:
        parse_latex("a b +")
    assert ours.value.column == 5
    assert ours.value.latex == "a b +"
    assert ours.value.caret() == "a b +\n     ^"
    with pytest.raises(LatexError) as converted:
        parse_latex(r"\frac{\partial S_i}{\partial a_j}")  # a bare Exception inside
    assert "Unrecognized symbol" in converted.value.message


def test_type_error_becomes_latex_error(notation):
    with pytest.raises(TypeError):
        raw(r"-\begin{bmatrix} 1 & 2 \end{bmatrix}")
    with pytest.raises(LatexError):
        parse_latex(r"-\begin{bmatrix} 1 & 2 \end{bmatrix}")
    assert notation.expression(r"-\begin{bmatrix} 1 & 2 \end{bmatrix}") == sympy.ImmutableMatrix([[-1, -2]])


@pytest.mark.parametrize("text, column", [("x )", 2), ("a b +", 5), ("(x", 2)])
def test_trailing_garbage_is_an_error(text, column):
    with pytest.raises(LatexError) as raised:
        parse_latex(text)
    assert raised.value.column == column


def test_trailing_parenthesis_dropped_raw():
    assert raw("x )") == S("x")


def test_lists_and_relations_are_not_expressions():
    assert isinstance(raw("a, b"), list)
    assert isinstance(raw("p_1 < 2"), sympy.StrictLessThan)
    for text, column in [("a, b", 0), ("p < 2", 2), ("f(x=3)", 3), ("x = 3", 2)]:
        with pytest.raises(LatexError) as raised:
            parse_latex(text)
        assert raised.value.column == column, text


def test_falling_factorial_rewrite(notation):
    assert str(raw(r"(x)_{k}")) == "factorial(x)/factorial(-k + x)"
    with pytest.raises(LatexError):
        notation.expression(r"(J)_{k}")


def test_prime_is_dropped_raw(notation):
    assert raw("f'(x)") == S("f") * S("x")
    assert raw("x'") == S("x")
    f = sympy.Function("f")
    assert notation.expression("f'(J)") == sympy.Derivative(f(S("J", real=True)), S("J", real=True))


def test_thousands_separator(notation):
    assert raw("2,222") == 2222
    with pytest.raises(LatexError):
        notation.expression("2,222")


def test_sum_without_limits(notation):
    with pytest.raises(Exception):
        raw(r"\sum_k a_k")
    assert notation.expression(r"\sum_k a_k") == sympy.Sum(a[k], (k, 1, N))


def test_derivative_operator_takes_the_next_group(notation):
    x, y = S("x"), S("y")
    whole = raw(r"\frac{d}{dx}(x^2) y")  # raw: d/dx applies to everything after it
    assert whole.variables == (x,) and sympy.simplify(whole.expr - x**2 * y) == 0
    J = S("J", real=True)
    ours = notation.expression(r"\frac{d}{d a_1}(a_1^2) J")
    assert ours == sympy.Derivative(a[1] ** 2, a[1]) * J


def test_matrices_are_immutable_sympy_objects():
    result = parse_latex(r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}")
    assert isinstance(result, sympy.ImmutableMatrix)


def test_parse_order_independence(notation):
    texts = ["x = 3", "x", "i^2", "y dx", "a_k", r"\frac{dJ}{dW}", "A = 2", "A", r"\log x", "I", "j"]

    def run(order):
        results = {}
        for text in order:
            try:
                results[text] = parse_latex(text)
            except LatexError as error:
                results[text] = ("error", error.message, error.column)
        return results

    assert run(texts) == run(list(reversed(texts)))
    seeds = [r"\sum_k a_k", r"x^{(j)}", r"1_{\{i=j\}} - s_j", r"\frac{dJ}{dW}", r"M^T", r"\log x_1"]
    forward = [notation.expression(t) for t in seeds]
    backward = [notation.expression(t) for t in reversed(seeds)]
    assert forward == list(reversed(backward))


def test_not_a_string():
    with pytest.raises(LatexError):
        parse_latex(3)  # type: ignore[arg-type]
    with pytest.raises(LatexError):
        parse_latex("   ")


def test_sll_and_ll_agree_on_emitted_skeletons():
    """parse_latex tries ANTLR's fast SLL mode first: it must read these as LL does."""
    from symcheck.read.backend import _backend, _syntax_tree

    backend = _backend()
    module = backend.module
    skeletons = [
        r"\mathit{zz0}\mathit{zz1}-\mathit{zz2}(1-\mathit{zz3})",
        r"\frac{\mathit{zz0}}{\mathit{zz1}}-(\mathit{zz2})^{2}",
        r"\ln \mathit{zz0} \mathit{zz1}+2",
    ]
    for text in skeletons:
        sll = module.convert_relation(_syntax_tree(backend, text, backend.sll).relation())
        ll = module.convert_relation(_syntax_tree(backend, text, backend.ll).relation())
        assert sympy.srepr(sll) == sympy.srepr(ll), text
