"""Red team of case scope in `check`: a case stated in a list item must not leak past the
end of the list into a later, general claim (there it passed `p_i \\delta_{ij} = p_j`
under the leaked `i = j`, with exit 0 under --strict), while a display right after the
item, even unindented (as seed 000 writes its cases), stays in the item's case."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict
from tests.test_note_reader import steps, write

NOTATION = """[sizes]
n = { min = 2 }
[indices]
i = { range = [1, "n"] }
j = { range = [1, "n"] }
[symbols]
p = { kind = "vector", shape = ["n"] }
"""
GENERAL = "$$p_i \\delta_{ij} = p_j$$\n"  # holds only if i = j


@pytest.mark.parametrize("between", [
    "The full matrix then satisfies\n\n",
    "Some prose.\n\n   More prose, still outside the list.\n\n",
])
def test_a_list_item_case_ends_with_the_list(tmp_path, between):
    note = write(tmp_path, "# J\n\n- Case $i = j$: the diagonal.\n\n" + between + GENERAL, NOTATION)
    [step] = steps(note)
    assert step.decision.verdict is Verdict.CONDITIONAL and step.decision.condition == "i = j", step.decision


@pytest.mark.parametrize("text", [
    "- Case $i = j$: the diagonal.\n\n" + GENERAL,
    "- Case $i = j$: the diagonal.\n\n  Indented prose in the item.\n\n  " + GENERAL,
    "- Case $i = j$: the diagonal,\nwith a lazy line.\n" + GENERAL,
])
def test_math_of_the_item_keeps_its_case(tmp_path, text):
    [step] = steps(write(tmp_path, "# J\n\n" + text, NOTATION))
    assert step.decision.verdict is Verdict.PROVED, step.decision
