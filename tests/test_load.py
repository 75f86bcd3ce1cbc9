"""The loader: strict reading of derivation files, errors with file and line."""

from pathlib import Path

import pytest
import sympy

from symcheck.load.derivation import InputError, derivation_files, load_derivation, read_derivation
from symcheck.model import Domain, SymbolKind

MINIMAL = """
source = "doc.txt"
title = "A tiny derivation"

[sizes]
N = {}
C = { alias = "N" }

[indices]
i = { range = [1, "N"] }
k = { range = [1, "N"] }

[symbols]
a = { kind = "vector", shape = ["N"] }
p = { kind = "vector", shape = ["N"], domain = "probability" }
x = {}

[[definitions]]
line = 3
latex = 'p_i = \\frac{e^{a_i}}{\\sum_{k=1}^N e^{a_k}}'

[[chains]]
name = "expand"
[[chains.steps]]
line = 5
latex = '(x+1)^2'
[[chains.steps]]
line = 6
latex = 'x^2 + 2x + 1'
"""


def write(tmp_path: Path, text: str, name: str = "doc.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_declarations(tmp_path):
    derivation = read_derivation(write(tmp_path, MINIMAL))
    assert derivation.source == "doc.txt"
    assert [s.name for s in derivation.sizes] == ["C", "N"]
    symbols = {s.name: s for s in derivation.symbols}
    assert symbols["p"].domain is Domain.PROBABILITY and symbols["p"].kind is SymbolKind.VECTOR
    assert derivation.chains[0].steps[1].line == 6


def test_alias_is_the_same_size(tmp_path):
    document = load_derivation(write(tmp_path, MINIMAL))
    assert document.scope.table.sizes["C"] is document.scope.table.sizes["N"]


def test_compiles_steps_into_equations(tmp_path):
    document = load_derivation(write(tmp_path, MINIMAL))
    (equation,) = document.chains[0].equations
    x = document.scope.table.scalars["x"]
    assert sympy.expand(equation.lhs - equation.rhs) == 0
    assert equation.lhs.has(x)
    assert document.scope.definitions[0].params == (document.scope.table.indices["i"],)


@pytest.mark.parametrize(
    "bad, message",
    [
        (MINIMAL.replace('title = "A tiny derivation"', 'title = "x'), "invalid TOML"),
        (MINIMAL.replace('domain = "probability"', 'domain = "likely"'), "not one of"),
        (MINIMAL.replace('x = {}', 'x = { colour = "red" }'), "unknown key 'colour'"),
        (MINIMAL.replace('source = "doc.txt"', ''), "missing key 'source'"),
        (MINIMAL.replace('line = 6', 'line = "seven"'), "'line' must be"),
        (MINIMAL.replace('C = { alias = "N" }', 'C = { alias = "M" }'), "alias 'M'"),
    ],
)
def test_bad_files_name_the_problem(tmp_path, bad, message):
    with pytest.raises(InputError) as caught:
        load_derivation(write(tmp_path, bad))
    assert message in caught.value.message
    assert caught.value.render().startswith(str(tmp_path / "doc.toml"))


def test_unparsable_latex_points_at_file_line_and_column(tmp_path):
    path = write(tmp_path, MINIMAL.replace("x^2 + 2x + 1", "x^2 + 2x + )"))
    with pytest.raises(InputError) as caught:
        load_derivation(path)
    error = caught.value
    assert error.line == MINIMAL.splitlines().index("latex = 'x^2 + 2x + 1'") + 1
    rendered = error.render()
    assert "x^2 + 2x + )" in rendered
    caret_line = rendered.splitlines()[-1]
    assert caret_line.strip() == "^"
    assert caret_line.index("^") - 4 == error.column


def test_toml_error_has_a_line(tmp_path):
    path = write(tmp_path, MINIMAL.replace("[indices]", "[indices"))
    with pytest.raises(InputError) as caught:
        read_derivation(path)
    assert caught.value.line == MINIMAL.splitlines().index("[indices]") + 1


def test_a_step_written_as_a_string_is_an_error_at_its_line(tmp_path):
    text = MINIMAL + "\n[[chains]]\nname = 'strings'\nsteps = ['x + 1', 'y - 1']\n"
    with pytest.raises(InputError) as caught:
        read_derivation(write(tmp_path, text))
    assert "must be a table" in caught.value.message
    assert caught.value.line == text.splitlines().index("steps = ['x + 1', 'y - 1']") + 1


def test_derivation_files_expands_directories_in_order(tmp_path):
    for name in ("b.toml", "a.toml", "notes.md"):
        write(tmp_path, MINIMAL, name)
    assert [p.name for p in derivation_files([tmp_path])] == ["a.toml", "b.toml"]
    with pytest.raises(InputError):
        derivation_files([tmp_path / "missing.toml"])


def test_fixed_sizes_instantiate_a_chain(tmp_path):
    text = MINIMAL.replace('name = "expand"', 'name = "expand"\nsizes = { N = 3 }').replace(
        "latex = '(x+1)^2'", "latex = '\\sum_{k=1}^N a_k'"
    ).replace("latex = 'x^2 + 2x + 1'", "latex = 'a_1 + a_2 + a_3'")
    (equation,) = load_derivation(write(tmp_path, text)).chains[0].equations
    assert sympy.expand(equation.lhs.doit() - equation.rhs) == 0


def test_declared_size_minimum_bounds_counterexamples(tmp_path):
    """A counterexample must lie inside the declared domain, sizes included."""
    from symcheck.engine.ladder import decide_equation

    text = MINIMAL.replace("N = {}", "N = { min = 3 }").replace(
        "latex = '(x+1)^2'", "latex = 'a_1'").replace("latex = 'x^2 + 2x + 1'", "latex = 'a_1 + a_2'")
    (equation,) = load_derivation(write(tmp_path, text)).chains[0].equations
    decision = decide_equation(equation)
    assert decision.verdict.value == "refuted"
    assert int(decision.counterexample.point["N"]) >= 3
