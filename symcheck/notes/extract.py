"""Find the equation chains in notes as people write them: Markdown, LaTeX, plain text.

`extract_math(text, path)` returns every chain of equal expressions, in document order,
with exact source positions for each member. Pure functions over strings: no SymPy.

What counts as math
    ``$...$`` (inline; not ``\\$``, not currency such as ``$5 and $10``), ``$$...$$``
    (may span lines), ``\\[...\\]``, ``\\(...\\)`` and the environments in
    `MATH_ENVIRONMENTS`. Markdown code fences, inline code, HTML comments and YAML/TOML
    front matter are skipped; in LaTeX files, ``%`` comments, verbatim-like environments,
    ``\\verb`` and the preamble. ``.txt`` files are read as Markdown unless they contain
    ``\\documentclass`` or ``\\begin{document}``.

How a display becomes chains
    - rows are split at top-level ``\\\\`` (align, aligned, gather, split, eqnarray ... are
      transparent; multline rows are one expression); ``&`` alignment marks are dropped;
    - a row starting with ``=`` (``&=``, ``& =``) continues the chain of the previous row,
      and a *display* starting with ``=`` continues the chain of the previous display
      (notes often write one step per ``$$...$$``); a row starting with ``+``/``-``/
      ``\\cdot`` continues the previous row's last member (a long expression broken
      over lines); a row ending with ``=`` is continued by the next row;
    - a row is split at top-level ``=`` (never inside braces, ``(...)``/``[...]``,
      ``\\left..\\right``, ``\\text{}`` or any non-alignment environment such as
      ``cases`` or ``pmatrix``, which are always one member);
    - ``\\Rightarrow``, ``\\implies``, ``\\iff``, ``\\therefore``, ``\\quad``, ``\\qquad``,
      connective text (``\\text{ and }``, ``\\text{So, }``) separate statements; a chain
      followed by ``\\Rightarrow``/``\\implies`` on its row is marked `premise`;
      ``\\rightarrow``/``\\to`` separate statements only between two equations;
    - inequalities and other relations (``\\le``, ``\\neq``, ``\\approx``, ``\\in`` ...) end a
      chain; ``:=``, ``\\coloneqq``, ``\\equiv``, ``\\triangleq``, ``\\stackrel{def}{=}``
      mark the chain as a definition;
    - ``\\forall ...``, ``\\text{if ...}``, ``\\text{for ...}``, ``\\text{when ...}`` ... end
      the row: the rest is the chain's `qualifier`;
    - ``\\boxed{...}``, ``\\displaystyle``, ``\\label``, ``\\tag``, ``\\nonumber`` are
      dropped; leading arrows/``\\therefore`` and trailing punctuation are trimmed; text
      after ``\\quad`` with no relation (an equation tag such as ``\\text{--- (2)}``) is
      ignored.

Positions are 1-based lines and columns (characters) in the ORIGINAL text; line breaks
are ``\\r\\n``, ``\\n`` or ``\\r``; a leading BOM takes no column. `end_line`/`end_col`
point just past the member's last character, so a one-line member has
``end_col - col == len(latex)``. A member's `latex` is the source text between those
positions, with dropped markup replaced by one space and line breaks normalised to ``\\n``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional, Sequence

from symcheck.read.texscan import matching_brace

__all__ = [
    "MathFragment",
    "MathChain",
    "extract_math",
    "extract_file",
    "read_notes",
    "note_files",
    "math_lines",
    "NOTE_SUFFIXES",
    "MATH_ENVIRONMENTS",
]


@dataclass(frozen=True)
class MathFragment:
    """One member of a chain: its LaTeX and where it is in the source file."""

    latex: str
    line: int
    col: int
    end_line: int
    end_col: int


@dataclass(frozen=True)
class MathChain:
    """Consecutive members claimed equal: members[0] = members[1] = ...

    `display` is False for inline math. `definition` is True when a relation in the chain
    defines rather than claims (``:=``, ``\\equiv`` ...). `qualifier` is the LaTeX of a
    trailing ``\\forall ...``/``\\text{if ...}`` that states where the chain holds.
    `premise` is True when the chain is the hypothesis of a following ``\\Rightarrow``/
    ``\\implies`` on the same row (``f = g/h \\Rightarrow f' = ...``): callers should
    assume it (e.g. as a given for the next chain) rather than check it as an identity.
    """

    path: str
    members: tuple[MathFragment, ...]
    display: bool
    definition: bool = False
    qualifier: Optional[str] = None
    premise: bool = False

    @property
    def line(self) -> int:
        return self.members[0].line

    @property
    def checkable(self) -> bool:
        """A chain needs two members to say anything."""
        return len(self.members) >= 2

    def steps(self) -> Iterator[tuple[MathFragment, MathFragment]]:
        """(previous, current) for every member after the first."""
        return zip(self.members, self.members[1:])


NOTE_SUFFIXES = (".md", ".markdown", ".tex", ".txt")
_TEX_SUFFIXES = {".tex", ".latex", ".ltx"}
_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".qmd", ".rmd"}

# Environments that are math at text level (display unless noted).
MATH_ENVIRONMENTS = frozenset(
    name + star
    for name in ("equation", "align", "gather", "multline", "flalign", "alignat", "eqnarray", "displaymath", "dmath")
    for star in ("", "*")
) | {"math", "aligned", "gathered", "alignedat"}
_INLINE_ENVIRONMENTS = {"math"}
# Environments whose rows are rows of the chain (the rest are opaque: one member each).
_TRANSPARENT = frozenset(
    name + star
    for name in ("equation", "align", "gather", "multline", "flalign", "alignat", "eqnarray", "split", "dmath")
    for star in ("", "*")
) | {"aligned", "gathered", "alignedat"}
_ENV_WITH_COUNT = {"alignat", "alignat*", "alignedat"}

_DEF_COMMANDS = {"coloneqq", "eqqcolon", "equiv", "triangleq", "doteq", "defeq", "Coloneqq"}
_BREAK_COMMANDS = {
    "le", "leq", "ge", "geq", "leqslant", "geqslant", "lt", "gt", "ne", "neq", "approx", "approxeq",
    "simeq", "sim", "cong", "propto", "ll", "gg", "in", "notin", "ni", "subset", "subseteq", "supset",
    "supseteq", "prec", "succ", "preceq", "succeq", "lesssim", "gtrsim",
}
_SEP_COMMANDS = {
    "Rightarrow": "implies", "implies": "implies", "Longrightarrow": "implies", "iff": "arrow",
    "Leftrightarrow": "arrow", "Longleftrightarrow": "arrow", "therefore": "arrow", "because": "arrow",
    "impliedby": "arrow", "Leftarrow": "arrow", "Longleftarrow": "arrow", "quad": "quad", "qquad": "quad",
}
_SOFT_SEP_COMMANDS = {"rightarrow", "to", "longrightarrow", "mapsto", "longmapsto"}
_TEXT_COMMANDS = {"text", "textrm", "textit", "textbf", "textnormal", "textsf", "mbox", "hbox", "mathrm"}
_CUT_WORDS = {
    "if", "for", "when", "whenever", "where", "otherwise", "since", "because", "provided", "given",
    "unless", "assuming", "with", "iff", "wherever", "all", "each", "every",
}
_SEP_WORDS = {"and", "or", "so", "thus", "hence", "then", "now", "therefore", "i.e.", "ie", "i.e", "e.g.", "which", "gives", "yields"}
_DROPPED_COMMANDS = {"nonumber", "notag", "displaystyle", "textstyle", "scriptstyle", "limits"}
_DROPPED_WITH_GROUP = {"label", "tag", "intertext", "shortintertext"}
_LEADING_MARKERS = {
    "rightarrow", "Rightarrow", "to", "hookrightarrow", "leftarrow", "longrightarrow", "Longrightarrow",
    "implies", "therefore", "because", "displaystyle", "quad", "qquad", "hookleftarrow", "mapsto",
}
_SPACING_SYMBOLS = {",", ";", "!", " ", ":", ">"}
_BINARY_START = re.compile(r"(?:[+\-*/]|\\(?:cdot|times|pm|mp|div|circ|otimes|oplus)(?![A-Za-z]))")

_CONTROL_WORD = re.compile(r"\\([A-Za-z]+)")
_ENV_NAME = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# ---------------------------------------------------------------- files


def read_notes(path: Path) -> str:
    """A notes file as text (UTF-8, BOM dropped, undecodable bytes replaced); line breaks kept."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        return handle.read()


def extract_file(path: Path) -> list[MathChain]:
    return extract_math(read_notes(path), str(path))


def note_files(paths: Sequence[Path], suffixes: Sequence[str] = NOTE_SUFFIXES) -> list[Path]:
    """The notes files named, directories expanded (hidden directories skipped), in a stable order."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in suffixes
                and not any(part.startswith(".") for part in p.relative_to(path).parts[:-1])
            ))
        else:
            found.append(path)
    return found


# ---------------------------------------------------------------- positions


class _Positions:
    """Offset -> 1-based (line, column) in the original text."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        self.bom = text.startswith("\ufeff")

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        col = offset - self.starts[index] + 1
        if self.bom and index == 0 and offset > 0:
            col -= 1
        return index + 1, col


# ---------------------------------------------------------------- the working buffer


class _Buffer:
    """The text as a mutable list of characters; masked or dropped parts become spaces."""

    def __init__(self, text: str):
        self.chars = list(text)
        self.blanked = bytearray(len(text))

    def blank(self, start: int, end: int) -> None:
        chars, blanked = self.chars, self.blanked
        for k in range(max(start, 0), min(end, len(chars))):
            if chars[k] not in "\r\n":
                chars[k] = " "
                blanked[k] = 1

    def text(self) -> str:
        return "".join(self.chars)

    def render(self, start: int, end: int) -> str:
        out: list[str] = []
        k = start
        while k < end:
            if self.blanked[k]:
                while k < end and self.blanked[k]:
                    k += 1
                if out and not out[-1].isspace() and k < end and not self.chars[k].isspace():
                    out.append(" ")
                continue
            out.append(self.chars[k])
            k += 1
        return _LINE_BREAK.sub("\n", "".join(out)).strip()


# ---------------------------------------------------------------- masking what is not math


def _mode(text: str, path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in _TEX_SUFFIXES:
        return "tex"
    if suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    return "tex" if re.search(r"\\documentclass|\\begin\s*\{document\}", text) else "markdown"


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end without the line break, content) for each line."""
    start = 0
    for match in _LINE_BREAK.finditer(text):
        yield start, match.start(), text[start:match.start()]
        start = match.end()
    yield start, len(text), text[start:]


def _mask_markdown(buf: _Buffer) -> None:
    text = buf.text()
    # front matter (YAML --- or TOML +++) at the very top
    first = re.match(r"\ufeff?(---|\+\+\+)[ \t]*(?:\r\n|\r|\n)", text)
    if first:
        closers = ("---", "...") if first.group(1) == "---" else ("+++",)
        for start, end, line in _lines(text):
            if start >= first.end() and line.rstrip() in closers:
                buf.blank(0, end)
                break
    # fenced code blocks
    text = buf.text()
    fence: Optional[tuple[str, int, int]] = None  # (char, length, start offset)
    for start, end, line in _lines(text):
        if fence is None:
            opening = re.match(r"[ \t]*(`{3,}|~{3,})(.*)$", line)
            if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
                fence = (opening.group(1)[0], len(opening.group(1)), start)
        else:
            char, length, opened = fence
            closing = re.match(r"[ \t]*(" + re.escape(char) + "{" + str(length) + ",})[ \t]*$", line)
            if closing:
                buf.blank(opened, end)
                fence = None
    if fence is not None:
        buf.blank(fence[2], len(text))
    # HTML comments
    text = buf.text()
    for match in re.finditer(r"<!--.*?-->", text, re.S):
        buf.blank(match.start(), match.end())
    # inline code: a run of n backticks up to the next run of exactly n, within a paragraph
    text = buf.text()
    runs = [(m.start(), m.end()) for m in re.finditer(r"`+", text)]
    index = 0
    while index < len(runs):
        start, end = runs[index]
        length = end - start
        for later in range(index + 1, len(runs)):
            other_start, other_end = runs[later]
            if re.search(r"(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)", text[end:other_start]):
                break
            if other_end - other_start == length:
                buf.blank(start, other_end)
                index = later
                break
        index += 1


def _mask_tex(buf: _Buffer) -> None:
    text = buf.text()
    begin = re.search(r"\\begin\s*\{document\}", text)
    if begin:
        buf.blank(0, begin.end())
        end = re.search(r"\\end\s*\{document\}", text)
        if end:
            buf.blank(end.start(), len(text))
    text = buf.text()
    for match in re.finditer(
        r"\\begin\s*\{(verbatim\*?|Verbatim|lstlisting|minted|comment)\}.*?\\end\s*\{\1\}", text, re.S
    ):
        buf.blank(match.start(), match.end())
    text = buf.text()
    for match in re.finditer(r"\\verb\*?([^A-Za-z\s*]).*?\1", text):
        buf.blank(match.start(), match.end())
    text = buf.text()
    for start, end, line in _lines(text):
        for match in re.finditer(r"%", line):
            backslashes = len(line[: match.start()]) - len(line[: match.start()].rstrip("\\"))
            if backslashes % 2 == 0:
                buf.blank(start + match.start(), end)
                break


# ---------------------------------------------------------------- finding math regions


@dataclass
class _Region:
    start: int
    end: int
    content_start: int
    content_end: int
    display: bool
    multline: bool = False


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


def _display_close(text: str, start: int) -> int:
    """Offset of the `$$` closing a display opened before `start`; -1 if none.

    The closer is the first `$$` at brace depth 0 (so `\\text{if $i = j$}` may hold `$`),
    looked for up to a blank line; failing that, the first `$$` at all.
    """
    for k, depth in _dollars_in_paragraph(text, start, len(text)):
        if depth == 0 and text.startswith("$$", k):
            return k
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


def _skip_env_arguments(text: str, pos: int, name: str) -> int:
    """After `\\begin{name}`: skip `[t]` (aligned) and `{n}` (alignat)."""
    match = re.match(r"[ \t]*\[[^\]\n]*\]", text[pos:])
    if match and name in ("aligned", "gathered", "alignedat"):
        pos += match.end()
    if name in _ENV_WITH_COUNT:
        match = re.match(r"\s*\{[^{}]*\}", text[pos:])
        if match:
            pos += match.end()
    return pos


_INLINE_LIMIT = 1000  # characters: inline math longer than this is not inline math


def _regions(text: str) -> list[_Region]:
    regions: list[_Region] = []
    k, n = 0, len(text)
    # a closer that is missing after some offset is missing after every later offset:
    # remember the first such offset per closer, so unclosed openers cost linear time
    missing: dict[str, int] = {}

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
            if following in ("[", "("):
                closer = "\\]" if following == "[" else "\\)"
                end = -1 if known_missing(closer, k + 2) else found(closer, k + 2, _skip_escaped_until(text, closer, k + 2))
                if end >= 0:
                    regions.append(_Region(k, end + 2, k + 2, end, following == "["))
                    k = end + 2
                    continue
            elif text.startswith("begin", k + 1):
                match = _ENV_NAME.match(text, k)
                if match and match.group(2).strip() in MATH_ENVIRONMENTS:
                    name = match.group(2).strip()
                    closer = "\\end{" + name + "}"
                    ends = None if known_missing(closer, match.end()) else _env_end(text, name, match.end())
                    if ends is None:
                        found(closer, match.end(), -1)
                    else:
                        content = _skip_env_arguments(text, match.end(), name)
                        regions.append(_Region(
                            k, ends[1], content, ends[0], name not in _INLINE_ENVIRONMENTS,
                            multline=name.startswith("multline"),
                        ))
                        k = ends[1]
                        continue
            k += 2
            continue
        if char == "$":
            if text.startswith("$$", k):
                end = -1 if known_missing("$$", k + 2) else found("$$", k + 2, _display_close(text, k + 2))
                if end >= 0:
                    regions.append(_Region(k, end + 2, k + 2, end, True))
                    k = end + 2
                    continue
                k += 2
                continue
            end = _inline_close(text, k)
            if end >= 0:
                regions.append(_Region(k, end + 1, k + 1, end, False))
                k = end + 1
                continue
        k += 1
    return regions


# ---------------------------------------------------------------- lexing a region


@dataclass
class _Event:
    kind: str  # "rel" | "sep" | "soft" | "cut"
    detail: str  # rel: eq/def/break; sep: arrow/quad/text
    start: int
    end: int


@dataclass
class _Row:
    start: int
    end: int
    events: list[_Event] = field(default_factory=list)
    unbalanced: bool = False


def _group_after(text: str, pos: int, limit: int) -> Optional[tuple[int, int]]:
    """(start of `{`, end past `}`) of the brace group after optional spaces at `pos`."""
    k = pos
    while k < limit and text[k] in " \t":
        k += 1
    if k < limit and text[k] == "{":
        end = matching_brace(text, k, limit)
        if end > 0:
            return k, end
    return None


def _skip_delimiter(text: str, pos: int, limit: int) -> int:
    """Past the delimiter after \\left, \\right, \\middle, \\big..."""
    k = pos
    while k < limit and text[k] in " \t\r\n":
        k += 1
    if k < limit and text[k] == "\\":
        match = _CONTROL_WORD.match(text, k)
        return match.end() if match else min(k + 2, limit)
    return min(k + 1, limit)


def _text_kind(content: str) -> Optional[str]:
    """How a top-level \\text{...} acts: 'sep' (blank or a connective), 'cut' (a qualifier), or None."""
    plain = re.sub(r"\$[^$]*\$", " x ", content)
    stripped = re.sub(r"\\[ ,;!]|~", " ", plain).strip()
    if not stripped:
        return "sep"
    words = re.sub(r"[,;:()\-–—]+", " ", stripped.lower()).split()
    if not words:
        return None
    if all(word in _SEP_WORDS for word in words):
        return "sep"
    if words[0] in _CUT_WORDS:
        return "cut"
    return None


class _Lexer:
    """Splits one region into rows and finds the relations and separators at top level."""

    def __init__(self, text: str, region: _Region, use_parens: bool):
        self.text, self.region, self.use_parens = text, region, use_parens
        self.blanks: list[tuple[int, int]] = []

    def rows(self) -> list[_Row]:
        text, region = self.text, self.region
        limit = region.content_end
        rows = [_Row(region.content_start, limit)]
        braces = parens = lefts = 0
        opaque: list[str] = []
        transparent: list[str] = [] if not region.multline else ["multline"]
        phantom_closers: set[int] = set()
        k = region.content_start

        def top() -> bool:
            return braces == 0 and parens == 0 and lefts == 0 and not opaque

        def emit(kind: str, detail: str, start: int, end: int) -> None:
            rows[-1].events.append(_Event(kind, detail, start, end))

        while k < limit:
            char = text[k]
            if k in phantom_closers:
                k += 1
                continue
            if char == "\\":
                following = text[k + 1:k + 2]
                if following == "\\":
                    end = k + 2
                    if text[end:end + 1] == "*":
                        end += 1
                    option = re.match(r"\[[^\]\n]*\]", text[end:limit])
                    if option:
                        end += option.end()
                    if braces == 0 and not opaque:
                        if any(name.startswith("multline") for name in transparent):
                            self.blanks.append((k, end))
                        else:
                            rows[-1].end = k
                            rows[-1].unbalanced = parens > 0
                            rows.append(_Row(end, limit))
                            parens = lefts = 0
                    k = end
                    continue
                word = _CONTROL_WORD.match(text, k)
                if not word:
                    if following in ("{", "[", "(") and self.use_parens and braces == 0 and not opaque:
                        parens += 1 if following == "{" else 0
                    elif following == "}" and self.use_parens and braces == 0 and not opaque:
                        parens = max(0, parens - 1)
                    k += 2
                    continue
                name, end = word.group(1), word.end()
                if name in ("begin", "end"):
                    env = _ENV_NAME.match(text, k)
                    if env:
                        env_name = env.group(2).strip()
                        end = env.end()
                        if name == "begin":
                            if env_name in _TRANSPARENT and braces == 0 and not opaque:
                                end = _skip_env_arguments(text, end, env_name)
                                self.blanks.append((k, end))
                                transparent.append(env_name)
                            else:
                                opaque.append(env_name)
                        else:
                            if opaque and opaque[-1] == env_name:
                                opaque.pop()
                            elif transparent and transparent[-1] == env_name and braces == 0 and not opaque:
                                self.blanks.append((k, end))
                                transparent.pop()
                    k = end
                    continue
                if name in ("left", "right", "middle") or re.fullmatch(r"[bB]ig+[lrm]?", name):
                    if name == "left":
                        lefts += 1
                    elif name == "right":
                        lefts = max(0, lefts - 1)
                    k = _skip_delimiter(text, end, limit) if name in ("left", "right", "middle") else end
                    continue
                if opaque:
                    k = end
                    continue
                if name in _DROPPED_COMMANDS:
                    self.blanks.append((k, end))
                    k = end
                    continue
                if name in _DROPPED_WITH_GROUP:
                    star = end + 1 if text[end:end + 1] == "*" else end
                    group = _group_after(text, star, limit)
                    stop = group[1] if group else end
                    self.blanks.append((k, stop))
                    k = stop
                    continue
                if name == "boxed" and braces == 0:
                    group = _group_after(text, end, limit)
                    if group:
                        self.blanks.append((k, group[0] + 1))
                        self.blanks.append((group[1] - 1, group[1]))
                        phantom_closers.add(group[1] - 1)
                        k = group[0] + 1
                        continue
                if not top():
                    k = end
                    continue
                if name in ("stackrel", "overset"):
                    first = _group_after(text, end, limit)
                    second = _group_after(text, first[1], limit) if first else None
                    if first and second:
                        above = text[first[0] + 1:first[1] - 1]
                        below = text[second[0] + 1:second[1] - 1].strip()
                        if below == "=" or below.lstrip("\\") in _DEF_COMMANDS:
                            definition = "def" in above or below != "=" or "triangle" in above
                            emit("rel", "def" if definition else "eq", k, second[1])
                        elif below.lstrip("\\") in _BREAK_COMMANDS or below in ("<", ">"):
                            emit("rel", "break", k, second[1])
                        k = second[1]
                        continue
                if name in _DEF_COMMANDS:
                    emit("rel", "def", k, end)
                elif name in _BREAK_COMMANDS:
                    emit("rel", "break", k, end)
                elif name in _SEP_COMMANDS:
                    emit("sep", _SEP_COMMANDS[name], k, end)
                elif name == "hspace" and braces == 0:  # a wide space between formulas, as \quad
                    star = end + 1 if text[end:end + 1] == "*" else end
                    group = _group_after(text, star, limit)
                    stop = group[1] if group else end
                    emit("sep", "quad", k, stop)
                    k = stop
                    continue
                elif name in _SOFT_SEP_COMMANDS:
                    emit("soft", "arrow", k, end)
                elif name == "forall":
                    emit("cut", "forall", k, end)
                elif name in _TEXT_COMMANDS:
                    group = _group_after(text, end, limit)
                    if group:
                        kind = _text_kind(text[group[0] + 1:group[1] - 1])
                        if kind == "sep":
                            emit("sep", "text", k, group[1])
                        elif kind == "cut":
                            emit("cut", "text", k, group[1])
                        k = group[1]
                        continue
                k = end
                continue
            if char == "{":
                braces += 1
            elif char == "}":
                braces = max(0, braces - 1)
            elif braces == 0 and not opaque:
                if char in "([" and self.use_parens:
                    parens += 1
                elif char in ")]" and self.use_parens:
                    parens = max(0, parens - 1)
                elif char == "&":
                    self.blanks.append((k, k + 1))
                elif top():
                    if char == "=":
                        before = text[k - 1] if k > region.content_start else " "
                        after = text[k + 1] if k + 1 < limit else " "
                        if before in "<>":
                            pass  # <= and >= were emitted at < and >
                        elif before == "!":
                            emit("rel", "break", k - 1, k + 1)
                        elif before == ":":
                            emit("rel", "def", k - 1, k + 1)
                        elif after == ":":
                            emit("rel", "def", k, k + 2)
                            k += 2
                            continue
                        elif after == "=":
                            emit("rel", "eq", k, k + 2)
                            k += 2
                            continue
                        else:
                            emit("rel", "eq", k, k + 1)
                    elif char in "<>":
                        end = k + 2 if text[k + 1:k + 2] == "=" else k + 1
                        emit("rel", "break", k, end)
                        k = end
                        continue
            k += 1
        rows[-1].end = limit
        rows[-1].unbalanced = parens > 0
        return rows


# ---------------------------------------------------------------- assembling chains


@dataclass
class _OpenChain:
    members: list[list[int]]
    display: bool
    definition: bool = False
    qualifier: Optional[tuple[int, int]] = None
    premise: bool = False


@dataclass
class _Statement:
    separator: Optional[str]
    pieces: list[tuple[int, int]]
    relations: list[_Event]
    qualifier: Optional[tuple[int, int]] = None


class _Assembler:
    def __init__(self, text: str, buf: _Buffer):
        self.text, self.buf = text, buf
        self.chains: list[_OpenChain] = []
        self.display_chain: Optional[_OpenChain] = None

    # -- trimming pieces ----------------------------------------------------

    def _skip_space(self, start: int, end: int) -> int:
        chars = self.buf.chars
        while start < end and chars[start].isspace():
            start += 1
        return start

    def trim(self, start: int, end: int, leading: bool) -> Optional[tuple[int, int]]:
        chars = self.buf.chars
        changed = True
        while changed:
            changed = False
            start = self._skip_space(start, end)
            while end > start and chars[end - 1].isspace():
                end -= 1
            if start >= end:
                return None
            head = "".join(chars[start:min(end, start + 40)])
            tail = "".join(chars[max(start, end - 40):end])
            word = _CONTROL_WORD.match(head)
            if head[:1] == "\\" and head[1:2] in _SPACING_SYMBOLS and not word:
                start += 2
                changed = True
            elif head[:1] == "~":
                start += 1
                changed = True
            elif leading and word and word.group(1) in _LEADING_MARKERS:
                start += word.end()
                changed = True
            elif leading and word and word.group(1) in _TEXT_COMMANDS:
                group = _group_after(self.text, start + word.end(), end)
                prose = group is not None and re.search(r"[\s,.;:]$", self.text[group[0] + 1:group[1] - 1])
                if prose and self.trim(group[1], end, leading=False) is not None:
                    start = group[1]
                    changed = True
            if changed:
                continue
            trailing = re.search(r"(?:\\[,;!: ]|~|(?<![.\\])[.,;:])$", tail)
            if trailing:
                end -= len(trailing.group(0))
                changed = True
                continue
            spacing = re.search(r"\\q?quad$", tail)
            if spacing:
                end -= len(spacing.group(0))
                changed = True
                continue
            remark = re.search(r"\\(?:text|textrm|mbox)\s*\{\s*\([^{}]*\)\s*\}$", tail)
            if remark and self.trim(start, end - len(remark.group(0)), leading=False) is not None:
                end -= len(remark.group(0))
                changed = True
        return start, end

    def latex(self, span: Sequence[int]) -> str:
        return self.buf.render(span[0], span[1])

    def text_only(self, span: tuple[int, int]) -> bool:
        latex = self.latex(span)
        previous = None
        while previous != latex:
            previous = latex
            latex = re.sub(r"\\(?:" + "|".join(_TEXT_COMMANDS) + r")\s*\{[^{}]*\}", " ", latex)
        latex = re.sub(r"\\[A-Za-z]*arrow\b|\\q?quad\b|\\[ ,;!:]|~", " ", latex)
        return not re.sub(r"[\s.,;:()\-–—]", "", latex)

    # -- statements -----------------------------------------------------------

    def statements(self, row: _Row) -> list[_Statement]:
        events = row.events
        cut_at = next((i for i, e in enumerate(events) if e.kind == "cut"), None)
        qualifier = None
        if cut_at is not None:
            qualifier = (events[cut_at].start, row.end)
            events = events[:cut_at]
            row_end = qualifier[0]
        else:
            row_end = row.end
        # decide soft separators: only between two equations
        hard: list[_Event] = []
        for index, event in enumerate(events):
            if event.kind != "soft":
                hard.append(event)
                continue
            before = False
            for earlier in reversed(hard):
                if earlier.kind == "sep":
                    break
                if earlier.kind == "rel":
                    before = True
                    break
            after = False
            for later in events[index + 1:]:
                if later.kind in ("sep", "soft"):
                    break
                if later.kind == "rel":
                    after = True
                    break
            if before and after:
                hard.append(_Event("sep", "arrow", event.start, event.end))
        statements = [_Statement(None, [], [])]
        piece_start = row.start
        for event in hard:
            if event.kind == "rel":
                statements[-1].pieces.append((piece_start, event.start))
                statements[-1].relations.append(event)
            else:
                statements[-1].pieces.append((piece_start, event.start))
                statements.append(_Statement(event.detail, [], []))
            piece_start = event.end
        statements[-1].pieces.append((piece_start, row_end))
        if qualifier is not None:
            statements[-1].qualifier = qualifier
        return statements

    # -- chains -----------------------------------------------------------------

    def region(self, region: _Region, rows: list[_Row]) -> None:
        if region.display:
            self.current = self.display_chain
        else:
            self.current = None
        self.expect = False
        self.display = region.display
        for row_index, row in enumerate(rows):
            self.row(row, row_index)
        if region.display:
            self.display_chain = self.current

    def new_chain(self, span: Optional[tuple[int, int]]) -> _OpenChain:
        chain = _OpenChain([list(span)] if span else [], self.display)
        self.chains.append(chain)
        self.current = chain
        return chain

    def add(self, span: Optional[tuple[int, int]]) -> None:
        if span is None:
            return
        if self.expect and self.current is not None:
            self.current.members.append(list(span))
            self.expect = False
        else:
            self.new_chain(span)

    def row(self, row: _Row, row_index: int) -> None:
        statements = self.statements(row)
        first = True
        for index, statement in enumerate(statements):
            separator = statement.separator
            implies_next = index + 1 < len(statements) and statements[index + 1].separator == "implies"
            head = self.trim(*statement.pieces[0], leading=True)
            if first and head is None and not statement.relations:
                if statement.qualifier is not None and self.current is not None:
                    self.current.qualifier = self.current.qualifier or statement.qualifier
                continue
            if (
                first and row_index > 0 and separator in (None, "quad") and head is not None
                and self.current is not None and self.current.members and not self.expect
                and _BINARY_START.match(self.latex(head))
            ):
                last = self.current.members[-1]
                self.buf.blank(last[1], head[0])
                last[1] = head[1]
            elif not statement.relations:
                if head is not None and separator != "quad" and not self.text_only(head):
                    self.add(head)
            else:
                self.add(head)
            for relation, piece in zip(statement.relations, statement.pieces[1:]):
                if relation.detail in ("eq", "def"):
                    if self.current is None or (not self.expect and not self.current.members):
                        self.new_chain(None)
                    if relation.detail == "def":
                        self.current.definition = True
                    self.expect = True
                else:
                    self.current, self.expect = None, False
                self.add(self.trim(*piece, leading=False))
            if statement.qualifier is not None and self.current is not None:
                self.current.qualifier = self.current.qualifier or statement.qualifier
            if implies_next and self.current is not None and (head is not None or statement.relations):
                self.current.premise = True
            first = False

    def results(self, path: str, positions: _Positions) -> list[MathChain]:
        chains = []
        for chain in self.chains:
            if len(chain.members) < 2:
                continue
            members = []
            for start, end in chain.members:
                line, col = positions.at(start)
                end_line, end_col = positions.at(end)
                members.append(MathFragment(self.latex((start, end)), line, col, end_line, end_col))
            qualifier = None
            if chain.qualifier is not None:
                qualifier = self.latex(chain.qualifier) or None
            chains.append(MathChain(path, tuple(members), chain.display, chain.definition, qualifier, chain.premise))
        return chains


# ---------------------------------------------------------------- entry point


def _masked(text: str, path: str) -> "_Buffer":
    buf = _Buffer(text)
    if _mode(text, path) == "tex":
        _mask_tex(buf)
    else:
        _mask_markdown(buf)
    return buf


def math_lines(text: str, path: str) -> set[int]:
    """Every 1-based line that holds math of any kind (inline or display, equation or not)."""
    positions = _Positions(text)
    lines: set[int] = set()
    for region in _regions(_masked(text, path).text()):
        if region.content_start < region.content_end:
            first, last = positions.at(region.content_start)[0], positions.at(region.content_end - 1)[0]
            lines.update(range(first, last + 1))
    return lines


def extract_math(text: str, path: str) -> list[MathChain]:
    """Every chain of two or more equal members in `text`, in document order.

    `path` names the file (its suffix chooses Markdown or LaTeX rules) and is copied into
    each chain. Inline math gives chains too (`display=False`); callers may skip them.
    """
    buf = _masked(text, path)
    masked = buf.text()
    assembler = _Assembler(masked, buf)
    for region in _regions(masked):
        lexer = _Lexer(masked, region, use_parens=True)
        rows = lexer.rows()
        if any(row.unbalanced for row in rows):
            fallback = _Lexer(masked, region, use_parens=False).rows()
            if len(fallback) == len(rows):
                rows = [plain if row.unbalanced else row for row, plain in zip(rows, fallback)]
        for start, end in lexer.blanks:
            buf.blank(start, end)
        assembler.region(region, rows)
    return assembler.results(path, _Positions(text))
