"""Equations in notes that are not identities (symcheck.verify.premises): recurrences and
equations being solved, each tried on a small note written for the test."""

from __future__ import annotations

import json

import pytest

from symcheck.model import Verdict
from symcheck.verify.notes import check_note
from tests.test_note_reader import SETTINGS, run, write

SCALARS = """
[symbols]
beta = { latex = '\\beta' }
eta = { latex = '\\eta' }
g = {}
w = {}
a = {}
b = {}
"""


def checked(tmp_path, text: str):
    result = check_note(write(tmp_path, text, SCALARS), None, SETTINGS).result
    verdicts = {step.line: step.decision.verdict for chain in result.chains for step in chain.steps}
    return result, verdicts


# ---------------------------------------------------------------- recurrences


@pytest.mark.parametrize("new, old", [("v_{t+1}", "v_t"), ("v_t", "v_{t-1}"), ("v^{(k+1)}", "v^{(k)}")])
def test_a_recurrence_defines_the_new_iterate_and_the_rest_of_its_chain_is_checked(tmp_path, new, old):
    result, verdicts = checked(tmp_path, f"The update:\n\n$$ {new} = \\beta {old} + g = g + \\beta {old} $$\n")
    assert [(a.kind, a.line) for a in result.adopted] == [("recurrence", 3)]
    assert verdicts == {3: Verdict.PROVED}


def test_a_wrong_step_after_a_recurrence_is_refuted(tmp_path):
    result, verdicts = checked(tmp_path, "The update:\n\n$$ v_{t+1} = \\beta v_t + g = g - \\beta v_t $$\n")
    assert [a.kind for a in result.adopted] == ["recurrence"]
    assert verdicts == {3: Verdict.REFUTED}


@pytest.mark.parametrize("display", ["v_t = \\beta v_t + g", "v_{t-1} = \\beta v_t + g", "v_{t+1} = \\beta u_t + g"])
def test_the_same_or_an_earlier_index_or_another_name_is_no_recurrence(tmp_path, display):
    result, verdicts = checked(tmp_path, f"The update:\n\n$$ {display} $$\n")
    assert not result.adopted
    assert verdicts == {3: Verdict.REFUTED}


def test_a_recurrence_is_not_carried_to_later_chains(tmp_path):
    """Another display may state another update of the same name (another algorithm)."""
    text = "Plain:\n\n$$ w_{t+1} = w_t - \\eta g $$\n\nMomentum:\n\n$$ w_{t+1} = w_t - \\eta \\beta g $$\n"
    result, verdicts = checked(tmp_path, text)
    assert [(a.kind, a.line) for a in result.adopted] == [("recurrence", 3), ("recurrence", 7)]
    assert verdicts == {}


# ---------------------------------------------------------------- equations being solved


SOLVING = """Setting the derivative to zero, we find the minimum:

$$ 0 = \\frac{d}{dw} (w - 3)^2 = 2(w - 3) $$

so the minimum is at $\\hat w = {value}$.
"""


def test_an_equation_set_to_zero_is_a_premise_and_its_solution_is_substituted(tmp_path):
    result, verdicts = checked(tmp_path, SOLVING.replace("{value}", "3"))
    assert [(a.kind, a.line, a.latex) for a in result.adopted] == [
        ("equation solved", 3, "\\frac{d}{dw} (w - 3)^2 = 0")]
    assert verdicts == {3: Verdict.PROVED, 5: Verdict.PROVED}
    (remark,) = [r for chain in result.chains for step in chain.steps if step.line == 5 for r in step.remarks]
    assert "substituting" in remark.message and "line 3" in remark.message


def test_a_value_that_does_not_solve_the_equation_is_refuted(tmp_path):
    _, verdicts = checked(tmp_path, SOLVING.replace("{value}", "2"))
    assert verdicts == {3: Verdict.PROVED, 5: Verdict.REFUTED}


def test_without_words_of_solving_an_equation_with_zero_is_a_claim(tmp_path):
    result, verdicts = checked(tmp_path, "We compute:\n\n$$ 0 = \\frac{d}{dw} (w - 3)^2 = 2(w - 3) $$\n")
    assert not result.adopted
    assert verdicts[3] is Verdict.REFUTED


def test_the_premise_of_an_arrow_with_zero_is_solved(tmp_path):
    result, verdicts = checked(tmp_path, "We compute:\n\n$$ 0 = 2w - 6 \\Rightarrow w = 3 $$\n")
    assert [a.kind for a in result.adopted] == ["equation solved"]
    assert verdicts == {3: Verdict.PROVED}


def test_a_consequence_that_is_a_multiple_of_the_premise_holds_under_it(tmp_path):
    text = "Setting the gradient equal to zero gives\n\n$$ 2(a w - b) = 0 \\textrm{ and hence } a w = b. $$\n"
    _, verdicts = checked(tmp_path, text)
    assert verdicts == {3: Verdict.PROVED}
    _, wrong = checked(tmp_path, text.replace("a w = b.", "a w = 2 b."))
    assert wrong == {3: Verdict.REFUTED}


def test_a_premise_reaches_only_the_paragraph_after_its_display(tmp_path):
    text = SOLVING.replace("{value}", "3") + "\nLater, a new paragraph:\n\n$$ w = 3 $$\n"
    _, verdicts = checked(tmp_path, text)
    assert verdicts[9] is Verdict.REFUTED


def test_adopted_kinds_are_in_the_json_and_the_verbose_text(tmp_path):
    note = write(tmp_path, SOLVING.replace("{value}", "3"), SCALARS)
    data = json.loads(run(str(note), "--format", "json").output)
    assert [a["kind"] for a in data["documents"][0]["adopted"]] == ["equation solved"]
    assert "equation solved adopted: \\frac{d}{dw} (w - 3)^2 = 0" in run(str(note), "-v").output


# ---------------------------------------------------------------- labelled functions


GATE = "The gate:\n\n$$ g_k(x) = k x^2 \\rightarrow \\frac{dg}{dx} = {derivative} $$\n"
GATE_SYMBOLS = "[symbols]\nx = {}\nk = {}\n[functions]\ng = {}\ng_k = { latex = 'g_k' }\n"


@pytest.mark.parametrize("derivative, verdict", [("2 k x", Verdict.PROVED), ("k x", Verdict.REFUTED)])
def test_an_arrow_from_a_labelled_function_to_its_bare_stem_is_about_that_function(tmp_path, derivative, verdict):
    note = write(tmp_path, GATE.replace("{derivative}", derivative), GATE_SYMBOLS)
    result = check_note(note, None, SETTINGS).result
    assert [(a.kind, a.latex) for a in result.adopted][-1] == ("reading", "g as g_k, the function the premise defines")
    (step,) = [step for chain in result.chains for step in chain.steps]
    assert step.decision.verdict is verdict


def test_a_stem_with_a_definition_of_its_own_keeps_it(tmp_path):
    notation = GATE_SYMBOLS + "[[definitions]]\nlatex = 'g(x) = x'\n"
    note = write(tmp_path, GATE.replace("{derivative}", "2 k x"), notation)
    result = check_note(note, None, SETTINGS).result
    assert "reading" not in [a.kind for a in result.adopted]
    (step,) = [step for chain in result.chains for step in chain.steps]
    assert step.decision.verdict is Verdict.REFUTED


# ---------------------------------------------------------------- updates


@pytest.mark.parametrize("arrow", ["\\leftarrow", "\\gets", ":=", "\\coloneqq"])  # := of w by its old value too
@pytest.mark.parametrize("value, verdict", [("(1 - 2 \\eta a) w + 2 \\eta b", Verdict.PROVED),
                                            ("(1 - 2 \\eta a) w - 2 \\eta b", Verdict.REFUTED)])
def test_an_update_is_adopted_and_its_value_is_checked(tmp_path, arrow, value, verdict):
    text = f"Gradient descent:\n\n$$ w {arrow} w - \\eta (2 a w - 2 b) = {value} $$\n"
    result, verdicts = checked(tmp_path, text)
    assert [(a.kind, a.name) for a in result.adopted] == [("update", "w")]
    assert verdicts == {3: verdict}
    (step,) = [step for chain in result.chains for step in chain.steps]
    assert step.compared_with == f"3:{7 + len(arrow)}"  # the value, after the arrow


@pytest.mark.parametrize("text", ["The step is $w := w - \\eta g$.\n", "$$ a_k \\coloneqq a_k + b_k $$\n"])
def test_an_update_alone_is_listed_and_not_a_false_equation(tmp_path, text):
    result, verdicts = checked(tmp_path, text)
    assert [a.kind for a in result.adopted] == ["update"]
    assert verdicts == {}


def test_math_the_words_before_call_an_equation_is_solved(tmp_path):
    text = "This is the polynomial equation\n$0 = (2-w)(3-w)-2 = (4-w)(1-w)$.\n"
    result, verdicts = checked(tmp_path, text)
    assert [a.kind for a in result.adopted] == ["equation solved"]
    assert verdicts == {2: Verdict.PROVED}
    _, wrong = checked(tmp_path, text.replace("(4-w)(1-w)", "(4+w)(1-w)"))
    assert wrong == {2: Verdict.REFUTED}
    _, claim = checked(tmp_path, text.replace("equation", "identity"))
    assert claim[2] is Verdict.REFUTED  # 0 = (2-w)(3-w)-2 as a claim


@pytest.mark.parametrize("words", ["Solving", "We solve the equation", "The roots of"])
def test_inline_math_the_words_call_an_equation_is_solved_and_its_solution_checked(tmp_path, words):
    text = f"{words} $2w + 1 = 7$ gives $w = {{value}}$.\n\n{words} $w^2 = 9 w$ gives $w = {{other}}$.\n"
    result, verdicts = checked(tmp_path, text.format(value=3, other=9))
    assert [a.kind for a in result.adopted] == ["equation solved"] * 2
    assert verdicts == {1: Verdict.PROVED, 3: Verdict.UNKNOWN}  # w = 9 solves the second, and so does w = 0
    _, wrong = checked(tmp_path, text.format(value=4, other=3))
    assert wrong == {1: Verdict.REFUTED, 3: Verdict.REFUTED}


def test_a_false_identity_the_words_call_an_equation_stays_a_claim_when_nothing_solves_it(tmp_path):
    _, verdicts = checked(tmp_path, "Solving $(w + 1)^2 = w^2 + 2w$ gives nothing.\n")
    assert verdicts == {1: Verdict.REFUTED}


@pytest.mark.parametrize("hidden, name", [
    ("% setting the derivative to zero\n", "note.tex"),
    ("<!-- setting the derivative to zero -->\n", "note.md"),
    ("```\nsetting the derivative to zero\n```\n", "note.md"),
    ("`the equation`\n", "note.md"),
])
def test_words_of_solving_in_comments_or_code_do_not_make_an_equation_solved(tmp_path, hidden, name):
    """Only prose introduces an equation being solved: the same words in a comment or in code
    are not read, so the display is a claim (false as written) and nothing is adopted."""
    text = f"We compute:\n{hidden}\n$$ 0 = \\frac{{d}}{{dw}} (w - 3)^2 = 2(w - 3) $$\n"
    result = check_note(write(tmp_path, text, SCALARS, name=name), None, SETTINGS).result
    assert not result.adopted
    assert [step.decision.verdict for chain in result.chains for step in chain.steps][0] is Verdict.REFUTED
    shown = text.replace(hidden, hidden.replace("%", "").replace("<!--", "").replace("-->", "").replace("`", ""))
    solved = check_note(write(tmp_path, shown, SCALARS, name=name), None, SETTINGS).result
    assert [a.kind for a in solved.adopted] == ["equation solved"]  # the same words as prose do
