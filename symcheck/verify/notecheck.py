"""What `symcheck check` returns for one note, and which notation file it is read with.

Kept apart from `notes` (which loads the reader and the engine) so that a note whose
result is cached is printed without importing SymPy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from symcheck.model import DocumentResult
from symcheck.notes.extract import MathChain

NOTATION_SUFFIX = ".toml"


@dataclass
class NoteCheck:
    """One note's result and the chains it came from (for positions)."""

    path: Path
    result: DocumentResult
    chains: list[MathChain] = field(default_factory=list)


def notation_for(note: Path, explicit: Optional[Path]) -> Optional[Path]:
    """--notation, else a file beside the note with the same name and .toml."""
    if explicit is not None:
        return explicit
    beside = note.with_suffix(NOTATION_SUFFIX)
    return beside if beside.is_file() else None
