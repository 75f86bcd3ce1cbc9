"""Two readings found on the mlbook corpus entries (round 7). "Letting $u = x^2$" defines u,
as "let" does: it was a claim, refuted, and every step using u with it. A case written with
the comma that ends it in prose (`1, & x > 0,`) is read without it: it was unread
("unexpected ','")."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps


@pytest.mark.parametrize("claim, verdict", [("u^2 = x^4", Verdict.PROVED), ("u^2 = x^3", Verdict.REFUTED)])
def test_letting_defines(tmp_path, claim, verdict):
    result = checked(tmp_path, f"Letting $u = x^2$, we have ${claim}$.\n")
    assert [a.kind for a in result.adopted] == ["definition"]
    assert [step.decision.verdict for step in steps(result)] == [verdict]


@pytest.mark.parametrize("value", ["2", "3"])
def test_a_case_ending_with_a_comma_is_read(tmp_path, value):
    text = f"$$ \\begin{{cases}} x^2, & x > 0, \\\\ 0, & x \\le 0. \\end{{cases}} = \\begin{{cases}} x^{value} / x, & x > 0 \\\\ 0 & x \\le 0 \\end{{cases}} $$\n"
    found = steps(checked(tmp_path, text))
    assert [step.decision.verdict for step in found] == [Verdict.PROVED if value == "3" else Verdict.REFUTED]


@pytest.mark.parametrize("derivative, verdict", [("2\\mu", Verdict.PROVED), ("\\mu", Verdict.REFUTED)])
def test_a_function_mentioned_by_its_form_before_its_display_is_introduced_there(tmp_path, derivative, verdict):
    """"Letting $L(\\mu)$ be the likelihood, we have $$L(\\mu) = \\mu^2$$": the mention is no use of L,
    so the display defines it; it was a claim about an arbitrary L, refuted, and what followed with it."""
    text = f"Letting $L(\\mu)$ be the likelihood, we have\n\n$$ L(\\mu) = \\mu^2 $$\n\nso $$ \\frac{{d}}{{d\\mu}} L(\\mu) = {derivative} $$\n"
    result = checked(tmp_path, text)
    assert [a.kind for a in result.adopted] == ["definition"]
    assert [step.decision.verdict for step in steps(result)][-1] is verdict
