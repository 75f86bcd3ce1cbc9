"""Adversarial soundness, round 11: each test is a small note or equation written for it,
on a class of inputs that once passed (or was dropped) though false."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps


# ---------------------------------------------------------------- a display that opens with its case


@pytest.mark.parametrize("display, holds", [
    (r"\text{If } z = 2: \quad z^3 = 9", False),
    (r"\text{If } z = 2: \quad z^3 = 8", True),
    (r"\text{when } z = 2, \text{ then } z^3 = 9", False),
    (r"\text{for } z = 2: \quad z^2 = 4, \quad z^3 = 9", False),
    (r"\text{For } z = 2: \quad z^2 = 4, \quad z^3 = 8", True),
])
def test_math_after_a_leading_case_is_checked_under_it(tmp_path, display, holds):
    """A display opening with `\\text{If } z = 2:` and going on with math: the math is a claim
    in that case (it was taken for the qualifier of nothing and dropped: 0 steps, exit 0)."""
    found = steps(checked(tmp_path, f"# t\n\n$${display}$$\n"))
    assert found
    assert all(step.decision.condition == "z = 2" for step in found)
    assert all(step.decision.verdict is Verdict.PROVED for step in found) is holds
    assert any(step.decision.verdict is Verdict.REFUTED for step in found) is not holds


def test_equations_after_a_leading_qualifier_that_is_no_case_are_read(tmp_path):
    """`\\text{If } z^2 = 4: \\quad z^3 = 8`: no case the reader can apply, so the equations are
    claims (refuted as written), never dropped with the words."""
    found = steps(checked(tmp_path, "# t\n\n$$\\text{If } z^2 = 4: \\quad z^3 = 8$$\n"))
    assert [step.decision.verdict for step in found] == [Verdict.REFUTED, Verdict.REFUTED]


def test_a_display_that_is_only_a_case_still_states_it(tmp_path):
    found = steps(checked(tmp_path, "# t\n\n$$\\text{If } z = 2:$$\n\n$$z^3 = 8$$\n"))
    assert [(step.decision.verdict, step.decision.condition) for step in found] == [(Verdict.PROVED, "z = 2")]
