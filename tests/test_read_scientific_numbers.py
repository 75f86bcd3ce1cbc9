"""A number written as programs write it (1e-3, 2.5E4) is not read. Before, `1.5e3` was
read as 1.5 times e times 3, so `$1.5e3 = 4.5 e$` was proved and a learning rate
`$\\eta = 1e-3$` was e - 3. Neither reading is taken: the math is left unread, with a
caret on the e and what to write instead. e next to a number, apart from it, or under a
power is still Euler's number."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps, written_verdicts


@pytest.mark.parametrize("equation", ["1.5e3 = 4.5 e", "1e-3 = e - 3", "2.5E4 = 25000", "5e+2 = 500", "x + 3e2 = x + 300"])
def test_a_number_in_programming_notation_is_unread(tmp_path, equation):
    found = steps(checked(tmp_path, f"$${equation}$$\n"))
    assert found and all(step.decision.verdict is Verdict.UNKNOWN for step in found)
    assert any("programming notation" in step.decision.reason for step in found)


@pytest.mark.parametrize("equation, verdict", [
    ("3e = e + 2e", Verdict.PROVED),
    ("2e - 3 = 2 e - 3", Verdict.PROVED),
    ("2e^{2} = 2 e^2", Verdict.PROVED),
    ("2 e3 = 6 e", Verdict.PROVED),
    ("2e - 3 = 0", Verdict.REFUTED),
])
def test_euler_s_number_beside_a_number_is_read(tmp_path, equation, verdict):
    assert [v for _, v in written_verdicts(tmp_path, f"$${equation}$$\n")] == [verdict]
