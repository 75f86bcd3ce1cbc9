"""A sum or product with a symbolic or infinite bound is proved by its closed form (SymPy's
summation) when the difference then simplifies to exactly 0: `\\sum_{k=1}^n k = n(n+1)/2`
was only proved for n = 1..8, and a series with a known sum (pi^2/6) was numeric evidence,
notes that `--strict` fails on. A closed form by cases proves nothing, and a wrong closed
form is still refuted."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps


def _decided(tmp_path, claim: str):
    (step,) = steps(checked(tmp_path, f"We have ${claim}$.\n"))
    return step.decision


@pytest.mark.parametrize("claim", [
    r"\sum_{k=1}^{n} k = \frac{n(n+1)}{2}",
    r"\sum_{k=1}^{n} k^2 = \frac{n(n+1)(2n+1)}{6}",
    r"\sum_{i=0}^{n-1} 2^i = 2^n - 1",
    r"\prod_{k=1}^{n} \frac{k+1}{k} = n + 1",
    r"\sum_{k=1}^{\infty} \frac{1}{k^2} = \frac{\pi^2}{6}",
    r"\sum_{k=0}^{\infty} \frac{x^k}{k!} = e^x",
])
def test_a_closed_form_is_proved(tmp_path, claim):
    decision = _decided(tmp_path, claim)
    assert decision.verdict is Verdict.PROVED and "closed form" in decision.strategy


@pytest.mark.parametrize("claim", [
    r"\sum_{k=1}^{n} k^3 = \frac{n^2(n+1)^2}{2}",
    r"\sum_{i=0}^{n-1} 2^i = 2^n",
    r"\prod_{k=1}^{n} \frac{k+1}{k} = n",
    r"\sum_{k=1}^{\infty} \frac{1}{k^2} = \frac{\pi^2}{5}",
    r"\sum_{k=0}^{\infty} \frac{x^k}{k!} = e^{2x}",
    r"\sum_{k=1}^{\infty} \frac{1}{k} = 2",
])
def test_a_wrong_closed_form_is_refuted(tmp_path, claim):
    assert _decided(tmp_path, claim).verdict is Verdict.REFUTED


def test_a_closed_form_by_cases_proves_nothing(tmp_path):
    decision = _decided(tmp_path, r"\sum_{k=0}^{n} x^k = \frac{1 - x^{n+1}}{1 - x}")
    assert "closed form" not in decision.strategy
    assert decision.verdict is not Verdict.PROVED
