"""`A^T` of a name nothing declares says the name is a vector or a matrix. Read as a number it
was its own transpose, and `(AB)^T = A^T B^T` was proved. Such math is now left unread,
saying what to declare; declared, it reads and is decided. Each case on a note written for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from symcheck.engine.settings import Settings
from symcheck.model import Verdict
from symcheck.verify.notes import check_note

SETTINGS = Settings(step_timeout=30.0)
MATRICES = "[sizes]\nn = {}\n[symbols]\nA = { kind = 'matrix', shape = ['n', 'n'] }\nB = { kind = 'matrix', shape = ['n', 'n'] }\n"


def verdicts(tmp_path: Path, text: str, notation: str = "") -> list[tuple[Verdict, str]]:
    note = tmp_path / "note.md"
    note.write_text(text, encoding="utf-8")
    if notation:
        (tmp_path / "note.toml").write_text(notation, encoding="utf-8")
    chains = check_note(note, None, SETTINGS).result.chains
    return [(step.decision.verdict, step.decision.reason) for chain in chains for step in chain.steps]


@pytest.mark.parametrize("step", ["(AB)^T = A^T B^T", "(AB)^\\top = B^\\top A^\\top", "(x^T y)^T = y^T x",
                                  "w^\\intercal x = x^\\intercal w"])
def test_a_transpose_of_undeclared_names_is_not_read(tmp_path, step):
    found = verdicts(tmp_path, f"$${step}$$\n")
    assert found and all(verdict is Verdict.UNKNOWN for verdict, _ in found)
    assert all("a transpose of" in reason for _, reason in found)


def test_declared_matrices_are_read_and_decided(tmp_path):
    assert [v for v, _ in verdicts(tmp_path, "$$(AB)^T = B^T A^T$$\n", MATRICES)] == [Verdict.PROVED]
    assert [v for v, _ in verdicts(tmp_path, "$$(AB)^T = A^T B^T$$\n", MATRICES)] == [Verdict.REFUTED]


def test_a_declared_scalar_is_its_own_transpose(tmp_path):
    assert [v for v, _ in verdicts(tmp_path, "$$a^T b = a b$$\n", "[symbols]\na = {}\nb = {}\n")] == [Verdict.PROVED]
