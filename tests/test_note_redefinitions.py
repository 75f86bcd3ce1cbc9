"""Lecture notes reuse names from one example to the next: "## Example 2 / Let $f(x) = x^3$".
A definition under a later heading of a name defined under an earlier one is a new
definition from there on. Before, it was checked as a claim against the first (x^2 = x^3
refuted, with a repair back to x^2), and the steps after it were decided with the first
definition, so a wrong step there could be proved."""

from __future__ import annotations

from symcheck.model import Verdict

from .note_fixtures import checked, written_verdicts

TWO_EXAMPLES = ("## Example 1\n\nLet $f(x) = x^2$. Then $f'(x) = {first}$.\n\n"
                "## Example 2\n\nLet $f(x) = x^3$. Then $f'(x) = {second}$.\n")


def test_each_example_is_checked_with_its_own_definition(tmp_path):
    found = written_verdicts(tmp_path, TWO_EXAMPLES.format(first="2x", second="3x^2"))
    assert found == [("2x", Verdict.PROVED), ("3x^2", Verdict.PROVED)]


def test_a_step_right_only_under_the_earlier_definition_is_refuted(tmp_path):
    found = written_verdicts(tmp_path, TWO_EXAMPLES.format(first="2x", second="2x"))
    assert found == [("2x", Verdict.PROVED), ("2x", Verdict.REFUTED)]


def test_the_new_definition_is_listed_as_a_reading(tmp_path):
    result = checked(tmp_path, TWO_EXAMPLES.format(first="2x", second="3x^2"))
    assert any(a.kind == "reading" and "defined anew" in a.latex for a in result.adopted)


def test_a_value_symbol_is_defined_anew_too(tmp_path):
    text = "# A\n\nLet $a = 2$. Then $a^2 = 4$.\n\n# B\n\nLet $a = 3$. Then $a^2 = 9$.\n"
    assert [v for _, v in written_verdicts(tmp_path, text)] == [Verdict.PROVED, Verdict.PROVED]


def test_in_one_section_a_second_value_is_still_a_claim(tmp_path):
    found = written_verdicts(tmp_path, "Let $f(x) = x^2$. Later let $f(x) = x^3$.\n")
    assert found == [("x^3", Verdict.REFUTED)]
