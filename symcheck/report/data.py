"""What the LaTeX writer is given about one document: its results and the files made for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from symcheck.model import DocumentResult


@dataclass
class Figure:
    """A plot next to the .tex: its file, its (prose) title and its caption."""

    file: str
    title: str
    caption: str


@dataclass
class DocumentReport:
    """Everything the LaTeX writer needs about one document."""

    result: DocumentResult
    stem: str
    names: dict[str, str] = field(default_factory=dict)  # declared name -> LaTeX
    declared: frozenset[str] = frozenset()
    gradient_figures: Sequence[Figure] = ()
    overview: Optional[Figure] = None
    notes: Sequence[str] = ()
    data_files: Sequence[str] = ()
