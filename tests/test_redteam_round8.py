"""Round 8 of the red team: what review of round 7 found (a false note passing), each on a
small note written for it; each test fails on the code before its fix. The rule under test
is in the docstring; a note passes only if no step is refuted and none is undecided."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps, verdicts


def _passes(tmp_path, note: str) -> bool:
    return all(step.decision.verdict.holds for step in steps(checked(tmp_path, note)))


# -- a name the prose quantifies is any value, whatever an earlier definition said --------

@pytest.mark.parametrize("sentence", [
    "For every $x$ we have\n$$ x^2 = x $$\n",
    "For all real $x$, we have $$ x^2 = x $$\n",
    "Now take any $x$. Then $$ x^2 = x $$\n",
])
def test_a_quantified_name_is_not_the_defined_one(tmp_path, sentence):
    """`Let $x = 1$.` then "for every $x$ ... x^2 = x" was proved through the definition x = 1."""
    assert Verdict.REFUTED in verdicts(tmp_path, "Let $x = 1$.\n\n" + sentence)


def test_a_defined_name_outside_the_quantified_sentence_keeps_its_definition(tmp_path):
    note = "Let $x = 1$.\n\nFor every $y$ we have $(y+1)^2 = y^2 + 2y + 1$.\n\nHere $$ x^2 = x $$\n"
    assert _passes(tmp_path, note)


def test_taking_any_value_ends_the_case_in_force(tmp_path):
    """"If $z = 2$, we have z^2 = 4. Now take any $z$. Then z^4 = 16" was proved in the case z = 2."""
    note = "Let $z$ be real. If $z = 2$, we have $$z^2 = 4.$$ Now take any $z$. Then $$z^4 = 16.$$\n"
    assert verdicts(tmp_path, note) == [Verdict.PROVED, Verdict.REFUTED]


# -- a value the sentence excludes is never the case ---------------------------------------

@pytest.mark.parametrize("opening", ["Unless we take $n = 5$, we have", "Except in the case $n = 5$,",
                                     "Other than when $n = 5$,", "Except possibly when $n = 5$,"])
def test_a_value_a_sentence_excludes_is_not_the_case(tmp_path, opening):
    note = f"Let $n$ be an integer. {opening}\n$$n^2 = 25.$$\n"
    assert not _passes(tmp_path, note)


# -- a case with another alternative after it is not that case alone ------------------------

@pytest.mark.parametrize("opening", ["If $n = 2$ or $3$, then", "Let $m = 3$. If $n = 2$ or $m = 3$, then",
                                     "If $n = 2$ (or rather $n = 3$), then"])
def test_a_case_followed_by_or_is_not_taken_alone(tmp_path, opening):
    note = f"Let $n$ be an integer. {opening}\n$$n^2 = 4.$$\n"
    assert not _passes(tmp_path, note)


def test_alternative_cases_that_both_hold_still_pass(tmp_path):
    note = "Let $n$ be an integer. If $n = 2$ or if $n = -2$, then\n$$n^2 = 4.$$\n"
    assert _passes(tmp_path, note)


# -- a qualifier read as math never adopts a definition ---------------------------------------

@pytest.mark.parametrize("qualifier", [r"\text{If } z := 2: \quad z^3 = 8", r"\text{When } z := 2, \quad z^3 = 8",
                                       r"\text{If } z \coloneqq 2: \quad z^3 = 8"])
def test_a_case_written_with_a_definition_sign_defines_nothing(tmp_path, qualifier):
    """Was: z := 2 adopted for the whole note, and a later z^2 = 4 proved."""
    result = checked(tmp_path, f"Let $z$ be real.\n\n$${qualifier}$$\n\n$$z^2 = 4$$\n")
    assert not result.adopted
    assert not all(step.decision.verdict.holds for step in steps(result))


# -- a case not taken still ends the one in force (review of the rules above) ----------------

@pytest.mark.parametrize("later", ["If $n = 3$ or $4$, then\n$$n^2 = 4$$\n",
                                   "Unless told otherwise, from now on suppose $n = 3$. Then $$n^2 = 4$$\n"])
def test_a_later_case_not_taken_or_negated_elsewhere_ends_the_earlier_case(tmp_path, later):
    """Was: the claim after it held "in the stated case n = 2", the case before it."""
    note = f"Let $n$ be an integer. If $n = 2$, then\n$$n^2 = 4$$\n\n{later}"
    assert not _passes(tmp_path, note)
