"""Annotations are not math: `\\underbrace{a^2 + b^2}_{\\text{squares}}` and `\\overbrace{..}^{..}`
keep what they brace (as a group) and drop their label; `\\color{red}{x}`, `\\textcolor{red}{x}`
and `\\colorbox{red}{x}` keep x. Before, each of these steps was unread. A label holding an
equation (`_{= c}`) claims something, so it is reported unread, never dropped."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import written_verdicts


@pytest.mark.parametrize("right, verdict", [
    ("\\underbrace{a^2 + b^2}_{\\text{squares}} + 2ab", Verdict.PROVED),
    ("\\underbrace{a^2 + b^2}_{\\text{squares}} + ab", Verdict.REFUTED),
    ("\\overbrace{a^2 + 2ab}^{\\text{two terms}} + b^2", Verdict.PROVED),
    ("\\color{red}{a^2} + 2ab + b^2", Verdict.PROVED),
    ("\\textcolor{blue}{a^2 + 2ab} + b^2", Verdict.PROVED),
    ("\\colorbox{yellow}{a^2} + 2ab", Verdict.REFUTED),
])
def test_an_annotation_keeps_its_math(tmp_path, right, verdict):
    assert written_verdicts(tmp_path, f"$$(a + b)^2 = {right}$$\n") == [(right, verdict)]


def test_a_braced_sum_stays_together(tmp_path):
    """2 times the braced a + b, as the brace shows, not 2a + b."""
    found = written_verdicts(tmp_path, "$$2\\underbrace{(a + b)}_{\\text{sum}} = 2a + 2b$$\n\n"
                                       "$$3\\underbrace{a + b}_{\\text{sum}} = 3a + 3b$$\n")
    assert [v for _, v in found] == [Verdict.PROVED, Verdict.PROVED]


def test_a_label_with_an_equation_is_reported_unread(tmp_path):
    [(_, verdict)] = written_verdicts(tmp_path, "$$(a + b)^2 = \\underbrace{a^2 + b^2}_{= c} + 2ab$$\n")
    assert verdict is Verdict.UNKNOWN
