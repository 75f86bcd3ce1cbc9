"""An undeclared name before a parenthesis that holds one name or number (`F(x)`, `u(0)`)
is no factor anyone brackets: it is a function. Before, any letter but f, g, h and a few
Greek ones was read as a factor there, so `F(x + y) = F(x) + F(y)` and
`\\operatorname{f}(x) - \\operatorname{f}(y) = \\operatorname{f}(x - y)` were proved. Now a
name the note first writes so is read as a function wherever it is applied (a reading,
listed); one seen before on its own (`Let $c$ be a constant`) is not guessed at: `c(x)` is
left unread, saying what to write. A bracket holding more (`a(b + c)`) is still a factor."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps, written_verdicts


@pytest.mark.parametrize("name", ["F", "u", "a", "p", "L", "y", "\\ell", "\\operatorname{f}"])
def test_a_name_applied_to_one_name_is_a_function(tmp_path, name):
    found = written_verdicts(tmp_path, f"$${name}(x + y) = {name}(x) + {name}(y)$$\n")
    assert [verdict for _, verdict in found] == [Verdict.REFUTED]


def test_the_reading_is_listed(tmp_path):
    result = checked(tmp_path, "$$F(x + y) = F(x) + F(y)$$\n")
    assert [(a.name, a.kind) for a in result.adopted] == [("F", "reading")]


def test_a_value_at_a_number_is_a_function_value(tmp_path):
    """u(0) = 0 as a product was proved whatever u is."""
    found = written_verdicts(tmp_path, "$$u(0) = 0$$\n\n$$u(2) = 2 u(1)$$\n")
    assert [verdict for _, verdict in found] == [Verdict.REFUTED, Verdict.REFUTED]


@pytest.mark.parametrize("equation", ["a(b + c) = ab + ac", "n(n + 1) = n^2 + n", "2k(k - 1) = 2k^2 - 2k"])
def test_a_bracket_holding_more_is_a_factor(tmp_path, equation):
    assert [verdict for _, verdict in written_verdicts(tmp_path, f"$${equation}$$\n")] == [Verdict.PROVED]


def test_a_name_seen_on_its_own_first_is_not_guessed_at(tmp_path):
    found = steps(checked(tmp_path, "The loss $L$ is linear:\n$$L(x + y) = L(x) + L(y)$$\n"))
    assert found and all(step.decision.verdict is Verdict.UNKNOWN for step in found)
    assert any("the function L at x, or L times x" in step.decision.reason for step in found)


def test_a_name_the_note_defines_keeps_its_definition_without_a_reading(tmp_path):
    result = checked(tmp_path, "Let $p(x) = x^2$. Then $p(3) = 9$.\n")
    assert [(a.name, a.kind) for a in result.adopted] == [("p", "definition")]
