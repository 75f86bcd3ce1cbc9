"""Checking a small note written for a test: the note (and its notation, when given) in
`tmp_path`, checked with a generous step time limit."""

from __future__ import annotations

from pathlib import Path

from symcheck.engine.settings import Settings
from symcheck.model import DocumentResult, StepResult, Verdict
from symcheck.verify.notes import check_note

SETTINGS = Settings(step_timeout=30.0)


def checked(tmp_path: Path, text: str, notation: str = "") -> DocumentResult:
    note = tmp_path / "note.md"
    note.write_text(text, encoding="utf-8")
    toml = None
    if notation:
        toml = tmp_path / "note.toml"
        toml.write_text(notation, encoding="utf-8")
    return check_note(note, toml, SETTINGS).result


def steps(result: DocumentResult) -> list[StepResult]:
    return [step for chain in result.chains for step in chain.steps]


def verdicts(tmp_path: Path, text: str, notation: str = "") -> list[Verdict]:
    return [step.decision.verdict for step in steps(checked(tmp_path, text, notation))]


def written_verdicts(tmp_path: Path, text: str, notation: str = "") -> list[tuple[str, Verdict]]:
    """Each step of the note as (its LaTeX, its verdict)."""
    return [(step.latex, step.decision.verdict) for step in steps(checked(tmp_path, text, notation))]
