"""Where the math is in a masked note: ``$...$``, ``$$...$$``, ``\\[...\\]``, ``\\(...\\)``
and the math environments, as `Region`s of offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional

# Environments that are math at text level (display unless noted).
MATH_ENVIRONMENTS = frozenset(
    name + star
    for name in ("equation", "align", "gather", "multline", "flalign", "alignat", "eqnarray", "displaymath", "dmath",
                 "xalignat", "xxalignat", "IEEEeqnarray", "empheq")
    for star in ("", "*")
) | {"math", "aligned", "gathered", "alignedat"}
_INLINE_ENVIRONMENTS = {"math"}
# a mandatory argument before the math: a column count, a column spec, empheq's inner environment
_ENV_WITH_COUNT = {"alignat", "alignat*", "alignedat", "xalignat", "xalignat*", "xxalignat", "xxalignat*",
                   "IEEEeqnarray", "IEEEeqnarray*", "empheq", "empheq*"}
_ENV_WITH_OPTION = {"aligned", "gathered", "alignedat", "empheq", "empheq*"}
# alignments whose columns come in pairs: `a &= b & c &= d` is two equations side by side
PAIRED_COLUMNS = frozenset(
    name + star for name in ("align", "flalign", "alignat", "xalignat", "xxalignat") for star in ("", "*")
) | {"aligned", "alignedat"}
ENV_NAME = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}")


@dataclass
class Region:
    start: int
    end: int
    content_start: int
    content_end: int
    display: bool
    multline: bool = False
    paired_columns: bool = False  # an environment of PAIRED_COLUMNS


def _skip_escaped_until(text: str, token: str, start: int) -> int:
    """Offset of `token` at or after `start`, skipping backslash escapes; -1 if none."""
    k, n = start, len(text)
    escaped_token = token.startswith("\\")
    while k < n:
        if text[k] == "\\":
            if escaped_token and text.startswith(token, k):
                return k
            k += 2
            continue
        if not escaped_token and text.startswith(token, k):
            return k
        k += 1
    return -1


class _DisplayCloser:
    """Finds the `$$` closing a display opened before `start`.

    The closer is the first `$$` at brace depth 0 (so `\\text{if $i = j$}` may hold `$`),
    looked for up to a blank line; failing that, the first `$$` at all. The brace-aware
    search may read ahead to the end of a paragraph for every display, which a text of
    `$$` inside unbalanced braces turns into quadratic time: it gets a budget of
    `BUDGET_PER_CHARACTER` characters read per character of the text, after which only the
    second rule applies.
    """

    BUDGET_PER_CHARACTER = 8

    def __init__(self, text: str) -> None:
        self.text = text
        self.budget = self.BUDGET_PER_CHARACTER * len(text)

    def __call__(self, start: int) -> int:
        text = self.text
        end = min(len(text), start + self.budget)
        for k, depth in _dollars_in_paragraph(text, start, end):
            if depth == 0 and text.startswith("$$", k):
                self.budget -= k - start
                return k
        self.budget -= end - start
        return _skip_escaped_until(text, "$$", start)


def _dollars_in_paragraph(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(offset, brace depth) of each unescaped `$` from `start`, up to `end` or a blank line."""
    depth, k = 0, start
    while k < end:
        char = text[k]
        if char == "\\":
            k += 2
            continue
        if char in "\r\n":
            k += 2 if text.startswith("\r\n", k) else 1
            if _is_blank_line_after(text, k):
                return
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == "$":
            yield k, depth
        k += 1


def _is_blank_line_after(text: str, newline_end: int) -> bool:
    match = re.match(r"[ \t]*(?:\r\n|\r|\n|$)", text[newline_end:newline_end + 200])
    return match is not None


def _inline_close(text: str, start: int) -> int:
    """Offset of the `$` closing inline math opened at `start`, by Pandoc's rules; -1 if not math.

    The opener must be followed by a non-space; the closer must follow a non-space and not
    be followed by a digit; a bare `$` at brace depth 0 in between, or a blank line, means
    the opener was not math (currency: `$5 and $10`). A `$` inside braces
    (`\\text{if $i = j$}`) is skipped, unless no closer is found at depth 0: then the
    first `$` counts, as if braces were ignored.
    """
    n = min(len(text), start + _INLINE_LIMIT)
    if start + 1 >= n or text[start + 1].isspace():
        return -1

    def closes(k: int) -> bool:
        return not text[k - 1].isspace() and not (k + 1 < len(text) and text[k + 1].isdigit())

    fallback = None
    for k, depth in _dollars_in_paragraph(text, start + 1, n):
        if depth == 0:
            return k if closes(k) else -1
        if fallback is None:
            fallback = k if closes(k) else -1
    return -1 if fallback is None else fallback


def _env_end(text: str, name: str, start: int) -> Optional[tuple[int, int]]:
    depth = 1
    pattern = re.compile(r"\\(begin|end)\s*\{" + re.escape(name) + r"\}")
    for match in pattern.finditer(text, start):
        depth += 1 if match.group(1) == "begin" else -1
        if depth == 0:
            return match.start(), match.end()
    return None


def skip_env_arguments(text: str, pos: int, name: str) -> int:
    """After `\\begin{name}`: skip `[t]` (aligned, empheq's options) and `{n}` (alignat,
    IEEEeqnarray's columns, empheq's environment)."""
    match = re.match(r"[ \t]*\[[^\]\n]*\]", text[pos:])
    if match and name in _ENV_WITH_OPTION:
        pos += match.end()
    if name in _ENV_WITH_COUNT:
        match = re.match(r"\s*\{[^{}]*\}", text[pos:])
        if match:
            pos += match.end()
    return pos


_INLINE_LIMIT = 1000  # characters: inline math longer than this is not inline math


@dataclass(frozen=True)
class Unclosed:
    """An opener of math (``$$``, ``\\[``, ``\\(``, ``\\begin{align}``) that nothing closes."""

    start: int
    opener: str


def find_regions(text: str, kramdown: bool = False) -> list[Region]:
    """The math of `text`; `kramdown`: Markdown, where ``\\\\( ... \\\\)`` and ``\\\\[ ... \\\\]``
    (a backslash escaped for Markdown) are math too."""
    return _scan(text, kramdown)[0]


def unclosed_openers(text: str, kramdown: bool = False) -> list[Unclosed]:
    """The math openers of `text` that are never closed (their math is not read)."""
    return _scan(text, kramdown)[1]


def _scan(text: str, kramdown: bool = False) -> tuple[list[Region], list[Unclosed]]:
    regions: list[Region] = []
    unclosed: list[Unclosed] = []
    k, n = 0, len(text)
    # a closer that is missing after some offset is missing after every later offset:
    # remember the first such offset per closer, so unclosed openers cost linear time
    missing: dict[str, int] = {}
    display_close = _DisplayCloser(text)

    def known_missing(closer: str, start: int) -> bool:
        return closer in missing and start >= missing[closer]

    def found(closer: str, start: int, position: int) -> int:
        if position < 0:
            missing[closer] = min(start, missing.get(closer, start))
        return position
    while k < n:
        char = text[k]
        if char == "\\":
            following = text[k + 1:k + 2]
            escaped = text[k + 2:k + 3] if kramdown and following == "\\" else ""
            if escaped in ("[", "("):
                closer = "\\\\" + ("]" if escaped == "[" else ")")
                end = text.find(closer, k + 3)
                if end >= 0:
                    regions.append(Region(k, end + 3, k + 3, end, escaped == "["))
                    k = end + 3
                    continue
            if following in ("[", "("):
                closer = "\\]" if following == "[" else "\\)"
                end = -1 if known_missing(closer, k + 2) else found(closer, k + 2, _skip_escaped_until(text, closer, k + 2))
                if end >= 0:
                    regions.append(Region(k, end + 2, k + 2, end, following == "["))
                    k = end + 2
                    continue
                unclosed.append(Unclosed(k, "\\" + following))
            elif text.startswith("begin", k + 1):
                match = ENV_NAME.match(text, k)
                if match and match.group(2).strip() in MATH_ENVIRONMENTS:
                    name = match.group(2).strip()
                    closer = "\\end{" + name + "}"
                    ends = None if known_missing(closer, match.end()) else _env_end(text, name, match.end())
                    if ends is None:
                        found(closer, match.end(), -1)
                        unclosed.append(Unclosed(k, match.group(0)))
                    else:
                        content = skip_env_arguments(text, match.end(), name)
                        regions.append(Region(
                            k, ends[1], content, ends[0], name not in _INLINE_ENVIRONMENTS,
                            multline=name.startswith("multline"), paired_columns=name in PAIRED_COLUMNS,
                        ))
                        k = ends[1]
                        continue
            k += 2
            continue
        if char == "$":
            if text.startswith("$$", k):
                end = -1 if known_missing("$$", k + 2) else found("$$", k + 2, display_close(k + 2))
                if end >= 0:
                    regions.append(Region(k, end + 2, k + 2, end, True))
                    k = end + 2
                    continue
                unclosed.append(Unclosed(k, "$$"))
                k += 2
                continue
            end = _inline_close(text, k)
            if end >= 0:
                regions.append(Region(k, end + 1, k + 1, end, False))
                k = end + 1
                continue
        k += 1
    return regions, unclosed

