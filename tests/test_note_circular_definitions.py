"""A definition whose right side reaches its own name through definitions already adopted
is circular: `Let $m = n + 1$ and $n = m + 1$` would define n by n + 2. The second equation
is a claim, checked with the first unfolded. Before, both were adopted and a later
`m = m + 2` was left undecided, since neither name could be unfolded."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps, written_verdicts


@pytest.mark.parametrize("text", [
    "Let $m = n + 1$ and $n = m + 1$.\n",
    "Let $a = b + 1$, $b = c + 1$ and $c = a + 1$.\n",
    "Let $f(x) = g(x) + 1$ and $g(x) = f(x) + 1$.\n",
])
def test_a_circular_definition_is_a_claim_and_refuted(tmp_path, text):
    result = checked(tmp_path, text)
    assert [step.decision.verdict for step in steps(result)] == [Verdict.REFUTED]
    assert len([a for a in result.adopted if a.kind == "definition"]) == text.count("$") // 2 - 1


def test_a_consequence_of_a_definition_is_proved(tmp_path):
    assert written_verdicts(tmp_path, "Let $x = 2y$. Then $y = x/2$.\n") == [("x/2", Verdict.PROVED)]


def test_definitions_in_a_chain_without_a_cycle_are_all_adopted(tmp_path):
    result = checked(tmp_path, "Let $a = b + 1$, $b = c + 1$ and $d = a + b$.\n")
    assert [a.name for a in result.adopted if a.kind == "definition"] == ["a", "b", "d"]
    assert not steps(result)
