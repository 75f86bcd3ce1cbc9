"""Notation-file features of issue 11 item 4, on a notation file and a note written for this
test (tests/notation_files/features.*): several LaTeX spellings of one symbol, constants,
indexed families (one index on a declared matrix is its row), elementwise functions, and the
binary/sign/integer/nonnegative domains. Each has a reader test (what the file and the LaTeX
read as) and an engine test (one true and one false statement, decided by the engine);
and a sum that lost its brackets (\\sum_k a_k + b_k) is flagged, never decided silently."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import sympy
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from symcheck.load.derivation import InputError, read_notation
from symcheck.model import Verdict
from symcheck.model.indexranges import stray_bound_index
from symcheck.model.symbols import MatrixSum, Row, build_symbol_table
from symcheck.read.notation import Notation
from symcheck.verify.notes import check_note

HERE = Path(__file__).parent / "notation_files"
NOTATION = HERE / "features.toml"


@pytest.fixture(scope="module")
def table():
    return build_symbol_table(read_notation(NOTATION))


@pytest.fixture(scope="module")
def nt(table):
    return Notation(table)


@pytest.fixture(scope="module")
def steps():
    return steps_of_note()


@functools.lru_cache(maxsize=1)
def steps_of_note() -> dict:
    """line -> verdicts of the steps on it, in the note written for these features."""
    result = check_note(HERE / "features.md", NOTATION).result
    found: dict[int, list[Verdict]] = {}
    for chain in result.chains:
        for step in chain.steps:
            found.setdefault(step.line, []).append(step.decision.verdict)
    return found


def decides(steps: dict, line: int) -> bool:
    """The line's first step (true) holds and its second (false) is refuted."""
    true_step, false_step = steps[line]
    return true_step.holds and false_step is Verdict.REFUTED


def refuses(tmp_path: Path, toml: str, message: str) -> None:
    """A notation file with `toml` is bad input, with `message`."""
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(InputError, match=message):
        read_notation(path)


# ---------------------------------------------------------------- several spellings of one symbol


def test_several_latex_spellings_read_as_one_symbol(table, nt):
    declared = read_notation(NOTATION)
    w = next(s for s in declared.symbols if s.name == "w")
    assert (w.latex, w.other_latex) == (r"\mathbf{w}", ("w",))
    assert nt.expression(r"\mathbf{w}^\top \mathbf{s}") == nt.expression(r"w^\top \mathbf{s}")
    assert nt.expression("w_m") == table.bases["w"][table.indices["m"]]
    assert nt.expression(r"\eta") == nt.expression("h") == sympy.Rational(1, 2)


def test_several_spellings_engine(steps):
    assert decides(steps, 5)  # \sigma(\mathbf{s})^\top w = ... (w is \mathbf{w})


def test_a_spelling_list_must_hold_strings(tmp_path):
    refuses(tmp_path, "[symbols]\nw = { latex = ['\\\\mathbf{w}', 3] }\n", "'latex' must be a string or a list")


# ---------------------------------------------------------------- constants


def test_constants_read_as_their_values(nt):
    assert nt.expression(r"\jmath") == sympy.I
    assert nt.expression(r"e^{\jmath \pi}") == -1
    assert nt.expression("h") == sympy.Rational(1, 2)  # 0.5 read exactly, digit by digit


def test_constants_engine(steps):
    assert decides(steps, 7)  # e^{\jmath \pi} = -1 = 1
    assert decides(steps, 11)  # h + \eta = 1 = 2 h^2


@pytest.mark.parametrize("value", ['"tau"', '"1/2"', "true", "1e300", "nan"])
def test_a_constant_value_is_a_known_name_or_a_number(tmp_path, value):
    refuses(tmp_path, f"[constants]\nc = {{ value = {value} }}\n", "'value' must be")


def test_a_constant_takes_no_subscript(nt):
    from symcheck.read.backend import LatexError

    with pytest.raises(LatexError, match="declared a constant"):
        nt.expression("h_1")


# ---------------------------------------------------------------- indexed families: a row of a matrix


def test_one_index_on_a_declared_matrix_is_its_row(table, nt):
    i, m = table.indices["i"], table.indices["m"]
    row = nt.expression(r"\mathbf{x}_i")
    assert row == Row(table.matrix_symbol("x"), i)
    assert row.shape == (table.sizes["p"], 1)  # a vector of size p, as x_i in R^p
    assert nt.expression(r"x_{im}") == table.bases["x"][i, m]  # two indices: an entry, as before
    assert nt.expression(r"\mathbf{x}_i^\top \mathbf{w}") == Row(table.matrix_symbol("x"), i).T * table.matrix_symbol("w")


def test_rows_engine(steps):
    assert decides(steps, 3)  # x_i^T w = sum_m x_im w_m = ... + 1


def test_a_sum_over_a_declared_index_set(table, nt):
    i, n = table.indices["i"], table.sizes["n"]
    assert nt.expression(r"\sum_{i \in \mathcal{D}} w_1") == sympy.Sum(table.bases["w"][1], (i, 1, n))
    from symcheck.read.backend import LatexError

    with pytest.raises(LatexError, match="declared as an index's `set`"):
        nt.expression(r"\sum_{i \in \mathcal{S}} w_1")


def test_an_inner_product_of_rows_inside_a_function_engine(steps):
    assert decides(steps, 13)  # sum_{i in D} exp(x_i^T w) = ... = exp(x_i1 w_1)


def test_the_gradient_of_a_function_of_an_inner_product_with_a_row_engine(steps):
    assert decides(steps, 19)  # d/dw_m sigma(x_i^T w) = sigma'(x_i^T w) x_im


def test_a_sum_of_vectors_is_one_vector(table, nt):
    value = nt.expression(r"\sum_{i=1}^n \mathbf{x}_i")
    assert isinstance(value, MatrixSum) and value.shape == (table.sizes["p"], 1)
    assert table.indices["i"] not in value.free_symbols  # bound by the sum


def test_a_sum_of_vectors_engine(steps):
    assert decides(steps, 21)  # sum_i exp(x_i^T w) x_i = ... = sum_i s exp(..)


def test_an_inner_product_is_a_scalar_in_a_sum_engine(steps):
    assert decides(steps, 23)  # x_i^T w - log(s^T w) = ...


# ---------------------------------------------------------------- elementwise functions


def test_an_elementwise_function_applies_to_each_entry(table, nt):
    value = nt.expression(r"\sigma(\mathbf{s})")
    assert isinstance(value, ElementwiseApplyFunction) and value.shape == (table.sizes["p"], 1)
    sigma, m = table.functions["sigma"], table.indices["m"]
    assert nt.expression(r"\sigma(s_m)") == sigma(table.bases["s"][m])  # on a scalar: as before


def test_elementwise_engine(steps):
    assert decides(steps, 5)


def test_an_entry_of_an_elementwise_function_is_the_function_of_the_entry(table, nt):
    sigma, s, x = table.functions["sigma"], table.bases["s"], table.bases["x"]
    i, m = table.indices["i"], table.indices["m"]
    assert nt.expression(r"\sigma(\mathbf{s})_m") == sigma(s[m])
    assert nt.expression(r"\sigma(\mathbf{x}_i)_m") == sigma(x[i, m])
    assert decides(steps_of_note(), 17)


def test_a_declared_function_takes_its_argument_in_brackets_too(table, nt):
    assert nt.expression(r"\sigma[s_1]") == table.functions["sigma"](table.bases["s"][1])  # as bias[X], E[X]
    assert decides(steps_of_note(), 15)


def test_only_a_function_of_one_argument_is_elementwise(tmp_path):
    refuses(tmp_path, "[functions]\nf = { arity = 2, elementwise = true }\n", "elementwise function has one argument")


# ---------------------------------------------------------------- domains


def test_the_sign_domain_is_sampled_as_minus_one_and_one(table, steps):
    t = table.scalars["t"]
    assert t.is_integer and t.is_nonzero
    assert decides(steps, 9)  # t^2 = 1 = t: refuted at t = -1


# ---------------------------------------------------------------- a sum that lost its brackets


def test_an_index_used_outside_its_sum_is_found(table, nt):
    lhs, rhs = nt.equation(r"\sum_{m=1}^p (w_m + s_m) = \sum_{m=1}^p w_m + s_m")
    assert stray_bound_index(rhs, lhs) == "m"
    assert stray_bound_index(lhs, rhs) is None
    lhs, rhs = nt.equation(r"s_m + \sum_{m=1}^p w_m = \sum_{m=1}^p w_m + s_m")
    assert stray_bound_index(rhs, lhs) is None  # m is free on the other side too: meant as written
    lhs, rhs = nt.equation(r"\frac{\partial}{\partial w_m} \sum_{m=1}^p w_m^2 = 2 w_m")
    assert stray_bound_index(lhs, rhs) is None  # the usual reuse of a name in d/dw_m


def test_an_index_used_outside_its_sum_is_a_warning_whatever_the_verdict(tmp_path):
    (tmp_path / "n.toml").write_text(
        '[sizes]\nn = {}\n[indices]\nk = { range = [1, "n"] }\n'
        '[symbols]\na = { kind = "vector", shape = ["n"] }\nb = { kind = "vector", shape = ["n"] }\n'
    )
    (tmp_path / "n.md").write_text("$$\\sum_{k=1}^n (a_k + b_k) = \\sum_{k=1}^n a_k + b_k$$\n\n"
                                   "$$\\sum_{k=1}^n (a_k + b_k) = \\sum_{k=1}^n a_k + \\sum_{k=1}^n b_k$$\n")
    result = check_note(tmp_path / "n.md", tmp_path / "n.toml").result
    flagged = {step.line: [r.message for r in step.remarks if r.severity == "warning"]
               for chain in result.chains for step in chain.steps}
    assert flagged[1] and "k is used outside its sum (missing brackets?)" in flagged[1][0]
    assert flagged[3] == []
