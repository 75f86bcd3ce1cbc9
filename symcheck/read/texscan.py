"""Scanning raw LaTeX text (before any tokenizing): brace groups."""

from __future__ import annotations

from typing import Iterator, Optional


def _brace_depths(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(offset, depth after it) of each unescaped brace in text[start:end]; a backslash
    escapes the next character, so `\\{` and `\\}` do not count."""
    depth, k = 0, start
    while k < end:
        char = text[k]
        if char == "\\":
            k += 2
            continue
        if char in "{}":
            depth += 1 if char == "{" else -1
            yield k, depth
        k += 1


def braces_balance(text: str) -> bool:
    """Every `{` of `text` is closed, and no `}` closes what it did not open."""
    depth = 0
    for _, depth in _brace_depths(text, 0, len(text)):
        if depth < 0:
            return False
    return depth == 0


def matching_brace(text: str, open_at: int, limit: Optional[int] = None) -> int:
    """Offset just past the `}` matching the `{` at `open_at`; -1 if unmatched before `limit`.

    A backslash escapes the next character, so `\\{` and `\\}` do not count."""
    for k, depth in _brace_depths(text, open_at, len(text) if limit is None else limit):
        if depth == 0:
            return k + 1
    return -1
