"""An order in inline prose math that the words before it claim (`we have $x^2 - 1 > 0$`, `so`,
`clearly`, `note that`) is a claim, checked like one in a display, unless its words or its
form make it a condition, a domain or a goal. Before, every inline order with a free symbol
was dropped in silence: a note whose only claim was a false inline inequality passed, with
`--strict` too. Without such words an inline order is a case, a heading, a label or a region,
and is not read. Each rule on a small note written for it."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps, written_verdicts


@pytest.mark.parametrize("lead", ["We have", "So", "Clearly", "Hence", "Note that", "Since", "It follows that"])
def test_a_false_inline_order_is_refuted(tmp_path, lead):
    found = written_verdicts(tmp_path, f"{lead} $x^2 - 1 > 0$ for every real x.\n")
    assert found == [("x^2 - 1 > 0", Verdict.REFUTED)]


def test_true_inline_orders_are_proved(tmp_path):
    found = written_verdicts(tmp_path, "Clearly $x^2 - 2x + 1 \\ge 0$, and $e^x > 0$, and $a^2 + b^2 \\ge 2ab$.\n")
    assert [verdict for _, verdict in found] == [Verdict.PROVED] * 3


def test_the_refutation_is_a_point_where_the_order_fails(tmp_path):
    [step] = steps(checked(tmp_path, "So $\\sin x > 2$ here.\n"))
    assert step.decision.verdict is Verdict.REFUTED
    point = step.decision.counterexample
    assert point.lhs is not None and point.rhs is not None


@pytest.mark.parametrize("text", [
    "For all real $x^2 + x > 0$ the logarithm is defined.\n",
    "## Case $x^2 > 1$\n\nThen more.\n",
    "Case 2: $x^2 \\le 1$.\n",
    "- $a + b > 0$: both are large.\n",
    "| region | value |\n|---|---|\n| $x + y > 1$ | 2 |\n",
    "In the region $x y > 1$ the function grows.\n",
    "Assume throughout that $a b > 0$.\n",
    "Inequalities: $x^2 - 1 > 0$.\n",
    "for $|t - 1| < 1$ the series converges.\n",
    "Whenever $|x - a| < 3$ it is near.\n",
    "We want $|g(x) - L| < 1$ here.\n",
    "The points such that $x + y \\le 1$ form a half-plane.\n",
    "Let $0 < \\delta < \\epsilon$ be small.\n",
    "Suppose $x^2 + y^2 < 1$.\n",
    "The region where $x y > 1$ is open.\n",
    "$\\forall x\\, x^2 - 1 \\geq 0$ is wrong but quantified.\n",
])
def test_conditions_domains_and_goals_are_not_claims(tmp_path, text):
    assert steps(checked(tmp_path, text)) == []


@pytest.mark.parametrize("bound", ["$x > 1$", "$n \\geq 2$", "$i \\neq j$", "$0 < \\epsilon$", "$\\delta < \\epsilon$"])
def test_a_bound_on_one_name_is_its_domain(tmp_path, bound):
    assert steps(checked(tmp_path, f"Here {bound} throughout.\n")) == []


def test_a_claim_about_an_expression_bounded_by_a_name_is_checked(tmp_path):
    """`|f(x) - 1| < \\epsilon` bounds an expression, not the name: a claim (false here)."""
    found = written_verdicts(tmp_path, "Then $x^2 + 1 < \\epsilon$ always.\n")
    assert found == [("x^2 + 1 < \\epsilon", Verdict.REFUTED)]


def test_a_refutation_under_a_condition_in_force_is_undecided(tmp_path):
    """`x^2 y > 1` may hold where `x y > 1` does: refuted only without it, so undecided, and
    it says which condition it may break."""
    [step] = steps(checked(tmp_path, "Whenever $x y > 1$ and $x > 1$ we have $x^2 y > 1$.\n"))
    assert step.decision.verdict is Verdict.UNKNOWN
    assert "x y > 1" in step.decision.reason


def test_a_condition_holds_for_its_paragraph_only(tmp_path):
    found = written_verdicts(tmp_path, "Whenever $x y > 1$ we have $x^2 y > 1$.\n\nLater we have $x^2 y > 1$ again.\n")
    assert [verdict for _, verdict in found] == [Verdict.UNKNOWN, Verdict.REFUTED]


def test_the_false_inline_order_fails_the_run(tmp_path):
    from click.testing import CliRunner

    from symcheck.cli import cli

    note = tmp_path / "note.md"
    note.write_text("We have $x^2 - 1 > 0$.\n", encoding="utf-8")
    outcome = CliRunner().invoke(cli, ["check", str(note), "--no-cache"])
    assert outcome.exit_code == 1 and "x^2 - 1 > 0" in outcome.output


@pytest.mark.parametrize("after", ["for $x \\ge 0$", "if $x > 0$", "when $x \\geq 0$", "for all $x > 0$"])
def test_an_order_qualified_by_math_after_it_is_undecided_where_refuted(tmp_path, after):
    [step] = steps(checked(tmp_path, f"Thus $e^{{-x}} \\le 1$ {after}.\n"))
    assert step.decision.verdict is Verdict.UNKNOWN
    assert "condition stated in the words after it" in step.decision.reason


def test_a_qualified_order_that_fails_everywhere_never_holds(tmp_path):
    [step] = steps(checked(tmp_path, "Thus $e^{-x} + x^2 < 0$ for $x \\ge 0$.\n"))
    assert not step.decision.verdict.holds
