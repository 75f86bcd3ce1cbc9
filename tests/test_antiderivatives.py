"""Indefinite integrals are antiderivatives, equal up to a constant: `\\int f\\,dx = F + C` is
decided as f = F'. Before, no such step was ever decided (an indefinite integral has no value
at a point, so the audit of every proof failed), and `\\int \\cos x\\,dx = \\sin x + C` was
"no rung decided (ValueError)". A wrong antiderivative is refuted, with the derivatives'
values at the point."""

from __future__ import annotations

import pytest
import sympy

from symcheck.engine.antiderivatives import integration_variable
from symcheck.model import Verdict

from .note_fixtures import written_verdicts

x, y = sympy.symbols("x y")


@pytest.mark.parametrize("equation, verdict", [
    ("\\int x^2\\,dx = \\frac{x^3}{3}", Verdict.PROVED),
    ("\\int x^2\\,dx = \\frac{x^3}{3} + 5", Verdict.PROVED),
    ("\\int \\cos x\\,dx = \\sin x + C", Verdict.PROVED),
    ("\\int \\cos x\\,dx = -\\sin x + C", Verdict.REFUTED),
    ("\\int x^2\\,dx = \\frac{x^3}{2}", Verdict.REFUTED),
    ("2\\int x\\,dx = x^2", Verdict.PROVED),
    ("\\int e^{2x}\\,dx = e^{2x} + C", Verdict.REFUTED),
])
def test_an_indefinite_integral_is_checked_as_an_antiderivative(tmp_path, equation, verdict):
    [(_, found)] = written_verdicts(tmp_path, f"$${equation}$$\n")
    assert found is verdict


def test_two_displays_of_one_integral_are_not_compared_with_each_other(tmp_path):
    """x^3/3 and x^3/3 + 5 are both antiderivatives of x^2: neither refutes the other."""
    found = written_verdicts(tmp_path, "$$\\int x^2\\,dx = \\frac{x^3}{3}$$\n\n$$\\int x^2\\,dx = \\frac{x^3}{3} + 5$$\n")
    assert [v for _, v in found] == [Verdict.PROVED, Verdict.PROVED]


@pytest.mark.parametrize("side", [
    sympy.Integral(x, x) ** 2,
    x * sympy.Integral(1, x),
    sympy.exp(sympy.Integral(x, x)),
])
def test_an_integral_that_is_no_term_has_no_antiderivative_reading(side):
    """(∫x dx)^2 = (x^2/2 + C)^2: its constant does not drop out of the derivative."""
    assert integration_variable(side, x**4 / 4) is None


def test_integrals_in_two_variables_have_no_antiderivative_reading():
    assert integration_variable(sympy.Integral(x, x), sympy.Integral(y, y)) is None


def test_a_nonlinear_integral_is_never_proved(tmp_path):
    [(_, found)] = written_verdicts(tmp_path, "$$\\left(\\int x\\,dx\\right)^2 = \\frac{x^4}{4}$$\n")
    assert found is not Verdict.PROVED
