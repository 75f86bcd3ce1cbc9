"""Derivatives are taken with the names real, as the engine takes them everywhere else. For a
complex x, SymPy writes d|x|/dx with the derivatives of re(x) and im(x), into which no point
can be put: `\\frac{d}{dx}\\ln|x| = \\frac{1}{x}` was "no rung decided (ValueError)", and a
wrong derivative of |x| could not be refuted."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import written_verdicts


@pytest.mark.parametrize("equation, holds", [
    ("\\frac{d}{dx}\\ln|x| = \\frac{1}{x}", True),
    ("\\frac{d}{dx}\\ln|x| = -\\frac{1}{x}", False),
    ("\\frac{d}{dx}|x| = 1", False),
    ("\\frac{d}{dx} x|x| = 2|x|", True),
])
def test_a_derivative_of_an_absolute_value_is_decided(tmp_path, equation, holds):
    [(_, verdict)] = written_verdicts(tmp_path, f"$${equation}$$\n")
    assert verdict.holds if holds else verdict is Verdict.REFUTED
