"""Notation that only vectors and matrices have, on names nothing declares: a transpose (`A^T`),
a determinant or a trace (`\\det(A + B)`), a bold or arrowed name (`\\mathbf{A}`, `\\vec{a}`).
Read as numbers, `(AB)^T = A^T B^T`, `\\det(A + B) = \\det A + \\det B`, `\\mathbf{A}\\mathbf{B} =
\\mathbf{B}\\mathbf{A}` and `\\vec a \\times \\vec b = \\vec b \\times \\vec a` were proved. Such math is
now left unread, saying what to declare; declared, it reads and is decided. Each case on a
note written for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from symcheck.model import Verdict

from .note_fixtures import checked, steps
MATRICES = "[sizes]\nn = {}\n[symbols]\nA = { kind = 'matrix', shape = ['n', 'n'] }\nB = { kind = 'matrix', shape = ['n', 'n'] }\n"


def verdicts(tmp_path: Path, text: str, notation: str = "") -> list[tuple[Verdict, str]]:
    return [(step.decision.verdict, step.decision.reason) for step in steps(checked(tmp_path, text, notation))]


@pytest.mark.parametrize("step", ["(AB)^T = A^T B^T", "(AB)^\\top = B^\\top A^\\top", "(x^T y)^T = y^T x",
                                  "w^\\intercal x = x^\\intercal w"])
def test_a_transpose_of_undeclared_names_is_not_read(tmp_path, step):
    found = verdicts(tmp_path, f"$${step}$$\n")
    assert found and all(verdict is Verdict.UNKNOWN for verdict, _ in found)
    assert all("a transpose of" in reason for _, reason in found)


@pytest.mark.parametrize("step, why", [
    ("\\det(A + B) = \\det(A) + \\det(B)", "the determinant of"),
    ("\\det(AB) = \\det(A)\\det(B)", "the determinant of"),
    ("\\operatorname{tr}(AB) = \\operatorname{tr}(A)\\operatorname{tr}(B)", "the trace of"),
    ("\\mathbf{A}\\mathbf{B} = \\mathbf{B}\\mathbf{A}", "written as a vector or a matrix"),
    ("\\vec{a} \\times \\vec{b} = \\vec{b} \\times \\vec{a}", "written as a vector or a matrix"),
    ("(\\boldsymbol{w} \\cdot \\boldsymbol{x})^2 = \\boldsymbol{w}^2 \\boldsymbol{x}^2", "written as a vector or a matrix"),
])
def test_matrix_notation_on_undeclared_names_is_not_read(tmp_path, step, why):
    found = verdicts(tmp_path, f"$${step}$$\n")
    assert found and all(verdict is Verdict.UNKNOWN and why in reason for verdict, reason in found)


def test_a_determinant_of_declared_matrices_is_decided(tmp_path):
    assert [v for v, _ in verdicts(tmp_path, "$$\\det(A + B) = \\det(A) + \\det(B)$$\n",
                                   MATRICES.replace("'n', 'n'", "2, 2"))] == [Verdict.REFUTED]


def test_declared_matrices_are_read_and_decided(tmp_path):
    assert [v for v, _ in verdicts(tmp_path, "$$(AB)^T = B^T A^T$$\n", MATRICES)] == [Verdict.PROVED]
    assert [v for v, _ in verdicts(tmp_path, "$$(AB)^T = A^T B^T$$\n", MATRICES)] == [Verdict.REFUTED]


def test_a_declared_scalar_is_its_own_transpose(tmp_path):
    assert [v for v, _ in verdicts(tmp_path, "$$a^T b = a b$$\n", "[symbols]\na = {}\nb = {}\n")] == [Verdict.PROVED]


@pytest.mark.parametrize("written", ["\\det\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}",
                                     "\\det\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}",
                                     "\\begin{vmatrix} a & b \\\\ c & d \\end{vmatrix}"])
def test_a_determinant_of_a_matrix_written_out_is_read(tmp_path, written):
    """The usual way to write a 2 x 2 determinant was unread ("det needs its argument in brackets")."""
    assert [v for v, _ in verdicts(tmp_path, f"$${written} = ad - bc$$\n")] == [Verdict.PROVED]
    assert [v for v, _ in verdicts(tmp_path, f"$${written} = ad + bc$$\n")] == [Verdict.REFUTED]


def test_a_subscripted_name_of_a_declared_scalar_is_its_own_transpose(tmp_path):
    """`w_1^\\intercal x` where the notation declares w and x scalars: read as the notation says."""
    assert [v for v, _ in verdicts(tmp_path, "$$w_1^\\intercal x = x w_1$$\n", "[symbols]\nw = {}\nx = {}\n")] == [
        Verdict.PROVED]
