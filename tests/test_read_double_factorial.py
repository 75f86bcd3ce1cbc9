"""`n!!` is the double factorial, n(n-2)(n-4)...; it was read as the factorial of a
factorial, so `$n!! = (n!)!$` was proved and `$5!! = 15$` refuted. It is left unread,
with a caret on the first `!`; the factorial of a factorial written `(n!)!` is read."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps, written_verdicts


@pytest.mark.parametrize("equation", ["n!! = (n!)!", "5!! = 15", "n!! = n (n-2)!!", "3! ! = 720", "(2n)!! = 2^n n!"])
def test_a_double_factorial_is_unread(tmp_path, equation):
    found = steps(checked(tmp_path, f"$${equation}$$\n"))
    assert found and all(step.decision.verdict is Verdict.UNKNOWN for step in found)
    assert any("double factorial" in step.decision.reason for step in found)


@pytest.mark.parametrize("equation, verdict", [
    ("(3!)! = 720", Verdict.PROVED),
    ("(3!)! = 6", Verdict.REFUTED),
    ("3!^{2} = 36", Verdict.PROVED),
    ("(n+1)! = (n+1) n!", Verdict.PROVED),
])
def test_a_single_factorial_is_read(tmp_path, equation, verdict):
    assert [v for _, v in written_verdicts(tmp_path, f"$${equation}$$\n")] == [verdict]
