"""The notation layer, construct by construct, on the seeds' own LaTeX."""

from __future__ import annotations


import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symcheck.read.backend import LatexError
from symcheck.model import (
    Derivation,
    Domain,
    FunctionDecl,
    IndexDecl,
    RewriteRule,
    SizeDecl,
    SymbolDecl,
    SymbolKind,
)
from symcheck.read.notation import Notation
from symcheck.model.symbols import Row, build_symbol_table

VECTOR, MATRIX = SymbolKind.VECTOR, SymbolKind.MATRIX

DERIVATION = Derivation(
    path="t.toml",
    source="t.txt",
    title="notation",
    sizes=(SizeDecl("N"), SizeDecl("K"), SizeDecl("c"), SizeDecl("m")),
    indices=(
        IndexDecl("i", 1, "N"),
        IndexDecl("j", 1, "N"),
        IndexDecl("k", 1, "N"),
        IndexDecl("l", 1, "N"),
        IndexDecl("n", 1, "c"),
    ),
    symbols=(
        SymbolDecl("a", VECTOR, shape=("N",)),
        SymbolDecl("S", VECTOR, Domain.PROBABILITY, shape=("N",)),
        SymbolDecl("p", VECTOR, Domain.PROBABILITY, shape=("N",)),
        SymbolDecl("y", VECTOR, Domain.ONE_HOT, shape=("N",)),
        SymbolDecl("s", VECTOR, shape=("N",)),
        SymbolDecl("z", VECTOR, shape=("N",)),
        SymbolDecl("x", VECTOR, shape=("m",)),
        SymbolDecl("Y", MATRIX, Domain.ONE_HOT, shape=("c", "K")),
        SymbolDecl("J", MATRIX, shape=("N", "N")),
        SymbolDecl("W", MATRIX, shape=("N", "N")),
        SymbolDecl("softmax", MATRIX, Domain.POSITIVE, shape=("c", "m"), latex=r"\text{softmax}"),
        SymbolDecl("L", latex=r"\mathcal{L}"),
        SymbolDecl("u"),
        SymbolDecl("Z", domain=Domain.POSITIVE),
        SymbolDecl("theta", VECTOR, shape=("c",)),
    ),
    functions=(FunctionDecl("f"), FunctionDecl("g"), FunctionDecl("h")),
    rewrites=(RewriteRule(r"D_#1S_#2", r"\frac{\partial S_{#2}}{\partial a_{#1}}"),),
)


@pytest.fixture(scope="module")
def nt() -> Notation:
    return Notation(build_symbol_table(DERIVATION), DERIVATION.rewrites)


TABLE = build_symbol_table(DERIVATION)
N, K, c, m = (TABLE.sizes[name] for name in ("N", "K", "c", "m"))
i, j, k, l, n = (TABLE.indices[name] for name in "ijkln")
a, S, p, y, s, z, x, Y, softmax, theta = (
    TABLE.bases[name] for name in ("a", "S", "p", "y", "s", "z", "x", "Y", "softmax", "theta")
)
L, u, Zs = TABLE.scalars["L"], TABLE.scalars["u"], TABLE.scalars["Z"]
f, g, h = (TABLE.functions[name] for name in "fgh")
P, Yv = TABLE.matrix_symbol("p"), TABLE.matrix_symbol("y")
Jm, Wm = TABLE.matrix_symbol("J"), TABLE.matrix_symbol("W")
KD = sympy.KroneckerDelta


def same(a_: object, b_: object) -> bool:
    if a_ == b_:
        return True
    return sympy.simplify(a_ - b_) == 0


def err(nt: Notation, latex: str, method: str = "expression") -> LatexError:
    with pytest.raises(LatexError) as raised:
        getattr(nt, method)(latex)
    assert raised.value.latex == latex
    assert 0 <= raised.value.column <= len(latex)
    return raised.value


# ---------------------------------------------------------------- log and exp


@pytest.mark.parametrize("latex", [r"\log u", r"\log(u)", "log(u)", r"\ln u", r"\log\left(u\right)", r"\text{log}(u)"])
def test_log_is_natural(nt, latex):
    assert nt.expression(latex) == sympy.log(u)


def test_log_with_a_base_and_exp(nt):
    assert nt.expression(r"\log_2 u") == sympy.log(u, 2)
    assert nt.expression(r"e^{u}") == nt.expression(r"\exp(u)") == nt.expression(r"\exp u") == sympy.exp(u)
    assert nt.expression("e") == sympy.E
    assert nt.expression(r"e^{a_j}e^{a_i}") == sympy.exp(a[i]) * sympy.exp(a[j])


def test_log_argument_without_parentheses_is_a_product(nt):
    assert nt.expression(r"-\sum_{k=1}^N y_k \log p_k") == -sympy.Sum(y[k] * sympy.log(p[k]), (k, 1, N))
    assert nt.expression(r"\log p_k + 1") == sympy.log(p[k]) + 1


# ---------------------------------------------------------------- names and subscripts


@pytest.mark.parametrize(
    "latex, expected",
    [
        ("a_k", a[k]),
        ("a_{k}", a[k]),
        ("S_i", S[i]),
        ("s_1", s[1]),
        ("a_N", a[N]),
        ("a_{k+1}", a[k + 1]),
        ("Y_{n,k}", Y[n, k]),
        ("Y_{nk}", Y[n, k]),
        (r"\theta_n", theta[n]),
        ("u", u),
        ("Z", Zs),
    ],
)
def test_declared_subscripts(nt, latex, expected):
    assert nt.expression(latex) == expected


@pytest.mark.parametrize(
    "latex, name",
    [("b_k", "b_k"), ("b_{k}", "b_k"), ("q_{n,k}", "q_{n,k}"), (r"\sigma_n", "sigma_n"), ("v", "v"), ("u_i", "u_i")],
)
def test_undeclared_names_are_plain_symbols(nt, latex, name):
    assert nt.expression(latex) == sympy.Symbol(name)


def test_assumptions_come_from_the_declaration(nt):
    assert nt.expression("u").is_real
    assert nt.expression("Z").is_positive
    assert nt.expression("p_1").is_positive


def test_bare_vectors_are_column_matrix_symbols(nt):
    assert nt.expression("p") == P
    assert nt.expression("p").shape == (N, 1)
    assert nt.expression("p - y") == P - Yv
    assert nt.expression(r"-y \oslash p") == -sympy.HadamardProduct(Yv, sympy.HadamardPower(P, -1))


def test_latex_names(nt):
    assert nt.expression(r"\mathcal{L}") == L
    assert nt.expression(r"\text{softmax}_n(x^{(j)})") == softmax[n, j]
    assert nt.expression(r"\log(\text{softmax}_n(x^{(j)}))") == sympy.log(softmax[n, j])


def test_label_subscripts_and_shape_annotations(nt):
    assert nt.expression(r"J_{softmax}") == sympy.Symbol("J_{softmax}")
    assert nt.expression(r"W_{N \times N}") == Wm
    assert nt.expression(r"C_{N \times K}") == sympy.MatrixSymbol("C", N, K)


def test_signature_parentheses_name_the_symbol(nt):
    assert nt.expression(r"\mathcal{L}(y, s)") == L
    assert nt.expression(r"u(1 - u)") == u * (1 - u)


def test_parenthesised_superscript_is_an_index(nt):
    assert nt.expression(r"x^{(j)}") == x[j]
    assert nt.expression(r"x^{(j)} + 1") == x[j] + 1


def test_star_on_a_real_vector_is_refused_unless_declared_as_its_spelling(nt):
    with pytest.raises(LatexError, match="declare the starred name"):
        nt.expression(r"s - y^*")
    spelled = Derivation(path="", source="", title="", sizes=(SizeDecl("K"),),
                         symbols=(SymbolDecl("y", SymbolKind.VECTOR, shape=("K",), other_latex=("y^*",)),))
    table = build_symbol_table(spelled)
    assert Notation(table).expression(r"y^*") == table.matrix_symbol("y")


# ---------------------------------------------------------------- indicators


@pytest.mark.parametrize(
    "latex",
    [r"1_{\{i=j\}}", r"1\{i=j\}", r"1(i=j)", r"\mathbb{1}_{\{i=j\}}", r"\mathbb{1}_{i=j}", r"\delta_{ij}", r"\delta_{i,j}"],
)
def test_indicators_are_kronecker_deltas(nt, latex):
    assert nt.expression(latex) == KD(i, j)


def test_indicator_in_context(nt):
    assert nt.expression(r"1_{\{i=j\}} - s_j") == KD(i, j) - s[j]
    assert nt.expression(r"1_{\{i \neq j\}}") == 1 - KD(i, j)
    assert nt.expression(r"1(1 - u)") == 1 - u  # no relation inside: a product


# ---------------------------------------------------------------- sums and products


@pytest.mark.parametrize("latex", [r"\sum_{k=1}^N a_k", r"\sum_k a_k", r"\sum_{k} a_k", r"\sum\limits_{k=1}^{N} a_{k}"])
def test_sums(nt, latex):
    assert nt.expression(latex) == sympy.Sum(a[k], (k, 1, N))


def test_sum_limits(nt):
    assert nt.expression(r"\sum_{i}^{k} a_i") == sympy.Sum(a[i], (i, 1, k))
    assert nt.expression(r"\sum_{k=0}^c a_k") == sympy.Sum(a[k], (k, 0, c))
    assert nt.expression(r"\sum_{n \neq i} a_n") == sympy.Sum((1 - KD(n, i)) * a[n], (n, 1, c))
    assert nt.expression(r"\prod_{k=1}^N a_k") == sympy.Product(a[k], (k, 1, N))
    assert nt.expression(r"\sum_{q=1}^{3} q") == sympy.Sum(sympy.Symbol("q"), (sympy.Symbol("q"), 1, 3))


def test_sum_body_is_a_product(nt):
    assert nt.expression(r"\sum_k a_k + 1") == sympy.Sum(a[k], (k, 1, N)) + 1
    assert nt.expression(r"\sum_k a_k S_k - u") == sympy.Sum(a[k] * S[k], (k, 1, N)) - u
    assert nt.expression(r"\sum_k a_k \cdot S_k") == sympy.Sum(a[k] * S[k], (k, 1, N))
    assert nt.expression(r"u \sum_k a_k") == u * sympy.Sum(a[k], (k, 1, N))
    nested = nt.expression(r"\sum_{i} \sum_{k} a_i S_k")
    assert nested == sympy.Sum(a[i] * S[k], (k, 1, N), (i, 1, N))
    softmax_sum = nt.expression(r"\frac{(\sum_k e^{a_k})(e^{a_i}) - (e^{a_i})(e^{a_j})}{(\sum_k e^{a_k})^2}")
    total = sympy.Sum(sympy.exp(a[k]), (k, 1, N))
    assert same(softmax_sum, (total * sympy.exp(a[i]) - sympy.exp(a[i]) * sympy.exp(a[j])) / total**2)


def test_sum_over_an_undeclared_index_needs_limits(nt):
    error = err(nt, r"u + \sum_q a_q")
    assert error.column == 9


# ---------------------------------------------------------------- ellipsis sums


@pytest.mark.parametrize(
    "latex, term, upper",
    [
        (r"e^{a_1}+e^{a_2}+...+e^{a_K}", lambda t: sympy.exp(a[t]), K),
        (r"e^{z_1} + \dots + e^{z_N}", lambda t: sympy.exp(z[t]), N),
        (r"a_1 + a_2 + \cdots + a_N", lambda t: a[t], N),
        (r"S_1 a_1 + \ldots + S_N a_N", lambda t: S[t] * a[t], N),
    ],
)
def test_ellipsis_sums(nt, latex, term, upper):
    value = nt.expression(latex)
    assert isinstance(value, sympy.Sum)
    t = value.variables[0]
    assert value.limits[0][1:] == (1, upper)
    assert value.function == term(t)


def test_ellipsis_sum_keeps_other_terms(nt):
    value = nt.expression(r"u + a_1 + a_2 + \dots + a_N")
    (t,) = [arg for arg in value.args if isinstance(arg, sympy.Sum)][0].variables
    assert value == u + sympy.Sum(a[t], (t, 1, N))
    assert nt.expression(r"[e^{z_1} + \dots + e^{z_N}]").function == sympy.exp(z[t])


@pytest.mark.parametrize(
    "latex",
    [
        r"[0 + \dots e^{z_j} + \dots 0]",
        r"a_1 + \dots",
        r"a_1 + a_2 + \dots + u",
        r"\begin{bmatrix} a_1 & \dots \\ \vdots & \ddots \end{bmatrix}",
        r"w_1 w_2...w_K",
    ],
)
def test_unreadable_ellipses_are_errors(nt, latex):
    error = err(nt, latex)
    assert latex[error.column :].startswith(("\\dots", "\\vdots", "...", "\\ddots")), error


# ---------------------------------------------------------------- derivatives


@pytest.mark.parametrize(
    "latex, expected",
    [
        (r"\frac{\partial S_i}{\partial a_j}", sympy.Derivative(S[i], a[j])),
        (r"\dfrac{\partial S_i}{\partial a_j}", sympy.Derivative(S[i], a[j])),
        (r"\frac{d\mathcal{L}}{da_j}", sympy.Derivative(L, a[j])),
        (r"\frac{dL}{du}", sympy.Derivative(L, u)),
        (r"\frac{\delta \mathcal{L}}{\delta W}", sympy.Derivative(L, Wm)),
        (r"\frac{\partial L}{\partial p}", sympy.Derivative(L, P)),
        # one index on a declared matrix is its row (issue 11): softmax_n is row n of softmax
        (r"\frac{d\text{softmax}_n}{d\theta_i}", sympy.Derivative(Row(TABLE.matrix_symbol("softmax"), n), theta[i])),
        (r"\frac{\partial}{\partial z_j} (\log(s_i))", sympy.Derivative(sympy.log(s[i]), z[j])),
        (r"\frac{d}{du} [u^2]", sympy.Derivative(u**2, u)),
        (r"\frac{\partial}{\partial z_j} \left(z_i\right)", sympy.Derivative(z[i], z[j])),
        (r"\frac{\partial}{\partial z_j} \sum_{l=1}^N e^{z_l}", sympy.Derivative(sympy.Sum(sympy.exp(z[l]), (l, 1, N)), z[j])),
        (r"\mathrm{d}", sympy.Symbol("d")),
    ],
)
def test_derivatives_stay_unevaluated(nt, latex, expected):
    assert nt.expression(latex) == expected


def test_derivative_of_a_quotient_written_with_over(nt):
    value = nt.expression(r"\dfrac{\partial {e^{a_i} \over \sum_{k=1}^N e^{a_k}}}{\partial a_j}")
    assert value == sympy.Derivative(sympy.exp(a[i]) / sympy.Sum(sympy.exp(a[k]), (k, 1, N)), a[j])


def test_operator_applies_to_a_bracket_or_to_the_whole_term(nt):
    assert nt.expression(r"\frac{\partial}{\partial s_i} (u) * s_i") == sympy.Derivative(u, s[i]) * s[i]
    assert nt.expression(r"\frac{d}{du} u^2 S_1") == sympy.Derivative(u**2 * S[1], u)


def test_d_is_a_differential_only_in_derivative_shape(nt):
    d = sympy.Symbol("d")
    assert nt.expression(r"\frac{d e^{u}}{\sum_k e^{a_k}}") == d * sympy.exp(u) / sympy.Sum(sympy.exp(a[k]), (k, 1, N))
    assert nt.expression(r"\frac{d}{2}") == d / 2
    assert nt.expression(r"\frac{\delta_{ij}}{\delta_{kl}}") == KD(i, j) / KD(k, l)
    assert nt.expression(r"\frac{d_1}{d_2}") == sympy.Symbol("d_1") / sympy.Symbol("d_2")
    declared = Derivation(path="", source="", title="", symbols=(SymbolDecl("d"), SymbolDecl("q")))
    with_d = Notation(build_symbol_table(declared))
    q = sympy.Symbol("q", real=True)
    # a declared d never breaks a derivative (issue 11)
    assert with_d.expression(r"\frac{dq}{dq}") == sympy.Derivative(q, q, evaluate=False)
    assert with_d.expression(r"\frac{d}{dq} q^2") == sympy.Derivative(q**2, q, evaluate=False)
    assert with_d.expression(r"\frac{dq}{d}") == q


def test_primes_on_functions(nt):
    assert nt.expression("f'(u)") == sympy.Derivative(f(u), u)
    assert nt.expression("f'(2u)") == nt.expression("f'(2u)")  # no Dummy: the same each time
    assert nt.expression("f'(2u)").doit() == sympy.Subs(sympy.Derivative(f(sympy.Symbol("_t")), sympy.Symbol("_t")), sympy.Symbol("_t"), 2 * u).doit()
    assert nt.expression("f''(u)") == sympy.Derivative(f(u), (u, 2))
    value = nt.expression(r"{g'(u)h(u) - g(u)h'(u) \over h(u)^2}")
    assert same(value, (sympy.Derivative(g(u), u) * h(u) - g(u) * sympy.Derivative(h(u), u)) / h(u) ** 2)


def test_unsupported_derivatives_are_errors(nt):
    assert err(nt, r"\frac{\partial^2 u}{\partial u}").message.startswith("the order 2 above differs")
    assert "positive integer" in err(nt, r"\frac{d^{1/2} u}{d u^{1/2}}").message
    err(nt, r"\frac{\partial}{\partial u}")
    err(nt, r"\frac{\partial u}{\partial (u + 1)}")
    err(nt, r"\partial u")


# ---------------------------------------------------------------- transposes, diag, element-wise


@pytest.mark.parametrize("latex", ["J^T", "J^{T}", r"J^\top", r"J^\intercal", r"J^{\top}"])
def test_transposes(nt, latex):
    assert nt.expression(latex) == Jm.T


def test_transpose_of_scalars_and_derivatives(nt):
    assert nt.expression("u^T") == u
    assert nt.expression("a_i^T") == a[i]
    value = nt.expression(r"\left(\frac{\partial p}{\partial s} \right)^T")
    assert value == sympy.transpose(sympy.Derivative(P, TABLE.matrix_symbol("s")))
    assert nt.expression(r"(p - y)^T") == (P - Yv).T


def test_diag_and_outer_products(nt):
    assert nt.expression(r"\text{diag}(p) - pp^T") == sympy.DiagMatrix(P) - P * P.T
    assert nt.expression(r"\operatorname{diag}(p)") == sympy.DiagMatrix(P)
    assert nt.expression(r"\text{diag}([1, 2])") == sympy.ImmutableMatrix([[1, 0], [0, 2]])
    assert nt.expression(r"p \otimes y") == P * Yv.T
    assert nt.expression(r"p \odot y") == sympy.HadamardProduct(P, Yv)
    assert nt.expression(r"u \odot p") == u * P
    assert nt.expression(r"a_1 \otimes (s - y)") == a[1] * (TABLE.matrix_symbol("s") - Yv)


def test_elementwise_on_explicit_matrices(nt):
    M = sympy.ImmutableMatrix
    assert nt.expression(r"[2, 2, 2] \odot 0.1") == M([[sympy.Rational(1, 5)] * 3])
    assert nt.expression(r"[2, 2, 2] \odot -0.7") == M([[sympy.Rational(-7, 5)] * 3])
    assert nt.expression(r"[1, 2] \otimes [3, 4]") == M([[3, 4], [6, 8]])
    assert nt.expression(r"[1, 2] \oslash [2, 4]") == M([[sympy.Rational(1, 2)] * 2])
    outer = nt.expression(r"[2, 2, 2] \otimes ([0.1, 0.7, 0.3] - [0, 0, 1])")
    assert outer == M([[sympy.Rational(1, 5), sympy.Rational(7, 5), sympy.Rational(-7, 5)]] * 3)


def test_shape_mismatch_is_an_error(nt):
    err(nt, "[1, 2] + [1, 2, 3]")
    err(nt, r"[1, 2] \odot [1, 2, 3]")


@pytest.mark.parametrize("latex", [r"\frac{u}{p}", "u / p", "p^2", "p^{-1}", r"\log p", r"\sqrt{p}", r"\text{diag}(u)"])
def test_matrix_misuse_is_an_error(nt, latex):
    err(nt, latex)


def test_square_matrix_powers(nt):
    assert nt.expression("J^{-1}") == Jm**-1
    assert nt.expression("J^2") == Jm**2


def test_block_matrix_of_vectors(nt):
    assert nt.expression(r"\begin{bmatrix} p \\ y \end{bmatrix}") == sympy.BlockMatrix([[P], [Yv]])
    err(nt, r"\begin{bmatrix} p & u \end{bmatrix}")


# ---------------------------------------------------------------- matrices and lists


def test_matrix_environments(nt):
    M = sympy.ImmutableMatrix
    for env in ("pmatrix", "bmatrix", "matrix"):
        value = nt.expression(rf"\begin{{{env}}} p_1(1-p_1) & -p_1p_2 \\ -p_2p_1 & p_2(1-p_2) \end{{{env}}}")
        assert value == M([[p[1] * (1 - p[1]), -p[1] * p[2]], [-p[1] * p[2], p[2] * (1 - p[2])]])
    column = nt.expression(r"\begin{bmatrix} -y_1/p_1 \\ -y_2/p_2 \end{bmatrix}")
    assert column == M([[-y[1] / p[1]], [-y[2] / p[2]]])
    blocks = nt.expression(r"\begin{bmatrix} [2, 2] \odot 0.5 \\ [2, 2] \odot 2 \end{bmatrix}")
    assert blocks == M([[1, 1], [4, 4]])
    product = nt.expression(r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix} \begin{bmatrix} 1 \\ 1 \end{bmatrix}")
    assert product == M([[3], [7]])
    scaled = nt.expression(r"-\frac{y_1}{p_1} \begin{bmatrix} p_1 \\ p_2 \end{bmatrix}")
    assert scaled == M([[-y[1]], [-y[1] * p[2] / p[1]]])


def test_list_literals(nt):
    assert nt.expression("[2, 2, 2]") == sympy.ImmutableMatrix([[2, 2, 2]])
    assert nt.expression("[0.1, 0.7, u]") == sympy.ImmutableMatrix([[sympy.Rational(1, 10), sympy.Rational(7, 10), u]])
    assert nt.expression("[1 - u]") == 1 - u
    err(nt, "[p, y]")


def test_ragged_matrix_is_an_error(nt):
    err(nt, r"\begin{bmatrix} 1 & 2 \\ 3 \end{bmatrix}")


def test_cases(nt):
    value = nt.expression(r"\begin{cases} e^{a_j} & \text{if $i = j$,} \\ 0 & \text{if $i \neq j.$} \end{cases}")
    assert value == sympy.Piecewise((sympy.exp(a[j]), sympy.Eq(i, j)), (0, True))
    value = nt.expression(r"\begin{cases} 1 & \text{if } i=j \\ 0 & \text{otherwise (as const)} \end{cases}")
    assert value == sympy.Piecewise((1, sympy.Eq(i, j)), (0, True))


# ---------------------------------------------------------------- fractions, operators, grouping


@pytest.mark.parametrize(
    "latex",
    [r"\frac{u}{2}", r"\dfrac{u}{2}", r"\tfrac{u}{2}", r"{u \over 2}", r"\dfrac {u} {2}", "u/2", r"u \div 2", r"\frac u2"],
)
def test_fractions(nt, latex):
    assert nt.expression(latex) == u / 2


@pytest.mark.parametrize("latex", [r"u \cdot S_1", r"u \times S_1", "u * S_1", "u S_1", r"\left(u\right) (S_1)", r"\cancel{u} S_1"])
def test_products(nt, latex):
    assert nt.expression(latex) == u * S[1]


@pytest.mark.parametrize(
    "latex, expected",
    [
        ("S_i(1-S_j)", S[i] * (1 - S[j])),
        ("-S_jS_i", -S[i] * S[j]),
        ("y_1p_2", y[1] * p[2]),
        (r"{\dfrac{a_1}{a_2}}{\dfrac{a_3}{a_4}}", a[1] * a[3] / (a[2] * a[4])),
        (r"\frac{1}{a_1} \cdot \frac{\partial a_1}{\partial u}", sympy.Derivative(a[1], u) / a[1]),
        (r"\frac{a_1}{a_2} a_3", a[1] * a[3] / a[2]),
        (r"a_1 / (a_2 a_3)", a[1] / (a[2] * a[3])),
        (r"a_1 / a_2 \cdot a_3", a[1] * a[3] / a[2]),
        (r"-a_1 a_2 + a_3", -a[1] * a[2] + a[3]),
        (r"a_1 \cdot -a_2", -a[1] * a[2]),
        ("2^{3} a_1", 8 * a[1]),
        (r"\sqrt{a_1}", sympy.sqrt(a[1])),
        (r"\sqrt[3]{a_1}", sympy.root(a[1], 3)),
        (r"\sin^2 u + \cos^{2}(u)", sympy.sin(u) ** 2 + sympy.cos(u) ** 2),
        (r"(a_1 + a_2)^2", (a[1] + a[2]) ** 2),
        ("3!", 6),
    ],
)
def test_implicit_multiplication_and_precedence(nt, latex, expected):
    assert same(nt.expression(latex), expected)


@pytest.mark.parametrize("latex", [r"a_1 / a_2 a_3", "1/2 u S_1", "1/2u", r"u \div 2 S_1", r"1/\sin u \cos u",
                                   "u/2 (S_1 + 1)"])
def test_a_division_by_a_product_written_side_by_side_is_not_read(nt, latex):
    """(a/b) c to one reader, a/(b c) to another: `E = 1/2 m v^2` was read 1/(2 m v^2)."""
    with pytest.raises(LatexError, match=r"\(a/b\) c or a/\(b c\)") as raised:
        nt.expression(latex)
    assert latex[raised.value.column] in "/\\"


def test_matrix_products_keep_their_order(nt):
    value = nt.expression(r"W J - J W")
    assert value == Wm * Jm - Jm * Wm
    assert nt.expression("pp^T") == P * P.T
    assert nt.expression("p^Tp") == P.T * P


def test_functions(nt):
    assert nt.expression("f(u)") == f(u)
    assert nt.expression("f(u, 2)") == f(u, 2)
    assert nt.expression(r"\sigma(s_1)") == sympy.Function("sigma")(s[1])
    assert nt.expression(r"f_i(y^{(j)})") == sympy.Function("f_i")(y[j])
    # an undeclared name that is not a function by convention, definition or spelling:
    # the parenthesis is a factor (issue 11: n(n+1) is a product)
    assert nt.expression(r"\delta_n(y^{(j)})") == sympy.Symbol("delta_n") * y[j]
    assert nt.expression(r"\text{Softmax}_n(u)") == sympy.Function(r"\text{Softmax}_n")(u)
    err(nt, "f + 1")


# ---------------------------------------------------------------- rewrite rules


def test_rewrite_rules(nt):
    assert nt.expression("D_jS_i") == sympy.Derivative(S[i], a[j])
    assert nt.expression("D_{j}S_{i}") == sympy.Derivative(S[i], a[j])
    assert nt.equation("D_jS_i = S_i(1-S_j)") == [sympy.Derivative(S[i], a[j]), S[i] * (1 - S[j])]


def test_rewrite_rules_must_terminate():
    looping = Notation(TABLE, [RewriteRule("q", "q q")])
    with pytest.raises(LatexError, match="keep applying"):
        looping.expression("q")


def test_error_inside_a_rewrite_points_at_the_match():
    broken = Notation(TABLE, [RewriteRule("Q_#1", r"\frac{\partial}{\partial #1}")])
    latex = "u + Q_j"
    with pytest.raises(LatexError) as raised:
        broken.expression(latex)
    assert raised.value.column == 4


# ---------------------------------------------------------------- tidy, equations, conditions


@pytest.mark.parametrize(
    "latex, tidy",
    [
        (r"&= u \\", "u"),
        (r"& = S_i(1-S_j) \\", "S_i(1-S_j)"),
        (r"1_{\{i=j\}} - s_j \quad \text{--- (2)}", r"1_{\{i=j\}} - s_j"),
        (r"u \quad \text{--- ①}", "u"),
        (r"\therefore \boxed{u = 1}", "u = 1"),
        (r"\Rightarrow u.", "u"),
        (r"\rightarrow u,", "u"),
        (r"\left( u \right)", "( u )"),
        (r"S_j = u \forall j \in 1..N", "S_j = u"),
        (r"s_i = u \quad \forall i = 1 \dots n", "s_i = u"),
        (r"\text{So, } u = 1", "u = 1"),
        (r"\left.u\right|", "u|"),
    ],
)
def test_tidy(nt, latex, tidy):
    assert nt.tidy(latex) == tidy


def test_equations_split_at_top_level(nt):
    assert nt.equation("u = u = 1") == [u, u, 1]
    assert nt.equation(r"\sum_{k=1}^N a_k = 1") == [sympy.Sum(a[k], (k, 1, N)), 1]
    assert nt.equation(r"1_{\{i=j\}} = 1") == [KD(i, j), 1]
    assert err(nt, r"u = \text{a=b}", "equation").column == 4  # one side: '=' in \text is text
    assert len(nt.equation(r"&= 1(i=j)")) == 1
    assert nt.equation(r"\therefore \boxed{\frac{\partial L}{\partial s} = p - y}") == [
        sympy.Derivative(L, TABLE.matrix_symbol("s")),
        P - Yv,
    ]
    assert nt.equation("u := 1") == [u, 1]
    assert nt.equation("u == 1") == [u, 1]


def test_empty_sides_are_errors(nt):
    assert err(nt, "u = ", "equation").column == 3
    assert err(nt, "u = = 1", "equation").column == 3


def test_expression_refuses_relations(nt):
    assert err(nt, "u = 1").column == 2
    assert err(nt, r"u \neq 1").column == 2


@pytest.mark.parametrize(
    "latex, expected",
    [
        ("i = j", sympy.Eq(i, j)),
        (r"i \neq j", sympy.Ne(i, j)),
        (r"i \ne j", sympy.Ne(i, j)),
        (r"n \neq i", sympy.Ne(n, i)),
        ("i = j, k = 1", sympy.And(sympy.Eq(i, j), sympy.Eq(k, 1))),
        (r"i = j \text{ and } k \neq l", sympy.And(sympy.Eq(i, j), sympy.Ne(k, l))),
        (r"\text{if $i = j$,}", sympy.Eq(i, j)),
        (r"i == j", sympy.Eq(i, j)),
        (r"i != j", sympy.Ne(i, j)),
        (r"1 \le i \le N", sympy.And(sympy.Le(1, i), sympy.Le(i, N))),
        (r"y^{(j)} = n", sympy.Eq(y[j], n)),
    ],
)
def test_conditions(nt, latex, expected):
    assert nt.condition(latex) == expected


def test_condition_needs_a_relation(nt):
    err(nt, "i", "condition")
    err(nt, "", "condition")


# ---------------------------------------------------------------- error columns


@pytest.mark.parametrize(
    "latex, at",
    [
        (r"S_i + \foo", r"\foo"),
        (r"a_{\foo}", r"\foo"),
        (r"&=  u + \text{ when } 1", r"\text{ when }"),
        (r"\frac{1}{u} + \unknown", r"\unknown"),
        (r"u + (1 - \bar", r"\bar"),
        (r"u + (1 - u", r"("),
        (r"u + 1 - u)", r")"),
        (r"u \cdot", r"\cdot"),
        (r"\sum_k a_k + * u", r"*"),
        ("u + 0_i", "_i"),
        (r"\mathbb{R}^N", r"\mathbb{R}"),
        (r"(u)_{k}", r"_{k}"),
    ],
)
def test_error_columns_point_into_the_original(nt, latex, at):
    error = err(nt, latex)
    assert latex[error.column :].startswith(at), (error.message, error.column)


def test_errors_show_a_caret(nt):
    error = err(nt, r"u + \foo")
    assert error.caret() == "u + \\foo\n    ^"
    assert "u + \\foo" in str(error)


def test_multiline_caret(nt):
    latex = "u +\n  \\foo"
    error = err(nt, latex)
    assert error.caret() == "  \\foo\n  ^"


# ---------------------------------------------------------------- the two arithmetic paths agree


SEED_LATEX = [
    r"\dfrac {e^{a_i }\sum_{k=1}^N e^{a_k}-e^{a_j}e^{a_i}}{(\sum_{k=1}^N e^{a_k})^2}",
    r"\dfrac {e^{a_i}}{\sum_{k=1}^N e^{a_k}}{\dfrac {\dfrac {e^{a_i}}{\sum_{k=1}^N e^{a_k}}-e^{a_i}} {\sum_{k=1}^N e^{a_k}}}",
    r"-\dfrac {e^{a_j}}{\sum_{k=1}^N e^{a_k}}{\dfrac {e^{a_i}} {\sum_{k=1}^N e^{a_k}}}",
    r"-S_jS_i",
    r"S_i(1-S_j)",
    r"\frac{(\sum_k e^{s_k})(e^{s_i}) - (e^{s_i})(e^{s_i})}{(\sum_k e^{s_k})^2}",
    r"p_i - p_i^2",
    r"\text{diag}(p) - pp^T",
    r"W J - J W",
    r"= - \sum_{i=1}^c \frac{y_i}{s_i} * \cancel{s_i} * (1_{\{i=j\}} - s_j)",
    r"s_j \sum_{i=1}^N y_i - \sum_{i=1}^N y_i \times 1_{\{i=j\}}",
    r"\frac{1}{\sum_{l=1}^N e^{z_l}} \cdot \frac{\partial}{\partial z_j} [e^{z_1} + \dots + e^{z_N}]",
    r"z_i - \log\left(\sum_{l=1}^N e^{z_l}\right)",
    r"\frac{e^{a_1}}{e^{a_0} + e^{a_1}} - \frac{1}{1 + e^{-(a_1 - a_0)}}",
    r"\log u \cdot a_1 + \ln(a_2) a_3",
    r"\begin{bmatrix} -y_1(1-p_1) + y_2p_1 \\ y_1p_2 - y_2(1-p_2) \end{bmatrix}",
]


# a function without brackets takes what follows it up to an operator or another function
FUNCTION_ARGUMENTS = [
    (r"\sin u / u", sympy.sin(u) / u),
    (r"\log u \cdot a_1", sympy.log(u) * a[1]),
    (r"\ln u \times a_1 + 1", sympy.log(u) * a[1] + 1),
    (r"\sin 2u", sympy.sin(2 * u)),
    (r"\sin u a_1", sympy.sin(u * a[1])),
    (r"\sin -u", sympy.sin(-u)),
    (r"\sin \ln u", sympy.sin(sympy.log(u))),
    (r"\sin u \cos u", sympy.sin(u) * sympy.cos(u)),
    (r"\exp u^2 / 2", sympy.exp(u ** 2) / 2),
    (r"\cos(u)^2 a_1", sympy.cos(u) ** 2 * a[1]),
    (r"\cos(u)^2 (a_1 + 1)", sympy.cos(u) ** 2 * (a[1] + 1)),
    (r"\sin u! + 1", sympy.sin(sympy.factorial(u)) + 1),
]


@pytest.mark.parametrize("latex, expected", FUNCTION_ARGUMENTS)
def test_a_function_without_brackets_takes_its_factor_only(nt, reference, latex, expected):
    """`\\sin x / x` is sin(x)/x and `\\ln x \\cdot y` is ln(x) y; latex2sympy2 read sin(x/x) = sin(1)
    and ln(x y), so `\\ln x \\cdot y = \\ln(xy)` was proved. Both arithmetic paths read them so."""
    assert same(nt.expression(latex), expected)
    assert same(reference.expression(latex), expected)


@pytest.fixture(scope="module")
def reference() -> Notation:
    return Notation(TABLE, DERIVATION.rewrites, fast=False)


@pytest.mark.parametrize("latex", SEED_LATEX)
def test_fast_arithmetic_agrees_with_latex2sympy2(nt, reference, latex):
    assert nt.expression(latex) == reference.expression(latex)


# ---------------------------------------------------------------- fuzz: LatexError or a value, nothing else

TOKENS = [
    r"\frac", "{", "}", "_", "^", r"\sum", r"\prod", "a", "p", "k", "u", "x", "d", "e", "1", "2", "0.5",
    "+", "-", "*", "/", "=", "(", ")", "[", "]", r"\left(", r"\right)", r"\partial", r"\log", r"\cdot",
    r"\text{diag}", r"\begin{bmatrix}", r"\end{bmatrix}", "&", r"\\", ",", r"\dots", r"\{", r"\}", "'",
    r"\odot", r"\otimes", r"\mathbb{1}", r"\delta", "T", " ", r"\over", r"\sqrt", r"\neq", "...", r"\text{ so }",
]


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), min_size=0, max_size=14))
def test_fuzz_only_latex_errors(nt, tokens):
    latex = "".join(tokens)
    try:
        value = nt.expression(latex)
    except LatexError as error:
        assert 0 <= error.column <= len(latex)
        return
    assert isinstance(value, (sympy.Expr, sympy.MatrixExpr, sympy.MatrixBase))


def test_declared_multi_letter_function_in_plain_letters():
    from symcheck.model import FunctionDecl

    declared = Derivation(path="", source="", title="", symbols=(SymbolDecl("s"), SymbolDecl("x")),
                          functions=(FunctionDecl("softmax"), FunctionDecl("f")))
    nt = Notation(build_symbol_table(declared))
    softmax, x, s = sympy.Function("softmax"), sympy.Symbol("x", real=True), sympy.Symbol("s", real=True)
    assert nt.expression(r"softmax(x)") == softmax(x)
    assert nt.expression(r"\text{softmax}(x)") == softmax(x)
    assert nt.expression(r"s x") == s * x
