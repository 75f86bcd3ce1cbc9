""""Solving $x^2 - 1 = 0$, the roots are $x = 1$ and $x = -1$": math right after "solve",
"solves", "solved" or "solving" is an equation being solved, so the values after it are
checked by substitution. Before, the equation was refuted as an identity in x, and so was
each root."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import written_verdicts


@pytest.mark.parametrize("lead", ["Solving", "We solve", "One solves", "Having solved"])
def test_the_roots_of_an_equation_being_solved_are_checked_by_substitution(tmp_path, lead):
    found = written_verdicts(tmp_path, f"{lead} $x^2 - 1 = 0$, the roots are $x = 1$ and $x = -1$.\n")
    assert found == [("1", Verdict.PROVED), ("-1", Verdict.PROVED)]


def test_a_wrong_root_is_refuted(tmp_path):
    found = written_verdicts(tmp_path, "We solve $x^2 - 4x = 0$, giving $x = 0$ or $x = 5$.\n")
    assert found == [("0", Verdict.PROVED), ("5", Verdict.REFUTED)]
