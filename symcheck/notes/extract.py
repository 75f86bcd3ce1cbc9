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
      ``\\rightarrow``/``\\to`` separate statements only between two equations, and make the
      first the premise of the second, as ``\\Rightarrow`` does (also at the start of a row);
    - inequalities and other relations (``\\le``, ``\\neq``, ``\\approx``, ``\\in``, ``<``,
      ``≤`` ...) end a chain; each is a `MathRelation` between the members beside it
      (`extract_claims`), and the chain after it goes on; ``:=``, ``\\coloneqq``, ``\\equiv``, ``\\triangleq``, ``\\stackrel{def}{=}``
      mark the chain as a definition;
    - ``\\forall ...``, ``\\text{if ...}``, ``\\text{for ...}``, ``\\text{when ...}`` ... end
      the row: the rest is the chain's `qualifier`, up to a consequence (``\\text{so}``,
      ``\\text{hence}``, ``\\Rightarrow`` ...), after which the row goes on with a claim;
      ``\\text{since}``/``\\text{because}`` give a reason, a claim: they separate as
      ``\\because`` does, also in a bracket (``\\quad (\\because a = b)``); the next row
      goes on from the statement that holds the row's alignment point (or, with none, the
      last that is not a reason), never from the reason;
    - a lone member that lays out equations in an ``array`` or a matrix is kept (to be
      reported unread), as is one whose braces do not balance;
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

import re
from pathlib import Path

from symcheck.notes.chains import Assembler, MathChain, MathFragment, MathRelation
from symcheck.notes.regions import MATH_ENVIRONMENTS, Region, find_regions, unclosed_openers
from symcheck.notes.rows import TEXT_COMMANDS, Lexer, text_kind
from symcheck.read.texscan import matching_brace
from symcheck.notes.source import NOTE_SUFFIXES, Buffer, Positions, masked, note_files, read_notes

__all__ = [
    "MathFragment",
    "MathChain",
    "MathRelation",
    "extract_math",
    "extract_claims",
    "extract_file",
    "read_notes",
    "note_files",
    "math_lines",
    "unclosed_math",
    "spaced_math",
    "defined_commands",
    "NOTE_SUFFIXES",
    "MATH_ENVIRONMENTS",
]


def extract_file(path: Path) -> list[MathChain]:
    return extract_math(read_notes(path), str(path))


def math_lines(text: str, path: str) -> set[int]:
    """Every 1-based line that holds math of any kind (inline or display, equation or not)."""
    positions = Positions(text)
    lines: set[int] = set()
    buf = masked(text, path)
    for region in find_regions(buf.text(), buf.markdown):
        if region.content_start < region.content_end:
            first, last = positions.at(region.content_start)[0], positions.at(region.content_end - 1)[0]
            lines.update(range(first, last + 1))
    return lines


def unclosed_math(text: str, path: str) -> list[tuple[int, int, str]]:
    """(line, column, opener) of every math opener that nothing closes, outside comments and code."""
    positions = Positions(text)
    buf = masked(text, path)
    return [(*positions.at(found.start), found.opener) for found in unclosed_openers(buf.text(), buf.markdown)]


_INCLUDED = re.compile(r"\\(?:input|include|subfile)\s*\{[^{}\n]*\}")


def included_files(text: str, path: str) -> list[tuple[int, int, str]]:
    """(line, column, command) of every `\\input{...}`, `\\include{...}` of a LaTeX note, outside
    comments: the math of that file is not read with this one."""
    buf = masked(text, path)
    if buf.markdown:
        return []
    positions = Positions(text)
    return [(*positions.at(match.start()), match.group(0)) for match in _INCLUDED.finditer(buf.text())]


# `$ a = b $` on one line: not math by Pandoc's rules (a space inside a dollar), an equation for MathJax
_INLINE_PAIR = re.compile(r"(?<![\\$])\$(?!\$)([^$\n]*=[^$\n]*)(?<!\\)\$(?![\$\d])")
_PROSE_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{3,}")  # `$ 10 = ten dollars; $`: prose between prices


def spaced_math(text: str, path: str) -> list[tuple[int, int, str]]:
    """(line, column, text) of every `$ ... $` holding an `=` that the rules for math do not
    read (a space after the opening or before the closing `$`), outside code, comments and
    the math that is read: renderers such as MathJax show it as an equation."""
    buf = masked(text, path)
    if not buf.markdown:
        return []
    visible, positions = buf.text(), Positions(text)
    regions = find_regions(visible, buf.markdown)
    return [(*positions.at(match.start()), match.group(0)) for match in _INLINE_PAIR.finditer(visible)
            if match.group(1) != match.group(1).strip() and not _PROSE_WORD.search(match.group(1))
            and not any(region.start <= match.start() < region.end for region in regions)]


_COMMAND_DEFINITION = re.compile(
    r"\\(?:(?:re|provide)?newcommand|DeclareMathOperator|DeclareRobustCommand)\*?\s*\{?\s*\\([A-Za-z]+)"
    r"|\\(?:[gex]?def|let)\s*\\([A-Za-z]+)"
)


def defined_commands(text: str) -> dict[str, int]:
    """Commands the note defines or redefines itself (`\\renewcommand{\\exp}{\\log}`,
    `\\def\\two{3}`, `\\let\\sin\\cos`), anywhere in the text (a preamble too), with the line
    of their first definition: math using them does not mean what the reader knows."""
    positions = Positions(text)
    found: dict[str, int] = {}
    for match in _COMMAND_DEFINITION.finditer(text):
        found.setdefault(match.group(1) or match.group(2), positions.at(match.start())[0])
    return found


def extract_math(text: str, path: str) -> list[MathChain]:
    """Every chain of two or more equal members in `text`, in document order.

    `path` names the file (its suffix chooses Markdown or LaTeX rules) and is copied into
    each chain. Inline math gives chains too (`display=False`); callers may skip them.
    """
    return extract_claims(text, path)[0]


def extract_claims(text: str, path: str) -> tuple[list[MathChain], list[MathRelation]]:
    """The chains of `extract_math` and the relations other than `=`, each in document order."""
    buf = masked(text, path)
    visible = buf.text()
    regions = find_regions(visible, buf.markdown)
    chains, relations = _assembled(buf, visible, regions, path, text)
    inner = [found for region in regions for found in _math_in_text(visible, region)]
    if inner:  # read apart, with a buffer of their own: the display around them drops their text
        more_chains, more_relations = _assembled(masked(text, path), visible, inner, path, text)
        chains += more_chains
        relations += more_relations
    return (sorted(chains, key=lambda chain: (chain.members[0].line, chain.members[0].col)),
            sorted(relations, key=lambda relation: (relation.line, relation.col)))


def _assembled(buf: Buffer, visible: str, regions: list[Region], path: str,
               text: str) -> tuple[list[MathChain], list[MathRelation]]:
    assembler = Assembler(visible, buf)
    for region in regions:
        lexer = Lexer(visible, region, use_parens=True)
        rows = lexer.rows()
        if any(row.unbalanced for row in rows):
            fallback = Lexer(visible, region, use_parens=False).rows()
            if len(fallback) == len(rows):
                rows = [plain if row.unbalanced else row for row, plain in zip(rows, fallback)]
        for start, end in lexer.blanks:
            buf.blank(start, end)
        assembler.region(region, rows)
    positions = Positions(text)
    return assembler.results(path, positions), assembler.relation_results(path, positions)


_TEXT_GROUP = re.compile(r"\\(" + "|".join(sorted(TEXT_COMMANDS | {"intertext", "shortintertext"})) + r")\s*\{")
_INNER_DOLLARS = re.compile(r"(?<![\\$])\$(?!\$)([^$]+?)(?<![\\$])\$")


def _math_in_text(text: str, region: Region) -> list[Region]:
    """Inline math in the text of a display (`\\text{we have $a = b$}`, `\\intertext{so $c = d$}`):
    its own regions, read as math is. Not in a qualifier holding one piece of math
    (`\\text{if $i = j$}`), which states a condition; after "let" (`\\text{let $u = 2$, so $u^2 = 5$}`)
    or in a qualifier holding more math, it is read, never dropped."""
    found = []
    for match in _TEXT_GROUP.finditer(text, region.content_start, region.content_end):
        end = matching_brace(text, match.end() - 1, region.content_end)
        content = text[match.end():end - 1] if end > 0 else ""
        inner = list(_INNER_DOLLARS.finditer(content))
        if match.group(1) in TEXT_COMMANDS and text_kind(content) == "cut" and len(inner) <= 1:
            continue
        found += [Region(match.end() + m.start(), match.end() + m.end(), match.end() + m.start(1),
                         match.end() + m.end(1), False) for m in inner]
    return found
