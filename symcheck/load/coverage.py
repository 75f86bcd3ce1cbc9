"""Which source lines hold math, which a derivation file encodes, and which it skips and why.

Also checks that every step quotes its source: a step's LaTeX must stand, whitespace aside,
in the lines it cites.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from symcheck.notes.extract import math_lines as find_math_lines
from symcheck.load.derivation import InputError
from symcheck.model import Derivation, LineRef

SOURCES_ENV = "SYMCHECK_SOURCES"


@dataclass(frozen=True)
class Misquote:
    line: LineRef
    latex: str


@dataclass(frozen=True)
class CoverageReport:
    derivation: str
    source: str
    math_lines: tuple[int, ...]
    encoded: tuple[int, ...]
    skipped: dict[int, str]
    missing: tuple[int, ...]
    misquoted: tuple[Misquote, ...]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.misquoted


def source_search_path(derivation_path: Path, extra: Sequence[Path] = ()) -> list[Path]:
    """Where source documents are looked for: --sources, $SYMCHECK_SOURCES, then ../shared/seeds
    beside the repository that holds the derivation file."""
    env = [Path(p) for p in os.environ.get(SOURCES_ENV, "").split(os.pathsep) if p]
    beside = [parent / "shared" / "seeds" for parent in derivation_path.resolve().parents]
    return [*extra, *env, *beside]


def find_source(derivation: Derivation, extra: Sequence[Path] = ()) -> Path:
    if derivation.note is not None:
        return Path(derivation.note)
    for folder in source_search_path(Path(derivation.path), extra):
        candidate = folder / derivation.source
        if candidate.is_file():
            return candidate
    raise InputError(derivation.path, None, f"source document {derivation.source!r} not found "
                     f"(give --sources DIR or set ${SOURCES_ENV})")


def _lines(ref: Optional[LineRef]) -> range:
    if ref is None:
        return range(0)
    first, last = ref if isinstance(ref, tuple) else (ref, ref)
    return range(first, last + 1)


PROSE_CLAIM = "prose:"  # a claim whose `why` starts so states the author's words in new LaTeX


def _quoted_items(derivation: Derivation) -> Iterable[tuple[Optional[LineRef], str]]:
    """Everything that claims to quote the source: definitions, chain steps, and claims
    other than those restating prose."""
    for definition in derivation.definitions:
        yield definition.line, definition.latex
    for chain in derivation.chains:
        for step in chain.steps:
            yield step.line, step.latex
    for claim in derivation.claims:
        if not claim.why.startswith(PROSE_CLAIM):
            yield claim.line, claim.latex


def _encoded_lines(derivation: Derivation) -> set[int]:
    refs = [line for line, _ in _quoted_items(derivation)]
    refs += [claim.line for claim in derivation.claims]
    refs += [check.line for check in derivation.gradient_checks]
    return {number for ref in refs for number in _lines(ref)}


def _squash(text: str) -> str:
    return "".join(text.split())


def is_quoted(latex: str, source_lines: Sequence[str], ref: Optional[LineRef]) -> bool:
    """True when `latex` stands in the cited lines, whitespace aside."""
    cited = "".join(source_lines[number - 1] for number in _lines(ref) if 0 < number <= len(source_lines))
    return _squash(latex) in _squash(cited)


_DELIMITERS = re.compile(r"\\(?:begin|end)\{[^{}]*\}|\$\$|\\\\|\\\[|\\\]|&")


def _holds_formula(line: str) -> bool:
    """False for lines that only open or close a display (`$$\\begin{align}`, `\\end{align}$$`)."""
    return bool(_DELIMITERS.sub("", line).strip())


def coverage_of(derivation: Derivation, source_text: str) -> CoverageReport:
    source_lines = source_text.splitlines()
    math_lines = {
        number for number in find_math_lines(source_text, derivation.source)
        if number <= len(source_lines) and _holds_formula(source_lines[number - 1])
    }
    encoded = _encoded_lines(derivation)
    skipped = {
        number: reason for number in range(1, len(source_lines) + 1)
        if (reason := derivation.coverage.reason_for(number)) is not None
    }
    misquoted = tuple(
        Misquote(ref, latex) for ref, latex in _quoted_items(derivation) if not is_quoted(latex, source_lines, ref)
    )
    return CoverageReport(
        derivation=derivation.path,
        source=derivation.source,
        math_lines=tuple(sorted(math_lines)),
        encoded=tuple(sorted(encoded)),
        skipped=skipped,
        missing=tuple(sorted(math_lines - encoded - set(skipped))),
        misquoted=misquoted,
    )
