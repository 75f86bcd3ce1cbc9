"""Red team of derivation files with odd but valid-looking content: a definition against
its symbol's declared domain (binary, sign, integer), a name defined twice, sizes fixed
below their declared minimum or a size and its alias fixed apart. Each was accepted
silently and let a claim pass on a premise the declarations contradict."""

from __future__ import annotations

import pytest

from symcheck.engine.settings import Settings
from symcheck.load.derivation import InputError, load_derivation
from symcheck.model import Verdict
from symcheck.verify.documents import verify_document

SETTINGS = Settings(step_timeout=20.0)
HEAD = 'source = "x.txt"\ntitle = "red team"\n'


def verdicts(tmp_path, body: str) -> dict:
    path = tmp_path / "d.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    result = verify_document(load_derivation(path), SETTINGS)
    return {r.line: r.decision for r in result.all_results()}


def definitions(symbols: str, *latex: str) -> str:
    rows = "".join(f"[[definitions]]\nline = {n}\nlatex = '{text}'\n" for n, text in enumerate(latex, start=1))
    return f"[symbols]\n{symbols}\n{rows}"


@pytest.mark.parametrize("symbols, latex", [
    ('b = { domain = "binary" }', "b = 2"),
    ('b = { domain = "binary" }\nt = { domain = "unit-interval" }', "b = t"),
    ('s = { domain = "sign" }\nu = { domain = "sign" }', "s = 2 u"),
    ('s = { domain = "sign" }\nb = { domain = "binary" }', "s = b"),
])
def test_a_definition_outside_its_declared_two_values_is_refuted(tmp_path, symbols, latex):
    decision = verdicts(tmp_path, definitions(symbols, latex))[1]
    assert decision.verdict is Verdict.REFUTED, (latex, decision.verdict, decision.reason)
    assert decision.counterexample is not None


@pytest.mark.parametrize("symbols, latex", [
    ('s = { domain = "sign" }\nu = { domain = "sign" }', "s = -u"),
    ('b = { domain = "binary" }\nc = { domain = "binary" }', "b = c^2"),
    ('b = { domain = "binary" }\ns = { domain = "sign" }', "b = (1 + s)/2"),
])
def test_a_definition_inside_its_declared_two_values_holds(tmp_path, symbols, latex):
    decision = verdicts(tmp_path, definitions(symbols, latex))[1]
    assert decision.verdict.holds, (latex, decision.verdict, decision.reason)


def test_an_integer_definition_is_not_passed_unchecked(tmp_path):
    decision = verdicts(tmp_path, definitions('m = { domain = "integer" }\nt = {}', "m = t"))[1]
    assert not decision.verdict.holds, decision.reason


def test_a_name_defined_twice_is_bad_input(tmp_path):
    body = definitions("z = {}\nt = {}", "z = t", "z = 2t") + "[[claims]]\nname = 'c'\nline = 3\nlatex = 'z = 2t'\n"
    with pytest.raises(InputError, match="z is defined twice"):
        verdicts(tmp_path, body)


SIZES = """[sizes]
K = { min = 3 }
C = { alias = "K" }
[indices]
k = { range = [1, "K"] }
[symbols]
x = { kind = "vector", shape = ["K"] }
[[claims]]
name = "fixed"
line = 1
"""


@pytest.mark.parametrize("fixed, message", [
    ("{ K = 2 }", "below its declared minimum 3"),
    ("{ C = 2 }", "below its declared minimum 3"),
    ("{ K = 3, C = 4 }", "fixed to different values"),
])
def test_sizes_fixed_against_their_declaration_are_bad_input(tmp_path, fixed, message):
    body = SIZES + f"sizes = {fixed}\nlatex = '\\sum_{{k=1}}^{{C}} x_k = x_1 + x_2 + x_3'\n"
    with pytest.raises(InputError, match=message):
        verdicts(tmp_path, body)


def test_sizes_fixed_within_their_declaration_are_used(tmp_path):
    body = SIZES + "sizes = { K = 3, C = 3 }\nlatex = '\\sum_{k=1}^{C} x_k = x_1 + x_2 + x_3'\n"
    assert verdicts(tmp_path, body)[1].verdict is Verdict.PROVED
