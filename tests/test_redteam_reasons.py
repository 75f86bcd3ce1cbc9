"""Red team, round 3. A reason written beside a step (`&& \\text{since } c = d`) is a claim
of its own; the next row of the derivation goes on from the step, never from the reason.

Found on a public notebook (Hands-On ML, math_differential_calculus.ipynb): its rows read
`& = \\dfrac{0}{1+1} && \\text{since } \\lim \\sin(\\theta)=0 \\text{ and } \\lim\\cos(\\theta)=1`,
and the next row `& = 0` was compared with the reason's `1`. With a true reason, that
comparison proved a false chain (x^2 = x x = 1, exit 0 under --strict)."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict
from symcheck.verify.notes import check_note
from tests.test_note_reader import SETTINGS, write

NOTATION = "[symbols]\nx = {}\na = {}\nb = {}\ny = {}\n"

# (x+1)^2 = x^2 + 2x + 1 holds; the row after it does not follow from it, but equals the reason
FALSE_CONTINUATIONS = {
    "&& \\text{since}": ("\\begin{align*}\n(x+1)^2 & = x^2 + 2x + 1 && \\text{since } \\ln(e) = 1 \\\\\n"
                         "& = 1\n\\end{align*}\n"),
    "\\quad \\text{because}": ("\\begin{aligned}\n(x+1)^2 & = x^2 + 2x + 1 \\quad \\text{because } "
                               "(a+b)^2 = a^2 + 2ab + b^2 \\\\\n& = a^2 + 2ab + b^2\n\\end{aligned}\n"),
    "\\because": ("\\begin{aligned}\n(x+1)^2 & = x^2 + 2x + 1 \\quad \\because y + y = 2y \\\\\n"
                  "& = 2y\n\\end{aligned}\n"),
    "no alignment point": "(x+1)^2 = x^2 + 2x + 1 \\text{ since } y + y = 2y \\\\\n= 2y\n",
}


def _verdicts(tmp_path, body: str) -> dict[int, list[Verdict]]:
    note = write(tmp_path, f"Text.\n\n$$\n{body}$$\n", notation=NOTATION)
    found: dict[int, list[Verdict]] = {}
    for chain in check_note(note, None, SETTINGS).result.chains:
        for step in chain.steps:
            found.setdefault(step.line, []).append(step.decision.verdict)
    return found


@pytest.mark.parametrize("place", sorted(FALSE_CONTINUATIONS))
def test_the_row_after_a_reason_goes_on_from_the_step(tmp_path, place):
    verdicts = _verdicts(tmp_path, FALSE_CONTINUATIONS[place])
    last = max(verdicts)
    assert Verdict.REFUTED in verdicts[last], (place, verdicts)


def test_the_reason_itself_is_still_checked(tmp_path):
    body = "\\begin{align*}\nx + x & = 2x && \\text{since } (a+b)^2 = a^2 + b^2 \\\\\n& = x + x\n\\end{align*}\n"
    verdicts = _verdicts(tmp_path, body)
    assert verdicts[5].count(Verdict.REFUTED) == 1 and verdicts[6] == [Verdict.PROVED], verdicts


def test_a_true_row_after_a_reason_holds(tmp_path):
    body = "\\begin{align*}\n(x+1)^2 & = x^2 + 2x + 1 && \\text{since } y + y = 2y \\\\\n& = 1 + 2x + x^2\n\\end{align*}\n"
    verdicts = _verdicts(tmp_path, body)
    assert all(v.holds for vs in verdicts.values() for v in vs) and len(verdicts[6]) == 1, verdicts


def test_a_rewrite_parameter_in_braces_takes_the_whole_group(tmp_path):
    """`a_{#1}` -> `A_{#1}` (d2l writes the entries of A as a_{ij}): the pattern matched
    only a one-token group (`a_{i}`), so `a_{ij}` stayed a name of its own, in silence."""
    notation = ("[sizes]\nn = {}\n[indices]\ni = { range = [1, \"n\"] }\nj = { range = [1, \"n\"] }\n"
                "[symbols]\nA = { kind = \"matrix\", shape = [\"n\", \"n\"] }\n"
                "[[rewrites]]\npattern = 'a_{#1}'\nreplacement = 'A_{#1}'\n")
    note = write(tmp_path, "$$a_{ij} = A_{ij}$$\n", notation=notation)
    steps = [step for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps]
    assert steps and all(step.decision.verdict.holds for step in steps), [s.decision.reason for s in steps]
