"""Readings of math nobody here wrote (corpus lines and seed lines left unread or misread
before): each on a small note or notation written for it, and each reading checked, so a
misread shows as a refutation or a wrong value, never as a pass."""

from __future__ import annotations


import pytest

from symcheck.model import Verdict
from symcheck.verify.notes import check_note

from .note_fixtures import SETTINGS, verdicts

VECTOR_X = """\
[sizes]
n = {{}}
[indices]
i = {{ range = [1, "n"] }}
[symbols]
x = {{ kind = "vector", shape = ["n"], {spelling} }}
b = {{}}
"""


@pytest.mark.parametrize("declaration, verdict", [
    ("latex = '\\mathbf{x}', plain_scalar = true", Verdict.REFUTED),  # plain x a scalar: x^2 is not x^T x
    ("latex = '\\mathbf{x}'", Verdict.PROVED),  # by default plain x is the same vector
    ("latex = ['\\mathbf{x}', 'x']", Verdict.PROVED),
])
def test_a_plain_bare_letter_is_a_scalar_of_its_own_only_where_declared_so(tmp_path, declaration, verdict):
    notation = VECTOR_X.format(spelling=declaration)
    assert verdicts(tmp_path, "$$x^\\top x = \\mathbf{x}^\\top\\mathbf{x}$$\n", notation) == [verdict]


def test_the_single_variable_case_beside_a_bold_vector_is_a_scalar_derivative_where_declared(tmp_path):
    notation = VECTOR_X.format(spelling="latex = '\\mathbf{x}', plain_scalar = true")
    text = "In the single variable case $$\\frac{d}{dx}(bx) = b$$ and $$\\frac{d}{dx}(bx) = 2b$$\n"
    assert verdicts(tmp_path, text, notation) == [Verdict.PROVED, Verdict.REFUTED]


def test_entries_of_a_vector_whose_plain_name_is_a_scalar_are_still_its_entries(tmp_path):
    notation = VECTOR_X.format(spelling="latex = '\\mathbf{x}', plain_scalar = true")
    text = "$$\\sum_{i=1}^{n} x_i^2 = \\mathbf{x}^\\top \\mathbf{x}$$\n"
    assert verdicts(tmp_path, text, notation) == [Verdict.PROVED]


LEAST_SQUARES = """\
[sizes]
n = {}
d = {}
[symbols]
X = { kind = "matrix", shape = ["n", "d"], latex = '\\mathbf{X}' }
y = { kind = "vector", shape = ["n"], latex = '\\mathbf{y}' }
w = { kind = "vector", shape = ["d"], latex = '\\mathbf{w}' }
a = {}
"""


def test_a_starred_scalar_is_a_name_of_its_own_named_by_its_first_value(tmp_path):
    text = "$$a^* = 2a$$\n\nso $$a^* + a^* = 4a$$ and $$a^* = 3a$$\n"
    assert verdicts(tmp_path, text, LEAST_SQUARES) == [Verdict.PROVED, Verdict.REFUTED]


def test_a_starred_vector_is_named_by_its_first_value_and_stays_unread_elsewhere(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("$$\\mathbf{w}^* = (\\mathbf X^\\top \\mathbf X)^{-1}\\mathbf X^\\top \\mathbf{y}$$\n\n"
                    "so $$\\mathbf{X}\\mathbf{w}^* = \\mathbf{y}$$\n", encoding="utf-8")
    toml = tmp_path / "note.toml"
    toml.write_text(LEAST_SQUARES, encoding="utf-8")
    result = check_note(note, toml, SETTINGS).result
    assert [adopted.line for adopted in result.adopted] == [1]
    (step,) = [step for chain in result.chains for step in chain.steps]
    assert step.decision.verdict is Verdict.UNKNOWN and "declare the starred name" in step.decision.reason


def vector_notation():
    from symcheck.model import Derivation, SizeDecl, SymbolDecl, SymbolKind
    from symcheck.model.symbols import build_symbol_table
    from symcheck.read.notation import Notation
    derivation = Derivation(path="", source="", title="", sizes=(SizeDecl("n"),),
                            symbols=(SymbolDecl("w", SymbolKind.VECTOR, shape=("n",)),))
    return Notation(build_symbol_table(derivation))


@pytest.mark.parametrize("written, plain", [
    ("\\|w\\|_2^2", "\\|w\\|^2"), ("\\|w\\|_{2}", "\\|w\\|"), ("\\lVert w \\rVert_2^2", "\\|w\\|^2"),
])
def test_the_norm_subscripted_2_is_the_euclidean_norm(written, plain):
    notation = vector_notation()
    assert notation.expression(written) == notation.expression(plain)


@pytest.mark.parametrize("written", ["\\|w\\|_1", "\\|w\\|_\\infty", "\\|w\\|_{F}^2", "\\|w\\|_p"])
def test_any_other_norm_subscript_is_refused(written):
    from symcheck.read.backend import LatexError
    with pytest.raises(LatexError, match="only the Euclidean norm"):
        vector_notation().expression(written)


@pytest.mark.parametrize("declaration", [
    "plain_scalar = true",  # no bold spelling: the plain name is the vector's only one
    "latex = ['\\mathbf{x}', 'x'], plain_scalar = true",  # the plain name declared as the vector's too
    "latex = '\\mathbf{x}', plain_scalar = 1",
])
def test_plain_scalar_is_refused_where_it_contradicts_the_spellings(tmp_path, declaration):
    from symcheck.load.derivation import InputError, read_notation
    toml = tmp_path / "note.toml"
    toml.write_text(VECTOR_X.format(spelling=declaration), encoding="utf-8")
    with pytest.raises(InputError, match="plain_scalar"):
        read_notation(toml)
