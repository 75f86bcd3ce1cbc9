"""A side whose logarithm or root SymPy simplifies away while it is read (e^{ln x} is x) would
be defined where the side as written is not: the reader refuses it, never a proof of it."""

import json

import pytest
import sympy
from click.testing import CliRunner

from symcheck.cli import cli
from symcheck.model import Derivation, Domain, SymbolDecl
from symcheck.model.symbols import build_symbol_table
from symcheck.read.backend import LatexError
from symcheck.read.notation import Notation

COLLAPSING = [
    r"e^{\ln x}",
    r"\left(\sqrt{x}\right)^2",
    r"\frac{\ln x}{\ln x}",
    r"\ln x - \ln x",
    r"0 \cdot \ln x",
    r"\sqrt{x} \cdot \sqrt{x}",
    r"e^{2 \ln (x + y)}",
    r"\left(\sqrt[4]{x + y}\right)^4",
]
OUT_OF_RANGE_EVEN_IF_POSITIVE = [r"\sin(\arcsin x)", r"\cos(\cos^{-1} (2 x))", r"e^{2 \ln (x - 1)}"]
KEPT = [r"\ln(e^{x})", r"\sqrt{x^2}", r"e^{y \ln x}", r"\ln x + 1", r"\sqrt{x} + \ln x",
        r"\frac{1}{2 \sqrt{x}}", r"\frac{1}{\sqrt{1 - x^2}}", r"\sqrt{4 x} \cdot x", r"\frac{\ln x}{2}"]


def notation(domain: Domain = Domain.REAL) -> Notation:
    symbols = tuple(SymbolDecl(name, domain=domain) for name in ("x", "y"))
    return Notation(build_symbol_table(Derivation(path="t.toml", source="t.txt", title="t", symbols=symbols)))


@pytest.mark.parametrize("latex", COLLAPSING + OUT_OF_RANGE_EVEN_IF_POSITIVE)
def test_a_simplified_away_log_or_root_of_a_variable_is_refused(latex):
    with pytest.raises(LatexError, match="SymPy simplifies .* away here"):
        notation().expression(latex)


@pytest.mark.parametrize("latex", OUT_OF_RANGE_EVEN_IF_POSITIVE)
def test_positive_is_not_enough_where_the_range_is_narrower(latex):
    with pytest.raises(LatexError, match="SymPy simplifies .* away here"):
        notation(Domain.POSITIVE).expression(latex)


@pytest.mark.parametrize("latex", COLLAPSING)
def test_declared_positive_it_is_read(latex):
    assert isinstance(notation(Domain.POSITIVE).expression(latex), sympy.Basic)


@pytest.mark.parametrize("latex", KEPT)
def test_what_sympy_keeps_or_what_is_defined_everywhere_is_read(latex):
    assert isinstance(notation().expression(latex), sympy.Basic)


def test_the_value_of_a_function_is_its_authors_business():
    """\\log f(x) - \\log f(x): the sign of f's values is not a slip the reader can see."""
    assert notation().expression(r"\ln \sin(x) - \ln \sin(x)") == 0


def test_a_note_does_not_prove_what_is_undefined_for_negative_values(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("$$e^{\\ln x} = x$$\n\n$$\\ln(x^2) = 2 \\ln x$$\n", encoding="utf-8")
    (tmp_path / "note.toml").write_text("[symbols]\nx = {}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "-j", "1", "--no-cache", "--strict", "--format", "json", str(note)])
    steps = [step for chain in json.loads(result.output)["documents"][0]["chains"] for step in chain["steps"]]
    assert [step["verdict"] for step in steps] == ["unknown", "refuted"]
    assert "SymPy simplifies" in steps[0]["reason"]
    assert result.exit_code == 1

