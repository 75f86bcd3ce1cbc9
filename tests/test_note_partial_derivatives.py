"""Partial derivatives of a function the note defines with several parameters: the other
parameters are held fixed, as a partial derivative says. Before, `\\frac{\\partial f}{\\partial x}`
after `f(x, y) = x^2 y + \\sin y` was unread ("whether y depends on x is not known"), and a
mixed partial `\\frac{\\partial^2 f}{\\partial x \\partial y}` read f as a bare name."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import written_verdicts

DEFINED = "Let $f(x, y) = x^2 y + \\sin y$.\n\n"


@pytest.mark.parametrize("derivative, value, verdict", [
    ("\\frac{\\partial f}{\\partial x}", "2xy", Verdict.PROVED),
    ("\\frac{\\partial f}{\\partial x}", "2x", Verdict.REFUTED),
    ("\\frac{\\partial f}{\\partial y}", "x^2 + \\cos y", Verdict.PROVED),
    ("\\frac{\\partial f}{\\partial y}", "x^2 - \\cos y", Verdict.REFUTED),
    ("\\frac{\\partial^2 f}{\\partial x \\partial y}", "2x", Verdict.PROVED),
    ("\\frac{\\partial^2 f}{\\partial x \\partial y}", "2y", Verdict.REFUTED),
    ("\\frac{\\partial^2 f}{\\partial x^2}", "2y", Verdict.PROVED),
    ("\\frac{\\partial^2 f}{\\partial y^2}", "\\sin y", Verdict.REFUTED),
])
def test_a_partial_derivative_holds_the_other_parameters_fixed(tmp_path, derivative, value, verdict):
    assert written_verdicts(tmp_path, DEFINED + f"$${derivative} = {value}$$\n") == [(value, verdict)]


def test_a_total_derivative_of_a_function_of_two_names_stays_unread(tmp_path):
    """df/dx of f(x, y): y may depend on x (df/dx = f_x + f_y y'), so no reading is safe."""
    [(_, verdict)] = written_verdicts(tmp_path, "Let $f(x, y) = x^2 y$.\n\n$$\\frac{df}{dx} = 2xy$$\n")
    assert verdict is Verdict.UNKNOWN
