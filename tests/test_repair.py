"""Suggested repairs: the smallest text edit of a refuted step that the engine proves."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from symcheck.cli import cli
from symcheck.engine.settings import Settings
from symcheck.verify.documents import verify_file
from symcheck.verify.edits import Vocabulary, candidates, edits, last_side

NOTATION = """
[sizes]
N = {}
[indices]
i = { range = [1, "N"] }
j = { range = [1, "N"] }
k = { range = [1, "N"] }
[symbols]
a = { kind = "vector", shape = ["N"] }
x = {}
[functions]
f = {}
g = {}
h = {}
"""


def write_note(folder: Path, body: str) -> Path:
    note = folder / "note.md"
    note.write_text(body, encoding="utf-8")
    (folder / "note.toml").write_text(NOTATION, encoding="utf-8")
    return note


def check(*args: str):
    return CliRunner().invoke(cli, ["check", "-j", "1", *args], catch_exceptions=False)


# ---------------------------------------------------------------- the edits (text only)


def texts(latex: str, **vocabulary) -> list[str]:
    return [text for text, _ in candidates(latex, Vocabulary(**vocabulary))]


def test_sign_edits_flip_each_operator_and_negate_each_term():
    found = texts("a - b + c")
    assert "a + b + c" in found and "a - b - c" in found and "-a - b + c" in found


def test_index_edits_change_one_subscript_or_swap_two():
    found = texts("x_i y_j", indices=("i", "j", "k"))
    assert "x_k y_j" in found and "x_j y_i" in found and "x_i y_i" in found


def test_limits_fraction_exponent_and_transpose_edits():
    assert r"\sum_{k=1}^{N-1} a_k" in texts(r"\sum_{k=1}^N a_k", sizes=("N",))
    assert r"\sum_{k=0}^N a_k" in texts(r"\sum_{k=1}^N a_k")
    assert r"\frac{b}{a}" in texts(r"\frac{a}{b}")
    assert "(a+b)" in texts("(a+b)^2") and "(a+b)^{3}" in texts("(a+b)^2")
    assert r"W^\top x" in texts("W x", arrays=("W",)) and "W x" in texts(r"W^\top x")


def test_terms_and_factors_are_dropped_or_taken_from_a_neighbour():
    assert "a" in texts("a + b") and "b" in texts("a b")
    assert "a - c" in texts("a", neighbours=("a - c",)) and "c a" in texts("a", neighbours=("c",))


def test_a_function_call_is_one_factor():
    found = texts("g(x)h(x)", functions=("g", "h"))
    assert "h(x)" in found and "g(-x)h(x)" not in found


def test_text_names_are_never_edited():
    assert all(r"\text{Likelihood}" in text for text in texts(r"\text{Likelihood} = a - b"))


def test_cheapest_edit_first_and_each_text_once():
    listed = edits("a - b + c")
    assert [edit.cost for edit in listed] == sorted(edit.cost for edit in listed)
    results = [edit.apply("a - b + c") for edit in listed]
    assert len(results) == len(set(results))


def test_a_definition_keeps_its_left_side():
    latex = "S_j = e^{a_i}"
    assert all(text.startswith("S_j") for text, _ in candidates(latex, Vocabulary(indices=("i", "j")), last_side(latex)))


# ---------------------------------------------------------------- the search (engine)


QUOTIENT = r"""A quotient.

$$f(x) = {g(x) \over h(x)} \Rightarrow f'(x) = {g'(x)h(x) + g(x)h'(x) \over h(x)^2}$$
"""


def test_sign_slip_gets_a_proved_repair_in_the_authors_latex(tmp_path):
    note = write_note(tmp_path, QUOTIENT)
    result = check(str(note), "--format", "json")
    step = json.loads(result.output)["documents"][0]["chains"][0]["steps"][0]
    assert step["verdict"] == "refuted"
    repair = step["repair"]
    assert repair["latex"] == r"{g'(x)h(x) - g(x)h'(x) \over h(x)^2}"
    assert repair["verdict"] == "proved" and repair["edit"]["kind"] == "sign"
    assert repair["edit"]["written"] == "+" and repair["edit"]["replacement"] == "-"


def test_repair_in_terminal_and_github_annotation(tmp_path):
    note = write_note(tmp_path, QUOTIENT)
    assert "did you mean: {g'(x)h(x) - g(x)h'(x) \\over h(x)^2}" in check(str(note)).output
    github = check(str(note), "--format", "github").output
    assert github.startswith("::error") and "did you mean:" in github


def test_no_repair_when_switched_off(tmp_path):
    note = write_note(tmp_path, QUOTIENT)
    assert "did you mean" not in check(str(note), "--no-repair").output


def test_no_repair_is_invented_when_no_small_edit_holds(tmp_path):
    note = write_note(tmp_path, "$$x^2 + 1 = e^{x} \\cdot 7$$\n")
    result = check(str(note), "--format", "json")
    step = json.loads(result.output)["documents"][0]["chains"][0]["steps"][0]
    assert step["verdict"] == "refuted" and step["repair"] is None


def test_exponent_slip_in_a_step_is_repaired(tmp_path):
    note = write_note(tmp_path, "$$\\frac{d}{dx} x^3 = 3 x^3$$\n")
    step = json.loads(check(str(note), "--format", "json").output)["documents"][0]["chains"][0]["steps"][0]
    assert step["repair"]["latex"] == "3 x^{2}" and step["repair"]["edit"]["kind"] == "exponent"


def test_undeclared_error_gets_the_repair_a_declared_erratum_names(tmp_path):
    """verify searches repairs for what nobody declared; a declared erratum already names its fix."""
    intended = '\\sum_{k=1}^N a_k = \\sum_{k=1}^N a_k'
    claim = "[[claims]]\nname = \"limit\"\nlatex = '\\sum_{k=2}^N a_k = \\sum_{k=1}^N a_k'\n"
    erratum = f"erratum = {{ note = \"lower limit\", intended = '{intended}' }}\n"
    header = NOTATION.replace("[sizes]", 'source = "x.md"\n[sizes]')
    undeclared, declared = tmp_path / "undeclared.toml", tmp_path / "declared.toml"
    undeclared.write_text(header + claim, encoding="utf-8")
    declared.write_text(header + claim + erratum, encoding="utf-8")
    found = verify_file(undeclared, Settings(repair_budget=5.0)).claims[0]
    assert found.decision.verdict.value == "refuted"
    assert found.repair is not None and found.repair.latex == intended
    assert verify_file(declared, Settings(repair_budget=5.0)).claims[0].repair is None
    assert verify_file(undeclared, Settings()).claims[0].repair is None


def test_a_factor_that_is_zero_is_no_repair(tmp_path):
    """d a_i / d x is 0 here (a does not depend on x): a step times it holds whatever it says,
    so adding it as a factor is not a repair of anything."""
    note = write_note(tmp_path, "$$\\frac{\\partial a_i}{\\partial x} = a_i(1 - a_j)$$\n")
    step = json.loads(check(str(note), "--format", "json").output)["documents"][0]["chains"][0]["steps"][0]
    assert step["verdict"] == "refuted"
    repair = step["repair"]
    assert repair is None or repair["edit"]["kind"] != "add factor", repair


@pytest.mark.parametrize("text", ["$$\\binom{5}{2} = 20$$\n", "$$\\lim_{x \\to 0} \\frac{\\sin x}{x} = 0$$\n"])
def test_a_term_or_factor_that_writes_the_other_side_again_is_no_repair(tmp_path, text):
    """`20 - \\binom{5}{2}` under `\\binom{5}{2}`: the edit makes the step hold by copying the
    other side into it, whatever the step said."""
    note = write_note(tmp_path, text)
    step = json.loads(check(str(note), "--format", "json").output)["documents"][0]["chains"][0]["steps"][0]
    assert step["verdict"] == "refuted"
    repair = step["repair"]
    assert repair is None or step["previous"].replace(" ", "") not in repair["latex"].replace(" ", ""), repair


def test_a_number_added_to_an_equation_between_numbers_is_no_repair(tmp_path):
    """`\\binom{4}{2} = 8` 'repaired' to `8 - 2`: any equation between numbers holds after some
    term is added, so such an edit repairs nothing."""
    note = write_note(tmp_path, "$$\\binom{4}{2} = 8$$\n")
    step = json.loads(check(str(note), "--format", "json").output)["documents"][0]["chains"][0]["steps"][0]
    assert step["verdict"] == "refuted"
    assert step["repair"] is None or step["repair"]["edit"]["kind"] not in ("add term", "add factor"), step["repair"]
