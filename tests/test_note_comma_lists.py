"""Equations listed with a comma in one display (`x = a + 1, y = b - 1`) are separate
statements, as with `\\quad`. Before, the row was one chain: `a + 1, y` was a member that
could not be read, and x was compared with b - 1, a claim nobody made (`x_1 = 1, x_2 = 2,
\\dots, x_n = n` compared x_1 with n). A comma inside brackets, an environment or a number
(`1,000`), or after the row's first qualifier, separates nothing."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict
from symcheck.notes.extract import extract_math

from .note_fixtures import written_verdicts


def _chains(latex: str) -> list[list[str]]:
    return [[member.latex for member in chain.members] for chain in extract_math(f"$${latex}$$\n", "n.md")]


@pytest.mark.parametrize("latex, chains", [
    ("x = a + 1, y = b - 1", [["x", "a + 1"], ["y", "b - 1"]]),
    ("a + b = 5, ab = 6", [["a + b", "5"], ["ab", "6"]]),
    ("x_1 = 1, x_2 = 2, \\dots, x_n = n", [["x_1", "1"], ["x_2", "2"], ["x_n", "n"]]),
    ("y = 1,000, z = 2", [["y", "1,000"], ["z", "2"]]),
])
def test_a_comma_between_equations_separates_them(latex, chains):
    assert _chains(latex) == chains


@pytest.mark.parametrize("latex", [
    "g(x, y) = h(x, y) = 2",
    "v = \\langle a, b \\rangle = w",
    "f(x) = \\begin{cases} 1, & x > 0 \\\\ 0, & x \\le 0 \\end{cases} = u(x)",
    "I = [0, 1) = J",
    "s = x \\, y = t",
])
def test_a_comma_inside_brackets_separates_nothing(latex):
    assert len(_chains(latex)) == 1


def test_each_listed_equation_is_checked_on_its_own(tmp_path):
    found = written_verdicts(tmp_path, "Let $a = 2$ and $b = 3$.\n\n$$a + b = 5, a b = 6$$\n\n$$a + b = 5, a b = 7$$\n")
    assert found == [("5", Verdict.PROVED), ("6", Verdict.PROVED), ("5", Verdict.PROVED), ("7", Verdict.REFUTED)]
