"""Readings of math nobody here wrote (corpus lines and seed lines left unread or misread
before): each on a small note or notation written for it, and each reading checked, so a
misread shows as a refutation or a wrong value, never as a pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from symcheck.engine.settings import Settings
from symcheck.model import Verdict
from symcheck.verify.notes import check_note

SETTINGS = Settings(step_timeout=30.0)

VECTOR_X = """\
[sizes]
n = {{}}
[indices]
i = {{ range = [1, "n"] }}
[symbols]
x = {{ kind = "vector", shape = ["n"], latex = {spelling} }}
b = {{}}
"""


def verdicts(tmp_path: Path, text: str, notation: str = "") -> list[Verdict]:
    note = tmp_path / "note.md"
    note.write_text(text, encoding="utf-8")
    toml = None
    if notation:
        toml = tmp_path / "note.toml"
        toml.write_text(notation, encoding="utf-8")
    chains = check_note(note, toml, SETTINGS).result.chains
    return [step.decision.verdict for chain in chains for step in chain.steps]


@pytest.mark.parametrize("spelling, verdict", [
    ("'\\mathbf{x}'", Verdict.REFUTED),  # plain x is another name, a scalar: x^2 is not the vector's x^T x
    ("['\\mathbf{x}', 'x']", Verdict.PROVED),  # both spellings declared: the same vector
])
def test_a_plain_bare_letter_is_the_bold_declared_vector_only_when_declared_so(tmp_path, spelling, verdict):
    notation = VECTOR_X.format(spelling=spelling)
    assert verdicts(tmp_path, "$$x^\\top x = \\mathbf{x}^\\top\\mathbf{x}$$\n", notation) == [verdict]


def test_the_single_variable_case_beside_a_bold_vector_is_a_scalar_derivative(tmp_path):
    notation = VECTOR_X.format(spelling="'\\mathbf{x}'")
    text = "In the single variable case $$\\frac{d}{dx}(bx) = b$$ and $$\\frac{d}{dx}(bx) = 2b$$\n"
    assert verdicts(tmp_path, text, notation) == [Verdict.PROVED, Verdict.REFUTED]


def test_entries_of_a_bold_declared_vector_are_still_its_entries(tmp_path):
    notation = VECTOR_X.format(spelling="'\\mathbf{x}'")
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
