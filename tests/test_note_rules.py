"""Rules of the note reader found on the seeds and the corpus (issue 12's "done when"), each
tried on a small note written for it, never on a seed line."""

from __future__ import annotations

from symcheck.model import Verdict
from symcheck.notes.extract import extract_math
from tests.test_note_reader import by_line, cases, steps, write


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
