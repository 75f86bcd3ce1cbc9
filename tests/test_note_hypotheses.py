"""A hypothesis stated in words ("given $x + y = 1$, we get $$x^2 - y^2 = x - y$$") is neither a
claim nor ignored: the steps of its paragraph are decided under it. Before, the hypothesis
was refuted as a claim and every true step after it was refuted as an identity. Each rule on
a small note written for it."""

from __future__ import annotations

import pytest
import sympy

from symcheck.model import Verdict

from .note_fixtures import checked, written_verdicts as steps


@pytest.mark.parametrize("lead", ["Given", "Assuming", "Assuming that", "If", "With", "Suppose that"])
def test_a_true_consequence_holds_under_the_hypothesis(tmp_path, lead):
    found = steps(tmp_path, f"{lead} $x + y = 1$, we get $$x^2 - y^2 = x - y$$\n")
    assert found == [("x - y", Verdict.PROVED)]  # the hypothesis itself is no claim


def test_a_false_consequence_is_refuted_at_a_point_where_the_hypothesis_holds(tmp_path):
    result = checked(tmp_path, "Given $x + y = 1$, we get $$x^2 - y^2 = x + y$$\n")
    [step] = [step for chain in result.chains for step in chain.steps]
    assert step.decision.verdict is Verdict.REFUTED
    x = sympy.Rational(step.decision.counterexample.point["x"])
    lhs, rhs = x**2 - (1 - x)**2, sympy.Integer(1)  # y = 1 - x: the hypothesis holds at the point
    assert lhs != rhs


def test_the_hypothesis_holds_for_its_paragraph_only(tmp_path):
    found = steps(tmp_path, "Given $x + y = 1$, we get $$x^2 - y^2 = x - y$$\n\n"
                            "In another paragraph $$x^2 - y^2 = x - y$$ holds no more.\n")
    assert found == [("x - y", Verdict.PROVED), ("x - y", Verdict.REFUTED)]


def test_a_hypothesis_that_cannot_be_applied_leaves_refuted_steps_undecided(tmp_path):
    """uv = 1 gives neither name by the other with a numeric coefficient: a step refuted
    without it is undecided, never refuted by a point that may break it, nor proved."""
    result = checked(tmp_path, "Assuming $uv = 1$, $$\\frac{1}{u} = v$$\n")
    [step] = [step for chain in result.chains for step in chain.steps]
    assert step.decision.verdict is Verdict.UNKNOWN
    assert "hypothesis" in step.decision.reason


def test_the_hypothesis_is_listed_with_the_adopted(tmp_path):
    result = checked(tmp_path, "Given $x + y = 1$, we get $$x^2 - y^2 = x - y$$\n")
    assert [(a.latex, a.kind.split()[0]) for a in result.adopted] == [("x + y = 1", "hypothesis")]


@pytest.mark.parametrize("text", ["If $n = 2$ then $$n^2 = 4$$\n", "When $i = j$: $$i - j = 0$$\n",
                                  "For $i = 1, \\ldots, n$ we have $$i + 0 = i$$\n"])
def test_a_value_a_case_or_a_range_is_no_hypothesis(tmp_path, text):
    assert not [a for a in checked(tmp_path, text).adopted if a.kind.startswith("hypothesis")]


def test_a_declared_positive_name_is_never_solved_for(tmp_path):
    """y = 1 - x need not be positive: solving for a positive y would sample it outside its domain."""
    result = checked(tmp_path, "Given $x + y = 1$, we get $$x^2 - y^2 = x - y$$\n",
                     "[symbols]\nx = { domain = 'positive' }\ny = { domain = 'positive' }\n")
    [step] = [step for chain in result.chains for step in chain.steps]
    assert step.decision.verdict is Verdict.UNKNOWN


@pytest.mark.parametrize("given", ["2 = 2", "1 = 2", "x = x + 1"])
def test_an_equation_that_constrains_no_name_is_no_hypothesis(tmp_path, given):
    """`given $2 = 2$` would otherwise shield every refuted step of its paragraph; `1 = 2` and
    `x = x + 1` hold for no value at all: each is a claim, checked, and the step after it too."""
    result = checked(tmp_path, f"Given ${given}$, we get $$x^2 = x$$\n")
    assert not [a for a in result.adopted if a.kind.startswith("hypothesis")]
    verdicts = {step.latex: step.decision.verdict for chain in result.chains for step in chain.steps}
    assert verdicts["x"] is Verdict.REFUTED


def test_a_condition_of_the_math_before_it_is_no_hypothesis_for_what_follows(tmp_path):
    """`$\\delta = 1$ if $a + b = c$`: the 'if' qualifies δ = 1. As a hypothesis for the rest of
    the paragraph it proved `c^2 = (a + b)^2` there."""
    found = steps(tmp_path, "Here $\\delta = 1$ if $a + b = c$, and also $$c^2 = (a+b)^2$$\n")
    assert found[-1] == ("(a+b)^2", Verdict.REFUTED)
    result = checked(tmp_path, "Let $L = p + q$ with $p + q = 1$. Then $$L = 1$$\n")
    assert [a.kind.split()[0] for a in result.adopted] == ["definition", "hypothesis"]  # 'with' still states one


@pytest.mark.parametrize("after", ["In general, $$x^2 - y^2 = x - y$$\n",
                                   "Now suppose instead $x + y = 2$. Then $$x^2 - y^2 = x - y$$\n"])
def test_a_hypothesis_ends_where_the_words_generalise_or_suppose_anew(tmp_path, after):
    """Was: the step after "In general" or after a new supposition was proved under x + y = 1."""
    found = steps(tmp_path, f"Given $x + y = 1$, we get $x^2 - y^2 = x - y$. {after}")
    assert found[0] == ("x - y", Verdict.PROVED)
    assert found[-1] == ("x - y", Verdict.REFUTED)


@pytest.mark.parametrize("text", [
    "- Given $x + y = 1$, we get $x^2 - y^2 = x - y$.\n- Second case: $$x^2 - y^2 = x - y$$\n",
    "Given $x + y = 1$, we get $x^2 - y^2 = x - y$.\n# New section\n$$x^2 - y^2 = x - y$$\n",
    "Given $x + y = 1$, we get $x^2 - y^2 = x - y$, and otherwise $$x^2 - y^2 = x - y$$\n",
])
def test_a_hypothesis_ends_with_its_list_item_at_a_heading_and_at_otherwise(tmp_path, text):
    found = steps(tmp_path, text)
    assert found[0] == ("x - y", Verdict.PROVED)
    assert found[-1] == ("x - y", Verdict.REFUTED)


@pytest.mark.parametrize("derivative", ["\\frac{d}{dx}(x y) = y", "\\frac{d}{dx}(x y) = 1 - 2x"])
def test_a_derivative_under_a_constraint_on_its_names_is_undecided(tmp_path, derivative):
    """Under x + y = 1, d(xy)/dx is y if y does not depend on x and y - x if it does: neither
    reading is proved, or refuted, for the author."""
    found = steps(tmp_path, f"Given $x + y = 1$, we get $${derivative}$$\n")
    assert [verdict for _, verdict in found] == [Verdict.UNKNOWN]


def test_a_derivative_of_the_name_a_hypothesis_gives_is_decided(tmp_path):
    found = steps(tmp_path, "With $y = wx + b$, $$\\frac{\\partial y}{\\partial w} = x$$ and $$\\frac{\\partial y}{\\partial w} = b$$\n")
    assert [verdict for _, verdict in found] == [Verdict.PROVED, Verdict.REFUTED]


def test_a_hypothesis_supposed_instead_replaces_the_earlier_one(tmp_path):
    """"Now suppose instead $x + y = 2$" was a claim refuted under x + y = 1."""
    result = checked(tmp_path, "Given $x + y = 1$, we get $x^2 - y^2 = x - y$. Now suppose instead $x + y = 2$. "
                               "Then $$x^2 - y^2 = 2(x - y)$$\n")
    assert [(step.latex, step.decision.verdict) for chain in result.chains for step in chain.steps] == [
        ("x - y", Verdict.PROVED), ("2(x - y)", Verdict.PROVED)]
    assert [a.latex for a in result.adopted] == ["x + y = 1", "x + y = 2"]


def test_the_counterexample_gives_the_name_the_hypothesis_solves_for(tmp_path):
    """x + y = 1 gives y = 1 - x: the point shows y too, and the hypothesis holds there."""
    result = checked(tmp_path, "Given $x + y = 1$, we get $$x^2 - y^2 = x + y$$\n")
    [step] = [step for chain in result.chains for step in chain.steps]
    point = step.decision.counterexample.point
    assert sympy.Rational(point["x"]) + sympy.Rational(point["y"]) == 1
