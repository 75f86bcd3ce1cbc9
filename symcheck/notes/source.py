"""A notes file as text, and the parts of it that are never math.

`masked(text, path)` blanks Markdown code fences, inline code, HTML comments, front
matter and block-quote markers, or in LaTeX the preamble, ``%`` comments, verbatim-like
environments and ``\\verb``; what remains keeps every offset of the original, so
positions stay exact. The math that GitHub and GitLab write as code (a ```` ```math ````
fence, ``$`...`$`` inline) stays, its delimiters rewritten in place as ``$$``/``$``.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Iterator, Optional, Sequence

NOTE_SUFFIXES = (".md", ".markdown", ".tex", ".txt")
_TEX_SUFFIXES = {".tex", ".latex", ".ltx"}
_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".qmd", ".rmd"}
LINE_BREAK = re.compile(r"\r\n|\r|\n")


# ---------------------------------------------------------------- files


def read_notes(path: Path) -> str:
    """A notes file as text (UTF-8, BOM dropped, undecodable bytes replaced); line breaks kept."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        return handle.read()


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


class Positions:
    """Offset -> 1-based (line, column) in the original text."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]
        self.bom = text.startswith("\ufeff")

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        col = offset - self.starts[index] + 1
        if self.bom and index == 0 and offset > 0:
            col -= 1
        return index + 1, col


# ---------------------------------------------------------------- the working buffer


class Buffer:
    """The text as a mutable list of characters; masked or dropped parts become spaces."""

    def __init__(self, text: str, markdown: bool = False):
        self.chars = list(text)
        self.blanked = bytearray(len(text))
        self.markdown = markdown  # Markdown (kramdown) writes inline math \\( ... \\)

    def blank(self, start: int, end: int) -> None:
        chars, blanked = self.chars, self.blanked
        for k in range(max(start, 0), min(end, len(chars))):
            if chars[k] not in "\r\n":
                chars[k] = " "
                blanked[k] = 1

    def write(self, start: int, replacement: str) -> None:
        """`replacement` over the characters from `start` (a delimiter rewritten in place)."""
        self.chars[start:start + len(replacement)] = list(replacement)

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
        return LINE_BREAK.sub("\n", "".join(out)).strip()


# ---------------------------------------------------------------- masking what is not math


def _mode(text: str, path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in _TEX_SUFFIXES:
        return "tex"
    if suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    return "tex" if re.search(r"\\documentclass|\\begin\s*\{document\}", text) else "markdown"


def text_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end without the line break, content) for each line."""
    start = 0
    for match in LINE_BREAK.finditer(text):
        yield start, match.start(), text[start:match.start()]
        start = match.end()
    yield start, len(text), text[start:]


def _mask_markdown(buf: Buffer) -> None:
    text = buf.text()
    # front matter (YAML --- or TOML +++) at the very top
    first = re.match(r"\ufeff?(---|\+\+\+)[ \t]*(?:\r\n|\r|\n)", text)
    if first:
        closers = ("---", "...") if first.group(1) == "---" else ("+++",)
        for start, end, line in text_lines(text):
            if start >= first.end() and line.rstrip() in closers:
                buf.blank(0, end)
                break
    _mask_quote_markers(buf)
    _mask_fences(buf)
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
                _mask_code_span(buf, text, start, end, other_start, other_end)
                index = later
                break
        index += 1


_QUOTE_MARKERS = re.compile(r"(?:[ ]{0,3}>[ \t]?)+")


def _mask_quote_markers(buf: Buffer) -> None:
    """Blank the `>` that open the lines of a block quote: inside a display that runs over
    quoted lines (`> $$a` / `> = b$$`) they are not a relation."""
    for start, _end, line in text_lines(buf.text()):
        marker = _QUOTE_MARKERS.match(line)
        if marker and marker.end():
            buf.blank(start, start + marker.end())


def _mask_fences(buf: Buffer) -> None:
    """Blank fenced code blocks; a closed `math` fence is a display, its fences made `$$`."""
    text = buf.text()
    fence: Optional[tuple[str, int, int, bool]] = None  # (char, length, start offset, math)
    for start, end, line in text_lines(text):
        if fence is None:
            opening = re.match(r"[ \t]*(`{3,}|~{3,})(.*)$", line)
            if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
                math = opening.group(2).strip() == "math"
                fence = (opening.group(1)[0], len(opening.group(1)), start + opening.start(1), math)
        else:
            char, length, opened, math = fence
            closing = re.match(r"[ \t]*(" + re.escape(char) + "{" + str(length) + ",})[ \t]*$", line)
            if closing and math:
                buf.blank(opened, text_line_end(text, opened))
                buf.blank(start, end)
                buf.write(opened, "$$")
                buf.write(start + closing.start(1), "$$")
                fence = None
            elif closing:
                buf.blank(opened, end)
                fence = None
    if fence is not None:
        buf.blank(fence[2], len(text))


def text_line_end(text: str, offset: int) -> int:
    """The offset of the line break ending the line at `offset` (or the end of the text)."""
    found = LINE_BREAK.search(text, offset)
    return found.start() if found else len(text)


def _mask_code_span(buf: Buffer, text: str, start: int, end: int, other_start: int, other_end: int) -> None:
    """Blank inline code; GitHub's and GitLab's inline math, $`...`$, is math: its dollars
    are moved onto the backticks next to the content."""
    if not (start > 0 and text[start - 1] == "$" and text[other_end:other_end + 1] == "$"):
        buf.blank(start, other_end)
        return
    buf.blank(start - 1, end)
    buf.blank(other_start, other_end + 1)
    buf.write(end - 1, "$")
    buf.write(other_start, "$")


def _mask_tex(buf: Buffer) -> None:
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
    for match in re.finditer(r"\\iffalse(?![A-Za-z]).*?\\fi(?![A-Za-z])", text, re.S):  # commented out
        buf.blank(match.start(), match.end())
    text = buf.text()
    for match in re.finditer(r"\\verb\*?([^A-Za-z\s*]).*?\1", text):
        buf.blank(match.start(), match.end())
    text = buf.text()
    for start, end, line in text_lines(text):
        for match in re.finditer(r"%", line):
            backslashes = len(line[: match.start()]) - len(line[: match.start()].rstrip("\\"))
            if backslashes % 2 == 0:
                buf.blank(start + match.start(), end)
                break



def masked(text: str, path: str) -> "Buffer":
    buf = Buffer(text, markdown=_mode(text, path) == "markdown")
    if not buf.markdown:
        _mask_tex(buf)
    else:
        _mask_markdown(buf)
    return buf
