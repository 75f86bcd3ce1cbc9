"""A note that defines a function of its own name (`Let $p(x) = x^2$`, `If $u(x) = \\sin x$
then ...`) is read as defining it, whatever letter it uses: `p(3)` is the function at 3,
never p times 3, and a condition defining a function is a premise for what follows it. Each
rule on a small note written for it."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, written_verdicts as steps


@pytest.mark.parametrize("name", ["p", "q", "k", "u", "\\theta"])
def test_a_function_defined_with_any_letter_is_a_function(tmp_path, name):
    found = steps(tmp_path, f"Let ${name}(x) = x^2 + 1$. Then ${name}(3) = 10$ and ${name}(2) = 6$.\n")
    assert found == [("10", Verdict.PROVED), ("6", Verdict.REFUTED)]


def test_the_definition_is_adopted_not_checked_as_a_product(tmp_path):
    result = checked(tmp_path, "Let $p(x) = x^2$. Then $p(3) = 9$.\n")
    assert [(a.name, a.kind) for a in result.adopted] == [("p", "definition")]
    assert [step.decision.verdict for chain in result.chains for step in chain.steps] == [Verdict.PROVED]


@pytest.mark.parametrize("lead", ["If", "When", "Suppose that"])
def test_a_condition_defining_a_function_is_a_premise_for_what_follows(tmp_path, lead):
    right = steps(tmp_path, f"{lead} $u(x) = \\sin x$ then $u'(x) = \\cos x$.\n")
    wrong = steps(tmp_path, f"{lead} $u(x) = \\sin x$ then $u'(x) = -\\cos x$.\n")
    assert right == [("\\cos x", Verdict.PROVED)]
    assert wrong == [("-\\cos x", Verdict.REFUTED)]


def test_the_hypothesis_is_listed_as_adopted(tmp_path):
    result = checked(tmp_path, "If $u(x) = \\sin x$ then $u'(x) = \\cos x$.\n")
    assert [(a.name, a.kind.split()[0]) for a in result.adopted] == [("u", "hypothesis")]


def test_a_function_a_condition_defines_holds_for_its_paragraph_only(tmp_path):
    """Was: the premise reached the next chain wherever it stood, and `u(3) = 9` in a later
    section was proved with the u of "If $u(x) = x^2$, the curve is smooth."."""
    found = steps(tmp_path, "If $u(x) = x^2$, the curve is smooth.\n\n# Later\n\n$$u(3) = 9$$\n")
    assert found == [("9", Verdict.REFUTED)]


def test_a_condition_on_a_function_value_defines_nothing(tmp_path):
    """`f(x) = 0` after "if" states where f vanishes: no premise f = 0 under which f(2) = 0 holds."""
    found = steps(tmp_path, "If $f(x) = 0$ then $f(2) = 0$.\n")
    assert Verdict.PROVED not in {verdict for _, verdict in found}


def test_a_value_of_a_function_defined_already_is_a_claim(tmp_path):
    """`r(2) = 4` said in the sentence that defines r is checked, never skipped as a definition."""
    assert steps(tmp_path, "Suppose $r(x) = x + 1$ and $r(2) = 4$.\n") == [("4", Verdict.REFUTED)]


def test_a_display_introducing_a_function_defines_it_with_a_note(tmp_path):
    """"The cost is $$c(w) = w^2 + 1.$$": c appears there first, so c(w) is no product c·w (a
    claim about a name with no value, refuted at c = 2.3); it is adopted, and a note says so."""
    result = checked(tmp_path, "The cost is\n$$c(w) = w^2 + 1.$$\nIts derivative is $$c'(w) = 2w$$\n"
                               "and wrongly $$c'(w) = w$$\n")
    verdicts = [(step.latex, step.decision.verdict) for chain in result.chains for step in chain.steps]
    assert verdicts == [("w^2 + 1", Verdict.UNKNOWN), ("2w", Verdict.PROVED), ("w", Verdict.REFUTED)]
    note = result.chains[0].steps[0].remarks[0].message
    assert "taken as the definition of c(w)" in note
    assert [(a.name, a.kind) for a in result.adopted] == [("c", "definition")]


@pytest.mark.parametrize("text", ["Let $c$ be a constant.\n$$c(w) = cw$$\n", "$$c(w + 1) = cw + c$$\n",
                                  "$$L = w^2$$\n"])
def test_a_name_seen_before_or_not_a_function_form_is_no_definition(tmp_path, text):
    assert checked(tmp_path, text).adopted == ()


@pytest.mark.parametrize("text, wrong", [("We start with $f(x) = x^2 + 1$. Then $f'(x) = 2x$.\n", "3x"),
                                         ("We work with $g(t) = \\sin t$, whose derivative is $g'(t) = \\cos t$.\n",
                                          "-\\cos t")])
def test_inline_math_introducing_a_function_defines_it(tmp_path, text, wrong):
    right = [(step.decision.verdict) for chain in checked(tmp_path, text).chains for step in chain.steps]
    assert right == [Verdict.UNKNOWN, Verdict.PROVED]  # the definition (a note), then the derivative
    mutated = text.replace("2x$", f"{wrong}$").replace("\\cos t$", f"{wrong}$")
    assert steps(tmp_path, mutated)[-1] == (wrong, Verdict.REFUTED)


@pytest.mark.parametrize("wrong", [False, True])
def test_a_function_whose_parameter_is_a_factor_on_the_right_is_introduced(tmp_path, wrong):
    """`\\ell(w) = \\log(1 + e^{-wx})`: w is written beside x (a product), and was not seen as
    used there, so the definition was a claim about \\ell, refuted."""
    derivative = "\\frac{-x e^{-wx}}{1 + e^{-wx}}" if not wrong else "\\frac{x e^{-wx}}{1 + e^{-wx}}"
    text = f"The loss is $\\ell(w) = \\log(1 + e^{{-wx}})$, so $\\frac{{d\\ell}}{{dw}} = {derivative}$.\n"
    assert [a.kind for a in checked(tmp_path, text).adopted][-1] == "definition"
    assert steps(tmp_path, text)[-1][1] is (Verdict.REFUTED if wrong else Verdict.PROVED)


@pytest.mark.parametrize("name, readings", [("f", []), ("p", ["reading"])])
def test_an_equation_in_a_new_function_is_no_definition(tmp_path, name, readings):
    """"the roots of $f(x) = 0$": an equation being solved, never f = 0 for all x (which proved
    f(2) = 0 and f(3) = 0). p, no function by convention, is one as it is written applied to x."""
    result = checked(tmp_path, f"We look for the roots of ${name}(x) = 0$. Then ${name}(2) = 0$ and ${name}(3) = 0$.\n")
    assert [a.kind for a in result.adopted] == readings + ["equation solved"]
    assert [step.decision.verdict for chain in result.chains for step in chain.steps] == [Verdict.REFUTED] * 2


def test_a_name_a_hypothesis_gives_may_be_differentiated(tmp_path):
    found = steps(tmp_path, "Consider the model with $y = wx + b$. The gradient is "
                            "$\\frac{\\partial y}{\\partial w} = x$, not $\\frac{\\partial y}{\\partial w} = b$.\n")
    assert found == [("x", Verdict.PROVED), ("b", Verdict.REFUTED)]


@pytest.mark.parametrize("claim, verdict", [("h' = 2h", Verdict.PROVED), ("h'' = 4h", Verdict.PROVED),
                                            ("h' = 3h", Verdict.REFUTED), ("h'(t) = 2h(t)", Verdict.PROVED)])
def test_a_prime_on_a_defined_function_written_alone_is_its_derivative(tmp_path, claim, verdict):
    """h' of h(t) = e^{2t} is dh/dt, as \\dot h is; it was unread ("a prime on this name")."""
    assert [found for _, found in steps(tmp_path, f"Let $h(t) = e^{{2t}}$. Then ${claim}$.\n")] == [verdict]


PRODUCT_RULE = "We have $\\frac{{d^2}}{{dx^2}} f(x) g(x) = {rhs}$.\n"


@pytest.mark.parametrize("rhs, verdict", [("f''g + 2f'g' + fg''", Verdict.PROVED), ("f''g + f'g' + fg''", Verdict.REFUTED),
                                          ("f''(x) g + 2 f' g'(x) + f g''", Verdict.PROVED)])
def test_a_conventional_function_written_alone_is_the_one_the_chain_applies(tmp_path, rhs, verdict):
    """f'' beside f(x) is f''(x): read as a name of its own, the product rule was refuted."""
    result = checked(tmp_path, PRODUCT_RULE.format(rhs=rhs))
    assert [step.decision.verdict for chain in result.chains for step in chain.steps] == [verdict]
    assert {a.name for a in result.adopted if a.kind == "reading"} == {"f", "g"}


def test_a_function_applied_to_two_letters_is_not_guessed_alone(tmp_path):
    result = checked(tmp_path, "We have $f(x) + f(y) - f = f(x) + f(y) - f$.\n")
    assert not result.adopted
