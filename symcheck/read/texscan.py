"""Scanning raw LaTeX text (before any tokenizing): brace groups."""

from __future__ import annotations

from typing import Optional


def matching_brace(text: str, open_at: int, limit: Optional[int] = None) -> int:
    """Offset just past the `}` matching the `{` at `open_at`; -1 if unmatched before `limit`.

    A backslash escapes the next character, so `\\{` and `\\}` do not count."""
    depth, k, end = 0, open_at, len(text) if limit is None else limit
    while k < end:
        char = text[k]
        if char == "\\":
            k += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return k + 1
        k += 1
    return -1
