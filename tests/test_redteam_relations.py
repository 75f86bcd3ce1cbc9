"""Relations other than `=` on material nobody here wrote: an order over a function the note
never defines is undecided, not refuted (sampling it as an arbitrary function refutes
`0 \\le \\sigma(z) \\le 1`, true of the sigmoid the author means); a premise written on its own
row before `\\Rightarrow` is a premise, not a claim. Each rule on a small note written for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from symcheck.engine.settings import Settings
from symcheck.model import RELATION_NOT_CHECKED, Verdict
from symcheck.verify.notes import check_note

SETTINGS = Settings(step_timeout=30.0)


def steps(tmp_path: Path, text: str) -> list:
    note = tmp_path / "note.md"
    note.write_text(text, encoding="utf-8")
    return [step for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps]


def test_an_order_over_an_undefined_function_is_undecided_with_the_reason(tmp_path):
    found = steps(tmp_path, "The sigmoid is bounded:\n$$0 \\le \\sigma(z) \\le 1$$\n")
    assert [step.decision.verdict for step in found] == [Verdict.UNKNOWN] * 2
    assert all("sigma" in step.decision.reason and "no definition" in step.decision.reason for step in found)


def test_an_order_over_a_defined_function_is_still_decided(tmp_path):
    text = "Let $$\\sigma(z) = \\frac{1}{1+e^{-z}}$$\nThen $$0 \\le \\sigma(z) \\le 1$$ and $$\\sigma(z) \\le 1/2$$\n"
    assert [step.decision.verdict for step in steps(tmp_path, text) if step.relation != "eq"] == [
        Verdict.PROVED, Verdict.PROVED, Verdict.REFUTED]


def test_an_order_true_of_every_function_still_holds(tmp_path):
    (step,) = steps(tmp_path, "$$f(x)^2 \\ge 0$$\n")
    assert step.decision.verdict.holds


@pytest.mark.parametrize("display", [
    "\\begin{aligned}\nx &\\le 1 \\\\\n\\Rightarrow x^3 &\\le 1\n\\end{aligned}",
    "x > 1 \\\\\n\\implies 2x > 2",
    "x > 1 \\\\\n\\rightarrow 2x > 2",
])
def test_a_premise_on_the_row_before_an_arrow_is_not_a_claim(tmp_path, display):
    found = steps(tmp_path, f"$$\n{display}\n$$\n")
    assert [step.decision.strategy for step in found] == [RELATION_NOT_CHECKED] * 2


def test_a_relation_on_the_row_before_a_row_without_an_arrow_is_still_a_claim(tmp_path):
    found = steps(tmp_path, "$$\nx^2 \\ge 0 \\\\\n2 > 3\n$$\n")
    assert [step.decision.verdict for step in found] == [Verdict.PROVED, Verdict.REFUTED]


@pytest.mark.parametrize("last, verdict", [("1", Verdict.PROVED), ("2", Verdict.REFUTED)])
def test_a_step_after_an_undecided_one_is_compared_with_the_last_member_that_held(tmp_path, last, verdict):
    text = f"$$\\lim_{{t \\to 0}} \\frac{{\\sin(t)}}{{t}} = \\lim_{{t \\to 0}} g(t) = {last}$$\n"  # g undefined: undecided
    undecided, after = steps(tmp_path, text)
    assert undecided.decision.verdict is Verdict.UNKNOWN
    assert after.decision.verdict is verdict and after.compared_with.startswith("1:3, the last member that held")
