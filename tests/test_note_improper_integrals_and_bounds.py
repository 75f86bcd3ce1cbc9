"""Two ways a true step was refuted. A bound on a name after "let", "where" or "given"
(`Let $x > 0$`) was no case, so `\\sqrt{x^2} = x` was refuted at a negative x; it is a case
as after "for", "if" or "suppose" (a value after "let" stays a definition). And a value with
an improper integral was taken as undefined (its infinite bound) or evaluated numerically:
`\\int_0^\\infty \\frac{\\sin x}{x}\\,dx = \\frac{\\pi}{2}` was refuted with the integral at -4.
Integrals at a point are now done exactly where SymPy can."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps, written_verdicts


@pytest.mark.parametrize("words", ["Let $x > 0$. Then", "Where $x > 0$,", "Given $x \\ge 0$,", "Let $x \\geq 0$; then"])
def test_a_bound_after_let_or_where_is_a_case(tmp_path, words):
    found = steps(checked(tmp_path, f"{words} $\\sqrt{{x^2}} = x$ and $\\sqrt{{x^2}} = -x$.\n"))
    assert [step.decision.verdict for step in found] == [Verdict.PROVED, Verdict.REFUTED]
    assert all(step.decision.condition for step in found)


def test_a_value_after_let_is_still_a_definition(tmp_path):
    result = checked(tmp_path, "Let $x = 2$. Then $x^2 = 4$.\n")
    assert [a.kind for a in result.adopted] == ["definition"]
    assert [step.decision.condition for step in steps(result)] == [None]


@pytest.mark.parametrize("claim, verdict", [
    ("\\int_0^\\infty \\frac{\\sin x}{x}\\,dx = \\frac{\\pi}{2}", Verdict.PROVED),
    ("\\int_0^\\infty \\frac{\\sin x}{x}\\,dx = \\pi", Verdict.REFUTED),
    ("\\int_1^\\infty \\frac{1}{x^2}\\,dx = 1", Verdict.PROVED),
    ("\\int_1^\\infty \\frac{1}{x^2}\\,dx = 2", Verdict.REFUTED),
])
def test_an_improper_integral_is_evaluated_exactly(tmp_path, claim, verdict):
    assert [found for _, found in written_verdicts(tmp_path, f"We have ${claim}$.\n")] == [verdict]


def test_a_parametric_improper_integral_holds_for_the_stated_bound(tmp_path):
    text = ("Let $\\lambda > 0$. Then $\\int_0^\\infty x \\lambda e^{-\\lambda x}\\,dx = \\frac{1}{\\lambda}$ and "
            "$\\int_0^\\infty x \\lambda e^{-\\lambda x}\\,dx = \\lambda$.\n")
    found = steps(checked(tmp_path, text))
    assert [step.decision.verdict for step in found] == [Verdict.PROVED, Verdict.REFUTED]
    point = found[1].decision.counterexample.point
    assert all(float(value) > 0 for value in point.values())  # inside the bound, the integral converges
