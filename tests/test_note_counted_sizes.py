"""A letter a sum or product counts up to (`\\sum_{k=1}^{n}`) is a size when the notation says
nothing of it: an integer, at least 1. Sampled as a real it was "refuted" at n = 134/125 (a
sum up to 1.07) and a true closed form was only numeric evidence, at points such as n = -2.7.
Each rule on a small note written for it."""

from __future__ import annotations

import pytest
import sympy

from symcheck.model import Verdict
from symcheck.notes.draft import sum_limit_sizes

from .note_fixtures import checked


def decided(result) -> list:
    return [step.decision for chain in result.chains for step in chain.steps]


@pytest.mark.parametrize("closed_form", [
    "\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}",
    "\\sum_{j=1}^{p} (2j - 1) = p^2",
    "\\sum_{k=1}^{q} \\frac{1}{k(k+1)} = 1 - \\frac{1}{q+1}",
    "\\prod_{k=1}^{s} \\frac{k+1}{k} = s + 1",
])
def test_a_true_closed_form_is_proved_for_every_count(tmp_path, closed_form):
    verdicts = {decision.verdict for decision in decided(checked(tmp_path, f"$${closed_form}$$\n"))}
    assert verdicts <= {Verdict.PROVED, Verdict.PROVED_FOR_SIZES} and verdicts


@pytest.mark.parametrize("wrong", [
    "\\sum_{k=1}^{n} k^2 = \\frac{n(n+1)(2n-1)}{6}",
    "\\sum_{j=1}^{n} 2j = n^2",
    "\\sum_{k=1}^{n} \\frac{1}{k(k+1)} = 1 - \\frac{1}{n}",
])
def test_a_wrong_closed_form_is_refuted_at_a_whole_count(tmp_path, wrong):
    [decision] = decided(checked(tmp_path, f"$${wrong}$$\n"))
    assert decision.verdict is Verdict.REFUTED
    count = sympy.Rational(decision.counterexample.point["n"])
    assert count.is_integer and count >= 1


def test_the_reading_is_listed_with_the_adopted(tmp_path):
    result = checked(tmp_path, "Then $\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$.\n")
    assert [(a.name, a.kind, a.line) for a in result.adopted] == [("n", "reading", 1)]


def test_a_letter_the_notation_declares_keeps_its_declaration(tmp_path):
    """Declared a real, n is sampled as one: the notation decides, never the reader's guess."""
    result = checked(tmp_path, "$$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$$\n", notation="[symbols]\nn = {}\n")
    assert result.adopted == ()
    assert [decision.verdict for decision in decided(result)] == [Verdict.NUMERIC]  # no proof over the reals


def test_an_index_that_is_also_a_limit_is_no_size():
    """`\\sum_{i=1}^{n}\\sum_{j=1}^{i}`: i runs; it counts j up to it, but it is an index."""
    assert sum_limit_sizes(["\\sum_{i=1}^{n}\\sum_{j=1}^{i} a_{ij}", "\\prod_{k=0}^{N-1} x_k",
                            "\\sum_{k=1}^{n_1} y_k", "\\sum_{k=1}^{2m} z"]) == {"n": (0, "i"), "N": (1, "k")}
