"""Landau symbols are not numbers: `O(x^2)` is a set of functions. Before, an undeclared O
before a parenthesis was read as O times what it holds, so `O(x^2) - O(x^2) = 0` was proved
and every Taylor expansion with a remainder term was refuted. Now such math is left unread,
saying why, unless the note defines the name as a function."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps, written_verdicts


@pytest.mark.parametrize("equation", [
    "O(x^2) - O(x^2) = 0",
    "x O(1) = O(x)",
    "e^x = 1 + x + O(x^2)",
    "\\sin x = x + o(x)",
    "\\cos x = 1 + \\mathcal{O}(x^2)",
])
def test_an_equation_with_a_landau_symbol_is_unread(tmp_path, equation):
    found = steps(checked(tmp_path, f"$${equation}$$\n"))
    assert found and all(step.decision.verdict is Verdict.UNKNOWN for step in found)
    assert any("asymptotic notation" in step.decision.reason for step in found)


def test_a_name_the_note_defines_as_a_function_is_read(tmp_path):
    found = written_verdicts(tmp_path, "Let $o(x) = x^2 + 1$. Then $$o(2) = 5$$\n")
    assert found == [("5", Verdict.PROVED)]


def test_a_subscripted_o_is_a_name(tmp_path):
    found = written_verdicts(tmp_path, "$$o_1 (x + 1) = o_1 x + o_1$$\n")
    assert found == [("o_1 x + o_1", Verdict.PROVED)]
