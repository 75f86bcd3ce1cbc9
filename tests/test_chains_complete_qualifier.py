"""A qualifier that states no condition of its own (`\\text{otherwise}`, `\\text{else}`) with math
run on after it, no separator between: that math is a claim, read and checked, never dropped
with the qualifier."""

from __future__ import annotations

from pathlib import Path

import pytest

from symcheck.engine.settings import Settings
from symcheck.model import Verdict
from symcheck.verify.notes import check_note

SETTINGS = Settings(step_timeout=30.0)


def steps(tmp_path: Path, text: str) -> list[tuple[str, Verdict]]:
    note = tmp_path / "note.md"
    note.write_text(text, encoding="utf-8")
    (tmp_path / "note.toml").write_text("[symbols]\nz = {}\n", encoding="utf-8")
    chains = check_note(note, None, SETTINGS).result.chains
    return [(step.latex, step.decision.verdict) for chain in chains for step in chain.steps]


@pytest.mark.parametrize("word", ["otherwise", "else", "Otherwise, "])
def test_math_run_on_after_otherwise_is_checked(tmp_path, word):
    found = steps(tmp_path, f"$$z^2 - z^2 = 0 \\quad \\text{{{word}}} z^3 = 9$$\n")
    assert ("9", Verdict.REFUTED) in found  # z^3 = 9 is no identity: read and refuted, not dropped


def test_a_case_with_its_value_after_otherwise_is_unchanged(tmp_path):
    """`1 \\text{ otherwise}` closes a definition by cases: nothing after it to read."""
    assert steps(tmp_path, "$$z^2 - z^2 = 0 \\quad \\text{otherwise}$$\n") == [("0", Verdict.PROVED)]
