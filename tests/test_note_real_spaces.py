"""A name the note puts in a real space (`$x, y \\in \\mathbb{R}^n$`, `$A \\in \\mathbb{R}^{n
\\times n}$`) and no notation declares is a vector or a matrix of that shape, listed as a
reading: it was left unread ("a transpose of x, which nothing declares")."""

from __future__ import annotations

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps


@pytest.mark.parametrize("claim, verdict", [("x^T y = y^T x", Verdict.PROVED), ("x^T y = x y^T", Verdict.REFUTED),
                                            ("(Ax)^T = x^T A^T", Verdict.PROVED), ("(Ax)^T = x^T A", Verdict.REFUTED)])
def test_names_in_a_real_space_are_vectors_and_matrices(tmp_path, claim, verdict):
    text = f"Let $x, y \\in \\mathbb{{R}}^n$ and $A \\in \\mathbb{{R}}^{{n \\times n}}$. Then ${claim}$.\n"
    result = checked(tmp_path, text)
    assert [step.decision.verdict for step in steps(result)] == [verdict]
    assert [a.name for a in result.adopted if a.kind == "reading"] == ["x", "y", "A"]


def test_a_declared_name_keeps_its_declaration(tmp_path):
    result = checked(tmp_path, "For $x \\in \\mathbb{R}^n$, $x + x = 2x$.\n", notation="[symbols]\nx = {}\n")
    assert not result.adopted and [step.decision.verdict for step in steps(result)] == [Verdict.PROVED]


def test_a_bold_name_in_a_space_of_a_number_of_dimensions(tmp_path):
    result = checked(tmp_path, "With $\\mathbf{u} \\in \\mathbb{R}^3$, $\\mathbf{u}^T \\mathbf{u} = u_1^2 + u_2^2 + u_3^2$.\n")
    assert [step.decision.verdict for step in steps(result)] == [Verdict.PROVED]
