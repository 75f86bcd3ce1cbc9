"""Which derivation files a run names: directories expanded, in a stable order. Light
(no SymPy), so that a warm run finds its files without loading the reader."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

DERIVATION_SUFFIX = ".toml"


def named_files(paths: Sequence[Path]) -> list[Path]:
    """The derivation files under `paths`, each directory's sorted; a path that does not
    exist is kept, for the loader to report."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob(f"*{DERIVATION_SUFFIX}") if p.is_file()))
        else:
            found.append(path)
    return found
