"""LaTeX notes: math switched off with `\\iffalse ... \\fi` is not read (it was refuted: a false
alarm), and an `\\input{...}` or `\\include{...}` says that the file it includes is not read with
this one (it was dropped in silence). Each on a note written for it."""

from __future__ import annotations

from pathlib import Path

from symcheck.engine.settings import Settings
from symcheck.model import Verdict
from symcheck.verify.notes import check_note

SETTINGS = Settings(step_timeout=30.0)
BEGIN, END = "\\documentclass{article}\n\\begin{document}\n", "\\end{document}\n"


def steps(tmp_path: Path, body: str) -> list:
    note = tmp_path / "note.tex"
    note.write_text(BEGIN + body + END, encoding="utf-8")
    return [step for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps]


def test_math_switched_off_is_not_read(tmp_path):
    found = steps(tmp_path, "\\iffalse $8 + 8 = 17$ \\fi\nThen $1 + 1 = 2$ and \\iffalse\n$$2 = 3$$\n\\fi done.\n")
    assert [(step.latex, step.decision.verdict) for step in found] == [("2", Verdict.PROVED)]


def test_an_included_file_is_said_not_to_be_read(tmp_path):
    found = steps(tmp_path, "\\input{derivation}\n% \\input{old}\n\\include{appendix}\n")
    assert [(step.line, step.latex, step.decision.verdict) for step in found] == [
        (3, "\\input{derivation}", Verdict.UNKNOWN), (5, "\\include{appendix}", Verdict.UNKNOWN)]
    assert all("not read" in step.decision.reason for step in found)
