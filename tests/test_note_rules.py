"""Rules of the note reader found on the seeds and the corpus (issue 12's "done when"), each
tried on a small note written for it, never on a seed line."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict
from symcheck.notes.extract import extract_math
from symcheck.verify.notes import check_note
from tests.test_note_reader import SETTINGS, by_line, cases, run, steps, write


def members(text: str, path: str = "n.md") -> list[list[str]]:
    return [[member.latex for member in chain.members] for chain in extract_math(text, path)]


# ---------------------------------------------------------------- a case's reach


def test_a_case_applies_only_to_displays_that_use_one_of_its_indices(tmp_path):
    text = ("If $i \\neq j$:\n\n$$ \\frac{\\partial S_i}{\\partial a_j} = -S_i S_j $$\n\n"
            "$$ (x+n)(x-n) = x^2 + n^2 $$\n")
    note = write(tmp_path, text)
    assert cases(note) == {3: "i \\neq j", 5: None}
    refuted = by_line(note)[5].decision
    assert refuted.verdict is Verdict.REFUTED and "i != j" not in refuted.reason


def test_a_case_between_two_members_is_the_case_of_the_chain_that_goes_on(tmp_path):
    text = ("$$ \\frac{\\partial S_i}{\\partial a_j} \\text{ when } i \\neq j = -S_i S_j $$\n\n"
            "$$ = -S_j S_i $$\n")
    assert members(text) == [["\\frac{\\partial S_i}{\\partial a_j}", "-S_i S_j", "-S_j S_i"]]
    note = write(tmp_path, text)
    verdicts = [(step.decision.verdict, step.decision.condition) for step in steps(note)]
    assert verdicts == [(Verdict.PROVED, "i != j"), (Verdict.PROVED, None)]  # the second holds in any case
    assert cases(note) == {1: "i \\neq j"}


# ---------------------------------------------------------------- restated left sides


RESTATED = """Some algebra:

$$ f = (t+1)^2 - 1 $$

$$ f = t^2 + 2t $$

$$ f = t(t+2) $$

When $i = j$:

$$ f = t^2 $$
"""


def test_a_display_restating_a_left_side_goes_on_from_where_its_chain_ended(tmp_path):
    """f has no value: line 3 is refuted, and lines 5 and 7, which follow from it, carry that
    error (one note each) instead of being claims of their own against the name."""
    note = write(tmp_path, RESTATED.replace("\nWhen $i = j$:\n\n$$ f = t^2 $$\n", ""))
    found = by_line(note)
    assert found[3].decision.verdict is Verdict.REFUTED and not found[3].remarks
    assert [remark.message for remark in found[5].remarks + found[7].remarks] == [
        "follows from line 3:8 as written; the error there is carried",
        "follows from line 5:8 as written; the error there is carried"]


def test_a_restatement_after_a_step_that_held_is_compared_with_it(tmp_path):
    text = "Let $f = t^2 + 2t$.\n\n$$ f = (t+1)^2 - 1 $$\n\n$$ f = t(t+2) $$\n\n$$ f = t(t+1) $$\n"
    found = by_line(write(tmp_path, text))
    assert [(found[n].decision.verdict, found[n].compared_with) for n in (3, 5, 7)] == [
        (Verdict.PROVED, "3:4"), (Verdict.PROVED, "3:8, where the earlier display of f ended"),
        (Verdict.REFUTED, "5:8, where the earlier display of f ended")]


def test_a_restated_left_side_that_is_not_a_name_says_where_the_comparison_comes_from(tmp_path):
    """`θ+θ = 3θ` after `θ+θ = 2θ` is compared with 2θ: the message says why it points there."""
    text = "$$\\theta+\\theta = 2\\theta$$\n\n$$\\theta+\\theta = 3\\theta$$\n"
    found = by_line(write(tmp_path, text))
    assert found[3].decision.verdict is Verdict.REFUTED
    assert found[3].compared_with == "1:19, where the earlier display of \\theta+\\theta ended"


def test_a_restatement_under_another_case_or_with_another_left_side_is_a_claim_of_its_own(tmp_path):
    text = RESTATED.replace("$$ f = t^2 $$", "$$ \\frac{\\partial S_i}{\\partial a_j} = S_i(1-S_i) $$")
    text += "\nWhen $i \\neq j$:\n\n$$ \\frac{\\partial S_i}{\\partial a_j} = -S_i S_j $$\n\n$$ g = t(t+2) $$\n"
    found = by_line(write(tmp_path, text))
    assert found[11].compared_with == "11:4"  # the first display with this left side
    assert found[15].compared_with == "15:4" and found[15].decision.verdict is Verdict.PROVED  # i != j now
    assert found[17].compared_with == "17:4"


# ---------------------------------------------------------------- premises of arrows


GATES = """
[symbols]
x = {}
y = {}
[functions]
f = {}
g = {}
"""


def test_an_equation_before_an_arrow_is_the_premise_of_the_equation_after_it(tmp_path):
    text = ("$$ f(x) = \\frac{1}{x} \\hspace{1in} \\rightarrow \\hspace{1in} \\frac{df}{dx} = -1/x^2 \\\\\n"
            "f(x) = e^x \\rightarrow \\frac{df}{dx} = e^{x} \\\\\n"
            "g(x) = x^2 \\\\\n\\rightarrow \\frac{dg}{dx} = 2x $$\n")
    result = check_note(write(tmp_path, text, GATES), None, SETTINGS).result
    assert [(a.name, a.line) for a in result.adopted] == [("f", 1), ("f", 2), ("g", 3)]
    verdicts = {step.line: step.decision.verdict for chain in result.chains for step in chain.steps}
    assert verdicts == {1: Verdict.PROVED, 2: Verdict.PROVED, 4: Verdict.PROVED}  # each row its own f
    assert {step.line: step.compared_with for chain in result.chains for step in chain.steps}[2] == "2:24"  # not line 1: another f


def test_a_premise_that_gives_no_fresh_name_a_value_is_checked(tmp_path):
    text = "$$ (x-1)(x+2) = x^2 - 1 \\rightarrow y = 1 $$\n"
    result = check_note(write(tmp_path, text, GATES), None, SETTINGS).result
    assert not result.adopted
    assert [step.decision.verdict for step in result.chains[0].steps] == [Verdict.REFUTED]


# ---------------------------------------------------------------- extraction


def test_text_in_an_alignment_column_of_its_own_is_a_remark_not_math():
    text = ("$$\\begin{aligned} \\frac{d}{dx} [C f(x)] & = C f'(x) && \\textrm{Constant multiple rule} \\\\ "
            "(a+b)^2 & = a^2 + 2ab + b^2 && \\text{Binomial}. \\end{aligned}$$\n")
    assert members(text) == [["\\frac{d}{dx} [C f(x)]", "C f'(x)"], ["(a+b)^2", "a^2 + 2ab + b^2"]]
    assert [chain.qualifier for chain in extract_math(text, "n.md")] == [
        "\\textrm{Constant multiple rule}", "\\text{Binomial}."]


def test_a_row_ending_with_an_operator_or_a_broken_bracket_goes_on_in_the_next_row():
    text = ("$$\\begin{aligned} y & = 2 \\left(a + \\right.\\\\ & \\left. \\quad b\\right) \\times \\\\\n"
            "& \\quad (c + d) \\\\ z & = a - \\\\ & b \\end{aligned}$$\n")
    (first, second) = members(text)
    assert first[0] == "y" and " ".join(first[1].split()) == "2 \\left(a + \\quad b\\right) \\times (c + d)"
    assert second[0] == "z" and " ".join(second[1].split()) == "a - b"


def test_kramdown_inline_math_with_escaped_backslashes_is_read_in_markdown_only():
    text = "The loss \\\\(L = p - q\\\\) and the rest.\n"
    assert members(text, "n.md") == [["L", "p - q"]]
    assert members(text, "n.tex") == []


# ---------------------------------------------------------------- conditions in words


def test_inline_math_qualified_by_the_words_after_it_is_reported_unread_not_adopted(tmp_path):
    note = write(tmp_path, "where $t = 1$ if $x = y$, and 0 otherwise.\n\nHere $t = 2$ and so on.\n")
    result = check_note(note, None, SETTINGS).result
    assert not result.adopted
    (unread,), (checked,) = [chain.steps for chain in result.chains]  # $x = y$ is a condition: not a claim
    assert unread.line == 1 and "condition stated in the words after it" in unread.decision.reason
    assert unread.decision.verdict is Verdict.UNKNOWN and unread.unread_at is not None
    assert checked.line == 3 and checked.decision.verdict is Verdict.REFUTED


def test_a_display_whose_unclosed_brace_hides_its_equals_sign_is_reported_unread(tmp_path):
    """`\\frac{1}{ = 2`: the `=` sits inside the unclosed group, so no relation is found; the
    lone member is still math that was not read, never silently dropped."""
    text = "$$\n\\frac{1}{ = 2\n$$\n\n$$ \\frac{1}{2} $$\n\n$$ \\{x\\} $$\n"
    assert members(text) == [["\\frac{1}{ = 2"]]  # balanced lone members say nothing: still dropped
    (chain,) = check_note(write(tmp_path, text), None, SETTINGS).result.chains
    (unread,) = chain.steps
    assert unread.line == 2 and unread.unread_at is not None and "never closed" in unread.decision.reason


@pytest.mark.parametrize("math", ["-\\log\\left(q = -\\log(q) - \\log(r)", "\\left( a = b", "\\left[ (a + b) = b"])
def test_a_display_whose_unclosed_left_hides_its_equals_sign_is_reported_unread(tmp_path, math):
    """`\\left(` never closed by `\\right)` hid the `=` as inside a bracket: the display had no
    relation and was dropped in silence (a note mutation dropping a `\\right)`). It is read
    apart at its `=`, and the unclosed bracket is reported with its caret."""
    text = f"Text\n\n$$\n{math}\n$$\n"
    (chain,) = check_note(write(tmp_path, text), None, SETTINGS).result.chains
    (unread, *_) = chain.steps
    assert unread.line == 4 and unread.unread_at is not None and "never closed" in unread.decision.reason


def test_a_paragraph_ending_with_a_colon_runs_on_into_the_display_after_it(tmp_path):
    text = "Suppose we have a function made of two terms:\n\n$$ q = t^2 + 1 $$\n\nThen\n\n$$ q - 1 = t^2 $$\n"
    result = check_note(write(tmp_path, text), None, SETTINGS).result
    assert [(a.name, a.line) for a in result.adopted] == [("q", 3)]
    assert [step.decision.verdict for chain in result.chains for step in chain.steps] == [Verdict.PROVED]
    stopped = text.replace("two terms:", "two terms.")
    assert not check_note(write(tmp_path, stopped), None, SETTINGS).result.adopted


def test_entries_of_one_name_listed_with_an_ellipsis_define_those_entries(tmp_path):
    text = "Scores:\n\n$$ c_1 = 2t \\quad c_2 = 3t \\quad \\dots \\quad c_n = n t $$\n"
    assert [chain.definition for chain in extract_math(text, "n.md")] == [True] * 3
    result = check_note(write(tmp_path, text), None, SETTINGS).result
    assert [(a.name, a.line) for a in result.adopted] == [("c_1", 3), ("c_2", 3), ("c_n", 3)]
    assert not result.chains
    declared = text.replace("c_", "a_").replace("c_n", "a_N")  # entries of the declared vector a
    assert [(a.name, a.line) for a in check_note(write(tmp_path, declared), None, SETTINGS).result.adopted] == [
        ("a", 3)] * 3
    claims = text.replace("\\quad \\dots ", "")  # no ellipsis: two claims about c_1, c_2
    assert [chain.definition for chain in extract_math(claims, "n.md")] == [False] * 3


def test_the_sentence_before_a_display_naming_its_left_side_makes_it_a_definition(tmp_path):
    text = ("We'll use q(t) for the shifted square.\n\n$$ q(t) = (t+1)^2 $$\n\n"
            "$$ q(t) - 1 = t^2 + 2t $$\n\nWe use this often.\n\n$$ p = t + 1 $$\n")
    result = check_note(write(tmp_path, text, GATES.replace("g = {}", "q = {}")), None, SETTINGS).result
    assert [(a.name, a.line) for a in result.adopted] == [("q", 3)]
    verdicts = {step.line: step.decision.verdict for chain in result.chains for step in chain.steps}
    assert verdicts == {5: Verdict.PROVED, 9: Verdict.REFUTED}  # "this" does not name p


def test_a_paragraph_saying_what_is_defined_below_makes_the_display_after_it_a_definition(tmp_path):
    text = "The shifted square is defined below. It is used often.\n\n$$ q = (t+1)^2 $$\n\n$$ q - 1 = t^2 + 2t $$\n"
    result = check_note(write(tmp_path, text), None, SETTINGS).result
    assert [(a.name, a.line) for a in result.adopted] == [("q", 3)]
    assert [step.decision.verdict for chain in result.chains for step in chain.steps] == [Verdict.PROVED]


def test_a_line_carrying_an_earlier_error_than_the_last_is_a_note(tmp_path):
    """Lines 1 and 3 are wrong in two different ways; line 5 follows from line 1 as written."""
    text = "$$ (t+1)^2 = t^2 + 2t + 2 $$\n\n$$ = t^2 + 2t + 3 $$\n\n$$ = t(t+2) + 2 $$\n"
    found = by_line(write(tmp_path, text))
    assert found[1].decision.verdict is Verdict.REFUTED and not found[1].remarks
    assert found[3].decision.verdict is Verdict.REFUTED and not found[3].remarks
    assert [remark.message for remark in found[5].remarks] == [
        "follows from line 1:14 as written; the error there is carried"]


# ---------------------------------------------------------------- index ranges


def test_a_member_with_an_index_off_its_axis_is_an_error_and_the_chain_goes_on(tmp_path):
    """A sum from k = 0 over a vector indexed from 1 is read and wrong as written (its first
    term does not exist); the member after it is compared with the last member that held."""
    text = "$$ \\sum_{k=1}^N e^{a_k} = \\sum_{k=0}^N e^{a_k} = e^{a_1} + \\sum_{k=2}^N e^{a_k} $$\n"
    off, after = steps(write(tmp_path, text))
    assert off.decision.verdict is Verdict.REFUTED and off.column == 27
    assert off.decision.reason == "index k runs over 0..N, but axis 1 of a runs over 1..N: that entry is undefined"
    assert off.latex[off.unread_at:].startswith("a_k")
    assert after.decision.verdict.holds
    assert after.compared_with == "1:4, the last readable member (an index off its axis: 1:27)"


def test_an_index_as_the_upper_limit_of_a_sum_is_bounded_by_its_own_range(tmp_path):
    """l runs over 1..i with i in 1..N: inside the axis of a, so the sums are read and decided;
    1..i+1 may leave the axis (i = N) and is an error."""
    text = ("$$ \\sum_{k=1}^{i} a_k = a_i + \\sum_{k=1}^{i-1} a_k $$\n\n"
            "$$ \\sum_{k=1}^{i} a_k = \\sum_{k=1}^{N} a_k $$\n\n"
            "$$ \\sum_{k=1}^{i+1} a_k = a_1 $$\n")
    found = by_line(write(tmp_path, text))
    assert found[1].decision.verdict.holds
    assert found[3].decision.verdict is Verdict.REFUTED and found[3].decision.counterexample is not None
    assert found[5].decision.reason.startswith("index k runs over 1..N + 1, but axis 1 of a runs over 1..N")


def test_a_matrix_whose_ellipsis_runs_to_an_index_has_its_entries_checked_on_their_axes(tmp_path):
    """Rows up to an index k (over 1..N) of a vector over 1..N exist, and the claim is decided;
    rows up to m (over 1..K) may not exist (K > N): an error, the matrix is not cut to fit."""
    text = ("$$ \\begin{bmatrix} 2 a_1 \\\\ 2 a_2 \\\\ \\vdots \\\\ 2 a_k \\end{bmatrix}"
            " = 2 \\begin{bmatrix} a_1 \\\\ a_2 \\\\ \\vdots \\\\ a_k \\end{bmatrix} $$\n\n"
            "$$ \\begin{bmatrix} a_1 \\\\ \\vdots \\\\ a_m \\end{bmatrix} = \\begin{bmatrix} a_1 \\\\ \\vdots \\\\ a_m \\end{bmatrix} $$\n")
    notation = ("[sizes]\nN = {}\nK = {}\n[indices]\nk = { range = [1, 'N'] }\nm = { range = [1, 'K'] }\n"
                "[symbols]\na = { kind = 'vector', shape = ['N'] }\n")
    found = by_line(write(tmp_path, text, notation))
    assert found[1].decision.verdict.holds
    assert found[3].decision.verdict is Verdict.REFUTED
    assert found[3].decision.reason == ("the index of the entries of this matrix runs over 1..K, but axis 1 of a runs "
                                        "over 1..N: that entry is undefined")


# ---------------------------------------------------------------- undefined names


def test_a_name_differentiated_but_neither_declared_nor_defined_is_not_a_constant(tmp_path):
    """Read as a free symbol, du/dw would be 0: `du/dw = 0` proved, `du/dw = w` refuted. The
    text says that u depends on something, and not on what: neither is read as written. Once
    u is defined, its derivative is checked; so is the derivative of a name by itself."""
    text = ("$$ \\frac{d u}{d t} = 0 $$\n\n$$ \\frac{d v}{d t} = t $$\n\n$$ \\frac{d t}{d t} = 1 $$\n\n"
            "Let $$ q := t^2 $$\n\n$$ \\frac{d q}{d t} = 3t $$\n")
    found = by_line(write(tmp_path, text))
    for line in (1, 3):
        assert not found[line].decision.verdict.holds
        assert "nothing declares or defines" in found[line].decision.reason
    assert found[5].decision.verdict.holds
    assert found[9].decision.verdict is Verdict.REFUTED


# ---------------------------------------------------------------- prose inside \text


def test_prose_before_a_name_in_one_text_group_is_dropped():
    """`\\text{So, total}`: the words up to the comma are prose, the rest is the name."""
    assert members("$$ \\text{So, total} = a + b $$\n") == [["\\text{ total}", "a + b"]]
    assert members("$$ \\text{Log-likelihood} = a $$\n") == [["\\text{Log-likelihood}", "a"]]
    assert members("$$ \\text{So, } L = a $$\n") == [["L", "a"]]


def test_a_name_after_prose_in_its_text_group_is_the_declared_name(tmp_path):
    notation = "[symbols]\nT = { latex = '\\text{total}' }\nt = {}\n"
    text = "Let $$ \\text{total} := t^2 + 2t $$\n\n$$ \\text{Hence, total} = t(t+1) $$\n"
    found = by_line(write(tmp_path, text, notation))
    assert found[3].decision.verdict is Verdict.REFUTED


# ---------------------------------------------------------------- data in the text


def test_a_number_given_inline_to_one_entry_is_data_listed_and_never_unfolded(tmp_path):
    """`$a_1 = 0.7$` gives data (a has no value): adopted and listed, not refuted. It is no rule
    for the other entries, nor for a_1 in later math; a scalar given a value stays a claim."""
    text = ("The model over-estimates the first class: $a_1 = 0.7$.\n\n"
            "$$ a_1 + a_2 = 0.7 + a_2 $$\n\nHere $t = 2$.\n")
    result = check_note(write(tmp_path, text), None, SETTINGS).result
    assert [(a.name, a.line, a.latex) for a in result.adopted] == [("a", 1, "a_1 = 0.7")]
    found = {step.line: step for chain in result.chains for step in chain.steps}
    assert found[3].decision.verdict is Verdict.REFUTED
    assert found[5].decision.verdict is Verdict.REFUTED


# ---------------------------------------------------------------- errors carried through definitions


CARRIED_THROUGH_DEFINITIONS = """Let $$ q := 1 + t^2 $$

Let $$ f := 2 q $$

$$ f = \\frac{2}{1 + t^2} $$

$$ \\frac{d f}{d t} = \\frac{-4t}{(1 + t^2)^2} $$

$$ \\frac{d f}{d t} = \\frac{4t}{(1 + t^2)^2} $$
"""


def test_an_error_in_a_definition_is_carried_through_the_names_defined_on_it_and_their_restatements(tmp_path):
    """q is declared below 1, so its definition (line 1) is wrong; the author means 1/(1+t^2).
    Line 5 restates f as that meaning gives it (refuted against f = 2q: the error of line 1,
    carried); line 7 differentiates f as line 5 states it (carried again); line 9 is wrong
    whatever f is, and is an error of its own."""
    notation = "[symbols]\nq = { domain = \"unit-interval\" }\nf = {}\nt = {}\n"
    result = check_note(write(tmp_path, CARRIED_THROUGH_DEFINITIONS, notation), None, SETTINGS).result
    (definition,) = result.definitions
    assert definition.line == 1 and definition.decision.verdict is Verdict.REFUTED
    found = {step.line: step for chain in result.chains for step in chain.steps}
    assert [remark.message for remark in found[5].remarks] == [
        "compared with f as defined, which rests on the definition at line 1, wrong as written; the error there is carried"]
    assert [remark.message for remark in found[7].remarks] == [
        "follows from line 5:8 as written; the error there is carried"]
    assert found[9].decision.verdict is Verdict.REFUTED and not found[9].remarks


def test_text_ending_a_sentence_after_a_relation_is_a_remark_not_a_member():
    assert members("$$ a + a = 2a = \\text{Easy!} $$\n") == [["a + a", "2a"]]
    assert members("$$ L = \\text{Likelihood} $$\n") == [["L", "\\text{Likelihood}"]]


# ---------------------------------------------------------------- what is not a claim


def test_an_arrow_between_two_values_is_a_mapping_said_and_not_checked(tmp_path):
    """`F(a) = (a_1, a_2) -> (2a_1, 2a_2)` says what F does: a note on the member with the
    arrow, nothing refuted, and --strict fails on it; an arrow between equations is still a
    consequence, checked."""
    text = ("$$ F(a) = \\begin{pmatrix} a_1 \\\\ a_2 \\end{pmatrix} \\rightarrow "
            "\\begin{pmatrix} 2 a_1 \\\\ 2 a_2 \\end{pmatrix} $$\n\n"
            "$$ t = 2 \\to t^2 = 5 $$\n")
    note = write(tmp_path, text)
    mapping, arrow = by_line(note)[1], by_line(note)[3]
    assert mapping.decision.verdict is Verdict.UNKNOWN and mapping.column == 11
    assert [remark.message for remark in mapping.remarks] == [
        "a mapping or a limit (an arrow from one value to another), not an equation: this chain is not checked"]
    assert arrow.decision.verdict is Verdict.REFUTED
    output = run(str(note)).output
    assert "1:11: note: a mapping" in output and "cannot read" not in output
    assert run(str(write(tmp_path, text.split("\n\n")[0] + "\n")), "--strict").exit_code == 1
    assert run(str(write(tmp_path, text.split("\n\n")[0] + "\n"))).exit_code == 0


def test_a_phrase_ending_with_a_comma_ends_its_clause_and_the_claim_after_it_is_checked(tmp_path):
    """`N \\times N \\text{ matrix, } J_{12} = ...`: the words describe what came before; the
    equation after the comma is a claim of its own."""
    text = "$$ N \\times N \\text{ matrix, } J_{12} = 2 J_{12} $$\n"
    assert members(text) == [["J_{12}", "2 J_{12}"]]
    (step,) = steps(write(tmp_path, text))
    assert step.decision.verdict is Verdict.REFUTED


# ---------------------------------------------------------------- definitions of quantities


def test_a_derivative_of_a_name_defined_as_a_quantity_is_the_derivative_of_its_value(tmp_path):
    """`Let $g = x^3$`, then `dg/dx`: g is x^3, so dg/dx = 3x^2 holds and 2x^2 is refuted
    (before, g(x) was an unknown function, and the true line was refuted)."""
    for display, verdict in (("3x^2", Verdict.PROVED), ("2x^2", Verdict.REFUTED)):
        text = f"Let $g = x^3$. Then\n\n$$ \\frac{{dg}}{{dx}} = {display} $$\n"
        (step,) = steps(write(tmp_path, text, "[symbols]\nx = {}\n"))
        assert step.decision.verdict is verdict


@pytest.mark.parametrize("text, verdict", [
    ("We have\n\n$$ z^2 + 1 = 5 $$\n\nwhere $z = 2$.\n", Verdict.PROVED),
    ("We have $z^2 + y = 5$ where $z = 2$ and $y = 1$.\n", Verdict.PROVED),
    ("We have $z^2 + y = 6$ where $z = 2$ and $y = 1$.\n", Verdict.REFUTED),
])
def test_a_definition_given_by_where_right_after_math_applies_to_that_math(tmp_path, text, verdict):
    """`$$z^2 + 1 = 5$$ where $z = 2$`: a reader takes z = 2 before the line it explains."""
    note = write(tmp_path, text, "[symbols]\nx = {}\n")
    result = check_note(note, None, SETTINGS).result
    assert [a.name for a in result.adopted] == ["z", "y"][:len(result.adopted)] and result.adopted
    (step,) = [step for chain in result.chains for step in chain.steps]
    assert step.decision.verdict is verdict


def test_a_second_inline_value_for_one_entry_is_checked_against_the_first(tmp_path):
    notation = "[sizes]\nN = {}\n[symbols]\ns = { kind = 'vector', shape = ['N'] }\n"
    for second, verdict in (("0.5", Verdict.REFUTED), ("7/10", Verdict.PROVED)):
        result = check_note(write(tmp_path, f"Here $s_1 = 0.7$ and later $s_1 = {second}$.\n", notation),
                            None, SETTINGS).result
        (step,) = [step for chain in result.chains for step in chain.steps]
        assert step.decision.verdict is verdict and step.compared_with == "1:29"
        assert [remark.message for remark in step.remarks] == [
            "s_1 is given the value 7/10 at 1:7; this second value is checked against it"]
        assert [a.latex for a in result.adopted] == ["s_1 = 0.7"]


def test_displays_whose_left_side_is_a_number_are_claims_of_their_own(tmp_path):
    """`1 = ...` twice is not a name restated: the second is compared with its own left side."""
    text = "First\n\n$$ 1 = t + (1 - t) $$\n\nand\n\n$$ 1 = 3 - t - (2 - t) $$\n"
    found = by_line(write(tmp_path, text))
    assert [(found[n].decision.verdict, found[n].compared_with) for n in (3, 7)] == [
        (Verdict.PROVED, "3:4"), (Verdict.PROVED, "7:4")]


@pytest.mark.parametrize("hypothesis", ["Suppose $u = 0$.", "Assume that $u = 0$.", "Assuming $u=0$,"])
def test_a_hypothesis_fixing_a_value_is_not_a_definition_for_the_rest_of_the_note(tmp_path, hypothesis):
    """`Suppose $u = 0$` was adopted as u's definition for the whole note, so `In general,
    $$u^2 = 0$$` passed with exit 0. A hypothesis is a condition: nothing is adopted, and
    the general claim is refuted (the claims under it too, until scalar cases are applied)."""
    text = f"{hypothesis} Then\n\n$$ u(u + 7) = 0 $$\n\nIn general,\n\n$$ u^2 = 0 $$\n"
    result = check_note(write(tmp_path, text, "[symbols]\nu = {}\n"), None, SETTINGS).result
    assert not result.adopted
    assert {step.line: step.decision.verdict for chain in result.chains for step in chain.steps}[7] is Verdict.REFUTED


def test_a_supposed_function_is_still_a_definition(tmp_path):
    text = "Suppose $f(x) = x^2$. Then\n\n$$ \\frac{d}{dx} f(x) = 2x $$\n"
    result = check_note(write(tmp_path, text, "[symbols]\nx = {}\n"), None, SETTINGS).result
    assert [a.latex for a in result.adopted] == ["f(x) = x^2"]
    (step,) = [step for chain in result.chains for step in chain.steps]
    assert step.decision.verdict is Verdict.PROVED
