"""A function the note defines, `h(t) = e^{2t}`, written alone is that function of its
parameters (`\\frac{dh}{dt} = 2h`), and with Newton's dots its derivative (`\\dot h = 2h`).
Before, the bare h and `\\dot h` were names of their own, and both true lines were refuted."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import written_verdicts

DEFINED = "Let $h(t) = e^{2t}$.\n\n"


@pytest.mark.parametrize("equation, verdict", [
    ("\\frac{dh}{dt} = 2h", Verdict.PROVED),
    ("\\frac{d^2 h}{dt^2} = 2h", Verdict.REFUTED),
    ("\\frac{d^2 h}{dt^2} = 4h", Verdict.PROVED),
    ("\\dot h = 2 h(t)", Verdict.PROVED),
    ("\\dot{h} = h", Verdict.REFUTED),
    ("\\ddot{h} = 4h", Verdict.PROVED),
    ("\\ddot{h} = 2h", Verdict.REFUTED),
    ("h^2 = e^{4t}", Verdict.PROVED),
])
def test_a_defined_function_alone_is_its_value(tmp_path, equation, verdict):
    found = written_verdicts(tmp_path, DEFINED + f"$${equation}$$\n")
    assert [v for _, v in found] == [verdict]


def test_a_dot_on_a_function_of_two_parameters_is_a_name_of_its_own(tmp_path):
    """Which variable would the dot differentiate by? Not read as a derivative."""
    found = written_verdicts(tmp_path, "Let $f(s, t) = st$.\n\n$$\\dot f = s$$\n")
    assert [v for _, v in found] == [Verdict.REFUTED]


def test_an_undefined_dotted_name_is_a_name_of_its_own(tmp_path):
    found = written_verdicts(tmp_path, "$$\\dot x + 1 = 1 + \\dot x$$\n")
    assert [v for _, v in found] == [Verdict.PROVED]
